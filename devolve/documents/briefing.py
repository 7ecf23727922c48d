"""The briefing report for a year or a period: what the programme is, what was published, taken up,
used and assessed, the performance results and the economy, in the active language.

Every figure comes from the selectors the pages use, formatted by ``core.numbers`` as the pages
format it; ``Briefing.figures`` names each one so a test can set it beside the page's. Sections
read their data as of ``on``: the period's last day, or the as-of day when that is earlier.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count
from django.utils import formats
from django.utils.translation import gettext as _

from devolve.assessments.selectors import get_latest_completed_round, list_entry_decisions
from devolve.core.actions import system_text
from devolve.core.errors import refusal
from devolve.core.i18n import in_current_language
from devolve.core.numbers import number, signed
from devolve.documents.charts import Chart, Series
from devolve.grants.models import Grant
from devolve.grants.selectors import get_handover_timeliness, get_take_up_matrix
from devolve.indicators import selectors as indicators
from devolve.indicators.models import EvaluationRun, Indicator
from devolve.matters.models import AnnualList
from devolve.matters.selectors import (
    count_entries_by_edition,
    get_edition_diff,
    list_annual_lists,
)
from devolve.performance import selectors as performance
from devolve.performance.models import PerformanceAssessment, Tier
from devolve.regions.models import Batch
from devolve.regions.selectors import get_programme_shape, list_batches
from devolve.reporting.selectors import completeness, usage_totals_by_period

Progress = Callable[[int, int, str], None]
PUBLIC = (AnnualList.Status.PUBLISHED, AnnualList.Status.SUPERSEDED)
PERIOD = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Period:
    starts_on: datetime.date
    ends_on: datetime.date

    @property
    def is_year(self) -> bool:
        return self.starts_on == datetime.date(
            self.starts_on.year, 1, 1
        ) and self.ends_on == datetime.date(self.starts_on.year, 12, 31)

    @property
    def key(self) -> str:
        if self.is_year:
            return str(self.starts_on.year)
        return f"{self.starts_on.isoformat()}..{self.ends_on.isoformat()}"

    @property
    def label(self) -> str:
        if self.is_year:
            return _("%(year)s") % {"year": self.starts_on.year}
        return _("%(start)s to %(end)s") % {
            "start": formats.date_format(self.starts_on, "DATE_FORMAT"),
            "end": formats.date_format(self.ends_on, "DATE_FORMAT"),
        }

    @property
    def years(self) -> list[int]:
        return list(range(self.starts_on.year, self.ends_on.year + 1))


def parse_period(key: str) -> Period:
    """``2024`` (the calendar year) or ``2024-01-01..2024-06-30``."""
    text = key.strip()
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    match = PERIOD.match(text)
    try:
        if match is None:
            raise ValueError(text)
        period = Period(
            datetime.date.fromisoformat(match.group(1)),
            datetime.date.fromisoformat(match.group(2)),
        )
    except ValueError:
        raise refusal("document.invalid_period", "invalid_period", key=key) from None
    if period.ends_on < period.starts_on:
        raise refusal("document.period_ends_before_start", "invalid_period")
    return period


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()


@dataclass(frozen=True)
class Briefing:
    title: str
    period: Period
    as_of: datetime.date
    on: datetime.date
    sections: tuple[Section, ...]
    figures: dict[str, str]
    notes: tuple[str, ...] = field(default=())


def _day(day: datetime.date | None) -> str:
    return "—" if day is None else formats.date_format(day, "DATE_FORMAT")


def _share(part: int, whole: int) -> str:
    return "—" if not whole else f"{100 * part / whole:.1f}%"


class _Collector:
    """Gathers the named figures while the sections are written."""

    def __init__(self) -> None:
        self.figures: dict[str, str] = {}
        self.notes: list[str] = []

    def figure(self, key: str, value: object) -> str:
        text = str(value)
        self.figures[key] = text
        return text

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


def _shape_section(on: datetime.date, collect: _Collector) -> Section:
    shape = get_programme_shape(on=on)
    batches = {batch.number: batch for batch in list_batches()}
    paragraph = _(
        "On %(on)s the programme had %(areas)s pilot areas in %(batches)s batches, in "
        "%(covered)s of the province's %(prefectures)s cities and prefectures; %(new)s of the "
        "%(new_total)s new areas are pilot areas."
    ) % {
        "on": _day(on),
        "areas": collect.figure("shape.pilot_areas", shape.pilot_areas),
        "batches": collect.figure("shape.batches", shape.batches),
        "covered": collect.figure("shape.prefectures_covered", shape.prefectures_covered),
        "prefectures": collect.figure("shape.prefectures_total", shape.prefectures_total),
        "new": collect.figure("shape.new_areas_included", shape.new_areas_included),
        "new_total": collect.figure("shape.new_areas_total", shape.new_areas_total),
    }
    if shape.illustrative_records:
        collect.note(system_text("document.note.illustrative_zones"))
    names = {
        code: in_current_language(zh=zh, en=en) for code, (zh, en) in shape.prefecture_names.items()
    }
    per_batch = tuple(
        (str(batches[key]) if key in batches else str(key), str(count))
        for key, count in shape.areas_per_batch.items()
    )
    for batch_number, count in shape.areas_per_batch.items():
        collect.figure(f"shape.batch.{batch_number}", count)
    chart = Chart(
        key="shape",
        title=_("Pilot areas by city or prefecture"),
        kind="bar",
        labels=tuple(names[code] for code in shape.areas_per_prefecture),
        series=(
            Series(
                name=_("Pilot areas"),
                values=tuple(float(count) for count in shape.areas_per_prefecture.values()),
            ),
        ),
    )
    return Section(
        key="shape",
        heading=_("The programme"),
        paragraphs=(paragraph,),
        tables=(Table(_("Pilot areas by batch"), (_("Batch"), _("Pilot areas")), per_batch),),
        charts=(chart,),
    )


def _editions_section(published: list[AnnualList], period: Period, collect: _Collector) -> Section:
    rows = []
    counts_by_edition = count_entries_by_edition(annual_lists=published)
    for edition in published:
        counts = counts_by_edition[edition.pk]
        key = edition.key
        changes = (
            get_edition_diff(old=edition.predecessor, new=edition).counts
            if edition.predecessor
            else None
        )
        rows.append(
            (
                str(edition),
                _day(edition.published_on),
                collect.figure(f"edition.{key}.entries", counts.entries),
                collect.figure(f"edition.{key}.powers", counts.powers),
                collect.figure(f"edition.{key}.support", counts.support),
                collect.figure(f"edition.{key}.added", changes["added"]) if changes else "—",
                collect.figure(f"edition.{key}.modified", changes["modified"]) if changes else "—",
                collect.figure(f"edition.{key}.removed", changes["removed"]) if changes else "—",
            )
        )
        if edition.is_illustrative:
            collect.note(system_text("document.note.illustrative_editions"))
    if not rows:
        return Section(
            key="editions",
            heading=_("Editions of the list and their changes"),
            paragraphs=(_("No edition of the list was published in %(period)s.")
                        % {"period": period.label},),
        )  # fmt: skip
    paragraph = _("%(count)s edition(s) of the list were published in %(period)s.") % {
        "count": len(rows),
        "period": period.label,
    }
    columns = (
        _("Edition"), _("Published"), _("Entries"), _("Powers"), _("Support matters"),
        _("Added"), _("Modified"), _("Removed"),
    )  # fmt: skip
    return Section(
        key="editions",
        heading=_("Editions of the list and their changes"),
        paragraphs=(paragraph,),
        tables=(Table(_("Editions published"), columns, tuple(rows)),),
    )


def _take_up_section(
    in_force: list[AnnualList], period: Period, on: datetime.date, collect: _Collector
) -> Section:
    statuses = list(Grant.Status.choices)
    take_up_rows = []
    handover_rows = []
    paragraphs = []
    for edition in in_force:
        key = edition.key
        counts = get_take_up_matrix(annual_list=edition).status_counts
        total = sum(counts.values())
        take_up_rows.append(
            (
                str(edition),
                collect.figure(f"takeup.{key}.total", total),
                *(collect.figure(f"takeup.{key}.{status}", counts.get(status, 0))
                  for status, _label in statuses),
            )
        )  # fmt: skip
        timeliness = get_handover_timeliness(
            annual_list=edition, starts_on=period.starts_on, ends_on=period.ends_on, on=on
        )
        handover_rows.append(
            (
                str(edition),
                collect.figure(f"handover.{key}.due", timeliness.due),
                collect.figure(f"handover.{key}.on_time", timeliness.on_time),
                collect.figure(f"handover.{key}.late", timeliness.late),
                collect.figure(f"handover.{key}.overdue", timeliness.overdue),
                _share(timeliness.on_time, timeliness.due),
            )
        )
        paragraphs.append(
            _(
                "%(edition)s: %(total)s grants to pilot areas; %(handed)s handed over. Of the "
                "%(due)s handovers due in the period, %(on_time)s were done on time, %(late)s "
                "late, and %(overdue)s are still owed."
            )
            % {
                "edition": str(edition),
                "total": total,
                "handed": counts.get(Grant.Status.HANDED_OVER, 0),
                "due": timeliness.due,
                "on_time": timeliness.on_time,
                "late": timeliness.late,
                "overdue": timeliness.overdue,
            }
        )
    return Section(
        key="take-up",
        heading=_("Take-up and handover"),
        paragraphs=tuple(paragraphs),
        tables=(
            Table(
                _("Grants by status"),
                (_("Edition"), _("Grants"), *(str(label) for _status, label in statuses)),
                tuple(take_up_rows),
            ),
            Table(
                _("Handovers due in the period"),
                (_("Edition"), _("Due"), _("On time"), _("Late"), _("Still owed"), _("On time")),
                tuple(handover_rows),
            ),
        ),
    )


def _usage_section(
    editions: list[AnnualList], period: Period, on: datetime.date, collect: _Collector
) -> Section:
    totals = usage_totals_by_period(annual_lists=editions, starts_on=period.starts_on, ends_on=on)
    received = sum(total.cases_received for total in totals)
    completed = sum(total.cases_completed for total in totals)
    expected = submitted = on_time = 0
    for edition in editions:
        for row in completeness(by="prefecture", annual_list=edition, on=on):
            expected += row.expected
            submitted += row.submitted
            on_time += row.submitted_on_time
    paragraph = _(
        "Accepted reports for the periods starting in %(period)s record %(received)s cases "
        "received and %(completed)s completed under the delegated matters. Pilot areas submitted "
        "%(submitted)s of the %(expected)s reports due by %(on)s (%(share)s), %(on_time)s of "
        "them on time."
    ) % {
        "period": period.label,
        "received": collect.figure("usage.received", received),
        "completed": collect.figure("usage.completed", completed),
        "submitted": collect.figure("reporting.submitted", submitted),
        "expected": collect.figure("reporting.expected", expected),
        "on": _day(on),
        "share": _share(submitted, expected),
        "on_time": collect.figure("reporting.on_time", on_time),
    }
    labels = tuple(f"{_day(total.period_start)}–{_day(total.period_end)}" for total in totals)
    rows = tuple(
        (label, str(total.cases_received), str(total.cases_completed),
         str(total.grants_reported), str(total.grants_used))
        for label, total in zip(labels, totals, strict=True)
    )  # fmt: skip
    charts: tuple[Chart, ...] = ()
    if totals:
        charts = (
            Chart(
                key="usage",
                title=_("Cases under delegated matters, by reporting period"),
                kind="bar",
                labels=labels,
                series=(
                    Series(_("Received"), tuple(float(t.cases_received) for t in totals)),
                    Series(_("Completed"), tuple(float(t.cases_completed) for t in totals)),
                ),
            ),
        )
    columns = (_("Period"), _("Received"), _("Completed"), _("Grants reported"), _("Grants used"))
    return Section(
        key="usage",
        heading=_("Use of the delegated matters"),
        paragraphs=(paragraph,),
        tables=(Table(_("Accepted usage by period"), columns, rows),),
        charts=charts,
    )


def _assessment_section(editions: list[AnnualList], collect: _Collector) -> Section:
    paragraphs = []
    rows = []
    for edition in editions:
        assessment_round = get_latest_completed_round(annual_list=edition)
        if assessment_round is None:
            continue
        decided = dict(
            list_entry_decisions(assessment_round=assessment_round)
            .order_by()
            .values_list("decision")
            .annotate(count=Count("pk"))
        )
        key = edition.key
        row = [str(edition), in_current_language(zh=assessment_round.title_zh,
                                                 en=assessment_round.title_en)]  # fmt: skip
        row.extend(
            collect.figure(f"assessment.{key}.{decision}", decided.get(decision, 0))
            for decision in ("keep", "expand", "adjust", "withdraw")
        )
        rows.append(tuple(row))
        for successor in edition.successors.select_related("batch").order_by("year", "edition"):
            counts = get_edition_diff(old=edition, new=successor).counts
            paragraphs.append(
                _(
                    "The assessment of %(edition)s drafted %(next)s (%(status)s): %(added)s "
                    "matters added, %(modified)s modified and %(removed)s withdrawn."
                )
                % {
                    "edition": str(edition),
                    "next": str(successor),
                    "status": successor.get_status_display(),
                    "added": collect.figure(f"next.{successor.key}.added", counts["added"]),
                    "modified": collect.figure(
                        f"next.{successor.key}.modified", counts["modified"]
                    ),
                    "removed": collect.figure(f"next.{successor.key}.removed", counts["removed"]),
                }
            )
    if not rows:
        paragraphs.insert(0, _("No regular assessment of these editions has been completed."))
    columns = (_("Edition"), _("Assessment"), _("Keep"), _("Expand"), _("Adjust"), _("Withdraw"))
    return Section(
        key="assessment",
        heading=_("Regular assessment and the next edition"),
        paragraphs=tuple(paragraphs),
        tables=(Table(_("Decisions by entry"), columns, tuple(rows)),) if rows else (),
    )


def _performance_section(period: Period, collect: _Collector) -> Section:
    assessments: list[PerformanceAssessment] = list(
        performance.list_published_assessments()
        .filter(year__in=period.years)
        .order_by("year", "scheme__code")
    )
    if not assessments:
        return Section(
            key="performance",
            heading=_("Performance assessment"),
            paragraphs=(_("No performance assessment of %(period)s has been published.")
                        % {"period": period.label},),
        )  # fmt: skip
    paragraphs = []
    tables = []
    charts = []
    for assessment in assessments:
        scores = performance.list_ranking(assessment=assessment)
        code = assessment.scheme.code
        tiers = {tier: sum(score.tier == tier for score in scores) for tier in Tier.values}
        for score in scores:
            collect.figure(f"performance.{assessment.year}.{code}.{score.subject_key}",
                           score.total)  # fmt: skip
        if assessment.is_illustrative:
            collect.note(system_text("document.note.illustrative_performance"))
        paragraphs.append(
            _(
                "%(scheme)s, %(year)s: %(count)s assessed; %(excellent)s excellent, %(good)s "
                "good, %(pass)s pass, %(fail)s fail."
            )
            % {
                "scheme": str(assessment.scheme),
                "year": assessment.year,
                "count": len(scores),
                "excellent": tiers[Tier.EXCELLENT],
                "good": tiers[Tier.GOOD],
                "pass": tiers[Tier.PASS],
                "fail": tiers[Tier.FAIL],
            }
        )
        tables.append(
            Table(
                f"{assessment.year} · {assessment.scheme}",
                (_("Rank"), _("Subject"), _("Score"), _("Tier")),
                tuple(
                    (str(score.rank), str(score.subject), str(score.total),
                     str(score.get_tier_display()))
                    for score in scores
                ),
            )
        )  # fmt: skip
        charts.append(
            Chart(
                key=f"performance-{assessment.year}-{code}",
                title=f"{assessment.year} · {assessment.scheme}",
                kind="bar",
                labels=tuple(str(score.subject) for score in scores),
                series=(Series(_("Score"), tuple(float(score.total) for score in scores)),),
            )
        )
    return Section(
        key="performance",
        heading=_("Performance assessment"),
        paragraphs=tuple(paragraphs),
        tables=tuple(tables),
        charts=tuple(charts),
    )


def _economy_paragraph(
    indicator: Indicator,
    batch: Batch,
    headline: indicators.Headline,
    run: EvaluationRun | None,
    key: str,
    collect: _Collector,
) -> str:
    text = _(
        "In %(year)s, batch %(batch)s's pilot areas grew %(pilot)s%% on average (%(indicator)s), "
        "against %(province)s%% for the province: a gap of %(gap)s points. The gap is not all the "
        "reform's doing: the pilot areas were chosen among zones that already grew faster."
    ) % {
        "year": headline.year,
        "batch": batch.number,
        "indicator": str(indicator),
        "pilot": collect.figure(f"{key}.pilot_mean", number(headline.pilot_mean)),
        "province": collect.figure(f"{key}.province", number(headline.province)),
        "gap": collect.figure(f"{key}.gap", signed(headline.gap)),
    }
    if run is None:
        return text + " " + _("No evaluation has been run for this batch and indicator yet.")
    overall = (run.results.get("summary") or {}).get("overall") or {}
    if not run.headline_allowed or overall.get("att") is None:
        return (
            text
            + " "
            + _("The evaluation could not use all of the data, so no overall effect is given.")
        )
    low, high = overall.get("ci_low"), overall.get("ci_high")
    ci = f"[{number(low, 2)}, {number(high, 2)}]"
    text += " " + _(
        "Comparing each pilot area with itself before it joined and with zones never chosen "
        "(difference in differences), the reform itself is estimated to have added %(att)s "
        "points a year (95%% confidence interval %(ci)s)."
    ) % {
        "att": collect.figure(f"{key}.att", signed(overall["att"], 2)),
        "ci": collect.figure(f"{key}.ci", ci),
    }
    if low is not None and high is not None and low <= 0 <= high:
        text += " " + _("The interval includes zero: no effect cannot be ruled out.")
    return text


def _economy_section(as_of: datetime.date, collect: _Collector) -> Section:
    paragraphs = []
    rows = []
    charts = []
    growth = indicators.list_indicators().filter(kind=Indicator.Kind.GROWTH_RATE)
    for indicator in growth:
        for batch in list_batches():
            run = indicators.get_latest_run(indicator=indicator, batch=batch)
            if run is not None and run.as_of > as_of:
                run = None
            comparison = indicators.get_headline_comparison(
                indicator=indicator, as_of=run.as_of if run is not None else as_of
            )
            headline = comparison.headlines.get(batch.number)
            if headline is None:
                continue
            key = f"economy.{indicator.code}.{batch.number}"
            paragraphs.append(_economy_paragraph(indicator, batch, headline, run, key, collect))
            if headline.row.simulated or (run is not None and run.is_simulated):
                collect.note(system_text("document.note.simulated_economy"))
            overall = ((run.results.get("summary") or {}).get("overall") or {}) if run else {}
            shown = run is not None and run.headline_allowed and overall.get("att") is not None
            rows.append(
                (
                    str(indicator),
                    str(batch.number),
                    number(headline.pilot_mean),
                    number(headline.province),
                    signed(headline.gap),
                    signed(overall.get("att"), 2) if shown else "—",
                    f"[{number(overall.get('ci_low'), 2)}, {number(overall.get('ci_high'), 2)}]"
                    if shown
                    else "—",
                )
            )
            chart = comparison.chart(batch_number=batch.number)
            charts.append(
                Chart(
                    key=f"economy-{indicator.code}-{batch.number}",
                    title=f"{indicator} · {batch}",
                    kind="line",
                    labels=tuple(str(label) for label in chart["labels"]),  # type: ignore[attr-defined]
                    series=tuple(
                        Series(str(line["name"]), tuple(line["values"]), bool(line.get("dashed")))
                        for line in chart["lines"]  # type: ignore[attr-defined]
                    ),
                    unit="%",
                )
            )
    if not rows:
        paragraphs.append(_("No economic figures are recorded for the pilot areas yet."))
    columns = (
        _("Indicator"), _("Batch"), _("Pilot areas (%)"), _("Province (%)"), _("Gap (points)"),
        _("Estimated effect (points)"), _("Confidence interval (95%)"),
    )  # fmt: skip
    return Section(
        key="economy",
        heading=_("The economy: the headline and the honest estimate"),
        paragraphs=tuple(paragraphs),
        tables=(Table(_("Growth of pilot areas and the estimated effect"), columns, tuple(rows)),)
        if rows
        else (),
        charts=tuple(charts),
    )


SECTION_COUNT = 7


def build_briefing(
    *, period: Period, as_of: datetime.date, progress: Progress | None = None
) -> Briefing:
    """The briefing for ``period`` with the data as of ``as_of``.

    Raises ``DomainError("no_data")`` when no edition of the list had been published by the end
    of the period (or by ``as_of``, when earlier).
    """
    on = min(period.ends_on, as_of)
    editions = [
        edition
        for edition in list_annual_lists().filter(status__in=PUBLIC, published_on__lte=on)
        if edition.published_on is not None
    ]
    if not editions:
        if period.is_year:
            raise refusal(
                "document.no_edition_in_year", "no_data", year=period.starts_on.year, on=on
            )
        raise refusal(
            "document.no_edition_in_period",
            "no_data",
            start=period.starts_on,
            end=period.ends_on,
            on=on,
        )
    editions.sort(key=lambda edition: (edition.batch.number, edition.year, edition.edition))
    published = [e for e in editions if e.published_on and e.published_on >= period.starts_on]
    in_force = [e for e in editions if e.superseded_on is None or e.superseded_on > on]
    reported = [
        e for e in editions if e.superseded_on is None or e.superseded_on >= period.starts_on
    ]
    collect = _Collector()
    steps: list[tuple[str, Callable[[], Section]]] = [
        ("shape", lambda: _shape_section(on, collect)),
        ("editions", lambda: _editions_section(published, period, collect)),
        ("take_up", lambda: _take_up_section(in_force, period, on, collect)),
        ("usage", lambda: _usage_section(reported, period, on, collect)),
        ("assessment", lambda: _assessment_section(reported, collect)),
        ("performance", lambda: _performance_section(period, collect)),
        ("economy", lambda: _economy_section(as_of, collect)),
    ]
    sections = []
    for index, (name, make) in enumerate(steps):
        if progress is not None:
            progress(index, SECTION_COUNT, system_text(f"document.step.{name}"))
        sections.append(make())
    title = _("%(programme)s: briefing report for %(period)s") % {
        "programme": in_current_language(
            zh=settings.PROGRAMME_NAME_ZH, en=settings.PROGRAMME_NAME_EN
        ),
        "period": period.label,
    }
    return Briefing(
        title=title,
        period=period,
        as_of=as_of,
        on=on,
        sections=tuple(sections),
        figures=collect.figures,
        notes=tuple(collect.notes),
    )
