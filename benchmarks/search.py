"""Benchmark of search at national scale (issue 17): 50,000 matters, 300,000 grants (3,000 entries
of one edition to 100 pilot areas), 20,000 entrustment agreements and 30,000 supervision filings,
added to the seeded demo on the benchmark's throwaway database.

Baseline: the sign-in page through the same test client (the cost of a request), as for the
page benchmarks. Each line is one search page, ranked and counted over every kind; the target is
at most ``TARGET_RATIO`` times the baseline for every query, long or short. For comparison, the
same matter hits found by a plain ``LIKE`` scan of the matters table (what search would cost
without its index) are timed too.

Run inside ``make bench`` (``benchmarks/__main__.py`` sets up Django), or alone:
``.venv/bin/python -m benchmarks.search``.
"""

import datetime
import time
from collections.abc import Callable

MATTERS = 50_000
ENTRIES = 3_000
AREAS = 100
AGREEMENTS = 20_000
FILING_EVERY = 10  # every tenth grant has its supervision measures filed under a document
TARGET_RATIO = 15.0
BATCH = 5_000

# Words that official matter names are built from; with a running number, 50,000 distinct names.
VOCABULARY = [
    ("律师事务所", "law firm"), ("分支机构", "branch"), ("设立", "establishment"),
    ("变更", "alteration"), ("注销", "deregistration"), ("审批", "approval"),
    ("建设工程", "construction project"), ("施工许可", "construction permit"),
    ("危险化学品", "hazardous chemicals"), ("经营许可", "business licence"),
    ("排污许可", "discharge permit"), ("高新技术企业", "high-tech enterprise"),
    ("认定", "recognition"), ("备案", "filing"), ("食品生产", "food production"),
    ("医疗机构", "medical institution"), ("执业登记", "practice registration"),
]  # fmt: skip
QUERIES = {
    "short Chinese (律师)": "律师",
    "long Chinese (律师事务所)": "律师事务所",
    "English words (law firm)": "law firm",
    "document number": "川司备〔2030〕1234",
    "no hit": "不存在的事项名称",
}


