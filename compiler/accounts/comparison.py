"""Cross-country measures and the remaining shares the publication tables need.

A pure stage (architecture.md): the canonical rows so far and the package's
``macro.csv`` in, new canonical rows out; nothing is written, nothing existing repeated.

International comparison (cross-country table of the HTML index)
-----------------------------------------------------------------
GFCF (``P51G``, gross codes) and the net stock (``LE``, net codes) of each data asset and
of their aggregate, current prices, all industries (``_T``) and sectors (``S1``), are
converted with the optional ``macro.csv`` columns of the same year (market exchange
rate, purchasing power parity for GDP, population), as Wang et al. (2024) compare China
with Canada at the exchange rate of the year::

    USD       = X · 10^m / usd_exchange_rate / 10^6      millions of US dollars (UNIT_MULT 6)
    PU        = X · 10^m / ppp / 10^6                    millions of PPP US dollars (UNIT_MULT 6)
    USD_R_POP = X · 10^m / usd_exchange_rate / population    US dollars per person (UNIT_MULT 0)
    PU_R_POP  = X · 10^m / ppp / population                  PPP US dollars per person

with X the row's value and m its UNIT_MULT. The codes are IMF:CL_UNIT's. Flows (P51G)
use the annual-average rate and PPP of ``macro.csv``; stocks (LE) the end-of-year
ones (OECD *Measuring Capital* 2009; docs/method.md §3): ``usd_exchange_rate_end`` and
``ppp_end`` where given, else approximated from the averages as the stocks' prices are
(:func:`compiler.accounts.pim.end_year_prices`: √(r_t·r_{t+1}), the last year extrapolated); the
initial stock of the year before the first uses macro.csv's row for that year if
there is one. A year whose rate, PPP or population is missing (or not positive) gets
no row. DECIMALS is set
per package and unit so that the largest value shows at least three significant digits
(at least 1 decimal for millions, 2 per person).

Shares (UNIT_MEASURE ``PT_B1GQ``, percent of GDP (project code), ``PT`` in percent)
------------------------------------------------------------------------
The cost and stocks stages already give P1 and P51G (``_T``) and the net stock as a
percentage of GDP. Added here, via :func:`compiler.accounts.ratios.percent_of_gdp`: the gross
stock and CFC (``P51C``) at current prices (Wang et al. 2024, table 11), and P1 and P51G of
all data assets by industry (table 9). ``PT``: each market industry's share in the
output of all data assets of market producers (table 10: "share of expenditure on data"
by industry, output at cost being the expenditure on data production; see
:func:`market_share_rows`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import numpy as np
import pandas as pd

from compiler import codes
from compiler import table as tbl
from compiler.accounts.classification import AssetClassification
from compiler.inputs import Inputs
from compiler.accounts.pim import end_year_prices
from compiler.accounts.ratios import gdp_of, percent_of_gdp

USD: Final = "USD"
PPP_USD: Final = "PU"
USD_PER_CAPITA: Final = "USD_R_POP"
PPP_USD_PER_CAPITA: Final = "PU_R_POP"
PERCENT: Final = "PT"
#: UNIT_MEASURE -> (rate column of macro.csv, per capita?, UNIT_MULT, provenance)
CONVERSIONS: Final[Mapping[str, tuple[str, bool, int, str]]] = {
    USD: ("usd_exchange_rate", False, 6, "{sto} / usd_exchange_rate (macro.csv), millions of US dollars at market exchange rates"),
    PPP_USD: ("ppp", False, 6, "{sto} / ppp (macro.csv), millions of US dollars at purchasing power parities"),
    USD_PER_CAPITA: ("usd_exchange_rate", True, 0, "{sto} / usd_exchange_rate / population (macro.csv), US dollars per person at market exchange rates"),
    PPP_USD_PER_CAPITA: ("ppp", True, 0, "{sto} / ppp / population (macro.csv), US dollars per person at purchasing power parities"),
}
#: Smallest number of decimals by UNIT_MULT of the converted rows.
MIN_DECIMALS: Final = {6: 1, 0: 2}
MAX_DECIMALS: Final = 6


def _macro_series(inputs: Inputs, column: str, with_year_before: bool = False) -> pd.Series:
    """A positive macro.csv column by year (as TIME_PERIOD strings); empty if absent.
    ``with_year_before``: include macro.csv's row for first_year − 1, if any."""
    frames = [inputs.macro] + ([inputs.macro_before] if with_year_before and inputs.macro_before is not None else [])
    macro = pd.concat(frames, ignore_index=True)
    if column not in macro.columns:
        return pd.Series(dtype=float)
    values = pd.to_numeric(macro[column], errors="coerce").astype(float)
    series = pd.Series(values.to_numpy(), index=macro["year"].astype(int).astype(str).to_numpy()).sort_index()
    return series.loc[series > 0]


