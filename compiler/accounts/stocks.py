"""Data capital stocks and the accumulation account, from GFCF through the PIM.

For each asset type, bound and producing sector (S11 … S15 of industries.csv) the GFCF
of the sector's industries (the ``_T`` row of the cost stage) is deflated by the
investment price index (:mod:`compiler.accounts.prices`, rebased to ``base_year`` = 1) and
run through :func:`compiler.accounts.pim.run_pim` with the parameters of ``[pim.<asset>]`` (or
``[pim.default]``; :mod:`compiler.inputs.pim_settings`). The result becomes these rows, for
the asset, the bound, the year and each sector, and for S1 (their sum):

* ``LE``: closing stock. Net (wealth) stock under the net code (``N11733N``) and gross
  stock under the gross code (``N11733G``), at current (``V``, end-of-year prices) and
  constant (``Q``, ``REF_YEAR_PRICE`` = base year) prices. The initial stock is the
  ``LE`` of ``first_year − 1``.
* ``P51C``: consumption of fixed capital, ``V`` (average prices) and ``Q``. ``P51G`` at
  ``Q`` (real GFCF).
* ``K1``–``K6``: other changes in volume (``other_volume_changes.csv``, net code).
* ``K7``: revaluation, the closure of the accumulation account (net code).
* the indices actually used (S1 only, ``PRICES DR``, ``UNIT_MEASURE IX``): the
  deflator (``P51G``) and the end-of-year index valuing the stocks (``LE``).
* ``LE`` as a percentage of GDP.
* ``LE_HC`` (project code): the net stock at historical cost, as BEA publishes beside the
  current-cost stock; PRICES ``_Z``.

Accumulation identity (2008 SNA ch. 13; docs/method.md §3.5–3.6), checked from the rows
themselves for every asset, aggregate, sector, bound and year::

    LE(t−1) + P51G(t) − P51C(t) + K1..K6(t) + K7(t) = LE(t)      (current prices)

Stocks are ACCOUNTING_ENTRY ``A`` (assets); an assumption, since the NA_MAIN
convention for ``LE`` of non-financial assets is not yet known (sdmx.md §5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from compiler import codes
from compiler import table as tbl
from compiler.accounts.checks import RELATIVE_TOLERANCE, Check
from compiler.accounts.classification import AssetClassification, sum_aggregates
from compiler.inputs import InputError, InputErrors, Inputs, Manifest
from compiler.accounts.pim import PimInputError, PimResult, harberger_rate, mean_service_life, run_pim, survival
from compiler.inputs.pim_settings import opening_stock_series, pim_settings
from compiler.accounts.ratios import gdp_of, percent_of_gdp
from compiler.accounts.prices import investment_prices, series_prices

ASSETS_ENTRY = "A"
#: Project STO (codelists/CL_NA_STO_DATA.csv): closing net stock at historical cost, PRICES _Z
#: (the valuation is in the code: no CL_NA_PRICES code means historical cost).
HISTORICAL_COST_STOCK = "LE_HC"
NOT_APPLICABLE = "_Z"
#: The transactions and stocks of the accumulation identity.
ACCUMULATION_STO = (codes.CLOSING_STOCK, codes.GFCF, codes.CFC, codes.REVALUATION, *codes.OTHER_VOLUME_CHANGES)


@dataclass(frozen=True)
class StockSeries:
    """The GFCF series the PIM runs on: one per asset type × bound × producing sector,
    in that nesting order (sectors vary fastest), years in columns."""

    assets: list[str]
    bounds: list[str]
    sectors: list[str]
    years: list[int]
    gfcf: np.ndarray  # (n_series, n_years), currency units × 10^unit_mult
    ocv: np.ndarray
    ocv_by_sto: dict[str, np.ndarray]

    @property
    def sector_list(self) -> list[str]:
        """The distinct producing sectors, in series order."""
        return list(dict.fromkeys(self.sectors))

    def by_sector(self, values: np.ndarray) -> np.ndarray:
        """``values`` (n_series, k) as (n_assets × n_bounds, n_sectors, k)."""
        return np.asarray(values, dtype=float).reshape(-1, len(self.sector_list), np.shape(values)[-1])


def producing_sectors(inputs: Inputs) -> list[str]:
    """Institutional sectors of the producing industries (industries.csv), sorted."""
    return sorted(str(x) for x in inputs.industries["sector"].unique())


def stock_series(inputs: Inputs, table: pd.DataFrame, classification: AssetClassification) -> StockSeries:
    """GFCF of all industries of each producing sector, by asset and bound, and other
    volume changes, as arrays (convention 3: the PIM runs per producing sector)."""
    years = list(inputs.manifest.years)
    sectors = producing_sectors(inputs)
    gfcf = tbl.select(table, STO=codes.GFCF, ACTIVITY=codes.TOTAL_ACTIVITY, REF_SECTOR=tuple(sectors), UNIT_MEASURE=codes.DOMESTIC_CURRENCY, PRICES=codes.CURRENT_PRICES)
    triples = [(a, b, s) for a in codes.ASSET_TYPES for b in tbl.BOUNDS for s in sectors]
    rows = pd.MultiIndex.from_tuples([(classification.code(a, "G"), b, s) for a, b, s in triples])
    matrix = _wide(gfcf, rows, years)
    ocv_by_sto = other_volume_changes(inputs, sectors, years, triples)
    ocv = sum(ocv_by_sto.values()) if ocv_by_sto else np.zeros_like(matrix)
    return StockSeries([a for a, _, _ in triples], [b for _, b, _ in triples], [s for _, _, s in triples], years, matrix, np.asarray(ocv, dtype=float), ocv_by_sto)


def _wide(rows: pd.DataFrame, series: pd.MultiIndex, years: list[int]) -> np.ndarray:
    """OBS_VALUE of ``rows`` as (series, years): the first non-missing value of each
    (INSTR_ASSET, BOUND, REF_SECTOR, year), 0 where there is none (a sector without
    GFCF in an asset: no stock)."""
    keys = pd.MultiIndex.from_arrays([rows["INSTR_ASSET"], rows[tbl.BOUND], rows["REF_SECTOR"]])
    at = series.get_indexer(keys)
    year = pd.Index(years).get_indexer(rows[tbl.TIME].astype(int))
    values = rows[tbl.VALUE].to_numpy(dtype=float)
    keep = np.flatnonzero((at >= 0) & (year >= 0) & ~np.isnan(values))[::-1]  # last assignment wins: first row
    matrix = np.zeros((len(series), len(years)))
    matrix[at[keep], year[keep]] = values[keep]
    return matrix


def other_volume_changes(inputs: Inputs, sectors: list[str], years: list[int], triples: list[tuple[str, str, str]]) -> dict[str, np.ndarray]:
    """K1–K6 of other_volume_changes.csv per series (same in both bounds), by STO.

    A row's ``sector`` says which producing sector's stock it changes; it may be left
    empty only when industries.csv has a single sector (no allocation is invented).
    """
    frame = inputs.optional.get("other_volume_changes.csv")
    if frame is None or not len(frame):
        return {}
    name = f"{inputs.folder.name}/other_volume_changes.csv"
    sector = frame["sector"].fillna("").astype(str) if "sector" in frame else pd.Series("", index=frame.index)
    if len(sectors) == 1:
        sector = sector.where(sector != "", sectors[0])
    bad = ~sector.isin(sectors)
    if bad.any():
        expected = f"one of the producing sectors of industries.csv ({', '.join(sectors)}): the stocks are compiled per sector"
        raise InputErrors([InputError(name, int(i) + 2, "sector", sector.iloc[i] or None, expected) for i in np.flatnonzero(bad.to_numpy())])
    scaled = frame.assign(value=frame["value"] / inputs.manifest.unit_factor, sector=sector.to_numpy())
    index = pd.MultiIndex.from_tuples([(a, s) for a, _, s in triples])
    out = {}
    for sto, part in scaled.groupby("sto"):
        wide = part.pivot_table(index=["asset", "sector"], columns="year", values="value", aggfunc="sum")
        out[str(sto)] = wide.reindex(index=index, columns=years).fillna(0.0).to_numpy()
    return out


@dataclass(frozen=True)
class _Figure:
    """One figure of the stock rows for every series (asset × bound × sector) and year:
    its values (n_series, n_years), STO, valuation code letter, PRICES, note (COMMENT_OBS)
    and ACCOUNTING_ENTRY. ``total_only``: S1 only, taken from the first sector's values
    (the indices, equal in every sector); ``extra``: other constant columns."""

    values: np.ndarray
    sto: str
    valuation: str
    prices: str
    note: str
    entry: str
    years: tuple[int, ...] | None = None  # None: the series' years
    total_only: bool = False
    extra: tuple[tuple[str, object], ...] = ()


def _stock_figures(inputs: Inputs, series: StockSeries, result: PimResult, end_source: str) -> list[_Figure]:
    """The figures of :func:`stock_rows`, in the order of its rows."""
    m = inputs.manifest
    initial = (series.years[0] - 1,)
    pim = "PIM (compiler.pim, package.toml [pim])"
    end = f"end-of-year investment price index ({end_source})"
    index_rows = dict(total_only=True, extra=(("UNIT_MEASURE", "IX"), ("UNIT_MULT", 0), ("DECIMALS", 6)))
    hc = "net stock at historical cost (project code LE_HC, BEA's historical-cost net stock): each vintage at the average price of its year of acquisition, the initial stock at the end-of-year price of the year before the first"
    return [
        _Figure(result.net_stock_cp, codes.CLOSING_STOCK, "N", codes.CURRENT_PRICES, f"net (wealth) stock, current prices = net stock at constant prices x {end}; {pim}", ASSETS_ENTRY),
        _Figure(result.net_stock, codes.CLOSING_STOCK, "N", codes.CONSTANT_PRICES, f"net (wealth) stock at {m.base_year} prices; {pim}", ASSETS_ENTRY),
        _Figure(result.gross_stock_cp, codes.CLOSING_STOCK, "G", codes.CURRENT_PRICES, f"gross stock (surviving assets as new) = gross stock at constant prices x {end}; {pim}", ASSETS_ENTRY),
        _Figure(result.gross_stock, codes.CLOSING_STOCK, "G", codes.CONSTANT_PRICES, f"gross stock at {m.base_year} prices; {pim}", ASSETS_ENTRY),
        _Figure(result.cfc_cp, codes.CFC, "G", codes.CURRENT_PRICES, f"consumption of fixed capital = CFC at constant prices x annual-average investment price index, SNA 2008 6.240; {pim}", codes.USES),
        _Figure(result.cfc, codes.CFC, "G", codes.CONSTANT_PRICES, f"consumption of fixed capital at {m.base_year} prices; {pim}", codes.USES),
        _Figure(result.real_gfcf, codes.GFCF, "G", codes.CONSTANT_PRICES, f"GFCF at {m.base_year} prices = GFCF / investment price index (macro.csv)", codes.USES),
        _Figure(result.revaluation_cp, codes.REVALUATION, "N", codes.CURRENT_PRICES, "revaluation (nominal holding gain) = LE(t) - LE(t-1) - P51G + P51C - K1..K6: stocks at end-of-year prices, flows at annual-average prices", ASSETS_ENTRY),
        _Figure(result.price_index, codes.GFCF, "G", "DR", f"annual-average price index used to deflate GFCF, rebased {m.base_year} = 1 (macro.csv investment_price_index, or the input-cost index where [pim] price_index says so: report.json stocks.assets)", codes.USES, **index_rows),
        _Figure(result.end_price_index, codes.CLOSING_STOCK, "N", "DR", f"{end} valuing the stocks, rebased by the {m.base_year} average = 1", ASSETS_ENTRY, **index_rows),
        _Figure(result.opening_price_index[:, :1], codes.CLOSING_STOCK, "N", "DR", f"{end} valuing the initial stock, rebased by the {m.base_year} average = 1", ASSETS_ENTRY, years=initial, **index_rows),
        *(_Figure(values, sto, "N", codes.CURRENT_PRICES, "other change in volume (other_volume_changes.csv)", ASSETS_ENTRY) for sto, values in series.ocv_by_sto.items()),
        _Figure(result.net_stock_hc, HISTORICAL_COST_STOCK, "N", NOT_APPLICABLE, f"{hc}; {pim}", ASSETS_ENTRY),
        _Figure(result.opening_net_stock_cp[:, :1], HISTORICAL_COST_STOCK, "N", NOT_APPLICABLE, f"{hc}; initial stock, package.toml [pim] initial_stock", ASSETS_ENTRY, years=initial),
        _Figure(result.opening_net_stock_cp[:, :1], codes.CLOSING_STOCK, "N", codes.CURRENT_PRICES, f"initial net stock (opening stock of the first year) at the {end}, package.toml [pim] initial_stock", ASSETS_ENTRY, years=initial),
        _Figure(result.opening_net_stock[:, :1], codes.CLOSING_STOCK, "N", codes.CONSTANT_PRICES, f"initial net stock at {m.base_year} prices, package.toml [pim] initial_stock", ASSETS_ENTRY, years=initial),
    ]


def _figure_columns(figure: _Figure, series: StockSeries, classification: AssetClassification, m: Manifest) -> dict[str, np.ndarray]:
    """Columns of one figure's rows: S1 (the sum over sectors) then each sector, each
    block asset × bound × year (years fastest)."""
    sectors = series.sector_list
    years = [str(y) for y in (figure.years or series.years)]
    values = series.by_sector(np.asarray(figure.values, dtype=float))  # (assets × bounds, sectors, years)
    total = values[:, 0, :] if figure.total_only else values.sum(axis=1)
    blocks = np.stack([total] if figure.total_only else [total, *values.transpose(1, 0, 2)])  # (blocks, ab, years)
    labels = [codes.TOTAL_ECONOMY] if figure.total_only else [codes.TOTAL_ECONOMY, *sectors]
    prefixes = ["sum over " + "+".join(sectors) + ": "] + [""] * (len(labels) - 1)
    assets = [classification.code(a, figure.valuation) for a in series.assets[:: len(sectors)]]
    bounds = series.bounds[:: len(sectors)]
    comments = [f"{prefix}{figure.note}; {a}, {b} bound" for prefix in prefixes for a, b in zip(assets, bounds, strict=True)]
    per_series, n_years = len(labels) * len(assets), len(years)
    ref_year = str(m.base_year) if figure.prices in (codes.CONSTANT_PRICES, "DR") else ""
    columns = {
        "INSTR_ASSET": np.repeat(np.tile(np.asarray(assets, dtype=object), len(labels)), n_years),
        tbl.BOUND: np.repeat(np.tile(np.asarray(bounds, dtype=object), len(labels)), n_years),
        tbl.TIME: np.tile(np.asarray(years, dtype=object), per_series),
        tbl.VALUE: blocks.reshape(-1),
        "REF_SECTOR": np.repeat(np.asarray(labels, dtype=object), len(assets) * n_years),
        "COMMENT_OBS": np.repeat(np.asarray(comments, dtype=object), n_years),
    }
    constants = {"STO": figure.sto, "PRICES": figure.prices, "ACCOUNTING_ENTRY": figure.entry, "REF_YEAR_PRICE": ref_year,
                 "UNIT_MEASURE": tbl.DIMENSION_DEFAULTS["UNIT_MEASURE"], "UNIT_MULT": m.unit_mult, "DECIMALS": m.decimals, **dict(figure.extra)}
    n = per_series * n_years
    columns.update({key: np.full(n, value, dtype=object if isinstance(value, str) else None) for key, value in constants.items()})
    return columns


def stock_rows(inputs: Inputs, series: StockSeries, result: PimResult, classification: AssetClassification, gdp: pd.Series, end_source: str = "") -> pd.DataFrame:
    """Canonical rows of stocks, CFC, revaluation and other volume changes.

    Each figure per producing sector (REF_SECTOR S11 … S15) and for S1, their sum.
    ``gdp`` is :func:`compiler.accounts.ratios.gdp_of` of the cost stage's rows. The
    rows of every figure are built as arrays and become canonical rows in one call.
    """
    m = inputs.manifest
    parts = [_figure_columns(f, series, classification, m) for f in _stock_figures(inputs, series, result, end_source)]
    frame = pd.DataFrame({key: np.concatenate([part[key] for part in parts]) for key in parts[0]})
    rows = tbl.make_rows(frame, REF_AREA=m.ref_area, ACTIVITY=codes.TOTAL_ACTIVITY)
    aggregates = sum_aggregates(rows, classification)
    rows = pd.concat([rows, aggregates], ignore_index=True)  # keys checked once, below
    net = rows.loc[(rows["STO"] == codes.CLOSING_STOCK) & (rows["PRICES"] == codes.CURRENT_PRICES) & rows["INSTR_ASSET"].str.endswith("N") & (rows["REF_SECTOR"] == codes.TOTAL_ECONOMY)]
    return tbl.concat([rows, percent_of_gdp(net, gdp, "net stock at current prices")])


def accumulation_check(rows: pd.DataFrame) -> Check:
    """Opening + GFCF − CFC + K1..K6 + K7 = closing, at current prices, from the rows.

    Checked for each producing sector and for S1. ``rows`` is the whole canonical
    table of a package (GFCF at current prices comes from the cost stage, the rest
    from this one); series without a stock are ignored. A series is an area, sector,
    asset (net and gross codes together) and bound; the opening stock of a year is
    the closing stock of the series' previous year in the rows.
    """
    current = tbl.select(
        rows, PRICES=codes.CURRENT_PRICES, UNIT_MEASURE=codes.DOMESTIC_CURRENCY, ACTIVITY=codes.TOTAL_ACTIVITY, STO=ACCUMULATION_STO,
    )
    gross_stock = (current["STO"] == codes.CLOSING_STOCK) & current["INSTR_ASSET"].str.endswith("G")
    current = current.loc[~gross_stock]  # the identity is that of the net (wealth) stock
    wide, group = _accumulation_table(current)
    closing = wide[:, 0]
    opening = np.full(len(closing), np.nan)
    same = group[1:] == group[:-1]
    opening[1:][same] = closing[:-1][same]
    flows = wide[:, 1] - wide[:, 2] + wide[:, 3]
    other = wide[:, 4].copy()
    for j in range(5, wide.shape[1]):  # K1 + K2 + … in order
        other += wide[:, j]
    flows += other
    mask = ~np.isnan(opening)
    deviation = np.abs((opening + flows - closing)[mask]) / np.maximum(1.0, np.abs(closing[mask]))
    worst = float(deviation.max()) if deviation.size else 0.0
    return Check(
        "accumulation: opening + P51G - P51C + K1..K6 + K7 = LE",
        worst <= RELATIVE_TOLERANCE,
        f"{int(mask.sum())} asset-sector-bound-years (each producing sector and S1), largest relative residual {worst:.3g}",
        worst,
        int(mask.sum()),
    )


def _accumulation_table(current: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(cells, ACCUMULATION_STO) sums of the rows' values per series-year cell, cells
    sorted by series then year, and each cell's series. Only series with a closing
    stock; a missing K7 or K1–K6 is 0, a missing GFCF or CFC is NaN (0 if no row has it)."""
    stem = current["INSTR_ASSET"].str[:-1]
    keys = pd.MultiIndex.from_arrays([current["REF_AREA"], current["REF_SECTOR"], stem, current[tbl.BOUND]])
    series = np.unique(keys.factorize(sort=True)[0], return_inverse=True)[1].reshape(-1)
    year = current[tbl.TIME].astype(int).to_numpy()
    span = int(year.max() - year.min() + 1) if len(year) else 1
    cells, cell = np.unique(series * span + (year - (year.min() if len(year) else 0)), return_inverse=True)
    cell = cell.reshape(-1)
    sto = pd.Index(ACCUMULATION_STO).get_indexer(current["STO"])
    flat = cell * len(ACCUMULATION_STO) + sto
    shape = (len(cells), len(ACCUMULATION_STO))
    sums = np.bincount(flat, weights=current[tbl.VALUE].to_numpy(dtype=float), minlength=shape[0] * shape[1]).reshape(shape)
    present = np.bincount(flat, minlength=shape[0] * shape[1]).reshape(shape) > 0
    wide = np.where(present, sums, np.nan)
    wide[:, 3:] = np.where(present[:, 3:], wide[:, 3:], 0.0)  # K7, K1..K6
    for j in (1, 2):  # GFCF, CFC: no row at all counts as 0
        if not present[:, j].any():
            wide[:, j] = 0.0
    group = cells // span
    with_stock = np.bincount(group, weights=present[:, 0], minlength=group.max() + 1 if len(group) else 0) > 0
    keep = with_stock[group]
    return wide[keep], group[keep]


