"""Text-format facets of non-coded values (SDMX 2.1 section 2 §3.5 "Representation":
TextFormat ``textType``, ``minLength``, ``maxLength``, ``pattern``), as a registry's
structural validation (Eurostat STRUVAL, the SDMX Converter) applies them.

:func:`facet_problem` says what is wrong with one value, or ``""``. Checked text types:
``Integer``/``Long``/``Short``/``BigInteger`` (optional sign, digits), ``Double``/
``Float``/``Decimal`` (the ``xs:double`` lexical space; Decimal without exponent or
specials), ``Boolean``; lengths count characters. Coded components are checked against
their codelist instead (``CODE_NOT_IN_CODELIST``).

:func:`decimals_problem` compares an OBS_VALUE with its series' DECIMALS attribute: more
digits after the point than DECIMALS states claims a precision the series does not have.
"""

from __future__ import annotations

import re
from typing import Any

_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DOUBLE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|NaN|[+-]?INF")
TYPES = {
    "Integer": _INTEGER, "Long": _INTEGER, "Short": _INTEGER, "BigInteger": _INTEGER, "Count": _INTEGER,
    "Double": _DOUBLE, "Float": _DOUBLE, "Decimal": _DECIMAL, "Boolean": re.compile(r"true|false|1|0"),
}


def facet_problem(component: Any, value: str) -> str:
    """Why ``value`` breaks the facets of ``component`` (an :class:`OfficialDsd` component),
    or ``""``. A missing (empty) value is not checked here."""
    if value == "" or component is None:
        return ""
    if component.max_length is not None and len(value) > component.max_length:
        return f"{component.id} {value!r} is {len(value)} characters long, more than maxLength {component.max_length}"
    if component.min_length is not None and len(value) < component.min_length:
        return f"{component.id} {value!r} is {len(value)} characters long, less than minLength {component.min_length}"
    pattern = TYPES.get(component.text_type)
    if pattern is not None and not pattern.fullmatch(value.strip()):
        return f"{component.id} {value!r} is not of textType {component.text_type}"
    if component.pattern and not re.fullmatch(component.pattern, value):
        return f"{component.id} {value!r} does not match the pattern {component.pattern!r}"
    return ""


def decimals_problem(value: str, decimals: str) -> str:
    """Why an OBS_VALUE has more digits after the point than its DECIMALS, or ``""``."""
    if not decimals.isdigit() or "." not in value or "e" in value.lower():
        return ""
    digits = len(value.strip().partition(".")[2])
    if digits > int(decimals):
        return f"OBS_VALUE {value!r} has {digits} digits after the point, more than its DECIMALS {decimals}"
    return ""


__all__ = ["TYPES", "decimals_problem", "facet_problem"]
