"""The parts of docs/architecture.md that the code can state about itself.

Blocks between ``<!-- BEGIN generated: NAME -->`` and ``<!-- END generated: NAME -->`` are
rewritten from the code: the apps and the models each owns, the doors each app has, the URL
mounts, the import contracts and the named permissions with their rules.
``devolve document_architecture --check`` (run by ``make lint`` and by a test) fails when the
document and the code disagree, so the page cannot drift.

Generic over the project: it reads the app registry, the URL resolver and pyproject.toml, and
names no domain app.
"""

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from rules.permissions import permissions as registered_rules

PACKAGE = "devolve"
BLOCK = re.compile(
    r"(?P<begin><!-- BEGIN generated: (?P<name>[\w-]+) -->\n)(?P<body>.*?)"
    r"(?P<end><!-- END generated: (?P=name) -->)",
    re.DOTALL,
)
DOORS = (
    ("views", "pages"),
    ("api/urls.py", "API"),
    ("admin.py", "admin"),
    ("management/commands", "commands"),
    ("tasks.py", "tasks"),
)


@dataclass(frozen=True)
class AppFacts:
    label: str
    module: str
    kind: str
    models: tuple[str, ...]
    doors: tuple[str, ...]


def project_apps() -> list[AppConfig]:
    return [config for config in apps.get_app_configs() if config.name.startswith(f"{PACKAGE}.")]


def _doors(path: Path) -> tuple[str, ...]:
    found = []
    for relative, name in DOORS:
        candidate = path / relative
        if relative == "views":
            present = (path / "views.py").exists() or (path / "views").is_dir()
        elif relative == "management/commands":
            present = candidate.is_dir() and any(
                item.suffix == ".py" and item.stem != "__init__" for item in candidate.iterdir()
            )
        else:
            present = candidate.exists()
        if present:
            found.append(name)
    return tuple(found)


def app_facts() -> list[AppFacts]:
    facts = []
    for config in project_apps():
        models = tuple(
            sorted(
                model.__name__
                for model in config.get_models()
                if not model.__name__.startswith("Historical")
            )
        )
        kind = "domain" if models and config.label != "core" else "interface"
        if config.label == "core":
            kind = "shared kernel"
        facts.append(
            AppFacts(
                label=config.label,
                module=config.name,
                kind=kind,
                models=models,
                doors=_doors(Path(config.path)),
            )
        )
    return facts


def _render_apps() -> str:
    lines = ["| App | Kind | Models it owns | Doors |", "|---|---|---|---|"]
    for app in app_facts():
        models = ", ".join(f"`{name}`" for name in app.models) or "—"
        doors = ", ".join(app.doors) or "—"
        lines.append(f"| `{app.module}` | {app.kind} | {models} | {doors} |")
    return "\n".join(lines) + "\n"


def _included_module(resolver: URLResolver) -> str:
    module = resolver.urlconf_name
    if isinstance(module, str):
        return module
    if isinstance(module, list):  # an included list of patterns, such as the admin site's
        return f"{resolver.app_name or resolver.namespace} (patterns of a site object)"
    return getattr(module, "__name__", repr(module))


def _count_routes(patterns: list[URLPattern | URLResolver]) -> int:
    total = 0
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            total += _count_routes(pattern.url_patterns)
        else:
            total += 1
    return total


def _render_urls() -> str:
    lines = ["| Path | Routes to | Named routes |", "|---|---|---|"]
    for pattern in get_resolver().url_patterns:
        if not isinstance(pattern, URLResolver):
            continue
        included = [inner for inner in pattern.url_patterns if isinstance(inner, URLResolver)]
        if pattern.pattern.__class__.__name__ == "LocalePrefixPattern":
            lines.extend(_url_row(str(inner.pattern), inner, languages=True) for inner in included)
            continue
        lines.append(_url_row(str(pattern.pattern), pattern))
        if _included_module(pattern) == f"{PACKAGE}.api.urls":
            lines.extend(_url_row(f"{pattern.pattern}{inner.pattern}", inner) for inner in included)
    return "\n".join(lines) + "\n"


def _url_row(path: str, resolver: URLResolver, *, languages: bool = False) -> str:
    shown = f"`/{path}` and `/en/{path}`" if languages else f"`/{path}`"
    routes = _count_routes(resolver.url_patterns)
    return f"| {shown} | `{_included_module(resolver)}` | {routes} |"


def _pyproject() -> dict[str, Any]:
    with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


