"""The validation sample of a data message: rows that exercise everything a schema checks.

Validating an SDMX-ML message against its schema costs 13-16 times writing it (libxml2,
about 45 MB/s a core), so a bulk run validates a sample instead (``--validate sample``).
What a schema can reject in one observation is a code (every dimension and coded
attribute is an ``xs:enumeration`` of its codelist in the DSD-specific schema), an
attribute's text (COMMENT_OBS length and characters, REF_YEAR_PRICE, the integer
attributes) or the lexical form of a value; and in a series, its layout. So the sample
holds, among the rows of the table:

* for every column of the key and every attribute, the first row of each distinct value
  (so every code, attribute value and COMMENT_OBS text of the table is written once);
* the first row of each kind of value whose text is special: NaN, INF, -INF, the
  largest, smallest and smallest non-zero magnitude, a negative value;
* :data:`SERIES_PER_AREA` whole series per REF_AREA (the first, middle and last series of
  the area in key order, both bounds): the layout of complete series of every country.

The sample is written by the same writers as the message (same code path, same text for
each row) and validated in full; report.json says so (``"validation"``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from compiler import table as canon
from compiler.outputs.sdmx import prepare

#: whole series per REF_AREA in the sample
SERIES_PER_AREA = 3


def _first_of_each(codes: np.ndarray) -> np.ndarray:
    """Position of the first row of each distinct code."""
    return np.flatnonzero(~pd.Series(codes).duplicated().to_numpy())  # a hash table, no sort


def _special_values(values: np.ndarray) -> np.ndarray:
    """Rows whose values have a text of their own kind (NaN, ±INF, extremes, negative)."""
    picks = [np.flatnonzero(np.isnan(values))[:1], np.flatnonzero(values == np.inf)[:1],
             np.flatnonzero(values == -np.inf)[:1], np.flatnonzero(values < 0)[:1]]
    finite = np.flatnonzero(np.isfinite(values))
    if len(finite):
        magnitude = np.abs(values[finite])
        picks += [finite[[np.argmax(magnitude), np.argmin(magnitude)]]]
        nonzero = finite[magnitude > 0]
        if len(nonzero):
            picks.append(nonzero[[np.argmin(np.abs(values[nonzero]))]])
    return np.concatenate(picks).astype(np.int64)


def whole_series(table: pd.DataFrame, per_area: int = SERIES_PER_AREA, encoded: prepare.Encoded | None = None) -> tuple[np.ndarray, int]:
    """Rows of ``per_area`` whole series (both bounds) of each REF_AREA, and how many series
    (keys without the bound) that is: the first, middle and last in key order."""
    encoded = encoded or prepare.Encoded(table.reset_index(drop=True))
    series = prepare.series_codes(encoded)  # ordered as the keys
    distinct, first = np.unique(series, return_index=True)
    area = encoded.ranked("REF_AREA")[0][first]
    order = np.argsort(area, kind="stable")  # by area, in key order within one
    starts = np.r_[0, np.flatnonzero(np.diff(area[order])) + 1, len(order)]
    chosen = []
    for start, stop in zip(starts[:-1], starts[1:]):
        spots = np.unique(np.linspace(start, stop - 1, num=min(per_area, stop - start)).round().astype(np.int64))
        chosen.append(distinct[order[spots]])
    picked = np.concatenate(chosen) if chosen else np.zeros(0, np.int64)
    return np.flatnonzero(np.isin(series, picked)), len(picked)


def sample_rows(table: pd.DataFrame, per_area: int = SERIES_PER_AREA, encoded: prepare.Encoded | None = None) -> tuple[np.ndarray, int]:
    """Sorted positions of the sample's rows in ``table`` and its number of whole series
    (``encoded``: the table's columns already encoded by a writer, reused)."""
    encoded = encoded or prepare.Encoded(table.reset_index(drop=True))
    picks = [_first_of_each(encoded.codes(c)[0]) for c in (*canon.KEY, *canon.ATTRIBUTES)]
    picks.append(_special_values(encoded.values))
    rows, series = whole_series(table, per_area, encoded)
    return np.unique(np.concatenate([*picks, rows])), series


def sample_table(table: pd.DataFrame, per_area: int = SERIES_PER_AREA, encoded: prepare.Encoded | None = None) -> tuple[pd.DataFrame, int]:
    """The sample of ``table`` (its rows, in its order) and its number of whole series.

    The sample of a table's countries taken apart and put together (as the writers by
    country do) covers the same values and series: each country's distinct values, a
    superset of the first row of each distinct value of the whole table."""
    rows, series = sample_rows(table, per_area, encoded)
    return table.take(rows).reset_index(drop=True), series


__all__ = ["SERIES_PER_AREA", "sample_rows", "sample_table", "whole_series"]