def _name_series(message: str, series: StockSeries) -> str:
    """A PIM message with "series i" replaced by asset, bound and sector."""
    def name(match: re.Match[str]) -> str:
        i = int(match.group(1))
        return f"{series.assets[i]}/{series.bounds[i]}/{series.sectors[i]}" if i < len(series.assets) else match.group(0)

    message = re.sub(r"series (\d+)", name, message)
    return re.sub(r"\[(\d+(?:, \d+)*)\]", lambda m: "[" + ", ".join(name(re.match(r"(\d+)", x.strip())) for x in m.group(1).split(",")) + "]", message)


def stock_observations(inputs: Inputs, table: pd.DataFrame, classification: AssetClassification) -> tuple[pd.DataFrame, list[Check], PimResult]:
    """Run the PIM for every asset and bound; return rows, checks and the raw result."""
    settings = pim_settings(inputs)
    prices = investment_prices(inputs)
    series = stock_series(inputs, table, classification)
    average, end, used = series_prices(inputs, prices, settings.input_cost, series.assets)
    n = len(series.years)
    first_real = series.gfcf[:, 0] / average[:, -n] * average[:, -n + prices.base_position]
    opening = opening_stock_series(settings, series.assets, series.bounds, series.sectors, first_real, f"{inputs.folder.name}/package.toml")
    try:
        result = run_pim(series.gfcf, average, [settings.params[a] for a in series.assets], base_position=prices.base_position,
                         other_volume_changes=series.ocv, end_price_index=end, opening_stock=opening)
    except PimInputError as exc:
        raise InputErrors([InputError(f"{inputs.folder.name}/package.toml", None, "pim", None, _name_series(str(exc), series))]) from exc
    rows = stock_rows(inputs, series, result, classification, gdp_of(table), prices.end_source if not settings.input_cost else "see report.json stocks.assets")
    # accumulation_check reads rows of ACCUMULATION_STO at _T, current prices, XDC only (the same result on fewer rows)
    flows = tbl.select(table, ACTIVITY=codes.TOTAL_ACTIVITY, PRICES=codes.CURRENT_PRICES, UNIT_MEASURE=codes.DOMESTIC_CURRENCY, STO=ACCUMULATION_STO)
    return rows, [accumulation_check(pd.concat([flows, rows], ignore_index=True))], result


def stock_report(inputs: Inputs) -> dict[str, object]:
    """report.json ``stocks``: how stocks were valued and, per asset, the PIM's
    effective depreciation rate 1/Σ_a p(a) and mean service life Σ_a S(a)
    (docs/method.md §3; ``None`` where no asset retires)."""
    settings = pim_settings(inputs)
    prices = investment_prices(inputs)
    _, _, used = series_prices(inputs, prices, settings.input_cost, list(settings.params))
    assets = {}
    for asset, params in settings.params.items():
        life = mean_service_life(params)
        assets[asset] = {
            "retirement": params.retirement,
            "value_profile": params.value_profile,
            "combination": params.combination,
            "first_year_survival": round(float(survival(params, 1)[0]), 6),
            "effective_depreciation_rate": round(harberger_rate(params), 6),
            "mean_service_life": None if not np.isfinite(life) else round(life, 6),
            "initial_stock": params.initial_stock,
            "price_index": used[asset],
        }
    return {"valuation": "stocks (LE) at end-of-year prices, flows (P51G, P51C, K1-K6) at annual-average prices, K7 the closure",
            "end_year_prices": investment_prices(inputs).end_source, "assets": assets}
