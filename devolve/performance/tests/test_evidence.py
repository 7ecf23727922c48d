"""Appeal evidence goes through the guarded reader: only PDFs, images and Office documents within
the evidence limit are stored; a hostile file is refused and nothing is written or stored."""

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from devolve.accounts.models import User
from devolve.core.testing.database import assert_refused
from devolve.core.testing.hostile_files import HOSTILE_EVIDENCE, HostileFile
from devolve.performance import services
from devolve.performance.models import Appeal, IndicatorItem, Score
from devolve.performance.tests import assessed

IN_WINDOW = datetime.date(2025, 3, 5)

# The computed assessment and the personas it names, in place of the per-test ones.
assessment, chengdu_score, scheme, edition, office_user, pilot_area_user, justice = (
    assessed.FIXTURES
)


def _item(score: Score) -> IndicatorItem:
    return IndicatorItem.objects.get(group__scheme=score.scheme, code="quality")


@pytest.mark.parametrize("hostile", HOSTILE_EVIDENCE, ids=lambda hostile: hostile.name)
def test_hostile_evidence_is_refused_and_nothing_is_stored(
    hostile: HostileFile, chengdu_score: Score, prefecture_user: User, settings: Any
) -> None:
    refused = assert_refused(
        hostile.code,
        lambda: services.file_appeal(
            score=chengdu_score,
            item=_item(chengdu_score),
            grounds="See the evidence.",
            filed_by=prefecture_user,
            on=IN_WINDOW,
            evidence_file=SimpleUploadedFile(hostile.filename, hostile.build()),
        ),
        Appeal,
    )

    assert refused.field == "evidence_file"
    assert [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()] == []


def test_a_large_html_page_named_pdf_is_refused(
    chengdu_score: Score, prefecture_user: User
) -> None:
    """The audit's case: a 50 MB .html was accepted as evidence."""
    page = b"<html>" + b" " * (50 * 1024 * 1024) + b"</html>"

    assert_refused(
        "too_large",
        lambda: services.file_appeal(
            score=chengdu_score,
            item=_item(chengdu_score),
            grounds="See the evidence.",
            filed_by=prefecture_user,
            on=IN_WINDOW,
            evidence_file=SimpleUploadedFile("evidence.html", page),
        ),
        Appeal,
    )
