"""Causal evaluation maths: pure functions over numpy arrays (no Django, no ORM)."""
