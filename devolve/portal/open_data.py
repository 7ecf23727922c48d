"""Open data: the data page listing every dataset with its identifier and licence, each dataset
as CSV, JSON and xlsx, the bulk ZIP with its Frictionless ``datapackage.json``, and an Atom feed
of publications and changes.

Downloads are cacheable for five minutes, and revalidated as every public page is
(``core.validators``, wrapped in ``portal.urls``): a conditional request that still matches gets
304 without the file being built. An unknown dataset or an unpublished edition is 404.
"""

import datetime
import io
import json
import zipfile
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from devolve.core.actions import render_text
from devolve.core.i18n import in_current_language
from devolve.grants.models import Grant
from devolve.grants.selectors import list_recalled_public_grants
from devolve.matters.models import AnnualList
from devolve.matters.selectors import list_public_annual_lists
from devolve.performance.models import PerformanceAssessment
from devolve.performance.selectors import list_published_assessments
from devolve.portal import datasets

BULK_NAME = "devolve-open-data"
FEED_LENGTH = 50


def _public(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def data_page(request: HttpRequest) -> HttpResponse:
    context = {
        "datasets": datasets.list_datasets(),
        "formats": datasets.FORMATS,
        "licence": datasets.licence(),
        "bulk_name": BULK_NAME,
        "last_changed": datasets.last_changed(),
    }
    return render(request, "portal/open_data.html", context)


@require_safe
def dataset_download(request: HttpRequest, identifier: str, fmt: str) -> HttpResponse:
    dataset = datasets.get_dataset(identifier)
    if dataset is None or fmt not in datasets.FORMATS:
        raise Http404(_("No dataset with this identifier."))
    content: str | bytes
    if fmt == "csv":
        content = datasets.csv_text(dataset)
    elif fmt == "json":
        content = datasets.json_text(dataset)
    else:
        content = datasets.xlsx_bytes(dataset)
    response = HttpResponse(content, content_type=datasets.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{identifier}.{fmt}"'
    return _public(response)


@require_safe
def bulk_download(request: HttpRequest) -> HttpResponse:
    """Every dataset as CSV, with ``datapackage.json`` describing each field in both languages."""
    every = datasets.list_datasets()
    created = datasets.last_changed() or timezone.now()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        package = datasets.datapackage(every, created=created)
        archive.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=1))
        for dataset in every:
            archive.writestr(f"{dataset.identifier}.csv", datasets.csv_text(dataset))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{BULK_NAME}.zip"'
    return _public(response)


class PublicationFeed(Feed):  # type: ignore[type-arg]
    """Atom feed of what the public side gained or lost: editions published or superseded,
    grants recalled, performance results published; newest first."""

    feed_type = Atom1Feed

    def title(self) -> str:
        return _("Publications and changes")

    def link(self) -> str:
        return reverse("portal:data_page")

    def subtitle(self) -> str:
        return in_current_language(
            zh="年度清单的印发与取代、授权收回、考核结果公布。",
            en="Editions published and superseded, grants recalled, performance results published.",
        )

    def items(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = []
        for edition in list_public_annual_lists():
            entries.append(_edition_item(edition, superseded=False))
            if edition.superseded_on:
                entries.append(_edition_item(edition, superseded=True))
        recalled = list_recalled_public_grants()[:FEED_LENGTH]
        entries.extend(_recall_item(grant) for grant in recalled)
        entries.extend(_performance_item(assessment) for assessment in list_published_assessments())
        entries.sort(key=lambda item: (item["updated"], item["guid"]), reverse=True)
        return entries[:FEED_LENGTH]

    def item_title(self, item: dict[str, Any]) -> str:
        return str(item["title"])

    def item_description(self, item: dict[str, Any]) -> str:
        return str(item["description"])

    def item_link(self, item: dict[str, Any]) -> str:
        return str(item["link"])

    def item_guid(self, item: dict[str, Any]) -> str:
        return str(item["guid"])

    def item_guid_is_permalink(self, item: dict[str, Any]) -> bool:
        return False

    def item_updateddate(self, item: dict[str, Any]) -> datetime.datetime:
        return datetime.datetime.combine(item["updated"], datetime.time(), tzinfo=datetime.UTC)

    def item_pubdate(self, item: dict[str, Any]) -> datetime.datetime:
        return self.item_updateddate(item)


def _edition_item(edition: AnnualList, *, superseded: bool) -> dict[str, Any]:
    day = edition.superseded_on if superseded else edition.published_on
    assert day is not None  # noqa: S101 — public editions have their publication date
    text = _("Superseded: %(edition)s") if superseded else _("Published: %(edition)s")
    return {
        "title": text % {"edition": edition},
        "description": " · ".join(part for part in (edition.key, edition.document_number) if part),
        "link": edition.get_absolute_url(),
        "guid": f"tag:devolve,{day.isoformat()}:edition/{edition.key}/"
        + ("superseded" if superseded else "published"),
        "updated": day,
    }


def _recall_item(grant: Grant) -> dict[str, Any]:
    assert grant.ended_on is not None  # noqa: S101 — a recalled grant has its date
    return {
        "title": _("Recalled: %(matter)s from %(area)s")
        % {"matter": grant.entry.matter, "area": grant.zone},
        "description": render_text(grant.end_reason),
        "link": grant.zone.get_absolute_url(),
        "guid": f"tag:devolve,{grant.ended_on.isoformat()}:recall/{grant.entry.annual_list.key}/"
        f"{grant.entry.matter.key}/{grant.zone.slug}",
        "updated": grant.ended_on,
    }


def _performance_item(assessment: PerformanceAssessment) -> dict[str, Any]:
    published = assessment.published_at or timezone.now()
    return {
        "title": _("Performance results published: %(assessment)s") % {"assessment": assessment},
        "description": "",
        "link": reverse(
            "portal:performance_ranking",
            kwargs={"year": assessment.year, "scheme": assessment.scheme.code},
        ),
        "guid": f"tag:devolve,{published.date().isoformat()}:performance/{assessment.year}/"
        f"{assessment.scheme.code}",
        "updated": published.date(),
    }


urlpatterns: list[URLPattern] = [
    path("data/", data_page, name="data_page"),
    path(f"data/{BULK_NAME}.zip", bulk_download, name="bulk_download"),
    path("data/feed.atom", PublicationFeed(), name="publication_feed"),
    path("data/<slug:identifier>.<slug:fmt>", dataset_download, name="dataset_download"),
]
