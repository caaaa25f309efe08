"""Helpers the tests share for reading single values out of a canonical table."""

from __future__ import annotations

from compiler import table as tbl


def total(table, sto, code, year, bound, unit="XDC", prices="V") -> float:
    """The one S1, ``_T`` value of a canonical table for this STO, asset, year and bound."""
    rows = tbl.select(table, STO=sto, INSTR_ASSET=code, TIME_PERIOD=str(year), BOUND=bound, ACTIVITY="_T", REF_SECTOR="S1", UNIT_MEASURE=unit, PRICES=prices)
    assert len(rows) == 1
    return float(rows[tbl.VALUE].iloc[0])
