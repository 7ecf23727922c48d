from collections.abc import Callable

from django.http import HttpResponseBase
from django.urls import URLPattern, path, register_converter

from devolve.core.validators import with_public_validators
from devolve.portal import documents, economy, holdings, open_data, performance, search, views


class CorrectionEditionConverter:
    """Edition numbers from 2 up: edition 1 has no ``e1/`` segment, so each edition has one URL."""

    regex = "[2-9]|[1-9][0-9]+"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(CorrectionEditionConverter, "correction")


def edition_paths(
    suffix: str, view: Callable[..., HttpResponseBase], name: str
) -> list[URLPattern]:
    """``lists/2024/batch-1/<suffix>`` for edition 1 and ``lists/2024/batch-1/e2/<suffix>`` for a
    correction, under one name: reverse it with ``year``, ``batch`` and ``edition``."""
    return [
        path(f"lists/<int:year>/batch-<int:batch>/{suffix}", view, {"edition": 1}, name=name),
        path(f"lists/<int:year>/batch-<int:batch>/e<correction:edition>/{suffix}", view, name=name),
    ]


app_name = "portal"
# Every public page and download answers anonymous reads with validators (ADR 0076).
urlpatterns = with_public_validators(
    [
        path("", views.overview, name="overview"),
        path("pilot-areas/", views.pilot_area_list, name="pilot_area_list"),
        path("batches/<int:number>/", views.batch_detail, name="batch_detail"),
        path("prefectures/<str:code>/", views.prefecture_detail, name="prefecture_detail"),
        path("matters/", views.matter_list, name="matter_list"),
        path("lists/", views.annual_list_list, name="annual_list_list"),
        *edition_paths("", views.annual_list_detail, "annual_list_detail"),
        *edition_paths("diff/", views.annual_list_diff, "annual_list_diff"),
        *edition_paths("diff.xlsx", views.annual_list_diff_xlsx, "annual_list_diff_xlsx"),
        *edition_paths("take-up/", views.annual_list_take_up, "annual_list_take_up"),
        *edition_paths("take-up.csv", views.annual_list_take_up_csv, "annual_list_take_up_csv"),
        *edition_paths("take-up.xlsx", views.annual_list_take_up_xlsx, "annual_list_take_up_xlsx"),
        *edition_paths(
            "notice.<document_format:file_format>",
            documents.annual_list_notice,
            "annual_list_notice",
        ),
        path(
            "performance/<int:year>/notice.<document_format:file_format>",
            documents.performance_notice,
            name="performance_notice",
        ),
        *holdings.urlpatterns,
        *search.urlpatterns,
        *open_data.urlpatterns,
        *economy.urlpatterns,
        *performance.urlpatterns,
    ]
)
