"""The API's request rates: anonymous callers per client address (``anon``), signed-in users per
account (``user``), each counted once, in a cache of their own (``throttle``).

DRF's ``UserRateThrottle`` also counts an anonymous caller, by address, against the user rate:
a second count of what ``AnonRateThrottle`` counts (a cache read and write per anonymous
request) that never refuses anything the anonymous rate would not, as long as that rate is the
lower. ``SignedInRateThrottle`` counts signed-in users only.

DRF keeps the counts in the default cache, which also holds derived figures and is capped at a
few hundred entries: a minute with more callers than that pushed counts out, and a caller whose
count was pushed out was let through past its rate. The ``throttle`` cache holds counts only.
"""

from typing import Any, cast

from django.core.cache import BaseCache, caches
from django.utils.connection import ConnectionProxy
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

THROTTLE_CACHE = "throttle"
# Like ``django.core.cache.cache`` for the default cache: each thread its own connection.
counts = cast(BaseCache, ConnectionProxy(caches, THROTTLE_CACHE))


class AnonymousRateThrottle(AnonRateThrottle):
    cache = counts


class SignedInRateThrottle(UserRateThrottle):
    cache = counts

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None  # AnonymousRateThrottle counts the address
        return super().get_cache_key(request, view)
