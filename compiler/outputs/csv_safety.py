"""CSV injection: text cells that a spreadsheet would run as a formula are made inert.

OWASP, "CSV Injection": a cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is taken as a formula by LibreOffice Calc and Excel (``=HYPERLINK(...)``
becomes a live link). Every CSV datasat writes with text from a package passes its text
cells through :func:`neutralise`, which prefixes such a cell with a single quote, so the
spreadsheet shows the text as written. Numbers are written by their own formatters and
never pass through here (a negative number stays a number).
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text``, with a leading ``'`` if it begins like a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def neutralise_all(texts: Iterable[str]) -> list[str]:
    return [neutralise(t) for t in texts]
