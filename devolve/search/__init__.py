"""Search across matters, pilot areas, editions, departments and documents, for the public portal
and the staff pages alike. Owns no tables: each domain app declares its search indexes and
builds its hits in its selectors; this package ranks them together and dresses the page of hits
for display. Must not know about requests or templates."""
