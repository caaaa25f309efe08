"""OBS_VALUE text at the precision its DECIMALS attribute states, vectorised.

SDMX:CL_DECIMALS gives the number of digits after the decimal point of a series'
values; a value written with more digits claims a precision the series does not have
(and breaks the ``maxLength`` facet of NA_MAIN's OBS_VALUE, 15 characters). Each value
is rounded once, correctly (half to even on the exact binary value, the rule of
Python's ``format(x, ".{d}f")``), to an integer count of ``10^-d`` units:

* ``p = x · 10^d`` is computed in float64 together with its exact rounding error ``e``
  (Dekker's product with Veltkamp's split, exact for ``|x| < 1e300``);
* ``r = rint(p)``, moved by one only when ``p`` is a half-integer and ``e`` says the
  exact product lies beyond it;
* ``|p| ≥ 2^52`` (no fractional digits left in float64) and non-finite values fall back
  to Python's ``format`` for those few values.

The integer ``r`` is then written with Arrow: sign, ``r // 10^d``, ``"."`` and
``r % 10^d`` padded to ``d`` digits. Rescaling to another UNIT_MULT (:func:`rescale`)
moves the decimal point of ``r``: exact decimal arithmetic on the rounded figure, never
a float multiplication. Missing values are ``NaN``, infinities ``INF``/``-INF``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_SPLIT = 134217729.0  # 2^27 + 1 (Veltkamp)
_EXACT = 2.0**52


def _product_error(a: np.ndarray, b: np.ndarray, p: np.ndarray) -> np.ndarray:
    """The exact error ``a·b − p`` of the float64 product ``p = a·b`` (Dekker 1971)."""
    c = _SPLIT * a
    ah = c - (c - a)
    al = a - ah
    c = _SPLIT * b
    bh = c - (c - b)
    bl = b - bh
    return ((ah * bh - p) + ah * bl + al * bh) + al * bl


def scaled(values: np.ndarray, decimals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(r, exact)``: ``r = round_half_even(x · 10^d)`` as int64 where ``exact`` (finite
    and ``|x · 10^d| < 2^52``); elsewhere ``r`` is 0 and the caller formats the value."""
    values = np.asarray(values, dtype=np.float64)
    scale = 10.0 ** np.asarray(decimals, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        p = values * scale
        ok = np.isfinite(p) & (np.abs(p) < _EXACT) & (np.abs(values) < 1e300)
        p = np.where(ok, p, 0.0)
        err = _product_error(np.where(ok, values, 0.0), scale, p)
    r = np.rint(p)
    d1 = p - r
    r = r + ((d1 == 0.5) & (err > 0)) - ((d1 == -0.5) & (err < 0))
    return r.astype(np.int64), ok


def integer_text(r: np.ndarray, decimals: np.ndarray) -> pa.StringArray:
    """``r · 10^-d`` in fixed notation with exactly ``d`` digits after the point."""
    r = np.asarray(r, dtype=np.int64)
    decimals = np.asarray(decimals, dtype=np.int64)
    n = len(r)
    if not n:
        return pa.array([], type=pa.string())
    magnitude = np.abs(r)
    sign = pa.array(["", "-"]).take(pa.array((r < 0).view(np.int8)))
    out: pa.Array | None = None
    for d in np.unique(decimals):
        d = int(d)
        unit = 10**d
        rows = decimals == d
        whole = pc.cast(pa.array(magnitude // unit), pa.string())
        if d > 0:
            frac = pc.utf8_lpad(pc.cast(pa.array(magnitude % unit), pa.string()), d, "0")
            part = pc.binary_join_element_wise(sign, whole, ".", frac, "")
        else:
            part = pc.binary_join_element_wise(sign, whole, "")
        if out is None and rows.all():
            return part
        out = part if out is None else pc.if_else(pa.array(rows), part, out)
    return out


def _fallback(values: np.ndarray, decimals: np.ndarray) -> list[str]:
    out = []
    for x, d in zip(values.tolist(), decimals.tolist(), strict=True):
        if x != x:
            out.append("NaN")
        elif x in (np.inf, -np.inf):
            out.append("INF" if x > 0 else "-INF")
        else:
            out.append(format(x, f".{int(d)}f"))
    return out


def decimal_text(values: np.ndarray, decimals: np.ndarray | int, shift: np.ndarray | int = 0) -> pa.StringArray:
    """Each value rounded to ``decimals`` digits, then multiplied by ``10^shift`` exactly,
    as text with ``max(decimals − shift, 0)`` digits after the point (:func:`rescale`)."""
    values = np.ascontiguousarray(values, dtype=np.float64)
    n = len(values)
    decimals = np.broadcast_to(np.asarray(decimals, dtype=np.int64), n)
    shift = np.broadcast_to(np.asarray(shift, dtype=np.int64), n)
    r, ok = scaled(values, decimals)
    r, digits = rescale(r, decimals, shift)
    text = integer_text(r, digits)
    if not ok.all():
        idx = np.flatnonzero(~ok)
        fixes = _fallback(values[idx] * 10.0 ** shift[idx], digits[idx])
        text = pc.replace_with_mask(text, pa.array(~ok), pa.array(fixes, type=pa.string()))
    return text


def rescale(r: np.ndarray, decimals: np.ndarray, shift: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A figure of ``r`` units of ``10^-d`` multiplied by ``10^shift``: the same integer
    with ``d − shift`` decimals when ``shift ≤ d``, else ``r · 10^(shift − d)`` with 0
    decimals. Exact (int64); e.g. UNIT_MULT 8 → 6 is ``shift = 2``."""
    decimals = np.asarray(decimals, dtype=np.int64)
    shift = np.asarray(shift, dtype=np.int64)
    digits = np.maximum(decimals - shift, 0)
    grow = np.maximum(shift - decimals, 0)
    return np.asarray(r, dtype=np.int64) * 10 ** grow, digits


__all__ = ["decimal_text", "integer_text", "rescale", "scaled"]
