"""Figures as a percentage of GDP (UNIT_MEASURE ``PT_B1GQ``, a project code: IMF:CL_UNIT has no percent-of-GDP unit), from rows of the table.

GDP is read from the table itself (the B1GQ rows the cost stage writes from
``macro.csv``), so every stage divides by the same, once-computed denominator.
"""

from __future__ import annotations

import pandas as pd

from compiler import codes
from compiler import table as tbl


def gdp_of(table: pd.DataFrame) -> pd.Series:
    """GDP at current prices before capitalisation, indexed by (REF_AREA, TIME_PERIOD, BOUND)."""
    gdp = tbl.select(table, STO="B1GQ", INSTR_ASSET=codes.NOT_APPLICABLE, UNIT_MEASURE=codes.DOMESTIC_CURRENCY, PRICES=codes.CURRENT_PRICES)
    return gdp.set_index(["REF_AREA", tbl.TIME, tbl.BOUND])[tbl.VALUE]


def percent_of_gdp(rows: pd.DataFrame, gdp: pd.Series, what: str) -> pd.DataFrame:
    """``rows`` (money, current prices) divided by GDP of their country, year and bound, × 100.

    Rows for years without GDP (e.g. the initial stock of the year before the first) are
    left out.
    """
    keys = pd.MultiIndex.from_arrays([rows["REF_AREA"], rows[tbl.TIME], rows[tbl.BOUND]])
    have = keys.isin(gdp.index)
    rows, keys = rows.loc[have], keys[have]
    out = rows.assign(OBS_VALUE=rows[tbl.VALUE].to_numpy() / gdp.loc[keys].to_numpy() * 100, UNIT_MEASURE=codes.RATIO_TO_GDP, UNIT_MULT=0, DECIMALS=2)
    out["COMMENT_OBS"] = f"percent of GDP: {what} / B1GQ x 100 (macro.csv gdp)"
    return out
