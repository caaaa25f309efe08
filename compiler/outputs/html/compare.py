"""The cross-country tables of ``OUT/html/index.html``, from the canonical rows.

GFCF and net stock of all data assets (each package's own aggregate code) as a
percentage of GDP, in US dollars at market exchange rates and at PPP, and per person
where the package gives population (rows of :mod:`compiler.accounts.comparison`), by year and
bound; a latest-year summary with its bar charts. Vectorised: one selection and one
pivot per measure over every country at once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from urllib.parse import quote

import numpy as np
import pandas as pd

from compiler import codes
from compiler import table as tbl
from compiler.accounts.comparison import PPP_USD, PPP_USD_PER_CAPITA, USD, USD_PER_CAPITA
from compiler.outputs.html import charts
from compiler.outputs.html.meta import PackageMeta
from compiler.outputs.html.model import MISSING_NOTE, Group, Row, TableView, format_number
from compiler.outputs.html.provenance_notes import status_note

GDP = codes.RATIO_TO_GDP
#: id, title, STO, valuation (G/N), UNIT_MEASURE, unit note
MEASURES: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("gfcf-gdp", "GFCF in data assets, percent of GDP", codes.GFCF, "G", GDP, "percent of GDP"),
    ("stock-gdp", "Net stock of data assets, percent of GDP", codes.CLOSING_STOCK, "N", GDP, "percent of GDP"),
    ("gfcf-usd", "GFCF in data assets, US dollars at market exchange rates", codes.GFCF, "G", USD, "US dollars, millions (unit multiplier 6), exchange-rate converted"),
    ("gfcf-ppp", "GFCF in data assets, US dollars at purchasing power parities", codes.GFCF, "G", PPP_USD, "US dollars, millions (unit multiplier 6), PPP converted"),
    ("stock-usd", "Net stock of data assets, US dollars at market exchange rates", codes.CLOSING_STOCK, "N", USD, "US dollars, millions (unit multiplier 6), exchange-rate converted"),
    ("stock-ppp", "Net stock of data assets, US dollars at purchasing power parities", codes.CLOSING_STOCK, "N", PPP_USD, "US dollars, millions (unit multiplier 6), PPP converted"),
    ("gfcf-usd-pc", "GFCF in data assets per person, US dollars at market exchange rates", codes.GFCF, "G", USD_PER_CAPITA, "US dollars per person (exchange-rate converted)"),
    ("gfcf-ppp-pc", "GFCF in data assets per person, US dollars at purchasing power parities", codes.GFCF, "G", PPP_USD_PER_CAPITA, "US dollars per person (PPP converted)"),
    ("stock-usd-pc", "Net stock of data assets per person, US dollars at market exchange rates", codes.CLOSING_STOCK, "N", USD_PER_CAPITA, "US dollars per person (exchange-rate converted)"),
    ("stock-ppp-pc", "Net stock of data assets per person, US dollars at purchasing power parities", codes.CLOSING_STOCK, "N", PPP_USD_PER_CAPITA, "US dollars per person (PPP converted)"),
)
SOURCE = "datasat compilation of the input packages listed above; experimental estimates"


def page_href(ref_area: str) -> str:
    return f"{quote(ref_area)}/index.html"


def comparison_rows(table: pd.DataFrame, metas: Sequence[PackageMeta]) -> pd.DataFrame:
    """The rows of every measure: each country's own all-data-assets code, ``_T``, ``S1``, current prices."""
    stems = {m.ref_area: (m.classification or {}).get("all_data", "N117D") for m in metas}
    units = tuple({m[4] for m in MEASURES})
    rows = tbl.select(table, STO=(codes.GFCF, codes.CLOSING_STOCK), ACTIVITY=codes.TOTAL_ACTIVITY, REF_SECTOR=codes.TOTAL_ECONOMY,
                      PRICES=codes.CURRENT_PRICES, UNIT_MEASURE=units, REF_AREA=tuple(stems))
    expected = rows["REF_AREA"].map(stems) + np.where(rows["STO"].to_numpy() == codes.CLOSING_STOCK, "N", "G")
    return rows.loc[rows["INSTR_ASSET"].to_numpy() == expected.to_numpy()]