def _render_contracts() -> str:
    contracts = _pyproject()["tool"]["importlinter"]["contracts"]
    parts = []
    for contract in contracts:
        parts.append(f"**{contract['name']}** ({contract['type']})\n")
        if contract["type"] == "layers":
            if contract.get("containers"):
                containers = ", ".join(f"`{name}`" for name in contract["containers"])
                parts.append(f"\nIn each of {containers}, from top to bottom:\n")
            parts.append("\n```\n" + "\n".join(contract["layers"]) + "\n```\n")
            ignored = contract.get("ignore_imports")
            if ignored:
                parts.append("\nExempt: " + ", ".join(f"`{rule}`" for rule in ignored) + "\n")
        elif contract["type"] == "forbidden":
            sources = ", ".join(f"`{name}`" for name in contract["source_modules"])
            forbidden = ", ".join(f"`{name}`" for name in contract["forbidden_modules"])
            parts.append(f"\n{sources} may not import {forbidden}.\n")
        parts.append("\n")
    return "".join(parts).rstrip("\n") + "\n"


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != PACKAGE:
        return None
    if "tests" in parts or "testing" in parts or "migrations" in parts:
        return None  # tests may build data with any app (see the layers contract)
    return parts[1]


def _render_imports() -> str:
    """Which apps each app's code imports today (tests, test helpers and migrations aside)."""
    import grimp  # import-linter's graph builder; a dev dependency, as is this check

    graph = grimp.build_graph(PACKAGE, cache_dir=None)
    imported: dict[str, set[str]] = {}
    for module in graph.modules:
        source = _app_of(module)
        if source is None:
            continue
        for target_module in graph.find_modules_directly_imported_by(module):
            target = _app_of(target_module)
            if target is not None and target != source:
                imported.setdefault(source, set()).add(target)
    labels = [config.name.split(".")[1] for config in project_apps()]
    lines = []
    for label in labels:
        targets = ", ".join(f"`{name}`" for name in sorted(imported.get(label, ()))) or "nothing"
        lines.append(f"- `{label}` → {targets}")
    return "\n".join(lines) + "\n"


_TOKEN = re.compile(r"[()|&]|[^()|&\s]+")
_WORDS = {"|": "or", "&": "and"}


def _rule_text(name: str) -> str:
    """A composed predicate's name (``((a | b) | (c & d))``) in words, each operator's chain
    flattened: ``a or b or (c and d)``."""
    tokens: list[str] = _TOKEN.findall(name)
    position = 0

    def term() -> tuple[str, list[Any]] | str:
        nonlocal position
        part = tokens[position]
        position += 1
        if part != "(":
            return part
        node = expression()
        position += 1  # the closing parenthesis
        return node

    def expression() -> tuple[str, list[Any]] | str:
        nonlocal position
        left = term()
        while position < len(tokens) and tokens[position] in _WORDS:
            operator = tokens[position]
            position += 1
            right = term()
            parts = [
                *(left[1] if isinstance(left, tuple) and left[0] == operator else [left]),
                *(right[1] if isinstance(right, tuple) and right[0] == operator else [right]),
            ]
            left = (operator, parts)
        return left

    def render(node: tuple[str, list[Any]] | str, nested: bool) -> str:
        if isinstance(node, str):
            return node
        text = f" {_WORDS[node[0]]} ".join(render(part, True) for part in node[1])
        return f"({text})" if nested else text

    return render(expression(), False)


def _render_permissions() -> str:
    lines = ["| Permission | Rule |", "|---|---|"]
    for name, predicate in sorted(registered_rules.items()):
        lines.append(f"| `{name}` | `{_rule_text(predicate.name)}` |")
    return "\n".join(lines) + "\n"


RENDERERS: dict[str, Callable[[], str]] = {
    "permissions": _render_permissions,
    "apps": _render_apps,
    "imports": _render_imports,
    "urls": _render_urls,
    "contracts": _render_contracts,
}


def regenerate(text: str) -> str:
    """``text`` with every generated block rewritten; unknown block names are an error."""

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in RENDERERS:
            raise KeyError(f"unknown generated block {name!r}")
        return f"{match.group('begin')}{RENDERERS[name]()}{match.group('end')}"

    return BLOCK.sub(replace, text)


def missing_blocks(text: str) -> list[str]:
    present = {match.group("name") for match in BLOCK.finditer(text)}
    return sorted(set(RENDERERS) - present)
