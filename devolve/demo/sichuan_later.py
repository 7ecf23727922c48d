"""The demo's editions after 2024: batch 1 from 2025 on, and batch 2 (nine areas from 2 December
2024, brief §1.1) from its first list in 2025, one edition a year up to the seed's ``as_of``.

Everything here is ILLUSTRATIVE: no source names the 2025 or later lists, their sizes, dates or
document numbers, nor anything of batch 2's lists (brief §1.5). Each later edition is drafted
from the regular assessment of the one before (every entry kept, except that a power recalled
during the year is not granted again: its entry is narrowed to the other areas), so the chain of
editions and the assessments behind them reads as the programme's cycle does. Batch 2's first
list gives its nine areas the powers the first batch already exercised and a share of its
support matters.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from devolve.demo import sichuan
from devolve.demo.sichuan_assessments import RoundFact
from devolve.demo.sichuan_lists import (
    EIA_APPROVAL,
    ENERGY_REVIEW,
    INVESTMENT_FILING,
    SCI_TECH_SMES,
    AgreementFact,
    EditionFact,
    HandoverFact,
)

D = datetime.date

FIRST_LATER_YEAR = 2025
BATCH_TWO = 2
BATCH_TWO_AREAS = tuple(zone.slug for zone in sichuan.ZONES if zone.batch == BATCH_TWO)
ORDINAL_ZH = {1: "一", 2: "二"}
ORDINAL_EN = {1: "first", 2: "second"}
SOURCE = (
    "Illustrative: the demo's edition of {year} for batch {batch}. The sources give no list after "
    "2024 nor any list of the second batch (brief §1.5): its matters, modes, dates, meeting and "
    "document number are invented."
)
# Batch 1 publishes in early March, as in 2024; batch 2 a fortnight later (illustrative).
PUBLICATION = {1: (3, 6), 2: (3, 20)}


def edition(batch: int, year: int) -> EditionFact:
    month, day = PUBLICATION[batch]
    published_on = D(year, month, day)
    return EditionFact(
        year=year,
        title_zh=f"{year}年度第{ORDINAL_ZH[batch]}批集成授权改革试点区域省级授权支持事项清单",
        title_en=f"{year} list of provincial authorized and support matters, "
        f"{ORDINAL_EN[batch]} batch of pilot areas",
        approved_on=published_on - datetime.timedelta(days=9),
        document_number=f"川改办〔{year}〕{2 + 2 * batch}号",
        approving_meeting_zh="省委全面深化改革委员会会议",
        approving_meeting_en="Meeting of the Provincial Commission for Deepening Overall Reform",
        published_on=published_on,
        is_illustrative=True,
        source=SOURCE.format(year=year, batch=batch),
        batch=batch,
    )


def editions(batch: int, *, as_of: datetime.date) -> list[EditionFact]:
    """The batch's editions from 2025 published by ``as_of``."""
    years = range(FIRST_LATER_YEAR, as_of.year + 1)
    return [fact for fact in (edition(batch, year) for year in years) if fact.published_on <= as_of]


def assessment_round(batch: int, year: int, *, published_on: datetime.date) -> RoundFact:
    """The regular assessment of the ``year`` edition (published on ``published_on``), whose
    decisions draft the next one."""
    return RoundFact(
        title_zh=f"{year}年度第{ORDINAL_ZH[batch]}批省级授权支持事项定期评估（示意）",
        title_en=f"Regular assessment of the {year} provincial matters, "
        f"{ORDINAL_EN[batch]} batch (illustrative)",
        period_starts_on=published_on,
        period_ends_on=D(year, 12, 31),
        opened_on=D(year + 1, 1, 20 + batch),
        decided_on=D(year + 1, 2, 3 + batch),
        drafted_on=D(year + 1, 2, 5 + batch),
        zero_use_periods=2,
        evaluating_body="第三方评估机构（示意）",
    )


WEEKS_3 = datetime.timedelta(weeks=3)

WORKBOOKS = Path(__file__).resolve().parent / "workbooks"


def workbook(fact: EditionFact) -> Path:
    """The workbook a batch's first list is imported from, in the official layout
    (``matters.list_workbook``), as the office would receive it: ``workbooks/<year>-batch-<n>.csv``.
    Batch 2's (2025) gives its nine areas the four powers batch 1 exercised (energy review and
    investment filing delegated; EIA approval and the sci-tech SME confirmation entrusted), the
    fiscal and tax support matter and 39 of the generated support matters."""
    return WORKBOOKS / f"{fact.year}-batch-{fact.batch}.csv"


