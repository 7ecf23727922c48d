"""Performance assessment of reform targets (目标绩效考核): versioned schemes (indicator tree,
weights, scoring rules, tiers), yearly assessments of prefectures, departments or pilot areas
computed from reform data and manual items, scores that store their inputs, appeals and
publication. Reads reporting, assessments and indicators through their selectors; nothing below
this app may depend on it."""
