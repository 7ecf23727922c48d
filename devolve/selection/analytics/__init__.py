"""Scoring, weighting and exact selection maths: pure functions over numpy arrays (no Django)."""
