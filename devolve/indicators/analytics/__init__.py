"""Causal evaluation maths: pure functions over numpy arrays (no Django, no ORM).

panel: a balanced panel from a long table, with errors and notes for bad input; did:
Callaway–Sant'Anna ATT(g,t) (two_by_two: the per-cell estimators; influence: the estimates'
influence functions, grouped by cohort or dense (ADR 0021); aggregation: aggte, bootstrap
bands, pre-trend test; pretrend: the randomisation pre-trend test); imputation:
Borusyak–Jaravel–Spiess and the disagreement diagnostic; synth: synthetic control and placebo
p-values; simulate: panels with a known effect.
See docs/decisions/0015-own-estimators-with-oracles.md.
"""

# Raised whenever the same inputs would give different numbers, so a stored result names the
# engine that computed it. 2: bootstrap draws follow the panel's unit order (ADR 0021). 3: the
# pre-trend warning follows the randomisation test (analytics.pretrend) when it runs.
ENGINE_VERSION = 3
