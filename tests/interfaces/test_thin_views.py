"""The staff pages (``dashboards``) and the public site (``portal``) hold thin views and
templates: no ORM query and no form class (issue 15, item 6). import-linter sees imports, not
attribute use, so this reads the source: a manager (``.objects``), a queryset method called on
anything, or a class built on a form or filter set is a finding. Reads belong in the owning app's
``selectors.py``, forms in its ``forms.py``, downloads in its ``exports.py``. No DB."""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

import devolve.dashboards
import devolve.portal

# Methods that build or run a query. ``get``, ``count``, ``values`` and ``update`` are left out:
# dictionaries, lists and forms have them too.
QUERY_METHODS = frozenset(
    {
        "aggregate", "alias", "annotate", "bulk_create", "bulk_update", "dates", "defer",
        "distinct", "exclude", "exists", "extra", "filter", "first", "get_or_create", "in_bulk",
        "last", "latest", "none", "only", "order_by", "prefetch_related", "raw",
        "select_for_update", "select_related", "update_or_create", "values_list",
    }
)  # fmt: skip
FORM_BASES = ("Form", "FormSet", "FilterSet")
# The interface apps that compose the domain apps' selectors, forms and services. ``api`` only
# mounts each app's own ``api/`` package, so it has nothing to scan.
INTERFACE_APPS = {
    "dashboards": Path(devolve.dashboards.__file__).parent,
    "portal": Path(devolve.portal.__file__).parent,
}


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    what: str


def findings_in(source: str, path: str) -> list[Finding]:
    findings = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            findings.append(Finding(path, node.lineno, "manager .objects"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in QUERY_METHODS
        ):
            findings.append(Finding(path, node.lineno, f"query .{node.func.attr}()"))
        elif isinstance(node, ast.ClassDef):
            for base in node.bases:
                name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
                if name.endswith(FORM_BASES):
                    findings.append(Finding(path, node.lineno, f"form class {node.name}"))
    return findings


def findings_in_app(root: Path) -> list[Finding]:
    return sorted(
        finding
        for path in root.rglob("*.py")
        if "tests" not in path.relative_to(root).parts
        for finding in findings_in(path.read_text(), str(path.relative_to(root)))
    )


@pytest.mark.parametrize("app", sorted(INTERFACE_APPS))
def test_interface_app_holds_no_query_and_no_form_class(app: str) -> None:
    assert findings_in_app(INTERFACE_APPS[app]) == []


@pytest.mark.parametrize(
    ("planted", "what"),
    [
        ("rows = Grant.objects.all()", "manager .objects"),
        ("rows = list_grants_visible_to(user=user).filter(pk=1)", "query .filter()"),
        ("latest = AnnualList.published.order_by('-year').first()", "query .first()"),
        ("class GrantForm(forms.Form):\n    pass", "form class GrantForm"),
        ("class RoundForm(DesignSystemForm):\n    pass", "form class RoundForm"),
        ("class GrantFilter(django_filters.FilterSet):\n    pass", "form class GrantFilter"),
    ],
)
def test_the_scan_finds_a_planted_violation(planted: str, what: str) -> None:
    assert what in {finding.what for finding in findings_in(planted, "planted.py")}


def test_the_scan_passes_thin_view_code() -> None:
    thin = (
        "def grant_list(request):\n"
        "    grants = list_grants_for_page(user=request.user)\n"
        "    return render(request, 'x.html', {'grants': grants, 'n': len(grants)})\n"
    )
    assert findings_in(thin, "thin.py") == []
