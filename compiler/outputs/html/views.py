"""The satellite-account tables of one country, as :class:`TableView` models.

Pure functions of the canonical rows (through :class:`compiler.outputs.html.cube.Cube`) and the
package metadata; nothing is recomputed except where a note says so (subtotals of
shares, supply and use totals), and "after capitalisation" comes from
:func:`compiler.accounts.gdp.after_capitalisation`, the writers' helper of the GDP stage.

The tables follow Wang et al. (2024), tables 8–11 (inputs, data capital formation, share
of data-intensive industries, data asset stock), without their numbers: a package cites
them in its own notes (``[publication.notes]``). Notes that depend on the country come
from the package, never from here; each table carries the provenance note of the
inputs it rests on (:mod:`compiler.outputs.html.provenance_notes`). No file or module names in
reader-facing text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import pandas as pd

from compiler import codes
from compiler import table as tbl
from compiler.accounts.classification import DEFAULT_STEMS, AssetClassification, load_classification
from compiler.accounts.comparison import PERCENT, PPP_USD, PPP_USD_PER_CAPITA, USD, USD_PER_CAPITA
from compiler.accounts.gdp import after_capitalisation
from compiler.accounts.gdp_effect import change_code

CHANGE_B1GQ = change_code("B1GQ")
from compiler.outputs.html import charts
from compiler.outputs.html.cube import Cube
from compiler.outputs.html.meta import PackageMeta
from compiler.outputs.html.model import MISSING_NOTE, Group, Row, TableView
from compiler.outputs.html.headline import Headline, country_headline
from compiler.outputs.html.method_text import MethodItem, method_items, occupation_table
from compiler.outputs.html.provenance_notes import status_note

NOT_GIVEN = "not given"

ASSET_NAMES = {"data": "Data", "databases": "Databases", "data_rd": "Data R&D", "all_data": "All data assets"}
ASSETS = ("data", "databases", "data_rd", "all_data")
BOUND_NAMES = {"low": "Low", "high": "High"}
BOUND_GROUPS = {"low": "Low bound", "high": "High bound"}
GDP = codes.RATIO_TO_GDP
Q, V = codes.CONSTANT_PRICES, codes.CURRENT_PRICES


@cache
def _classification(stems: tuple[tuple[str, str], ...]) -> AssetClassification:
    return load_classification(dict(stems))


@dataclass(frozen=True)
class Section:
    """A part of the country page: heading, intro and its tables."""

    id: str
    title: str
    tables: list[TableView]
    intro: str = ""


class CountryViews:
    """Builds every table of one country page from its canonical rows."""

    def __init__(self, meta: PackageMeta, rows: pd.DataFrame, after: pd.DataFrame | None = None):
        """``after``: :func:`compiler.accounts.gdp.after_capitalisation` of the country, if already
        computed for every country at once (:func:`compiler.accounts.gdp.after_capitalisation_by_area`)."""
        self.meta, self.rows, self.after = meta, rows, after
        self.cube = Cube(rows)
        self.cls = _classification(tuple(sorted(meta.classification.items())))
        self.years = [str(y) for y in range(meta.first_year, meta.last_year + 1)]
        self.newest_first = self.years[::-1]  # year columns: the latest years visible without scrolling
        self.money = f"{meta.money_unit()} (unit multiplier {meta.unit_mult})" if meta.unit_mult else meta.money_unit()
        self.money_short = meta.money_unit()
        self.source = f"datasat compilation of the {meta.name} input package; experimental estimates"
        self._activities: list[str] | None = None

    # ------------------------------------------------------------------ helpers

    def code(self, asset: str, valuation: str = "G") -> str:
        return self.cls.code(asset, valuation)

    def table(self, slug: str, title: str, unit: str, stub: str, columns: list[tuple[str, ...]], groups: list[Group], notes: Sequence[str] = (), **extra) -> TableView:
        """A table with the package's own notes for ``slug`` and the provenance note of its inputs."""
        status, note = status_note(self.meta, slug)
        notes = [*notes, *self.meta.publication.notes_for(slug), MISSING_NOTE]
        return TableView(slug, title, unit, stub, columns, groups, notes, self.source, status=status, status_note=note, **extra)

    def year_rows(self, years: Sequence[str], specs: Sequence[Callable[[Sequence[str]], tuple[list[float], list[int]]]]) -> list[Row]:
        """Rows = years, one column per spec (a function of the years giving values and decimals)."""
        columns = [spec(years) for spec in specs]
        return [Row(y, [c[0][i] for c in columns], [c[1][i] for c in columns]) for i, y in enumerate(years)]

    def spec(self, sto: str, asset: str = "_Z", bound: str = "low", **key) -> Callable[[Sequence[str]], tuple[list[float], list[int]]]:
        return lambda years: self.cube.series(sto, asset, years, bound, **key)

    def bound_specs(self, sto: str, asset: str, **key) -> list:
        return [self.spec(sto, asset, b, **key) for b in tbl.BOUNDS]

    def activities(self) -> list[str]:
        """Industries of the package (its order), then any other activity in the rows."""
        if self._activities is None:
            present = set(self.rows["ACTIVITY"].unique()) - {codes.TOTAL_ACTIVITY}
            ordered = [a for a in self.meta.industries if a in present]
            self._activities = ordered + sorted(present - set(ordered))
        return self._activities

    def label(self, activity: str) -> str:
        return self.meta.industries.get(activity, activity)

    # ------------------------------------------------------------------ sections

    def sections(self) -> list[Section]:
        sections = [
            Section("s-inputs", "Inputs to data production", [self.inputs()],
                    "Labour input is the cost of data occupations weighted by the share of their working time spent producing data; "
                    "capital input, intermediate consumption and the mark-up follow from ratios to labour (sum-of-costs method, SNA 2008 §6.125)."),
            Section("s-formation", "Output and capital formation", [
                self.by_asset(codes.GFCF, "gfcf-asset", "Data capital formation (GFCF) by asset type, current prices", chart=True),
                None if self.output_is_gfcf() else self.by_asset(codes.OUTPUT, "output-asset", "Output of data assets by asset type, current prices"),
                self.by_industry(codes.DOMESTIC_CURRENCY),
                self.by_industry(GDP),
                self.industry_shares(),
            ]),
            Section("s-stocks", "Capital stock", [self.stocks(Q), self.stocks(V), self.stocks(GDP), self.net_stock_by_asset()],
                    "Perpetual inventory of GFCF deflated by the investment price index; the net (wealth) stock, the gross stock "
                    "and consumption of fixed capital (CFC)."),
            Section("s-classification", "Extended classification of intellectual property products", [self.classification()]),
            Section("s-supply-use", "Supply and use of data products", [self.supply_use()]),
            Section("s-accumulation", "Accumulation account", [self.accumulation()]),
            Section("s-gdp", "GDP before and after capitalisation", self.gdp()),
            Section("s-international", "International comparison", [self.international()]),
        ]
        sections = [Section(s.id, s.title, [t for t in s.tables if t is not None and not t.empty], s.intro) for s in sections]
        for number, view in enumerate((t for s in sections for t in s.tables), start=1):
            view.title = f"Table {number}. {view.title}"
        return sections

    # ------------------------------------------------------------------ headline and method

    def headline(self) -> Headline | None:
        after = self.after if self.after is not None else after_capitalisation(self.rows, self.meta.ref_area, self.code("all_data"))
        found = country_headline(self.meta, self.cube, after, self.code("all_data"), self.code("all_data", "N"))
        if found is not None:
            status, note = status_note(self.meta, "headline")
            found.status, found.status_note = status, note
        return found

    def method(self) -> tuple[list[MethodItem], list[TableView]]:
        """The method in prose and the occupation table (its CSV is written like the others)."""
        items = method_items(self.meta, self.cube, self.code("all_data", "N"), self.code("all_data"), self.years)
        occupations = occupation_table(self.meta, self.source)
        if occupations is not None:
            status, note = status_note(self.meta, "occupations")
            occupations.status, occupations.status_note = status, note
            occupations.notes += list(self.meta.publication.notes_for("method"))
        return items, [occupations] if occupations is not None else []

    # ------------------------------------------------------------------ table 8

    def inputs(self) -> TableView:
        """Labour and capital inputs in data production (Wang et al. 2024, table 8): the result,
        output at the sum of costs, first, so that it stays in view on a desk screen."""
        total = self.code("all_data")
        columns, specs = [], []
        components = [(codes.OUTPUT, "Output (sum of costs)"), (codes.LABOUR, "Labour input"), (codes.CAPITAL, "Capital input"),
                      (codes.INTERMEDIATE, "Intermediate consumption"), (codes.OTHER_COSTS, "Other costs"),
                      (codes.TAXES, "Other taxes less subsidies on production"), (codes.MARKUP, "Mark-up")]
        given = [(sto, name) for sto, name in components if self.cube.has(sto, total)]
        zero = [(sto, name) for sto, name in given if sto != codes.OUTPUT and self.all_zero(sto, total)]
        for sto, name in given:
            if (sto, name) not in zero:
                columns += [(name, BOUND_NAMES[b]) for b in tbl.BOUNDS]
                specs += self.bound_specs(sto, total)
        if self.cube.has(codes.EMPLOYMENT, unit=codes.PERSONS, prices=codes.NOT_APPLICABLE):  # persons: PRICES _Z
            columns.append(("Persons in data occupations",))
            specs.append(self.spec(codes.EMPLOYMENT, unit=codes.PERSONS, prices=codes.NOT_APPLICABLE))
        if self.cube.has(codes.COMPENSATION):
            columns.append(("Labour cost before time shares",))
            specs.append(self.spec(codes.COMPENSATION))
        notes = [
            "Persons and labour cost before time shares do not depend on the bound.",
            f"Mark-up on {'labour and other costs' if self.meta.markup_base == 'costs' else 'labour input'} of market producers only; "
            f"non-market producers ({', '.join(self.meta.non_market_sectors)}) are valued at cost.",
            *self.zero_cost_notes([name for _, name in zero], any(sto == codes.OTHER_COSTS for sto, _ in given if (sto, _) not in zero)),
            *([] if self.cube.has(codes.TAXES, total) else ["Other taxes less subsidies on production: not given by the package; counted as 0."]),
        ]
        return self.table("inputs", "Labour and capital inputs in data production, all data assets", f"{self.money}, current prices; persons",
                          "Year", columns, [Group("", self.year_rows(self.years, specs))], notes)

    def all_zero(self, sto: str, asset: str, **key) -> bool:
        """True if the series is zero in every year and bound (a component the package does not give)."""
        values = [v for b in tbl.BOUNDS for v in self.cube.series(sto, asset, self.years, b, **key)[0]]
        return bool(values) and all(v == 0 for v in values if math.isfinite(v)) and any(math.isfinite(v) for v in values)

    @staticmethod
    def zero_cost_notes(names: Sequence[str], other_costs: bool) -> list[str]:
        """Components left out of the inputs table because the package gives them as zero throughout."""
        if not names:
            return []
        listed = " and ".join(n.lower() for n in names)
        if other_costs:
            return [f"Not shown separately: {listed}. The package does not split them from other costs; they are included in other costs."]
        return [f"Not shown: {listed}, {NOT_GIVEN} by the package (zero in every year of its cost ratios)."]

    def identical(self, first: str, second: str, assets: Sequence[str], **key) -> bool:
        """True if two STOs have the same figures for every asset, year and bound (e.g. output = GFCF)."""
        for asset in assets:
            for bound in tbl.BOUNDS:
                a, _ = self.cube.series(first, asset, self.years, bound, **key)
                b, _ = self.cube.series(second, asset, self.years, bound, **key)
                if any(not (x == y or (math.isnan(x) and math.isnan(y))) for x, y in zip(a, b)):
                    return False
        return True

    # ------------------------------------------------------------------ table 9

    def by_asset(self, sto: str, slug: str, title: str, chart: bool = False) -> TableView:
        """Amount by asset type, low and high, and share of GDP (Wang et al. 2024, table 9)."""
        columns, specs = [], []
        for asset in ASSETS:
            columns += [(ASSET_NAMES[asset], BOUND_NAMES[b]) for b in tbl.BOUNDS]
            specs += self.bound_specs(sto, self.code(asset))
        total = self.code("all_data")
        columns += [("All data assets, % of GDP", BOUND_NAMES[b]) for b in tbl.BOUNDS]
        specs += self.bound_specs(sto, total, unit=GDP)
        notes = ["All data assets = data + databases + data R&D."]
        if sto == codes.GFCF and self.output_is_gfcf():
            title = title.replace("Data capital formation (GFCF)", "Output and capital formation (GFCF)")
            notes.append("Output equals GFCF for every asset and year: all output is kept for own use as capital formation, "
                         "so one table shows both.")
        view = self.table(slug, title, f"{self.money}, current prices; last two columns: percent of GDP", "Year", columns,
                          [Group("", self.year_rows(self.years, specs))], notes)
        if chart:
            low, _ = self.cube.series(sto, total, self.years, "low")
            high, _ = self.cube.series(sto, total, self.years, "high")
            trend = charts.band_chart(f"{view.id}-chart", "GFCF in all data assets, low–high range", view.id, f"{self.money_short}, current prices",
                                      self.years, [("All data assets", low, high)])
            year = self.years[-1]
            parts = [(ASSET_NAMES[a], *[self.cube.series(sto, self.code(a), [year], b)[0][0] for b in tbl.BOUNDS], self.meta.decimals) for a in ASSETS[:3]]
            composition = charts.bar_chart(f"{view.id}-composition", f"GFCF by asset type, {year}", view.id, f"{self.money_short}, current prices", parts)
            view.chart = [c for c in (trend, composition) if c is not None]
        return view

    def output_is_gfcf(self) -> bool:
        return self.identical(codes.OUTPUT, codes.GFCF, [self.code(a) for a in ASSETS])

    def by_industry(self, unit: str) -> TableView:
        """Output and GFCF of all data assets by industry (amounts or percent of GDP); one
        block if they are equal in every industry."""
        total = self.code("all_data")
        groups = []
        same = all(self.identical(codes.OUTPUT, codes.GFCF, [total], activity=a, unit=unit) for a in [*self.activities(), codes.TOTAL_ACTIVITY])
        items = ((codes.GFCF, "Output = GFCF"),) if same else ((codes.OUTPUT, "Output"), (codes.GFCF, "GFCF"))
        for sto, name in items:
            for bound in tbl.BOUNDS:
                rows = []
                for activity in [*self.activities(), codes.TOTAL_ACTIVITY]:
                    values, decimals = self.cube.series(sto, total, self.newest_first, bound, activity=activity, unit=unit)
                    is_total = activity == codes.TOTAL_ACTIVITY
                    rows.append(Row("All industries" if is_total else self.label(activity), values, decimals, "" if is_total else activity, kind="total" if is_total else ""))
                groups.append(Group(f"{name}, {BOUND_GROUPS[bound].lower()}", rows))
        notes = ["All data assets = data + databases + data R&D."]
        if same:
            notes.append("Output equals GFCF in every industry (all output is own-account capital formation): one block shows both.")
        if unit != GDP:
            view = self.table("industry", "Output and GFCF of data assets by industry, current prices", f"{self.money}, current prices", "Industry",
                              [(y,) for y in self.newest_first], groups, notes)
            year = self.years[-1]
            bars = [(self.label(a), *[self.cube.series(codes.GFCF, total, [year], b, activity=a)[0][0] for b in tbl.BOUNDS], self.meta.decimals)
                    for a in self.activities()]
            ranked = sorted(bars, key=lambda r: -(r[2] if math.isfinite(r[2]) else -math.inf))
            title = f"GFCF in data assets by industry, {year}" + (" (the ten largest)" if len(ranked) > 10 else "")
            view.chart = charts.bar_chart("industry-chart", title, view.id, f"{self.money_short}, current prices", ranked[:10])
            return view
        if unit == GDP:
            return self.table("industry-gdp", "Output and GFCF of data assets by industry, percent of GDP", "percent of GDP, current prices", "Industry",
                              [(y,) for y in self.newest_first], groups, notes)
        return self.table("industry", "Output and GFCF of data assets by industry, current prices", f"{self.money}, current prices", "Industry",
                          [(y,) for y in self.newest_first], groups, notes)

    # ------------------------------------------------------------------ table 10

    def industry_shares(self) -> TableView | None:
        """Share of each industry (and of the package's data-intensive industries) in the output of data assets (Wang et al. 2024, table 10)."""
        total = self.code("all_data")
        market = [a for a in self.activities() if self.cube.has(codes.OUTPUT, total, activity=a, unit=PERCENT)]
        if not market:
            return None
        prefixes = tuple(self.meta.publication.data_intensive)
        intensive = [a for a in market if prefixes and a.startswith(prefixes)]
        others = [a for a in market if a not in intensive]
        groups = []
        for bound in tbl.BOUNDS:
            rows = []
            for activity in intensive:
                values, decimals = self.cube.series(codes.OUTPUT, total, self.newest_first, bound, activity=activity, unit=PERCENT)
                rows.append(Row(self.label(activity), values, decimals, activity, level=1))
            if intensive:
                columns = [r.values for r in rows]
                summed = [math.fsum(c[i] for c in columns) if all(math.isfinite(c[i]) for c in columns) else math.nan for i in range(len(self.newest_first))]
                rows.insert(0, Row("Data-intensive industries (" + ", ".join(intensive) + ")", summed, [2] * len(summed), kind="derived"))
            for activity in others:
                values, decimals = self.cube.series(codes.OUTPUT, total, self.newest_first, bound, activity=activity, unit=PERCENT)
                rows.append(Row(self.label(activity), values, decimals, activity))
            groups.append(Group(BOUND_GROUPS[bound], rows))
        sectors = ", ".join(self.meta.non_market_sectors)
        notes = [f"Share of each industry in the output of data assets of market producers; non-market producers ({sectors}) are left out."]
        if intensive:
            notes.append("Data-intensive industries (as the package defines them): " + ", ".join(f"{self.label(a)} ({a})" for a in intensive)
                         + ". Their row is the sum of the shares below it, computed for this table.")
        return self.table("industry-share", "Share of data-intensive industries in the output of data assets", "percent", "Industry",
                          [(y,) for y in self.newest_first], groups, notes)

    # ------------------------------------------------------------------ table 11

    def stocks(self, prices: str) -> TableView:
        """Gross and net stock and CFC at constant or current prices or in % of GDP (Wang et al. 2024, table 11)."""
        net, gross = self.code("all_data", "N"), self.code("all_data", "G")
        items = [("Net stock", codes.CLOSING_STOCK, net), ("Gross stock", codes.CLOSING_STOCK, gross), ("Consumption of fixed capital", codes.CFC, gross)]
        if prices == Q:
            items.insert(0, ("GFCF", codes.GFCF, gross))
        unit_key = {"unit": GDP} if prices == GDP else {"prices": prices}
        columns, specs = [], []
        for name, sto, asset in items:
            columns += [(name, BOUND_NAMES[b]) for b in tbl.BOUNDS]
            specs += self.bound_specs(sto, asset, **unit_key)
        years = self.cube.years_of([(sto, asset, GDP if prices == GDP else codes.DOMESTIC_CURRENCY, V if prices == GDP else prices) for _, sto, asset in items])
        rows = self.year_rows(years, specs)
        base = self.meta.base_year
        notes = [f"The first row ({years[0]}) is the initial net stock." if years and int(years[0]) < self.meta.first_year else "",
                 "All data assets = data + databases + data R&D."]
        if prices == Q:
            title, unit = f"Capital stock and consumption of fixed capital of data assets, constant {base} prices", f"{self.money}, {base} prices"
            notes.insert(0, f"Current-price values deflated by the investment price index ({base} = 1).")
            slug = "stock-constant"
        elif prices == V:
            title, unit, slug = "Capital stock and consumption of fixed capital of data assets, current prices", f"{self.money}, current prices", "stock-current"
        else:
            title, unit, slug = "Capital stock and consumption of fixed capital of data assets, percent of GDP", "percent of GDP (current prices)", "stock-gdp"
        view = self.table(slug, title, unit, "Year", columns, [Group("", rows)], [n for n in notes if n])
        if prices == GDP:
            low, _ = self.cube.series(codes.CLOSING_STOCK, net, self.years, "low", unit=GDP)
            high, _ = self.cube.series(codes.CLOSING_STOCK, net, self.years, "high", unit=GDP)
            view.chart = charts.band_chart(f"{view.id}-chart", "Net stock of data assets, percent of GDP, low–high range", view.id, "percent of GDP",
                                           self.years, [("Net stock", low, high)])
        return view

    def net_stock_by_asset(self) -> TableView:
        columns, specs = [], []
        for asset in ASSETS:
            columns += [(ASSET_NAMES[asset], BOUND_NAMES[b]) for b in tbl.BOUNDS]
            specs += self.bound_specs(codes.CLOSING_STOCK, self.code(asset, "N"), prices=Q)
        years = self.cube.years_of([(codes.CLOSING_STOCK, self.code("all_data", "N"), codes.DOMESTIC_CURRENCY, Q)])
        base = self.meta.base_year
        return self.table("stock-asset", f"Net capital stock by asset type, constant {base} prices", f"{self.money}, {base} prices", "Year", columns,
                          [Group("", self.year_rows(years, specs))])

    # ------------------------------------------------------------------ classification

    def classification(self) -> TableView:
        """The extended IPP classification (gross codes), with the latest year's figures."""
        year = self.years[-1]
        cls = self.cls
        root = next((c for c in cls.codes.values() if c.id.startswith("N117") and not c.parent and c.id.endswith("G") and c.id != self.code("all_data")), None)
        ordered: list[tuple[str, int]] = []

        def walk(code: str, level: int) -> None:
            ordered.append((code, level))
            for child in cls.children(code):
                walk(child, level + 1)

        if root is not None:
            walk(root.id, 0)
        ordered.append((self.code("all_data"), 0))
        rows = []
        for code, level in ordered:
            net = code[:-1] + "N"
            values, decimals = [], []
            for sto, asset in ((codes.GFCF, code), (codes.CLOSING_STOCK, net)):
                for bound in tbl.BOUNDS:
                    v, d = self.cube.series(sto, asset, [year], bound)
                    values.append(v[0])
                    decimals.append(d[0])
            entry = cls.codes[code]
            origin = "provisional (datasat)" if entry.origin.startswith("DATASAT") else "official"
            name = entry.name.removesuffix(" (gross)")
            rows.append(Row(name, values, decimals, texts=[code, net, origin], level=level, kind="total" if code == self.code("all_data") else ""))
        columns = [("Code, gross",), ("Code, net",), ("Status",)] + [(f"GFCF {year}", BOUND_NAMES[b]) for b in tbl.BOUNDS] + [(f"Net stock {year}", BOUND_NAMES[b]) for b in tbl.BOUNDS]
        notes = [
            "ESTAT:CL_INSTR_ASSET extended with provisional codes: data (beside computer software and databases), data R&D (under research and development) "
            "and the aggregate of all data assets (Wang et al. 2024, §2.3; expected in the 2025 SNA). "
            + ("The package replaces the default provisional codes." if dict(self.meta.classification) != dict(DEFAULT_STEMS) else ""),
            "Software, mineral exploration, originals and R&D other than data R&D are not compiled by datasat (–).",
        ]
        return self.table("classification", "Intellectual property products with the new data items", f"{self.money}, current prices", "Asset", columns,
                          [Group("", rows)], [n.strip() for n in notes], text_columns=3)

    # ------------------------------------------------------------------ supply and use

    def supply_use(self) -> TableView | None:
        year = self.years[-1]
        items = [("Supply", [("Output", codes.OUTPUT), ("Imports", "P7")], "Total supply"),
                 ("Use", [("Intermediate consumption", "P2"), ("Final consumption", "P3"), ("Gross fixed capital formation", codes.GFCF), ("Exports", "P6")], "Total use")]
        if not self.cube.has("P2", self.code("all_data")):
            return None
        columns = [(ASSET_NAMES[a], BOUND_NAMES[b]) for a in ASSETS for b in tbl.BOUNDS]
        groups = []
        for side, entries, total_name in items:
            rows = []
            for name, sto in entries:
                values, decimals = [], []
                for asset in ASSETS:
                    for bound in tbl.BOUNDS:
                        v, d = self.cube.series(sto, self.code(asset), [year], bound)
                        values.append(v[0])
                        decimals.append(d[0])
                rows.append(Row(name, values, decimals, sto))
            summed = [math.fsum(r.values[i] for r in rows) if all(math.isfinite(r.values[i]) for r in rows) else math.nan for i in range(len(columns))]
            rows.append(Row(total_name, summed, [self.meta.decimals] * len(columns), kind="derived"))
            groups.append(Group(side, rows))
        notes = ["Basic prices. Supply = use for each product (checked to 1e-9); the totals are sums of the rows above, computed for this table.",
                 "Other years: in the full table of observations (download below)."]
        notes += self.unmeasured_rows(groups)
        return self.table("supply-use", f"Supply and use of data products, {year}", f"{self.money}, current prices", "Transaction", columns, groups, notes)

    def unmeasured_rows(self, groups: Sequence[Group]) -> list[str]:
        """Mark supply-use rows that are zero only because the package gives nothing for them; return their notes."""
        caps = self.meta.capitalisation.values()
        reasons = {
            "P7": None if "imports.csv" in self.meta.files else (NOT_GIVEN, "Imports: not given by the package; the totals count them as zero."),
            "P6": (NOT_GIVEN, "Exports: not given by the package (no export share); the totals count them as zero.")
            if all(c.export_share == 0 for c in caps) else None,
            "P3": ("none: all output is own-account GFCF", "") if all(c.own_account_share == 1 for c in caps) else None,
            "P2": ("none: all output is own-account GFCF", "") if all(c.own_account_share == 1 for c in caps) else None,
        }
        notes = []
        for row in (r for g in groups for r in g.rows):
            reason = reasons.get(row.code)
            if reason and row.values and all(v == 0 for v in row.values):
                row.fill = reason[0]
                if reason[1]:
                    notes.append(reason[1])
        if any(r.fill.startswith("none") for g in groups for r in g.rows):
            notes.append("Intermediate and final consumption: none, since the package capitalises all output as own-account GFCF.")
        return notes

    # ------------------------------------------------------------------ accumulation

    def accumulation(self) -> TableView:
        net, gross = self.code("all_data", "N"), self.code("all_data", "G")
        previous = [str(int(y) - 1) for y in self.newest_first]
        entries: list[tuple[str, str, str, Sequence[str], str]] = [("Opening net stock", codes.CLOSING_STOCK, net, previous, "")]
        entries += [("Gross fixed capital formation (+)", codes.GFCF, gross, self.newest_first, codes.GFCF), ("Consumption of fixed capital (−)", codes.CFC, gross, self.newest_first, codes.CFC)]
        names = {"K1": "Economic appearance of assets", "K2": "Economic disappearance of non-produced assets", "K3": "Catastrophic losses",
                 "K4": "Uncompensated seizures", "K5": "Other changes in volume n.e.c.", "K6": "Changes in classification"}
        ocv = [k for k in codes.OTHER_VOLUME_CHANGES if self.cube.has(k, net)]
        entries += [(names[k] + " (+)", k, net, self.newest_first, k) for k in ocv]
        entries += [("Revaluation (+)", codes.REVALUATION, net, self.newest_first, codes.REVALUATION), ("Closing net stock", codes.CLOSING_STOCK, net, self.newest_first, codes.CLOSING_STOCK)]
        groups = []
        for bound in tbl.BOUNDS:
            rows = []
            for name, sto, asset, years, code in entries:
                values, decimals = self.cube.series(sto, asset, years, bound)
                rows.append(Row(name, values, decimals, code, kind="total" if "stock" in name else ""))
            groups.append(Group(BOUND_GROUPS[bound], rows))
        notes = ["Opening stock + GFCF − CFC + other changes in volume + revaluation = closing stock (2008 SNA ch. 13; checked in report.json).",
                 "The opening stock is the closing stock of the year before." + ("" if ocv else f" Other changes in volume: {NOT_GIVEN} by the package.")]
        return self.table("accumulation", "Accumulation account of data assets (net stock), current prices", f"{self.money}, current prices", "Item",
                          [(y,) for y in self.newest_first], groups, notes)

    # ------------------------------------------------------------------ GDP

    def gdp(self) -> list[TableView]:
        after = self.after if self.after is not None else after_capitalisation(self.rows, self.meta.ref_area, self.code("all_data"))
        if after.empty:
            return []
        year = self.years[-1]
        d = self.meta.decimals
        cells = dict(zip(zip(after[tbl.TIME], after[tbl.BOUND], after["STO"]), zip(after["before"].tolist(), after["change"].tolist(), after["after"].tolist())))
        approaches = [
            ("Production approach", [("Output", "P1", ""), ("Intermediate consumption (−)", "P2", ""), ("Taxes less subsidies on products", "D21X31", ""), ("Gross domestic product", "B1GQ", "total")]),
            ("Income approach", [("Compensation of employees", "D1", ""), ("Other taxes less subsidies on production", "D29X39", ""), ("Consumption of fixed capital", "P51C", ""),
                                 ("Net operating surplus and mixed income", "B2A3N", ""), ("Taxes less subsidies on products", "D21X31", ""), ("Gross domestic product", "B1GQ", "total")]),
            ("Expenditure approach", [("Final consumption expenditure", "P3", ""), ("Gross fixed capital formation", "P51G", ""), ("Changes in inventories", "P52", ""),
                                      ("Exports", "P6", ""), ("Imports (−)", "P7", ""), ("Gross domestic product", "B1GQ", "total")]),
        ]
        groups = []
        for name, entries in approaches:
            rows = []
            for label, sto, kind in entries:
                if (year, "low", sto) not in cells:
                    continue
                values = [cells[(year, "low", sto)][0]]
                for bound in tbl.BOUNDS:
                    values += list(cells.get((year, bound, sto), (math.nan,) * 3)[1:])
                rows.append(Row(label, values, [d] * len(values), sto, kind=kind))
            groups.append(Group(name, rows))
        columns = [("Before",)] + [(f"{BOUND_GROUPS[b]}", what) for b in tbl.BOUNDS for what in ("Change", "After")]
        notes = ["Before: the published national accounts, without data assets. Change: market producers' own-account data become output and GFCF; "
                 "non-market producers' own-account data move from final consumption to GFCF and add only the consumption of fixed capital of the new "
                 "assets; purchases and imports of data capitalised leave the buyers' intermediate consumption; only the part not already in the "
                 "published accounts counts. After = before + change.",
                 "The three approaches agree after capitalisation (checked in report.json)."]
        first = self.table("gdp-approaches", f"GDP by the production, income and expenditure approaches, {year}", f"{self.money}, current prices", "Item", columns, groups, notes)
        second = self.table("gdp-change", "GDP before and after capitalisation of data", f"{self.money}, current prices; effect in percent of GDP before capitalisation",
                            "Year", *self._gdp_change(cells), self._overlap_notes())
        return [first, second]

    def _gdp_change(self, cells: dict) -> tuple[list[tuple[str, ...]], list[Group]]:
        """Columns and rows of the "GDP before and after" table: the satellite's GFCF and the
        effect on GDP side by side, since only the part not yet in the published accounts counts."""
        total, d = self.code("all_data"), self.meta.decimals
        rows = []
        for y in self.years:
            if (y, "low", "B1GQ") not in cells:
                continue
            gfcf = [self.cube.series(codes.GFCF, total, [y], b) for b in tbl.BOUNDS]
            effect = [cells.get((y, b, "B1GQ"), (math.nan,) * 3)[1] for b in tbl.BOUNDS]
            share = [self.cube.series(CHANGE_B1GQ, total, [y], b, unit=GDP, area="W2") for b in tbl.BOUNDS]
            after = [cells.get((y, b, "B1GQ"), (math.nan,) * 3)[2] for b in tbl.BOUNDS]
            values = [cells[(y, "low", "B1GQ")][0]] + [g[0][0] for g in gfcf] + effect + [s[0][0] for s in share] + after
            rows.append(Row(y, values, [d] * 5 + [s[1][0] for s in share] + [d, d]))
        columns = [("GDP before",)] + [(what, BOUND_NAMES[b]) for what in ("Satellite GFCF in data assets", "Effect on GDP", "Effect, % of GDP", "GDP after")
                                       for b in tbl.BOUNDS]
        return columns, [Group("", rows)]

    def _overlap_notes(self) -> list[str]:
        from compiler.accounts.settings import accounts_settings

        settings = accounts_settings(self.meta.manifest)
        names = {"data": "data", "databases": "databases", "data_rd": "data R&D"}
        overlap = ", ".join(f"{names[a]} {settings.overlap_share(a):.0%}" for a in codes.ASSET_TYPES)
        return [f"Share of each asset's GFCF already in the published accounts, as declared by the package: {overlap}. Only the rest "
                "changes GDP; the satellite's GFCF counts every asset whole.",
                f"Non-market producers ({', '.join(self.meta.non_market_sectors)}) add only the consumption of fixed capital of their new data "
                "assets: their output is valued at cost (2008 SNA §6.130).",
                "After = before + effect."]

    # ------------------------------------------------------------------ comparison

    def international(self) -> TableView | None:
        columns, specs = [], []
        for sto, asset, what in ((codes.GFCF, self.code("all_data"), "GFCF"), (codes.CLOSING_STOCK, self.code("all_data", "N"), "Net stock")):
            for unit, name in ((USD, "USD million"), (PPP_USD, "PPP USD million"), (USD_PER_CAPITA, "USD per person"), (PPP_USD_PER_CAPITA, "PPP USD per person")):
                if self.cube.has(sto, asset, unit=unit):
                    columns += [(f"{what}, {name}", BOUND_NAMES[b]) for b in tbl.BOUNDS]
                    specs += self.bound_specs(sto, asset, unit=unit)
        if not columns:
            return None
        notes = ["Converted with the market exchange rate or the purchasing power parity for GDP; per person with the population.",
                 "All data assets, current prices."]
        return self.table("international", "Data assets in US dollars", "US dollars (millions, or per person as stated)", "Year", columns,
                          [Group("", self.year_rows(self.years, specs))], notes)
