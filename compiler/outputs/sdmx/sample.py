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
import pyarrow.compute as pc

from compiler import table as canon

#: whole series per REF_AREA in the sample
SERIES_PER_AREA = 3


def _first_of_each(column: pd.Series) -> np.ndarray:
    """Position of the first row of each distinct value of ``column``."""
    array = column.array
    if isinstance(array, pd.arrays.ArrowStringArray):
        indices = pc.dictionary_encode(array.__arrow_array__().combine_chunks()).indices.to_numpy(zero_copy_only=False)
    else:
        indices = pd.factorize(column.to_numpy(), use_na_sentinel=False)[0]
    return np.unique(indices, return_index=True)[1]


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


def whole_series(table: pd.DataFrame, per_area: int = SERIES_PER_AREA) -> tuple[np.ndarray, int]:
    """Rows of ``per_area`` whole series (both bounds) of each REF_AREA, and how many series
    (keys without the bound) that is: the first, middle and last in key order."""
    series = canon.key_codes([table], canon.DIMENSIONS)
    distinct, first = np.unique(series, return_index=True)
    area = canon.key_codes([table], ("REF_AREA",))[first]
    keys = table.iloc[first][list(canon.DIMENSIONS)]
    order = np.lexsort([keys[c].to_numpy(dtype=object) for c in reversed(canon.DIMENSIONS)])
    chosen = []
    for a in np.unique(area):
        mine = order[area[order] == a]
        spots = np.unique(np.linspace(0, len(mine) - 1, num=min(per_area, len(mine))).round().astype(np.int64))
        chosen.append(distinct[mine[spots]])
    picked = np.concatenate(chosen) if chosen else np.zeros(0, np.int64)
    return np.flatnonzero(np.isin(series, picked)), len(picked)


def sample_rows(table: pd.DataFrame, per_area: int = SERIES_PER_AREA) -> tuple[np.ndarray, int]:
    """Sorted positions of the sample's rows in ``table`` and its number of whole series."""
    picks = [_first_of_each(table[c]) for c in (*canon.KEY, *canon.ATTRIBUTES)]
    picks.append(_special_values(table[canon.VALUE].to_numpy(dtype=np.float64)))
    rows, series = whole_series(table, per_area)
    return np.unique(np.concatenate([*picks, rows])), series


def sample_table(table: pd.DataFrame, per_area: int = SERIES_PER_AREA) -> tuple[pd.DataFrame, int]:
    """The sample of ``table`` (its rows, in its order) and its number of whole series."""
    rows, series = sample_rows(table, per_area)
    return table.take(rows).reset_index(drop=True), series


__all__ = ["SERIES_PER_AREA", "sample_rows", "sample_table", "whole_series"]
