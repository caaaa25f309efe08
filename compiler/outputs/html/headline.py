"""The headline of a country page: key figures and one or two generated sentences.

Every number comes from the canonical rows (through :class:`~compiler.outputs.html.cube.Cube`)
or, for the effect on GDP and the share of total GFCF, from the GDP stage's
"after capitalisation" table; nothing here is estimated. Terms are spelled out once.
Growth is the average annual rate between the first and the latest year,
``(last / first) ** (1 / years) − 1``, at current prices, for each bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from compiler import codes
from compiler import table as tbl
from compiler.outputs.html.cube import Cube
from compiler.outputs.html.meta import PackageMeta
from compiler.outputs.html.model import MINUS, format_number

#: Scales for amounts in words: (power of ten, name).
SCALES = ((12, "trillion"), (9, "billion"), (6, "million"), (3, "thousand"))


@dataclass
class KeyFigure:
    label: str
    value: str
    detail: str = ""


@dataclass
class Headline:
    year: str
    sentences: list[str]
    figures: list[KeyFigure] = field(default_factory=list)
    status: str = ""  # weakest provenance of the inputs behind the figures
    status_note: str = ""


def significant(value: float, digits: int = 3) -> str:
    """``176.42`` → ``"176"``; ``1.7642`` → ``"1.76"``: ``digits`` significant digits (whole numbers keep all theirs)."""
    if not math.isfinite(value):
        return "–"
    if value == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    return format_number(value, decimals)


def money_range(low: float, high: float, unit_mult: int, currency: str) -> str:
    """``CNY 1.76–1.97 trillion`` from figures in 10^unit_mult units: one scale for both bounds."""
    top = max(abs(low), abs(high)) * 10.0**unit_mult
    power, name = next(((p, n) for p, n in SCALES if top >= 10.0**p), (0, ""))
    scale = 10.0 ** (unit_mult - power)
    return f"{currency} {significant(low * scale)}–{significant(high * scale)} {name}".rstrip()


def percent_range(low: float, high: float, decimals: int = 2) -> str:
    return f"{format_number(low, decimals)}–{format_number(high, decimals)} %"


def growth(first: float, last: float, years: int) -> float:
    """Average annual growth rate in percent; NaN if undefined."""
    if years <= 0 or not (first > 0 and last > 0):
        return math.nan
    return ((last / first) ** (1 / years) - 1) * 100


def _pair(cube: Cube, sto: str, asset: str, year: str, **key) -> tuple[float, float]:
    return tuple(cube.series(sto, asset, [year], b, **key)[0][0] for b in tbl.BOUNDS)  # type: ignore[return-value]


def _after(after: pd.DataFrame | None, year: str, sto: str) -> dict[str, tuple[float, float, float]]:
    """``bound -> (before, change, after)`` of ``sto`` in ``year`` (empty if not compiled)."""
    if after is None or after.empty:
        return {}
    rows = after.loc[(after[tbl.TIME] == year) & (after["STO"] == sto)]
    return {b: (float(r["before"]), float(r["change"]), float(r["after"])) for b, r in zip(rows[tbl.BOUND], rows.to_dict("records"))}


def country_headline(meta: PackageMeta, cube: Cube, after: pd.DataFrame | None, all_data: str, net: str) -> Headline | None:
    """Key figures and sentences for the latest year with GFCF in all data assets."""
    years = cube.years_of([(codes.GFCF, all_data, codes.DOMESTIC_CURRENCY, codes.CURRENT_PRICES)])
    years = [y for y in years if meta.first_year <= int(y) <= meta.last_year]
    if not years:
        return None
    year, first = years[-1], years[0]
    gfcf = _pair(cube, codes.GFCF, all_data, year)
    share = _pair(cube, codes.GFCF, all_data, year, unit=codes.RATIO_TO_GDP)
    money = lambda pair: money_range(*pair, meta.unit_mult, meta.currency)  # noqa: E731
    figures = [KeyFigure(f"GFCF in data assets, {year}", money(gfcf), f"{percent_range(*share)} of GDP")]
    sentence = (f"In {year}, gross fixed capital formation (GFCF) in data assets (data, databases and data R&D) in {meta.name} "
                f"is estimated at {money(gfcf)}, or {percent_range(*share)} of gross domestic product (GDP)")
    total = _after(after, year, codes.GFCF)
    if len(total) == 2 and all(v[2] > 0 for v in total.values()):
        of_total = tuple(g / total[b][2] * 100 for g, b in zip(gfcf, tbl.BOUNDS))
        sentence += f", {percent_range(*of_total, 1)} of all GFCF once data is capitalised"
        figures.append(KeyFigure("Share of total GFCF", percent_range(*of_total, 1), f"{year}, after capitalisation"))
    sentences = [sentence + "."]
    start = _pair(cube, codes.GFCF, all_data, first)
    rates = tuple(growth(a, b, int(year) - int(first)) for a, b in zip(start, gfcf))
    if all(math.isfinite(r) for r in rates):
        text = percent_range(*rates, 1).replace("-", MINUS)
        sentences.append(f"From {first} to {year} it grew by {text} a year on average, at current prices.")
        figures.append(KeyFigure(f"Growth of GFCF, {first}–{year}", f"{text} a year", "average, current prices"))
    stock = _pair(cube, codes.CLOSING_STOCK, net, year)
    if all(math.isfinite(v) for v in stock):
        stock_share = _pair(cube, codes.CLOSING_STOCK, net, year, unit=codes.RATIO_TO_GDP)
        detail = f"{percent_range(*stock_share)} of GDP" if all(math.isfinite(v) for v in stock_share) else ""
        figures.append(KeyFigure(f"Net stock of data assets, end {year}", money(stock), detail))
        sentences.append(f"The net stock of data assets at the end of {year} is {money(stock)}" + (f", {detail}." if detail else "."))
    gdp = _after(after, year, "B1GQ")
    if len(gdp) == 2 and all(v[0] for v in gdp.values()):
        effect = tuple(gdp[b][1] / gdp[b][0] * 100 for b in tbl.BOUNDS)
        figures.append(KeyFigure(f"Effect on GDP, {year}", f"+{percent_range(*effect)}".replace("+-", MINUS), "GDP after minus before capitalising data"))
        sentences.append(f"Treating data as capital changes GDP by {percent_range(*effect)} (GDP after minus GDP before capitalising data, as a share of GDP before).")
    return Headline(year, sentences, figures)
