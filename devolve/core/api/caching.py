"""Reads that HTTP caches and clients can keep: every successful GET carries an ETag (a hash of
the body) and, where the view knows when its data last changed, Last-Modified; a conditional
request that still matches is answered 304 without the body."""

import datetime
import hashlib
from typing import Any

from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag
from rest_framework.request import Request
from rest_framework.response import Response


class CacheableReadMixin:
    """For DRF views: put it first among the bases. Anonymous reads may be cached by shared
    caches for a minute; signed-in ones only privately."""

    def data_last_changed(self) -> datetime.datetime | None:
        """When the data this view reads last changed; None when unknown."""
        return None

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if request.method not in {"GET", "HEAD"} or response.status_code != 200:
            return response
        response.render()
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        changed = self.data_last_changed()
        headers = {"ETag": etag}
        if changed is not None:
            headers["Last-Modified"] = http_date(changed.timestamp())
        signed_in = bool(getattr(request.user, "is_authenticated", False))
        headers["Cache-Control"] = "private, max-age=0" if signed_in else "public, max-age=60"
        conditional = get_conditional_response(
            request,
            etag=etag,
            last_modified=int(changed.timestamp()) if changed is not None else None,
        )
        if conditional is not None:
            if conditional.status_code != 304:
                return response
            not_modified = super().finalize_response(request, Response(status=304), *args, **kwargs)  # type: ignore[misc]
            response = not_modified
        for name, value in headers.items():
            response[name] = value
        patch_vary_headers(response, ["Accept-Language", "Cookie", "Authorization"])
        return response
