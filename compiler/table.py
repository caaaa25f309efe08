"""The canonical observation table.

Every stage of datasat appends rows to one long table keyed by the dimensions of
ESTAT:NA_MAIN (in the DSD's order), TIME_PERIOD and the estimate's BOUND (low/high).
Each output format (CSV, SDMX-ML, SDMX-CSV, HTML) is a projection of this table.

Columns
-------
* ``DIMENSIONS``: the 14 NA_MAIN dimensions, in order, as strings.
* ``TIME_PERIOD``: string, e.g. ``"2020"`` (annual).
* ``BOUND``: ``"low"`` or ``"high"``: the scenario of the time-use shares (CBS 2020
  ch. 4.1; StatCan 2019). Figures that do not depend on the bound are repeated in
  both, so that each bound is a complete data set.
* ``OBS_VALUE``: float, in units of ``UNIT_MEASURE`` × 10^``UNIT_MULT``.
* ``ATTRIBUTES``: ``OBS_STATUS``, ``CONF_STATUS``, ``UNIT_MULT``, ``DECIMALS``,
  ``REF_YEAR_PRICE`` (base year of constant-price series, else empty) and
  ``COMMENT_OBS`` (provenance: the method and the inputs behind the figure).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

DIMENSIONS: tuple[str, ...] = (
    "FREQ",
    "ADJUSTMENT",
    "REF_AREA",
    "COUNTERPART_AREA",
    "REF_SECTOR",
    "COUNTERPART_SECTOR",
    "ACCOUNTING_ENTRY",
    "STO",
    "INSTR_ASSET",
    "ACTIVITY",
    "EXPENDITURE",
    "UNIT_MEASURE",
    "PRICES",
    "TRANSFORMATION",
)
TIME = "TIME_PERIOD"
BOUND = "BOUND"
VALUE = "OBS_VALUE"
ATTRIBUTES: tuple[str, ...] = (
    "OBS_STATUS",
    "CONF_STATUS",
    "UNIT_MULT",
    "DECIMALS",
    "REF_YEAR_PRICE",
    "COMMENT_OBS",
)
KEY: tuple[str, ...] = (*DIMENSIONS, TIME, BOUND)
COLUMNS: tuple[str, ...] = (*KEY, VALUE, *ATTRIBUTES)
BOUNDS: tuple[str, ...] = ("low", "high")

#: Defaults for dimensions a stage leaves unset (NA_MAIN conventions, sdmx.md §5).
DIMENSION_DEFAULTS: Mapping[str, str] = {
    "FREQ": "A",
    "ADJUSTMENT": "N",
    "COUNTERPART_AREA": "W0",
    "REF_SECTOR": "S1",
    "COUNTERPART_SECTOR": "S1",
    "ACCOUNTING_ENTRY": "D",
    "INSTR_ASSET": "_Z",
    "ACTIVITY": "_T",
    "EXPENDITURE": "_Z",
    "UNIT_MEASURE": "XDC",
    "PRICES": "V",
    "TRANSFORMATION": "N",
}
#: Experimental estimates: OBS_STATUS G (sdmx.md §6.3), free for publication.
ATTRIBUTE_DEFAULTS: Mapping[str, str] = {
    "OBS_STATUS": "G",
    "CONF_STATUS": "F",
    "REF_YEAR_PRICE": "",
    "COMMENT_OBS": "",
}


class DuplicateKeyError(RuntimeError):
    """Two rows of the canonical table share a key: an internal error."""


def empty() -> pd.DataFrame:
    """An empty canonical table with the right columns and dtypes."""
    return coerce(pd.DataFrame({c: [] for c in COLUMNS}))


def make_rows(frame: pd.DataFrame, **fixed: Any) -> pd.DataFrame:
    """Turn a stage's result into canonical rows.

    ``frame`` holds at least ``TIME_PERIOD``, ``BOUND`` and ``OBS_VALUE`` plus any
    dimension or attribute columns that vary; ``fixed`` gives constant columns
    (``STO="P1"``, ``COMMENT_OBS="..."``). Columns that are neither take the defaults
    above; ``REF_AREA``, ``UNIT_MULT`` and ``DECIMALS`` must be given.
    """
    out = frame.copy()
    for column, value in fixed.items():
        out[column] = value
    for column, value in {**DIMENSION_DEFAULTS, **ATTRIBUTE_DEFAULTS}.items():
        if column not in out.columns:
            out[column] = value
    missing = [c for c in COLUMNS if c not in out.columns]
    if missing:
        raise ValueError(f"canonical rows lack columns {missing}")
    return coerce(out[list(COLUMNS)])


def coerce(table: pd.DataFrame) -> pd.DataFrame:
    """Give every column its canonical dtype (strings; float value; int multipliers)."""
    out = table.copy()
    for column in (*KEY, "OBS_STATUS", "CONF_STATUS", "REF_YEAR_PRICE", "COMMENT_OBS"):
        out[column] = out[column].astype(object).where(out[column].notna(), "").astype(str)
    out[VALUE] = pd.to_numeric(out[VALUE], errors="raise").astype("float64")
    for column in ("UNIT_MULT", "DECIMALS"):
        out[column] = pd.to_numeric(out[column], errors="raise").astype("int64")
    return out.reset_index(drop=True)


def concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate canonical parts and check the key is unique."""
    parts = [p for p in parts if len(p)]
    table = coerce(pd.concat(parts, ignore_index=True)) if parts else empty()
    check_unique(table)
    return table


def check_unique(table: pd.DataFrame) -> None:
    """Raise :class:`DuplicateKeyError` naming the first duplicated keys."""
    duplicated = table.duplicated(list(KEY), keep=False)
    if duplicated.any():
        keys = table.loc[duplicated, list(KEY)].drop_duplicates().head(5)
        shown = "; ".join(series_key(row) + f" {row[TIME]} {row[BOUND]}" for _, row in keys.iterrows())
        raise DuplicateKeyError(
            f"internal error: {int(duplicated.sum())} rows of the canonical table share a key, e.g. {shown}"
        )


def series_key(row: Mapping[str, Any]) -> str:
    """The dotted NA_MAIN series key of a row, e.g. ``A.N.CN.W0.S1.S1.D.P51G...``."""
    return ".".join(str(row[d]) for d in DIMENSIONS)


def sort(table: pd.DataFrame) -> pd.DataFrame:
    """Sort by key (series, then time, then bound): a stable order for every writer."""
    return table.sort_values(list((*DIMENSIONS, BOUND, TIME)), kind="stable").reset_index(drop=True)


def select(table: pd.DataFrame, **criteria: str | tuple[str, ...]) -> pd.DataFrame:
    """Rows whose columns equal (or, given a tuple, are among) the criteria."""
    mask = np.ones(len(table), dtype=bool)
    for column, wanted in criteria.items():
        values = table[column].to_numpy()
        mask &= np.isin(values, list(wanted)) if isinstance(wanted, tuple) else values == wanted
    return table.loc[mask]
