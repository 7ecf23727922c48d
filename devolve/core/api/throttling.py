"""The API's request rates: anonymous callers per client address (``anon``), signed-in users per
account (``user``), each counted once.

DRF's ``UserRateThrottle`` also counts an anonymous caller, by address, against the user rate:
a second count of what ``AnonRateThrottle`` counts (a cache read and write per anonymous
request) that never refuses anything the anonymous rate would not, as long as that rate is the
lower. ``SignedInRateThrottle`` counts signed-in users only.
"""

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import UserRateThrottle


class SignedInRateThrottle(UserRateThrottle):
    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None  # AnonRateThrottle counts the address
        return super().get_cache_key(request, view)
