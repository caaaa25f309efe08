"""Investment price indices for the perpetual inventory: annual average and end of year.

Flows (GFCF, CFC, other volume changes) are valued at the annual-average index,
stocks at the end-of-year index (2008 SNA §13.16–13.25; OECD *Measuring Capital*
2009; docs/method.md §3). Both come from ``macro.csv``: ``investment_price_index``
(average, required) and ``investment_price_index_end`` (optional). A row for
``first_year − 1`` may give either for the year before the first (the opening
stock). Where the end-of-year index is not given it is approximated from the
averages by :func:`compiler.accounts.pim.end_year_prices` and the approximation is named in
the rows' COMMENT_OBS and in report.json.

``[pim.<asset>] price_index = "input_cost"`` replaces the macro.csv index of that asset
by an input-cost index built from the package's own data (:func:`input_cost_index`,
docs/method.md §3), the usual deflator of own-account output measured at cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from compiler.accounts import costs
from compiler.inputs import InputError, InputErrors, Inputs
from compiler.accounts.pim import end_year_prices

AVERAGE = "investment_price_index"
GDP_DEFLATOR = "gdp_deflator"
#: macro.csv columns that may price the non-labour costs of an input-cost index
OTHER_COSTS_INDICES = (GDP_DEFLATOR, AVERAGE)
#: cost components other than labour in the input-cost index (the mark-up is a return, not a cost)
_OTHER_COMPONENTS = ("capital", "intermediate", "other", "taxes")
END = "investment_price_index_end"
APPROXIMATION = "end-of-year prices approximated from annual averages: sqrt(P(t) x P(t+1)); last year P(T) x sqrt(P(T)/P(T-1))"


@dataclass(frozen=True)
class InvestmentPrices:
    """Price indices as :func:`compiler.accounts.pim.run_pim` takes them (not yet rebased).

    ``average``: n_years values, or n_years + 1 with the year before the first in
    front. ``end``: ``None`` (approximated), or n_years / n_years + 1 values.
    ``base_position``: the base year's position among the GFCF years.
    """

    average: np.ndarray
    end: np.ndarray | None
    base_position: int
    end_source: str


def _column(frame: pd.DataFrame | None, column: str) -> pd.Series:
    if frame is None or column not in frame:
        return pd.Series(dtype=float)
    return pd.to_numeric(frame.set_index(frame["year"].astype(int))[column], errors="coerce").dropna()


def _every_year(series: pd.Series, years: list[int], name: str, column: str, what: str) -> np.ndarray:
    index = series.reindex(years)
    missing = [int(y) for y in index[index.isna()].index]
    if missing:
        raise InputErrors([InputError(name, None, column, ", ".join(map(str, missing)), what)])
    return index.to_numpy(dtype=float)


def investment_prices(inputs: Inputs) -> InvestmentPrices:
    """Average and end-of-year investment price indices of the package (module docstring)."""
    years = list(inputs.manifest.years)
    name = f"{inputs.folder.name}/macro.csv"
    average = _column(inputs.macro, AVERAGE)
    if average.empty:
        raise InputErrors([InputError(name, 1, AVERAGE, None, f"a column {AVERAGE} (needed to deflate GFCF for the capital stock)")])
    values = _every_year(average, years, name, AVERAGE, "an investment price index for every year")
    before = _column(inputs.macro_before, AVERAGE)
    if len(before):
        values = np.concatenate([before.to_numpy(dtype=float), values])
    end = _column(inputs.macro, END)
    if end.empty:
        return InvestmentPrices(values, None, years.index(inputs.manifest.base_year), APPROXIMATION)
    end_values = _every_year(end, years, name, END, f"an end-of-year price index for every year, or no column {END}")
    end_before = _column(inputs.macro_before, END)
    source = f"end-of-year prices from macro.csv {END}"
    if len(end_before):
        end_values = np.concatenate([end_before.to_numpy(dtype=float), end_values])
    else:
        source += f"; the end of {years[0] - 1} approximated from annual averages"
    return InvestmentPrices(values, end_values, years.index(inputs.manifest.base_year), source)


def input_cost_index(inputs: Inputs, asset: str, other_costs: str) -> tuple[np.ndarray, str]:
    """Chain-linked input-cost price index of ``asset`` for the package's years (base year = 1).

    Labour price L_t = Σ E·w·s / Σ E·s over the occupations and industries of the
    package (s the mean of the low and high time shares of the asset): compensation
    per unit of data working time. Other costs (capital input, intermediate
    consumption, other costs, taxes on production) are priced by the macro.csv column
    ``other_costs`` (O_t). Each link is a Laspeyres index with the previous year's
    cost shares: P_t / P_{t−1} = σ_{t−1} L_t/L_{t−1} + (1 − σ_{t−1}) O_t/O_{t−1},
    σ = labour / (labour + other costs), summed over industries and bounds.
    """
    years = list(inputs.manifest.years)
    name = f"{inputs.folder.name}/macro.csv"
    other = _every_year(_column(inputs.macro, other_costs), years, name, other_costs,
                        f"a value for every year: [pim.{asset}] price_index 'input_cost' prices other costs with it")
    shares = costs.time_shares(inputs.occupations)
    shares = shares.loc[shares["asset"] == asset].groupby("occupation")["share"].mean()
    jobs = inputs.employment.assign(units=inputs.employment["employment"] * inputs.employment["occupation"].map(shares).fillna(0.0))
    units = jobs.groupby("year")["units"].sum().reindex(years)
    pay = (jobs["units"] * jobs["compensation"]).groupby(jobs["year"]).sum().reindex(years)
    parts = costs.sum_of_costs(inputs)
    parts = parts.loc[parts["asset"] == asset].groupby("year")[["labour", *_OTHER_COMPONENTS]].sum().reindex(years)
    total = parts.sum(axis=1)
    bad = [int(y) for y in units.index[~(units > 0) | ~(total > 0)]]
    if bad:
        raise InputErrors([InputError(f"{inputs.folder.name}/package.toml", None, f"pim.{asset}.price_index", "input_cost",
                                      f"data working time and costs of {asset} in every year (none in {', '.join(map(str, bad))}); use the macro.csv index")])
    labour_price = (pay / units).to_numpy(dtype=float)
    sigma = (parts["labour"] / total).to_numpy(dtype=float)
    links = sigma[:-1] * labour_price[1:] / labour_price[:-1] + (1 - sigma[:-1]) * other[1:] / other[:-1]
    index = np.concatenate([[1.0], np.cumprod(links)])
    index = index / index[years.index(inputs.manifest.base_year)]
    return index, f"input-cost index: compensation per unit of data working time and {other_costs} (macro.csv), chain-linked with the previous year's cost shares"


def series_prices(inputs: Inputs, prices: InvestmentPrices, input_cost: dict[str, str], assets: list[str]) -> tuple[np.ndarray, np.ndarray | None, dict[str, str]]:
    """Average and end-of-year indices per series (``assets``: each series' asset) and
    the index each asset used. Without input-cost assets, the macro.csv indices as one row."""
    described = {a: f"{AVERAGE} (macro.csv); {prices.end_source}" for a in dict.fromkeys(assets)}
    if not input_cost:
        return prices.average[None, :], None if prices.end is None else prices.end[None, :], described
    n = len(inputs.manifest.years)
    lead = prices.average.size == n + 1
    approx = end_year_prices(prices.average[None, :], leading=lead)[0]
    end = approx if prices.end is None else (prices.end if prices.end.size == n + 1 else np.concatenate([approx[:1], prices.end]))
    rows_avg, rows_end = {}, {}
    for asset in dict.fromkeys(assets):
        if asset in input_cost:
            index, text = input_cost_index(inputs, asset, input_cost[asset])
            rows_avg[asset], rows_end[asset] = index, end_year_prices(index[None, :])[0]
            described[asset] = f"{text}; {APPROXIMATION}"
        else:
            rows_avg[asset], rows_end[asset] = prices.average[-n:], end
    return np.stack([rows_avg[a] for a in assets]), np.stack([rows_end[a] for a in assets]), described
