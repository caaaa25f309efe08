"""Investment price indices for the perpetual inventory: annual average and end of year.

Flows (GFCF, CFC, other volume changes) are valued at the annual-average index,
stocks at the end-of-year index (2008 SNA §13.16–13.25; OECD *Measuring Capital*
2009; docs/method.md §3). Both come from ``macro.csv``: ``investment_price_index``
(average, required) and ``investment_price_index_end`` (optional). A row for
``first_year − 1`` may give either for the year before the first (the opening
stock). Where the end-of-year index is not given it is approximated from the
averages by :func:`compiler.pim.end_year_prices` and the approximation is named in
the rows' COMMENT_OBS and in report.json.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .package import InputError, InputErrors, Inputs

AVERAGE = "investment_price_index"
END = "investment_price_index_end"
APPROXIMATION = "end-of-year prices approximated from annual averages: sqrt(P(t) x P(t+1)); last year P(T) x sqrt(P(T)/P(T-1))"


@dataclass(frozen=True)
class InvestmentPrices:
    """Price indices as :func:`compiler.pim.run_pim` takes them (not yet rebased).

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
