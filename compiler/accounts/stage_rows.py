"""Helpers the accounts stages share to emit their rows cheaply.

A stage (GDP effect, supply and use, comparison) selects the few rows it reads once,
builds its new rows with one :func:`compiler.table.make_rows` per block (the STO and
the dimensions it implies given row by row, :func:`with_sto_columns`); the pipeline
checks its keys once, as it appends them (:func:`compiler.table.append`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from compiler.accounts.settings import CHANGE_SUFFIX, KEY_OF

#: The dimensions :func:`compiler.accounts.settings.key_columns` sets from an STO, in the order of KEY_OF's tuples.
STO_DIMENSIONS: tuple[str, ...] = ("ACCOUNTING_ENTRY", "COUNTERPART_AREA", "EXPENDITURE")


def with_sto_columns(frame: pd.DataFrame, sto: pd.Series | np.ndarray) -> pd.DataFrame:
    """``frame`` with STO and the entry, counterpart area and expenditure of each row's STO
    (:func:`compiler.accounts.settings.key_columns` row by row; ``<STO>_DCAP`` as ``<STO>``)."""
    code, present = pd.factorize(np.asarray(sto, dtype=object))
    columns: dict[str, np.ndarray] = {"STO": np.asarray(present, dtype=object)[code]}
    for i, dimension in enumerate(STO_DIMENSIONS):
        columns[dimension] = np.asarray([KEY_OF[str(s).removesuffix(CHANGE_SUFFIX)][i] for s in present], dtype=object)[code]
    return frame.assign(**columns)


def cells(code: np.ndarray, column: np.ndarray, labels: tuple[str, ...], values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """A pivot of ``values`` with one row per distinct ``code`` (the groups, sorted) and one
    column per label of ``column``: ``pivot_table(aggfunc="sum")`` where every cell has at
    most one value (a sum of one value ``v`` is ``v + 0.0``), NaN where none; rows whose
    ``column`` is not a label are left out. ``None`` if a cell has two values (then let
    pandas sum them). Returns the groups' codes and the (groups × labels) array."""
    which = pd.Index(labels).get_indexer(column)
    keep = which >= 0
    code, which, values = code[keep], which[keep], values[keep]
    groups, position = np.unique(code, return_inverse=True)
    cell = position.reshape(-1) * len(labels) + which
    if len(np.unique(cell)) != len(cell):
        return None
    out = np.full(len(groups) * len(labels), np.nan)
    out[cell] = values + 0.0
    return groups, out.reshape(len(groups), len(labels))
