"""Whether a canonical table can be written as SDMX: every reason it cannot, each naming a series.

Codes in the project codelists, mandatory attributes present, series attributes constant
within a series, unique keys. Run on the whole table before a small one is written, and
on each country's rows by the writers by country (a key or a series never spans two
countries, so the problems are the same).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from compiler import table as canon
from compiler.outputs.sdmx import prepare
from compiler.outputs.sdmx.structure import TIME_FORMATS, code_problems

_YEAR = re.compile(r"\d{4}\Z")


class SdmxInputError(ValueError):
    """The table cannot be expressed in the DSD; ``problems`` names each series key."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("cannot write SDMX:\n  - " + "\n  - ".join(problems))


def _where(frame: pd.DataFrame, mask: np.ndarray) -> str:
    row = frame.loc[mask].iloc[0]
    return f"series {canon.series_key(row)} bound {row[canon.BOUND]} {row[canon.TIME]}"


def check_table(table: pd.DataFrame, limit: int = 20) -> list[str]:
    """Every reason ``table`` cannot be written (empty when it can)."""
    missing = [c for c in canon.COLUMNS if c not in table.columns]
    if missing:
        return [f"the table lacks columns {missing}"]
    problems: list[str] = []
    for attr in ("OBS_STATUS", "CONF_STATUS"):
        empty = (table[attr].astype(str) == "").to_numpy()
        if empty.any():
            problems.append(f"mandatory attribute {attr} missing on {int(empty.sum())} observations, e.g. {_where(table, empty)}")
    for attr in ("UNIT_MULT", "DECIMALS"):
        nulls = table[attr].isna().to_numpy()
        if nulls.any():
            problems.append(f"mandatory attribute {attr} missing on {int(nulls.sum())} observations, e.g. {_where(table, nulls)}")
    bad_freq = ~table["FREQ"].isin(list(TIME_FORMATS)).to_numpy()
    if bad_freq.any():
        problems.append(f"no TIME_FORMAT for FREQ {table['FREQ'][bad_freq].iloc[0]!r}, e.g. {_where(table, bad_freq)}")
    bad_bound = ~table[canon.BOUND].isin(list(canon.BOUNDS)).to_numpy()
    if bad_bound.any():
        problems.append(f"BOUND {table[canon.BOUND][bad_bound].iloc[0]!r} is not one of {canon.BOUNDS}, e.g. {_where(table, bad_bound)}")
    empty_time = (table[canon.TIME].astype(str) == "").to_numpy()
    if empty_time.any():
        problems.append(f"TIME_PERIOD missing, e.g. {_where(table, empty_time)}")
    ref = table["REF_YEAR_PRICE"].astype(str)
    bad_ref = ~(ref.eq("") | ref.str.match(_YEAR)).to_numpy()
    if bad_ref.any():
        problems.append(f"REF_YEAR_PRICE {ref[bad_ref].iloc[0]!r} is not a 4-digit year, e.g. {_where(table, bad_ref)}")
    comments = table["COMMENT_OBS"].astype(str)
    for text in _unique(comments):
        if len(text) > 4000 or prepare.INVALID_XML.search(text):
            why = "is longer than 4000 characters" if len(text) > 4000 else "holds characters XML 1.0 cannot carry"
            problems.append(f"COMMENT_OBS {why}, e.g. {_where(table, (comments == text).to_numpy())}")
            break
    nonempty_masks = {a: (table[a].astype(str) != "").to_numpy() for a in ("OBS_STATUS", "CONF_STATUS")}
    both = nonempty_masks["OBS_STATUS"] & nonempty_masks["CONF_STATUS"]
    coded = table if both.all() else table.loc[both]  # (the same rows, without a copy when all are coded)
    problems += code_problems(coded.assign(UNIT_MULT=_as_text(coded["UNIT_MULT"]), DECIMALS=_as_text(coded["DECIMALS"])))
    group = [*canon.DIMENSIONS, canon.BOUND]
    if _may_vary(table, group, ("UNIT_MULT", "DECIMALS", "REF_YEAR_PRICE")):
        varying = table.groupby(group, sort=False)[["UNIT_MULT", "DECIMALS", "REF_YEAR_PRICE"]].nunique()
        for attr in ("UNIT_MULT", "DECIMALS", "REF_YEAR_PRICE"):
            bad = varying[varying[attr] > 1]
            if len(bad):
                key = bad.index[0]
                problems.append(f"series attribute {attr} varies within series {'.'.join(key[:-1])} bound {key[-1]}")
    if len(table) > 1 and not canon._unique_key(table):
        duplicated = table.duplicated(list(canon.KEY), keep=False).to_numpy()
        if duplicated.any():
            problems.append(f"{int(duplicated.sum())} observations share a key, e.g. {_where(table, duplicated)}")
    return problems[:limit]


def _unique(values: pd.Series) -> list:
    """The distinct values in order of first appearance (``pd.unique``)."""
    array = values.array
    if isinstance(array, pd.arrays.ArrowStringArray):
        return array.__arrow_array__().unique().to_pylist()  # pyarrow keeps the order of first appearance too
    return list(pd.unique(values.to_numpy(dtype=object)))


def _as_text(values: pd.Series) -> pd.Series:
    """``values.astype(str)`` for a column of a few distinct integers, formatting each once."""
    if values.dtype != "int64":
        return values.astype(str)
    uniques, codes = np.unique(values.to_numpy(), return_inverse=True)
    text = pd.Series(uniques).astype(str)
    return pd.Series(text.array.take(codes.reshape(-1)), index=values.index)


def _may_vary(table: pd.DataFrame, group: list[str], attributes: tuple[str, ...]) -> bool:
    """Whether an attribute may take more than one value within a group (exact when
    False: the groups are as many as the distinct (group, attribute) pairs)."""
    if not len(table):
        return False
    code = canon.key_codes([table], group)
    groups = len(np.unique(code))
    for attribute in attributes:
        values, k = canon.factorize([table[attribute]])
        if k > 1 and len(np.unique(canon._combine(code, int(code.max()) + 1, values, k)[0])) != groups:
            return True
    return False
