"""Speed benchmarks, run with `make bench`. Each prints a ratio against a baseline measured in
the same run, so the numbers compare across machines."""
