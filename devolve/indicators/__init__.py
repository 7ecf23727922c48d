"""Economic indicators and the evaluation of the reform's effect.

Owns the indicator catalogue, observations per subject (zone, prefecture, province) and period with
their release (vintage) and source, and saved evaluation runs. The estimators are pure functions in
``analytics/`` that never touch the ORM. Knows regions (subjects, batches); knows nothing of lists,
grants or reporting.
"""
