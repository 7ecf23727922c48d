"""Importing a statistics file: a dry run that writes nothing, row-level errors, all or nothing."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]

from devolve.accounts.models import User
from devolve.core.errors import DomainError, NotAllowed
from devolve.core.models import AuditEvent
from devolve.core.testing.database import assert_refused
from devolve.indicators import services
from devolve.indicators.models import Indicator, Observation, ObservationImport
from devolve.indicators.tests.factories import IndicatorFactory, ZoneObservationFactory
from devolve.regions.models import Zone
from devolve.regions.tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db

VINTAGE = datetime.date(2024, 2, 20)
HEADER = ["指标", "地区", "年份", "季度", "数值"]


@pytest.fixture
def growth() -> Indicator:
    return IndicatorFactory(code="grp-real-growth", name_zh="地区生产总值实际增速",
                            name_en="Real GRP growth")  # fmt: skip


@pytest.fixture
def zone() -> Zone:
    return ZoneFactory(slug="tianfu-new-area", name_zh="四川天府新区", name_en="Tianfu New Area")


def _csv(rows: list[list[object]], *, title: bool = False) -> io.BytesIO:
    lines = (["2023年主要经济指标"] if title else []) + [
        ",".join(str(cell) for cell in row) for row in [HEADER, *rows]
    ]
    return io.BytesIO("\n".join(lines).encode("utf-8-sig"))


def _xlsx(rows: list[list[object]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["四川省统计局"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def _check(upload: io.BytesIO, user: User, name: str = "release.csv") -> ObservationImport:
    return services.check_statistics_file(
        upload=upload, file_name=name, vintage=VINTAGE, source="Statistical communiqué 2023",
        uploaded_by=user,
    )  # fmt: skip


def test_a_good_csv_is_checked_then_applied(
    office_user: User, growth: Indicator, zone: Zone
) -> None:
    upload = _csv(
        [
            ["grp-real-growth", "四川天府新区", 2023, "", "9.1"],
            ["Real GRP growth", "510000", 2023, "", "6.0"],
            ["地区生产总值实际增速", "成都市", 2023, "", "6.0"],
        ],
        title=True,
    )

    checked = _check(upload, office_user)

    assert checked.status == ObservationImport.Status.CHECKED
    assert checked.errors == []
    assert checked.summary == {"rows": 3, "errors": 0}
    assert not Observation.objects.exists()

    applied = services.apply_observation_import(observation_import=checked, applied_by=office_user)

    assert applied.status == ObservationImport.Status.APPLIED
    stored = {
        (observation.subject_kind, observation.value) for observation in Observation.objects.all()
    }
    assert stored == {("zone", Decimal("9.1")), ("province", Decimal("6.0")),
                      ("prefecture", Decimal("6.0"))}  # fmt: skip
    assert set(Observation.objects.values_list("vintage", flat=True)) == {VINTAGE}
    assert AuditEvent.objects.filter(action="indicators.statistics_imported").count() == 1


def test_a_good_xlsx_with_a_title_row_is_read(
    office_user: User, growth: Indicator, zone: Zone
) -> None:
    checked = _check(_xlsx([["grp-real-growth", "tianfu-new-area", 2022, None, 8.4]]),
                     office_user, "release.xlsx")  # fmt: skip
    assert checked.status == ObservationImport.Status.CHECKED
    assert checked.rows[0]["value"] == "8.400000"
    assert checked.rows[0]["row"] == 3


@pytest.mark.parametrize(
    ("row", "column", "code"),
    [
        (["no-such-indicator", "tianfu-new-area", 2023, "", "1"], "indicator", "unknown_indicator"),
        (["grp-real-growth", "Atlantis", 2023, "", "1"], "subject", "unknown_subject"),
        (["grp-real-growth", "tianfu-new-area", "23", "", "1"], "year", "bad_year"),
        (["grp-real-growth", "tianfu-new-area", 2023, "5", "1"], "quarter", "bad_quarter"),
        (["grp-real-growth", "tianfu-new-area", 2023, "2", "1"], "quarter", "annual_indicator"),
        (["grp-real-growth", "tianfu-new-area", 2023, "", "n/a"], "value", "not_a_number"),
        (["grp-real-growth", "tianfu-new-area", 2023, "", ""], "value", "not_a_number"),
    ],
)
def test_each_bad_row_is_reported_and_nothing_is_written(
    office_user: User, growth: Indicator, zone: Zone, row: list[object], column: str, code: str
) -> None:
    good = ["grp-real-growth", "tianfu-new-area", 2022, "", "8.0"]

    checked = _check(_csv([good, row]), office_user)

    assert checked.status == ObservationImport.Status.REFUSED
    assert checked.errors == [
        {"row": 3, "column": column, "message": checked.errors[0]["message"], "code": code}
    ]
    assert not Observation.objects.exists()
    with pytest.raises(DomainError) as refused:
        services.apply_observation_import(observation_import=checked, applied_by=office_user)
    assert refused.value.code == "not_applicable"
    assert not Observation.objects.exists()


def test_a_repeated_row_and_a_value_the_release_already_has_are_refused(
    office_user: User, growth: Indicator, zone: Zone
) -> None:
    ZoneObservationFactory(indicator=growth, zone=zone, year=2021, vintage=VINTAGE)
    row = ["grp-real-growth", "tianfu-new-area", 2023, "", "8.0"]

    checked = _check(_csv([row, row, ["grp-real-growth", "tianfu-new-area", 2021, "", "7"]]),
                     office_user)  # fmt: skip

    assert [(error["row"], error["code"]) for error in checked.errors] == [
        (3, "duplicate_row"), (4, "already_released")
    ]  # fmt: skip
    assert Observation.objects.count() == 1


def test_a_file_without_the_header_or_not_a_table_is_refused(
    office_user: User, growth: Indicator
) -> None:
    no_header = _check(io.BytesIO(b"a,b,c\n1,2,3\n"), office_user)
    assert [error["code"] for error in no_header.errors] == ["no_header"]
    assert_refused(
        "unreadable",
        lambda: _check(io.BytesIO(b"PK\x03\x04garbage"), office_user, "broken.xlsx"),
        ObservationImport,
        Observation,
    )


def test_applying_twice_is_refused(office_user: User, growth: Indicator, zone: Zone) -> None:
    checked = _check(_csv([["grp-real-growth", "tianfu-new-area", 2023, "", "8"]]), office_user)
    services.apply_observation_import(observation_import=checked, applied_by=office_user)
    with pytest.raises(DomainError) as refused:
        services.apply_observation_import(observation_import=checked, applied_by=office_user)
    assert refused.value.code == "not_applicable"
    assert Observation.objects.count() == 1


def test_a_release_published_in_between_makes_apply_write_nothing(
    office_user: User, growth: Indicator, zone: Zone
) -> None:
    rows = [["grp-real-growth", "tianfu-new-area", 2022, "", "8"],
            ["grp-real-growth", "tianfu-new-area", 2023, "", "9"]]  # fmt: skip
    checked = _check(_csv(rows), office_user)
    ZoneObservationFactory(indicator=growth, zone=zone, year=2023, vintage=VINTAGE)

    with pytest.raises(DomainError) as refused:
        services.apply_observation_import(observation_import=checked, applied_by=office_user)

    assert refused.value.code == "duplicate"
    assert Observation.objects.count() == 1


def test_only_the_office_imports(evaluator: User, growth: Indicator) -> None:
    with pytest.raises(NotAllowed):
        _check(_csv([]), evaluator)
    assert not ObservationImport.objects.exists()
