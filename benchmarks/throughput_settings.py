"""Settings for ``benchmarks/throughput.py``: the demo's production-like serving (no debug),
with the project's URLs plus one bare view (``benchmarks/throughput_urls.py``)."""

from config.settings.demo import *  # noqa: F403

ROOT_URLCONF = "benchmarks.throughput_urls"
