"""Periodic reporting: cycles per edition, area usage reports, support-matter progress and
department reports, and their approval by level (area → prefecture → office).

Only accepted data leaves this app through its selectors. Knows grants, lists and regions; knows
nothing of assessments or performance.
"""
