"""What a cell may hold when it leaves the system, and how it reads when it comes back.

A spreadsheet program runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula, and
a tab or carriage return at the start can smuggle one past a check (OWASP "CSV injection"). Every
exporter writes its text cells through ``escape_formula``, which puts an apostrophe in front of
such text: Excel, WPS and LibreOffice then show the text as it is and run nothing. The importers
read cells through ``unescape_formula``, so an exported file imports back unchanged.
"""

import datetime
from decimal import Decimal

type CellValue = str | int | float | Decimal | bool | datetime.date | datetime.datetime | None

# The characters that make a spreadsheet program read a cell as a formula or a command, and the
# control characters that hide one (OWASP lists tab and carriage return; the rest of C0 is as bad).
FORMULA_TRIGGERS = frozenset("=+-@") | frozenset(chr(code) for code in range(0x20))
ESCAPE = "'"


def needs_escape(text: str) -> bool:
    return bool(text) and text[0] in FORMULA_TRIGGERS


def escape_formula(value: CellValue) -> CellValue:
    """``value`` as a cell may safely hold it: text that a spreadsheet would run gets a leading
    apostrophe; numbers, dates and other text are unchanged.

    >>> escape_formula("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> escape_formula(-3), escape_formula("成都高新区")
    (-3, '成都高新区')
    """
    if isinstance(value, str) and needs_escape(value):
        return ESCAPE + value
    return value


def unescape_formula(text: str) -> str:
    """The text an exported cell stood for: the apostrophe ``escape_formula`` added is dropped.

    >>> unescape_formula("'=SUM(A1)"), unescape_formula("'引号开头"), unescape_formula("-")
    ('=SUM(A1)', "'引号开头", '-')
    """
    if text.startswith(ESCAPE) and needs_escape(text[1:]):
        return text[1:]
    return text