def _wide(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Values and DECIMALS of every measure, index (STO, UNIT_MEASURE, REF_AREA, BOUND),
    one column per year: a single pivot for all measures and countries."""
    index = ["STO", "UNIT_MEASURE", "REF_AREA", tbl.BOUND]
    values = rows.pivot(index=index, columns=tbl.TIME, values=tbl.VALUE)
    decimals = rows.pivot(index=index, columns=tbl.TIME, values="DECIMALS")
    years = sorted(values.columns)
    return values.reindex(columns=years), decimals.reindex(columns=years).fillna(0).astype(int), years


def _measure(values: pd.DataFrame, decimals: pd.DataFrame, sto: str, unit: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    if (sto, unit) not in values.index.droplevel([2, 3]):
        empty = values.iloc[:0].droplevel([0, 1])
        return empty, empty
    return values.loc[(sto, unit)], decimals.loc[(sto, unit)]


def measure_tables(rows: pd.DataFrame, metas: Sequence[PackageMeta], number: int = 1) -> list[TableView]:
    """One table per measure: rows country × bound, columns the years any country has."""
    if rows.empty:
        return []
    names = {m.ref_area: m.name for m in metas}
    all_values, all_decimals, _ = _wide(rows)
    views = []
    for slug, title, sto, _, unit, unit_note in MEASURES:
        values, decimals = _measure(all_values, all_decimals, sto, unit)
        values = values.dropna(axis=1, how="all")
        if values.empty:
            continue
        years = list(values.columns)[::-1]  # newest first: the latest years in view without scrolling
        order = [(m.ref_area, b) for m in metas for b in tbl.BOUNDS if (m.ref_area, b) in values.index]
        values, decimals = values.reindex(index=order, columns=years), decimals.reindex(index=order, columns=years)
        body = [
            Row(names[area], v, d, area, texts=[bound], href=page_href(area))
            for (area, bound), v, d in zip(order, values.to_numpy().tolist(), decimals.to_numpy().tolist())
        ]
        present = {a for a, _ in order}
        missing = [m.name for m in metas if m.ref_area not in present]
        notes = ["All data assets (data, databases and data R&D), current prices; each country's own GDP, exchange rate, PPP and population."]
        if missing:
            reason = "population" if unit in (USD_PER_CAPITA, PPP_USD_PER_CAPITA) else ("exchange rate" if unit == USD else "PPP" if unit == PPP_USD else "figures")
            notes.append(f"Not available ({reason} not given by the package): " + ", ".join(missing) + ".")
        notes.append(MISSING_NOTE)
        view = TableView(slug, f"Table {number}. {title}", unit_note, "Country", [("Bound",)] + [(y,) for y in years],
                         [Group("", body)], notes, SOURCE, text_columns=1)
        view.status, view.status_note = illustrative_note(metas, "international" if unit not in (GDP,) else "gfcf-asset" if sto == codes.GFCF else "stock-gdp")
        views.append(view)
        number += 1
    return views


def illustrative_note(metas: Sequence[PackageMeta], table: str) -> tuple[str, str]:
    """The index's provenance note: which countries' figures rest on illustrative inputs."""
    shaky = _illustrative_countries(metas, table)
    if not shaky:
        return "", ""
    return "illustrative", (f"The figures of {', '.join(shaky)} rest on illustrative inputs, set for the package and not measured: "
                            "they show how the method works and are not estimates to quote. Each country page says which inputs.")


def _illustrative_countries(metas: Sequence[PackageMeta], table: str) -> list[str]:
    """Names of the countries whose ``table`` rests on illustrative inputs."""
    return [m.name for m in metas if status_note(m, table)[0] == "illustrative"]


def _gfcf_share(rows: pd.DataFrame) -> pd.DataFrame:
    """GFCF in data assets, percent of GDP, by (REF_AREA, BOUND) × year; empty when absent."""
    if rows.empty:
        return pd.DataFrame()
    values, decimals, _ = _wide(rows)
    return _measure(values, decimals, codes.GFCF, GDP)[0]


def common_year(rows: pd.DataFrame, metas: Sequence[PackageMeta], share: pd.DataFrame | None = None) -> str | None:
    """The latest year in which every country has GFCF in data assets as a share of GDP (low bound)."""
    share = _gfcf_share(rows) if share is None else share
    if share.empty:
        return None
    low = share.xs("low", level=tbl.BOUND).reindex([m.ref_area for m in metas])
    complete = [str(y) for y in low.columns if low[y].notna().all()]
    return complete[-1] if complete else None


def index_headline(rows: pd.DataFrame, metas: Sequence[PackageMeta]) -> list[str]:
    """One or two generated sentences comparing the countries in their common year."""
    share = _gfcf_share(rows)
    year = common_year(rows, metas, share)
    if year is None:
        return []
    names = {m.ref_area: m.name for m in metas}
    pairs = {m.ref_area: (float(share.at[(m.ref_area, "low"), year]), float(share.at[(m.ref_area, "high"), year])) for m in metas
             if (m.ref_area, "high") in share.index}
    text = lambda pair: f"{format_number(pair[0], 2)}–{format_number(pair[1], 2)} %"  # noqa: E731
    if len(pairs) == 1:
        (area, pair), = pairs.items()
        sentences = [f"In {year}, gross fixed capital formation (GFCF) in data assets in {names[area]} is {text(pair)} of gross domestic product (GDP), low and high bound."]
    else:
        ranked = sorted(pairs, key=lambda a: pairs[a][0])
        sentences = [f"In {year}, the latest year compiled for all {len(pairs)} countries, gross fixed capital formation (GFCF) in data assets "
                     f"ranges from {text(pairs[ranked[0]])} of gross domestic product (GDP) in {names[ranked[0]]} to {text(pairs[ranked[-1]])} "
                     f"in {names[ranked[-1]]} (low–high bound)."]
    shaky = _illustrative_countries(metas, "gfcf-asset")
    if shaky:
        sentences.append(f"The figures of {', '.join(shaky)} rest on illustrative inputs: they show the method at work and are not estimates to quote.")
    return sentences


def trend_chart(rows: pd.DataFrame, metas: Sequence[PackageMeta]) -> charts.BandChart | None:
    """GFCF in data assets, % of GDP, one low–high band per country over all years."""
    share = _gfcf_share(rows)
    if share.empty:
        return None
    years = [str(y) for y in share.dropna(axis=1, how="all").columns]
    series = [(m.name, share.loc[(m.ref_area, "low"), years].astype(float).tolist(), share.loc[(m.ref_area, "high"), years].astype(float).tolist())
              for m in metas if (m.ref_area, "low") in share.index and (m.ref_area, "high") in share.index]
    return charts.band_chart("trend-chart", "GFCF in data assets by country, percent of GDP, low–high range", "gfcf-gdp", "percent of GDP", years, series)


def summary_table(rows: pd.DataFrame, metas: Sequence[PackageMeta]) -> TableView | None:
    """Every country in the common year (else its latest year): GFCF and net stock (% of GDP), GFCF in USD; with bar charts."""
    if rows.empty:
        return None
    common = common_year(rows, metas)
    all_values, all_decimals, _ = _wide(rows)
    picks = [("GFCF, % of GDP", codes.GFCF, GDP), ("Net stock, % of GDP", codes.CLOSING_STOCK, GDP), ("GFCF, USD million", codes.GFCF, USD), ("GFCF, USD per person", codes.GFCF, USD_PER_CAPITA)]
    frames = {name: _measure(all_values, all_decimals, sto, unit) for name, sto, unit in picks}
    frames = {name: f for name, f in frames.items() if not f[0].empty}
    if "GFCF, % of GDP" not in frames:
        return None
    first = frames["GFCF, % of GDP"][0]
    low = first.xs("low", level=tbl.BOUND)
    have = low.notna().to_numpy()
    latest = {area: common or str(low.columns[np.flatnonzero(row)[-1]]) for area, row in zip(low.index, have) if row.any()}
    body = []
    for meta in metas:
        year = latest.get(meta.ref_area)
        if year is None:
            continue
        values, decimals = [], []
        for v, d in frames.values():
            for bound in tbl.BOUNDS:
                key = (meta.ref_area, bound)
                found = key in v.index and year in v.columns
                value = float(v.at[key, year]) if found else math.nan
                values.append(value)
                decimals.append(int(d.at[key, year]) if found and math.isfinite(value) else 0)
        body.append(Row(meta.name, values, decimals, meta.ref_area, texts=[year], href=page_href(meta.ref_area)))
    if not body:
        return None
    columns = [("Year",)] + [(name, b.capitalize()) for name in frames for b in tbl.BOUNDS]
    title = f"Summary. Data assets in {common}, the latest year compiled for every country" if common else "Summary. Data assets in the latest year compiled"
    note = (f"{common} is the latest year with GFCF as a percentage of GDP in every package; other years are in the tables below." if common
            else "The packages share no year: each country's latest year with GFCF as a percentage of GDP.")
    view = TableView("latest", title, "as stated in the column heads", "Country", columns, [Group("", body)], [note, MISSING_NOTE], SOURCE, text_columns=1)
    names = list(frames)
    bars = []
    for index, label in ((0, "GFCF in data assets, % of GDP"), (1, "Net stock of data assets, % of GDP")):
        if index < len(names) and names[index].endswith("% of GDP"):
            data = [(f"{r.label} ({r.texts[0]})", r.values[2 * index], r.values[2 * index + 1], r.decimals[2 * index]) for r in body]
            chart = charts.bar_chart(f"bars-{index}", f"{label}, {common or 'latest year'}", view.id, "percent of GDP", data)
            if chart is not None:
                bars.append(chart)
    view.chart = bars
    return view


def countries_table(metas: Sequence[PackageMeta]) -> TableView:
    """The compiled packages: a table of contents of the country pages."""
    body = [
        Row(m.name, [], [], m.ref_area, texts=[f"{m.first_year}–{m.last_year}", m.money_unit(), str(m.base_year), m.folder], href=page_href(m.ref_area))
        for m in metas
    ]
    return TableView("countries-table", "Countries compiled", "", "Country", [("Years",), ("Currency unit",), ("Base year",), ("Package",)], [Group("", body)],
                     [], SOURCE, text_columns=4)
