"""Numbers as pages and documents print them: fixed decimals, a true minus sign, an em dash for
no value. One definition, so a document's figure reads exactly as the page's."""

MINUS = "\u2212"


def signed(value: float | None, digits: int = 1) -> str:
    """+6.7, \u22120.3 (a true minus sign) or an em dash when there is no value."""
    if value is None:
        return "—"
    text = f"{value:+.{digits}f}"
    return text.replace("-", MINUS)


def number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}".replace("-", MINUS)