def _batch_two_events() -> tuple[list[AgreementFact], list[HandoverFact]]:
    """Agreements for the entrusted matters in most areas (two still wait for theirs), and
    handovers of the delegated ones, a few late (illustrative)."""
    agreements: list[AgreementFact] = []
    handovers: list[HandoverFact] = []
    for index, zone in enumerate(BATCH_TWO_AREAS, start=1):
        if index <= 7:
            agreements.append(
                AgreementFact(
                    2025,
                    EIA_APPROVAL,
                    zone,
                    f"川环委〔2025〕{20 + index}号",
                    signed_on=D(2025, 4, 20 + index),
                    starts_on=D(2025, 5, 6),
                    ends_on=D(2028, 5, 5),
                )
            )
        if index % 3 != 0:
            agreements.append(
                AgreementFact(
                    2025,
                    SCI_TECH_SMES,
                    zone,
                    f"川科委〔2025〕{10 + index}号",
                    signed_on=D(2025, 5, 8),
                    starts_on=D(2025, 5, 12),
                    ends_on=D(2028, 5, 11),
                )
            )
        handed_over_on = D(2025, 6, 25) if index in {4, 8} else D(2025, 5, 9 + index)
        handovers.extend(
            HandoverFact(2025, matter, zone, handed_over_on)
            for matter in (ENERGY_REVIEW, INVESTMENT_FILING)
        )
    # Entrusted matters are handed over within weeks of the term's start; one area's EIA
    # handover is still outstanding (overdue).
    handovers.extend(
        HandoverFact(2025, agreement.matter, agreement.zone, agreement.starts_on + WEEKS_3)
        for agreement in agreements
        if (agreement.matter, agreement.zone) != (EIA_APPROVAL, BATCH_TWO_AREAS[2])
    )
    return agreements, handovers


BATCH_TWO_AGREEMENTS, BATCH_TWO_HANDOVERS = _batch_two_events()

# The agreement whose renewal reminder is live on the seed's day: the third area of batch 2 signs
# its sci-tech SME agreement for a one-year trial term (illustrative) that ends twelve days after
# ``as_of``, inside the 15-day warning window and before the office re-signs (``RENEWAL_LEAD``
# in ``seed``, ten days ahead), so the reminder waits in the office's inbox whatever the day.
PENDING_RENEWAL_ZONE = BATCH_TWO_AREAS[2]
PENDING_RENEWAL_ENDS_AFTER = datetime.timedelta(days=12)
TRIAL_TERM = datetime.timedelta(days=365)
# The first day batch 2's sci-tech agreements were signed (above).
FIRST_SIGNING = D(2025, 5, 8)


def pending_renewal(as_of: datetime.date) -> tuple[list[AgreementFact], list[HandoverFact]]:
    """The trial agreement whose renewal is due on ``as_of`` (none before batch 2 signed its
    first agreements), with its handover three weeks into the term."""
    ends_on = as_of + PENDING_RENEWAL_ENDS_AFTER
    starts_on = max(ends_on - TRIAL_TERM, FIRST_SIGNING + datetime.timedelta(days=4))
    signed_on = starts_on - datetime.timedelta(days=4)
    if signed_on > as_of:
        return [], []
    agreement = AgreementFact(
        2025,
        SCI_TECH_SMES,
        PENDING_RENEWAL_ZONE,
        f"川科委〔{signed_on.year}〕30号",
        signed_on=signed_on,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    handover = HandoverFact(2025, SCI_TECH_SMES, PENDING_RENEWAL_ZONE, starts_on + WEEKS_3)
    return [agreement], [handover]


@dataclass(frozen=True)
class RoundChange:
    """A change the office decides in a later regular assessment, beyond the recalls: a support
    entry withdrawn or adjusted (new notes), with the reason its staff wrote."""

    decision: str  # withdraw or adjust
    reason: str
    notes: str | None = None


def round_changes(year: int, support_matters: Sequence[str]) -> dict[str, RoundChange]:
    """The assessment of the ``year`` edition decides on two of its support matters (named in
    Chinese, in the edition's order; illustrative): the last is withdrawn as completed, the first
    is adjusted to report its progress quarterly from the next year. Nothing when the edition has
    fewer than two."""
    if len(support_matters) < 2:
        return {}
    return {
        support_matters[-1]: RoundChange(
            "withdraw", f"经{year}年度定期评估，该支持事项已完成，下一年度不再列入清单（示意）"
        ),
        support_matters[0]: RoundChange(
            "adjust",
            f"经{year}年度定期评估，支持事项进展偏慢，调整为按季度报送进展（示意）",
            notes=f"自{year + 1}年起按季度报送支持进展（示意）",
        ),
    }