def end_of_year_rates(inputs: Inputs, column: str) -> tuple[pd.Series, str]:
    """End-of-year rates by year (incl. the year before the first) and how they were got."""
    given = _macro_series(inputs, column + "_end", with_year_before=True)
    years = [str(y) for y in inputs.manifest.years]
    if given.index.isin(years).sum() == len(years):
        return given, f"{column}_end (macro.csv), end of year"
    average = _macro_series(inputs, column, with_year_before=True)
    first = str(inputs.manifest.first_year - 1)
    if average.index.isin(years).sum() < max(2, len(years)):
        return pd.Series(dtype=float), ""
    lead = first in average.index
    approx = end_year_prices(average.to_numpy()[None, :], leading=lead)[0]
    index = ([] if lead else [first]) + list(average.index)
    return pd.Series(approx, index=index), f"end of year approximated from {column} (macro.csv) as sqrt(r(t) x r(t+1)), the last year extrapolated"


def decimals_for(values: np.ndarray, unit_mult: int) -> int:
    """Decimals that show the largest value with at least three significant digits."""
    finite = np.abs(values[np.isfinite(values)])
    largest = float(finite.max()) if finite.size else 0.0
    needed = 2 - int(np.floor(np.log10(largest))) if largest > 0 else 0
    return int(min(MAX_DECIMALS, max(MIN_DECIMALS.get(unit_mult, 0), needed)))


def converted_rows(inputs: Inputs, table: pd.DataFrame, classification: AssetClassification) -> pd.DataFrame:
    """GFCF and net stock of data assets in USD, PPP USD and per capita (module docstring).

    ``table``: the canonical rows (or those of :func:`_at_total`, the same result)."""
    ref_area = inputs.manifest.ref_area
    assets = tuple(classification.code(a, "G") for a in (*codes.ASSET_TYPES, "all_data"))
    stocks = tuple(classification.code(a, "N") for a in (*codes.ASSET_TYPES, "all_data"))
    common = dict(REF_AREA=ref_area, ACTIVITY=codes.TOTAL_ACTIVITY, REF_SECTOR=codes.TOTAL_ECONOMY, PRICES=codes.CURRENT_PRICES, UNIT_MEASURE=codes.DOMESTIC_CURRENCY)
    source = pd.concat(
        [tbl.select(table, STO=codes.GFCF, INSTR_ASSET=assets, **common), tbl.select(table, STO=codes.CLOSING_STOCK, INSTR_ASSET=stocks, **common)],
        ignore_index=True,
    )
    population = _macro_series(inputs, "population", with_year_before=True)
    rates: dict[tuple[str, bool], tuple[pd.Series, str]] = {}  # each rate read once (USD and USD per capita share one)
    is_stock = (source["STO"] == codes.CLOSING_STOCK).to_numpy()
    parts = []
    for unit, (column, per_capita, unit_mult, note) in CONVERSIONS.items():
        for stock, rows in ((False, source.loc[~is_stock]), (True, source.loc[is_stock])):
            if (column, stock) not in rates:
                rates[column, stock] = end_of_year_rates(inputs, column) if stock else (_macro_series(inputs, column), f"{column} (macro.csv), annual average")
            rate, how = rates[column, stock]
            divisor = (rate * population if per_capita else rate * 10.0**unit_mult).dropna()
            rows = rows.loc[rows[tbl.TIME].isin(divisor.index)]
            if rows.empty:
                continue
            values = rows[tbl.VALUE].to_numpy() * 10.0 ** rows["UNIT_MULT"].to_numpy() / divisor.loc[rows[tbl.TIME]].to_numpy()
            out = rows.assign(OBS_VALUE=values, UNIT_MEASURE=unit, UNIT_MULT=unit_mult)
            notes = {sto: note.format(sto=sto) + f"; rate: {how}; " for sto in rows["STO"].unique()}
            out["COMMENT_OBS"] = rows["STO"].map(notes) + rows["INSTR_ASSET"] + ", " + rows[tbl.BOUND] + " bound (compiler.comparison)"
            parts.append(out)
    return _with_decimals(tbl.concat(parts))


