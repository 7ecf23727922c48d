"""Scoring, weighting and exact selection maths: pure functions over numpy arrays (no Django).

weights (entropy, AHP, expert, combined), scoring (TOPSIS, weighted sum, VIKOR, breakdown),
choose (exact choice under constraints; programme = the MILP, conflicts = why it is infeasible),
sensitivity (Monte Carlo on the weights). Conventions: docs/decisions/0016-selection-maths.md.
"""
