"""The project's URLs plus ``/bench/bare/``: a plain Django view returning the bytes of the
grants API's first page, read from the file ``DEVOLVE_BENCH_BODY`` names, through the same
middleware (the baseline of ``benchmarks/throughput.py``)."""

import os
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

BODY = Path(os.environ["DEVOLVE_BENCH_BODY"]).read_bytes()


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BODY, content_type="application/json")


urlpatterns = [path("bench/bare/", bare), *project_urlpatterns]