def _with_decimals(rows: pd.DataFrame) -> pd.DataFrame:
    """DECIMALS per unit (:func:`decimals_for` over all rows of the unit)."""
    if rows.empty:
        return rows
    by_mult = {u: decimals_for(rows.loc[rows["UNIT_MEASURE"] == u, tbl.VALUE].to_numpy(), CONVERSIONS[u][2]) for u in rows["UNIT_MEASURE"].unique()}
    return rows.assign(DECIMALS=rows["UNIT_MEASURE"].map(by_mult).astype(rows["DECIMALS"].dtype))


def share_rows(inputs: Inputs, table: pd.DataFrame, classification: AssetClassification, detail: pd.DataFrame | None = None) -> pd.DataFrame:
    """Gross stock and CFC as % of GDP; P1, P51G of all data assets by industry as % of
    GDP; each market industry's percentage share (:func:`market_share_rows`).

    ``table``: the canonical rows, or those of :func:`_at_total` with ``detail`` those of
    :func:`_by_industry` (the same result)."""
    ref_area = inputs.manifest.ref_area
    gdp = gdp_of(table)
    current = tbl.select(table, REF_AREA=ref_area, ACTIVITY=codes.TOTAL_ACTIVITY, REF_SECTOR=codes.TOTAL_ECONOMY, PRICES=codes.CURRENT_PRICES, UNIT_MEASURE=codes.DOMESTIC_CURRENCY)
    gross_codes = tuple(classification.code(a, "G") for a in (*codes.ASSET_TYPES, "all_data"))
    gross_stock = tbl.select(current, STO=codes.CLOSING_STOCK, INSTR_ASSET=gross_codes)
    cfc = tbl.select(current, STO=codes.CFC, INSTR_ASSET=gross_codes)
    total = classification.code("all_data", "G")
    detail = _by_industry(inputs, table, total) if detail is None else detail
    by_industry = detail.loc[detail["ACTIVITY"] != codes.TOTAL_ACTIVITY]
    parts = [
        percent_of_gdp(gross_stock, gdp, "gross stock at current prices"),
        percent_of_gdp(cfc, gdp, "consumption of fixed capital (P51C) at current prices"),
    ]
    if len(by_industry):
        share = percent_of_gdp(by_industry, gdp, "STO")
        share["COMMENT_OBS"] = "percent of GDP: " + share["STO"] + " of " + share["ACTIVITY"] + " / B1GQ x 100 (macro.csv gdp)"
        parts.append(share)
        parts.append(market_share_rows(inputs, table, by_industry, total))
    return tbl.concat([tbl.coerce(p) for p in parts if len(p)])


