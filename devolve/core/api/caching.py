"""Reads that HTTP caches and clients can keep: every successful GET carries an ETag (a hash of
the body) and, where the view knows when its data last changed, Last-Modified; a conditional
request that still matches is answered 304 without the body, with the headers the full answer
carries (``not_modified``, also used by ``core.api.stored_pages`` for pages answered before
DRF's dispatch)."""

import datetime
import hashlib
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from rest_framework.request import Request
from rest_framework.response import Response

# A 304 carries the full answer's headers but those describing its body.
_BODY_HEADERS = {"content-type", "content-length"}


def not_modified(request: HttpRequest | Request, answer: HttpResponseBase) -> HttpResponse | None:
    """The 304 for a conditional ``request`` whose If-None-Match or If-Modified-Since still
    match the full ``answer``'s ETag and Last-Modified; None when they do not, or when the
    request carries a precondition of a write (If-Match, If-Unmodified-Since)."""
    meta = request.META
    if not (meta.get("HTTP_IF_NONE_MATCH") or meta.get("HTTP_IF_MODIFIED_SINCE")):
        return None  # nothing to match: most requests, answered without parsing the headers
    if "ETag" not in answer or meta.get("HTTP_IF_MATCH") or meta.get("HTTP_IF_UNMODIFIED_SINCE"):
        return None
    conditional = get_conditional_response(
        request,  # a DRF request reads its Django request's META
        etag=answer["ETag"],
        last_modified=parse_http_date_safe(answer.get("Last-Modified", "")),
    )
    return None if conditional is None else _without_body(answer)


def _without_body(answer: HttpResponseBase) -> HttpResponse:
    """A 304 with the headers of the full ``answer``, but those of its body."""
    response = HttpResponse(status=304)
    del response["Content-Type"]
    for name, value in answer.headers.items():
        if name.lower() not in _BODY_HEADERS:
            response[name] = value
    return response


class CacheableReadMixin:
    """For DRF views: put it first among the bases. Anonymous reads may be cached by shared
    caches for a minute; signed-in ones only privately."""

    def data_last_changed(self) -> datetime.datetime | None:
        """When the data this view reads last changed; None when unknown."""
        return None

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:  # or the 304, a plain HttpResponse
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if request.method not in {"GET", "HEAD"} or response.status_code != 200:
            return response
        response.render()
        etag = _etag(response)
        changed = self.data_last_changed()
        conditional = get_conditional_response(
            request,  # a DRF request reads its Django request's META
            etag=etag,
            last_modified=int(changed.timestamp()) if changed is not None else None,
        )
        if conditional is not None and conditional.status_code != 304:
            return response  # a write's precondition on a read: answered in full, as before
        response["ETag"] = etag
        if changed is not None:
            response["Last-Modified"] = http_date(changed.timestamp())
        signed_in = bool(getattr(request.user, "is_authenticated", False))
        response["Cache-Control"] = "private, max-age=0" if signed_in else "public, max-age=60"
        patch_vary_headers(response, ["Accept-Language", "Cookie", "Authorization"])
        return response if conditional is None else _without_body(response)  # type: ignore[return-value]


def _etag(response: HttpResponseBase) -> str:
    return quote_etag(hashlib.sha256(response.content).hexdigest()[:32])  # type: ignore[attr-defined]
