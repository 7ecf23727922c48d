"""Selection of pilot areas: rounds, candidate indicator data, weights, constraints, results and the
office's decision, which creates a batch through the regions services.

The scoring, weighting and exact selection maths are pure functions in ``analytics/``. Knows
regions; knows nothing of lists, grants or reports.
"""
