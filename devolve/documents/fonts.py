"""Which typefaces a document uses: the ones GB/T 9704-2012 names where installed, else Noto CJK.

The standard sets body text in 仿宋 (FangSong), the issuing authority's mark and the title in 小标宋
(XiaoBiaoSong), first-level headings in 黑体, second-level ones in 楷体 and page numbers in 宋体.
Those are commercial or Windows fonts; Debian's ``fonts-noto-cjk`` (Noto Serif CJK SC for the
Song and FangSong roles, Noto Sans CJK SC for 黑体) is the free fallback. A document names the
fonts it used in its metadata and its colophon, so a reader knows when it was set in a fallback.
Without any CJK font at all a document would print boxes, so it is refused instead.
"""

import functools
import shutil
import subprocess
from dataclasses import dataclass
from enum import StrEnum

from devolve.core.errors import refusal

SERIF_FALLBACK = "Noto Serif CJK SC"
SANS_FALLBACK = "Noto Sans CJK SC"


class FontRole(StrEnum):
    FANGSONG = "fangsong"
    XIAOBIAOSONG = "xiaobiaosong"
    HEITI = "heiti"
    KAITI = "kaiti"
    SONGTI = "songti"


# Family names under which the standard's typefaces are installed (Windows, Founder, macOS), in
# order of preference, and the free family each role falls back to.
STANDARD_FAMILIES: dict[FontRole, tuple[str, ...]] = {
    FontRole.FANGSONG: ("FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong"),
    FontRole.XIAOBIAOSONG: (
        "FZXiaoBiaoSong-B05S",
        "方正小标宋简体",
        "FZXiaoBiaoSong-B05",
        "方正小标宋_GBK",
    ),
    FontRole.HEITI: ("SimHei", "黑体", "STHeiti"),
    FontRole.KAITI: ("KaiTi_GB2312", "楷体_GB2312", "KaiTi", "楷体", "STKaiti"),
    FontRole.SONGTI: ("SimSun", "宋体", "STSong"),
}
FALLBACK_FAMILIES: dict[FontRole, str] = {
    FontRole.FANGSONG: SERIF_FALLBACK,
    FontRole.XIAOBIAOSONG: SERIF_FALLBACK,
    FontRole.HEITI: SANS_FALLBACK,
    FontRole.KAITI: SERIF_FALLBACK,
    FontRole.SONGTI: SERIF_FALLBACK,
}
ROLE_NAMES_ZH: dict[FontRole, str] = {
    FontRole.FANGSONG: "仿宋",
    FontRole.XIAOBIAOSONG: "小标宋",
    FontRole.HEITI: "黑体",
    FontRole.KAITI: "楷体",
    FontRole.SONGTI: "宋体",
}


@dataclass(frozen=True)
class FontChoice:
    role: FontRole
    family: str
    is_fallback: bool


@dataclass(frozen=True)
class FontPlan:
    """The family chosen for each role of the standard."""

    choices: tuple[FontChoice, ...]

    def family(self, role: FontRole) -> str:
        return next(choice.family for choice in self.choices if choice.role == role)

    def css(self, role: FontRole) -> str:
        """A CSS font-family value: the chosen family, then the fallback for glyphs it lacks."""
        family = self.family(role)
        fallback = FALLBACK_FAMILIES[role]
        stack = [family] if family == fallback else [family, fallback]
        return ", ".join(f'"{name}"' for name in stack)

    @property
    def is_degraded(self) -> bool:
        return any(choice.is_fallback for choice in self.choices)

    @property
    def description(self) -> str:
        """One line for the document's metadata, e.g. ``仿宋: Noto Serif CJK SC (fallback); …``."""
        parts = []
        for choice in self.choices:
            suffix = " (fallback)" if choice.is_fallback else ""
            parts.append(f"{ROLE_NAMES_ZH[choice.role]}: {choice.family}{suffix}")
        return "; ".join(parts)


@functools.cache
def installed_families() -> frozenset[str]:
    """Every font family fontconfig knows on this machine (empty without fontconfig)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return frozenset()
    listing = subprocess.run(  # noqa: S603 — fixed arguments, no shell
        [fc_list, ":", "family"], capture_output=True, text=True, check=False, timeout=30
    ).stdout
    return frozenset(
        name.strip() for line in listing.splitlines() for name in line.split(",") if name.strip()
    )


def plan_fonts(installed: frozenset[str] | None = None) -> FontPlan:
    """Choose a family per role from ``installed`` (this machine's families by default).

    Raises ``DomainError("cjk_fonts_missing")`` when a role has neither a standard font nor its
    Noto CJK fallback: the document would show boxes instead of Chinese characters.
    """
    families = installed_families() if installed is None else installed
    choices = []
    for role, standard in STANDARD_FAMILIES.items():
        found = next((name for name in standard if name in families), None)
        if found is not None:
            choices.append(FontChoice(role=role, family=found, is_fallback=False))
            continue
        fallback = FALLBACK_FAMILIES[role]
        if fallback not in families:
            raise refusal(
                "document.cjk_fonts_missing",
                "cjk_fonts_missing",
                role=ROLE_NAMES_ZH[role],
                fallback=fallback,
            )
        choices.append(FontChoice(role=role, family=fallback, is_fallback=True))
    return FontPlan(choices=tuple(choices))
