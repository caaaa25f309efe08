"""Fast look-up of one country's canonical rows by their key, for the table views.

The views ask for series (STO, asset, activity, unit, prices …) over years and bounds;
:class:`Cube` answers from a dictionary built once per country, so a table costs a few
dictionary look-ups per cell and no pandas call. Only the rows the pages publish are
kept (:func:`published_rows`), which keeps a world panel light.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from compiler import codes
from compiler import table as tbl

#: Dimensions that tell the published series apart (REF_SECTOR is always S1).
LOOKUP = ("STO", "INSTR_ASSET", "ACTIVITY", "UNIT_MEASURE", "PRICES", "COUNTERPART_AREA")
#: The COUNTERPART_AREA of each STO where it is not W0 (compiler.accounts.settings.KEY_OF, cost_table).
AREA_OF = {"B2N": "W2", "B1G": "W2", "B1GQ": "W2", "B2A3N": "W2", "D21X31": "W2", "D29X39": "W2", "P6": "W1", "P7": "W1"}


#: Columns the pages and :func:`compiler.accounts.gdp.after_capitalisation` read.
COLUMNS = ("FREQ", "REF_AREA", "COUNTERPART_AREA", "REF_SECTOR", "ACCOUNTING_ENTRY", "STO", "INSTR_ASSET", "ACTIVITY", "EXPENDITURE",
           "UNIT_MEASURE", "PRICES", tbl.TIME, tbl.BOUND, tbl.VALUE, "UNIT_MULT", "DECIMALS")


def published_rows(table: pd.DataFrame, aggregates: Iterable[str] | None = None) -> pd.DataFrame:
    """Rows the pages can show: total economy (S1); by industry only P1 and P51G, and
    only of the ``aggregates`` (all-data-assets codes) if given. Only :data:`COLUMNS`.

    Vectorised over the whole table (every country at once); the masks are computed on
    the string columns as they are and the rows taken once.
    """
    sto = table["STO"]
    by_industry = (sto == codes.OUTPUT) | (sto == codes.GFCF)
    if aggregates is not None:
        by_industry &= table["INSTR_ASSET"].isin(list(aggregates))
    keep = (table["REF_SECTOR"] == codes.TOTAL_ECONOMY) & (by_industry | (table["ACTIVITY"] == codes.TOTAL_ACTIVITY))
    index = np.flatnonzero(keep.to_numpy(dtype=bool))
    return pd.DataFrame({c: table[c].take(index).reset_index(drop=True) for c in COLUMNS})


class Cube:
    """Values and DECIMALS of one country's rows, by (LOOKUP…, TIME_PERIOD, BOUND)."""

    def __init__(self, rows: pd.DataFrame):
        keys = zip(*(rows[c].to_numpy() for c in (*LOOKUP, tbl.TIME, tbl.BOUND)))
        pairs = zip(rows[tbl.VALUE].to_numpy().tolist(), rows["DECIMALS"].to_numpy().tolist(), rows["UNIT_MULT"].to_numpy().tolist())
        self._cells: dict[tuple, tuple[float, int, int]] = dict(zip(keys, pairs))
        self.years: list[str] = sorted({k[-2] for k in self._cells})

    def has(self, sto: str, asset: str = "_Z", activity: str = codes.TOTAL_ACTIVITY, unit: str = codes.DOMESTIC_CURRENCY, prices: str = codes.CURRENT_PRICES, area: str | None = None) -> bool:
        area = area or AREA_OF.get(sto, "W0")
        return any((sto, asset, activity, unit, prices, area, y, b) in self._cells for y in self.years for b in tbl.BOUNDS)

    def series(
        self,
        sto: str,
        asset: str = "_Z",
        years: Sequence[str] = (),
        bound: str = "low",
        activity: str = codes.TOTAL_ACTIVITY,
        unit: str = codes.DOMESTIC_CURRENCY,
        prices: str = codes.CURRENT_PRICES,
        area: str | None = None,
    ) -> tuple[list[float], list[int]]:
        """Values (NaN where absent) and their DECIMALS over ``years``."""
        area = area or AREA_OF.get(sto, "W0")
        get = self._cells.get
        missing = (float("nan"), 0, 0)
        found = [get((sto, asset, activity, unit, prices, area, y, bound), missing) for y in years]
        return [f[0] for f in found], [f[1] for f in found]

    def unit_mult(self, sto: str, asset: str = "_Z", unit: str = codes.DOMESTIC_CURRENCY, prices: str = codes.CURRENT_PRICES) -> int | None:
        """The UNIT_MULT of a series (first year found), for the unit note."""
        area = AREA_OF.get(sto, "W0")
        for y in self.years:
            for b in tbl.BOUNDS:
                cell = self._cells.get((sto, asset, codes.TOTAL_ACTIVITY, unit, prices, area, y, b))
                if cell:
                    return cell[2]
        return None

    def years_of(self, keys: Iterable[tuple[str, str, str, str]]) -> list[str]:
        """Years in which any of (sto, asset, unit, prices) at ``_T`` has a value."""
        wanted = set()
        for sto, asset, unit, prices in keys:
            area = AREA_OF.get(sto, "W0")
            wanted |= {y for y in self.years if any((sto, asset, codes.TOTAL_ACTIVITY, unit, prices, area, y, b) in self._cells for b in tbl.BOUNDS)}
        return sorted(wanted)
