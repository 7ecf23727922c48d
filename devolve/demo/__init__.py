"""The Sichuan demo: facts from the domain brief, loaded through the domain services.

Owns no tables. Values that sources do not give are marked illustrative where they are stored.
"""
