"""Official documents and briefings: the published list and the performance results as 公文
(GB/T 9704-2012) and the annual briefing report, as PDF and DOCX, built from stored data only.
Owns the record of each generated document (its inputs' as-of time, progress, the file). Reads
every other app through its selectors and writes none of them; only the interface apps sit above
it."""
