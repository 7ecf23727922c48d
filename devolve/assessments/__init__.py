"""Regular assessment of grants and dynamic adjustment: rounds over an edition, metrics from
accepted reports, rubric scores, recommendations, zero-use flags, and the office's decisions that
draft the next edition.

Knows reporting, grants, lists and regions; knows nothing of performance assessment.
"""