def _median(action: Callable[[], object], *, repeat: int) -> float:
    action()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    samples.sort()
    return samples[len(samples) // 2]


def build_national_scale() -> None:
    """Bulk rows straight into the tables (no services, no history): a benchmark fixture only."""
    from devolve.grants.models import EntrustmentAgreement, Grant
    from devolve.matters.models import (
        AnnualList,
        AuthorizationMode,
        Department,
        ListEntry,
        Matter,
        MatterType,
    )
    from devolve.regions.models import Batch, Division, Zone

    departments = list(Department.objects.all())
    licensing = MatterType.objects.get(code="licensing")
    delegate = AuthorizationMode.objects.get(code="delegate")
    words = len(VOCABULARY)
    Matter.objects.bulk_create(
        (
            Matter(
                name_zh=f"{VOCABULARY[n % words][0]}{VOCABULARY[(n // words) % words][0]}{n}号",
                name_en=f"{VOCABULARY[n % words][1]} {VOCABULARY[(n // words) % words][1]} {n}",
                code=f"SEARCH{n:09d}",
                kind=Matter.Kind.POWER,
                matter_type=licensing,
                competent_department=departments[n % len(departments)],
            )
            for n in range(MATTERS)
        ),
        batch_size=BATCH,
    )
    prefecture = Division.objects.get(code="510100")
    Zone.objects.bulk_create(
        Zone(
            slug=f"bench-zone-{n}",
            name_zh=f"基准开发区{n}",
            name_en=f"Bench Zone {n}",
            kind=Zone.Kind.ETDZ,
            prefecture=prefecture,
        )
        for n in range(AREAS)
    )
    batch = Batch.objects.create(number=99, starts_on=datetime.date(2030, 1, 1))
    edition = AnnualList.objects.create(
        year=2030,
        batch=batch,
        status=AnnualList.Status.PUBLISHED,
        approved_on=datetime.date(2030, 3, 1),
        published_on=datetime.date(2030, 3, 10),
        title_zh="2030年基准清单",
        document_number="川改办〔2030〕1号",
    )
    matter_ids = list(Matter.objects.filter(code__startswith="SEARCH").values_list("pk", flat=True))
    ListEntry.objects.bulk_create(
        ListEntry(
            annual_list=edition,
            sequence=n + 1,
            matter_id=matter_ids[n],
            mode=delegate,
            granting_department=departments[n % len(departments)],
        )
        for n in range(ENTRIES)
    )
    entries = list(edition.entries.values_list("pk", flat=True))
    zones = list(Zone.objects.filter(slug__startswith="bench-zone-").values_list("pk", flat=True))
    Grant.objects.bulk_create(
        (
            Grant(
                entry_id=entry,
                zone_id=zone,
                status=Grant.Status.EFFECTIVE,
                effective_on=datetime.date(2030, 4, 9),
                supervision_document=f"川司备〔2030〕{n}号" if n % FILING_EVERY == 0 else "",
            )
            for n, (entry, zone) in enumerate((entry, zone) for entry in entries for zone in zones)
        ),
        batch_size=BATCH,
    )
    grant_ids = list(Grant.objects.filter(entry__annual_list=edition).values_list("pk", flat=True))
    EntrustmentAgreement.objects.bulk_create(
        (
            EntrustmentAgreement(
                grant_id=grant_ids[n * 15],
                number=f"川委〔2030〕{n}号",
                entrusting_department=departments[n % len(departments)],
                entrusted_body=f"基准开发区{n % AREAS}管委会",
                signed_on=datetime.date(2030, 4, 1),
                starts_on=datetime.date(2030, 4, 1),
                ends_on=datetime.date(2032, 3, 31),
            )
            for n in range(AGREEMENTS)
        ),
        batch_size=BATCH,
    )


def main() -> None:
    """Needs Django set up on a database seeded with the demo (``benchmarks/__main__.py``)."""
    from django.test import Client

    from devolve.core.search import parse_query
    from devolve.matters.models import Matter
    from devolve.search.results import search

    started = time.perf_counter()
    build_national_scale()
    built = time.perf_counter() - started
    client = Client()
    baseline = _median(lambda: client.get("/accounts/login/"), repeat=20)
    print(  # noqa: T201
        f"search at national scale: {MATTERS:,} matters, {ENTRIES * AREAS:,} grants, "
        f"{AGREEMENTS:,} agreements, {ENTRIES * AREAS // FILING_EVERY:,} filings "
        f"(built in {built:.0f} s)"
    )
    print(f"{'baseline (sign-in page)':<28} {baseline * 1000:8.2f} ms   1.00x")  # noqa: T201
    worst = 0.0
    for name, text in QUERIES.items():
        seconds = _median(lambda text=text: client.get("/en/search/", {"q": text}), repeat=5)  # type: ignore[misc]
        worst = max(worst, seconds / baseline)
        total = search(parse_query(text)).page.total
        print(  # noqa: T201
            f"{name:<28} {seconds * 1000:8.2f} ms {seconds / baseline:6.2f}x   {total:,} hits"
        )
    scan = _median(
        lambda: list(Matter.objects.filter(name_zh__contains="律师事务所").values_list("pk")[:20]),
        repeat=5,
    )
    print(f"{'plain LIKE over matters':<28} {scan * 1000:8.2f} ms {scan / baseline:6.2f}x")  # noqa: T201
    verdict = "met" if worst <= TARGET_RATIO else "MISSED"
    print(f"slowest search {worst:.2f}x the baseline: target <= {TARGET_RATIO:.0f}x {verdict}")  # noqa: T201


if __name__ == "__main__":
    from benchmarks.database import throwaway_seeded_database

    throwaway_seeded_database()
    main()