def _by_industry(inputs: Inputs, table: pd.DataFrame, total: str) -> pd.DataFrame:
    """P1 and P51G of all data assets (``total``) at S1, current prices, XDC, every ACTIVITY."""
    return tbl.select(table, STO=(codes.OUTPUT, codes.GFCF), INSTR_ASSET=total, REF_AREA=inputs.manifest.ref_area, REF_SECTOR=codes.TOTAL_ECONOMY,
                      PRICES=codes.CURRENT_PRICES, UNIT_MEASURE=codes.DOMESTIC_CURRENCY)


def _at_total(inputs: Inputs, table: pd.DataFrame) -> pd.DataFrame:
    """Every row this stage reads at ACTIVITY _T (GFCF, stocks, CFC, output, GDP of the
    package's area, current prices, XDC), selected once, in the table's order."""
    return tbl.select(table, STO=(codes.GFCF, codes.CLOSING_STOCK, codes.CFC, codes.OUTPUT, "B1GQ"), ACTIVITY=codes.TOTAL_ACTIVITY,
                      REF_AREA=inputs.manifest.ref_area, PRICES=codes.CURRENT_PRICES, UNIT_MEASURE=codes.DOMESTIC_CURRENCY)


def market_share_rows(inputs: Inputs, table: pd.DataFrame, by_industry: pd.DataFrame, total: str) -> pd.DataFrame:
    """``PT``: each market industry's P1 as a percentage of the P1 of all market producers.

    The denominator is P1 of ``_T`` at ``S1`` less P1 of ``_T`` at each non-market sector
    ([method] non_market_sectors): Wang et al. (2024, table 10) compare the industries'
    share with an enterprise survey, "excluding public officials engaged in statistical
    work". Industries of non-market sectors get no row.
    """
    m = inputs.manifest
    output = by_industry.loc[by_industry["STO"] == codes.OUTPUT]
    market = tbl.select(inputs.industries, sector=tuple(s for s in inputs.industries["sector"].unique() if s not in m.non_market_sectors))
    output = output.loc[output["ACTIVITY"].isin(market["industry"])]
    totals = tbl.select(table, REF_AREA=m.ref_area, STO=codes.OUTPUT, INSTR_ASSET=total, ACTIVITY=codes.TOTAL_ACTIVITY, PRICES=codes.CURRENT_PRICES, UNIT_MEASURE=codes.DOMESTIC_CURRENCY)
    signed = np.where(totals["REF_SECTOR"].isin(m.non_market_sectors), -1.0, np.where(totals["REF_SECTOR"] == codes.TOTAL_ECONOMY, 1.0, 0.0))
    denominator = (totals[tbl.VALUE] * signed).groupby([totals[tbl.TIME], totals[tbl.BOUND]]).sum()
    keys = pd.MultiIndex.from_arrays([output[tbl.TIME], output[tbl.BOUND]])
    below = denominator.reindex(keys).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(below != 0, output[tbl.VALUE].to_numpy() / below * 100, np.nan)
    sectors = "+".join(sorted(m.non_market_sectors))
    out = output.assign(OBS_VALUE=values, UNIT_MEASURE=PERCENT, UNIT_MULT=0, DECIMALS=2)
    out["COMMENT_OBS"] = ("percent of the output of data assets of market producers: P1 of " + output["ACTIVITY"]
                          + f" / (P1 of _T less P1 of non-market sectors {sectors}) x 100 (compiler.comparison)")
    return out.loc[np.isfinite(values)]


def comparison_rows(inputs: Inputs, table: pd.DataFrame, classification: AssetClassification) -> pd.DataFrame:
    """All rows of this stage (module docstring); no key of ``table`` is repeated."""
    at_total = _at_total(inputs, table)
    detail = _by_industry(inputs, table, classification.code("all_data", "G"))
    new = tbl.concat([converted_rows(inputs, at_total, classification), share_rows(inputs, at_total, classification, detail)])
    return new
