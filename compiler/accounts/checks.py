"""Checks run on the canonical table after each stage; results go to report.json.

A check never changes the table. A failed check is an internal error: datasat exits 1
and writes nothing, because a figure that breaks an identity cannot be defended.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from pandas.arrays import ArrowStringArray

from compiler import codes
from compiler import table as tbl

RELATIVE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str
    max_deviation: float = 0.0
    observations: int = 0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class CheckFailed(RuntimeError):
    def __init__(self, checks: list[Check]):
        self.checks = checks
        super().__init__("; ".join(f"{c.name}: {c.detail}" for c in checks))


def values_finite(table: pd.DataFrame) -> Check:
    """No OBS_VALUE is NaN or infinite: every published figure is a number (issue 13).

    Inputs are finite and bounded (docs/inputs.md), so a non-finite value is a bug or a
    division by a zero the input checks missed; the first few keys are named.
    """
    values = table[tbl.VALUE].to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values)
    count = int(bad.sum())
    shown = "; ".join(
        f"{row.REF_AREA} {row.STO} {row.INSTR_ASSET} {row.TIME_PERIOD} {row.BOUND} = {row.OBS_VALUE}"
        for row in table.iloc[np.flatnonzero(bad)[:5]].itertuples()
    ) if count else ""
    detail = f"{count} of {len(values)} observations are not finite" + (f": {shown}" if count else "")
    return Check("values finite", count == 0, detail, float(count), len(values))


def _relative(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a - b) / np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))


class TableKeys:
    """The key columns of a canonical table, each factorized once (pyarrow dictionary
    encoding) and combined in mixed radix, one int64 per row, with a spare code per column
    for a value the column lacks: the checks code any subset's key, with columns left out
    (:meth:`without`) or set to a value (:meth:`replaced`), without factorizing again."""

    def __init__(self, table: pd.DataFrame, columns: tuple[str, ...] = tbl.KEY):
        self.columns, self.codes, self.uniques, self.strides = columns, {}, {}, {}
        stride = 1
        for column in reversed(columns):
            self.codes[column], self.uniques[column] = _encode(table[column])
            self.strides[column] = stride
            stride *= len(self.uniques[column]) + 1
        self.fits = stride < tbl._MAX_RADIX
        self.code = sum((self.codes[c] * self.strides[c] for c in columns), np.zeros(len(table), dtype=np.int64)) if self.fits else None

    def among(self, column: str, values: tuple[str, ...]) -> np.ndarray:
        """Rows whose ``column`` is among ``values`` (a missing value is among none)."""
        return np.isin(self.codes[column], [i for i, u in enumerate(self.uniques[column]) if u in values])

    def without(self, columns: Iterable[str]) -> np.ndarray:
        """The key code with ``columns`` left out (rows that differ only there share it)."""
        return self.code - sum((self.codes[c] * self.strides[c] for c in columns), np.zeros(len(self.code), dtype=np.int64))

    def replaced(self, column: str, value: str) -> np.ndarray:
        """The key code with ``column`` set to ``value`` in every row."""
        uniques = self.uniques[column]
        new = uniques.index(value) if value in uniques else len(uniques)
        return self.code + (new - self.codes[column]) * self.strides[column]


def _encode(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Integer codes (int64) of a column and the values they stand for."""
    array = series.array
    if isinstance(array, ArrowStringArray):
        encoded = array.__arrow_array__().combine_chunks().dictionary_encode(null_encoding="encode")
        return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64, copy=False), encoded.dictionary.to_pylist()
    codes_, uniques = pd.factorize(series, use_na_sentinel=False)
    return codes_.astype(np.int64, copy=False), list(uniques)


def table_checks(table: pd.DataFrame, stos: Iterable[str], non_market_sectors: frozenset[str], aggregates: dict[str, tuple[str, ...]]) -> list[Check]:
    """The checks of the whole table (values finite, output = sum of costs, high >= low for
    ``stos``, no non-market mark-up, totals = children), its key columns factorized once."""
    keys = TableKeys(table)
    return [
        values_finite(table),
        output_is_sum_of_costs(table, keys),
        high_not_below_low(table, stos, keys),
        no_markup_for_non_market(table, non_market_sectors),
        *totals_equal_children(table, aggregates, keys),
    ]


def high_not_below_low(table: pd.DataFrame, stos: Iterable[str], keys: TableKeys | None = None) -> Check:
    """Every flow of ``stos`` in the high bound is at least its low-bound value."""
    keys = keys if keys is not None and keys.fits else TableKeys(table)
    rows = np.flatnonzero(keys.among("STO", tuple(stos)) & keys.among("UNIT_MEASURE", (codes.DOMESTIC_CURRENCY,)))
    wide = _wide(table, rows, keys, tbl.BOUND, ("low", "high"), (tbl.BOUND,)) if keys.fits else None
    if wide is None:
        wide = table.iloc[rows].pivot_table(index=[*tbl.DIMENSIONS, tbl.TIME], columns=tbl.BOUND, values=tbl.VALUE, aggfunc="first")
    shortfall = (wide["low"] - wide["high"]).to_numpy()
    worst = float(np.nanmax(shortfall)) if len(shortfall) else 0.0
    bad = int((shortfall > 1e-9 * np.maximum(1, np.abs(wide["low"].to_numpy()))).sum())
    return Check("high >= low", bad == 0, f"{bad} of {len(wide)} series-years have high < low", max(worst, 0.0), len(wide))


def _wide(table: pd.DataFrame, rows: np.ndarray, keys: TableKeys, column: str, wanted: tuple[str, ...], left_out: tuple[str, ...]) -> pd.DataFrame | None:
    """``table.iloc[rows].pivot_table(index=the key less left_out, columns=column, values=OBS_VALUE,
    aggfunc="first")[wanted]`` (in another row order) when that is simple: no missing value,
    at most one row per cell and every wanted column present; else ``None``."""
    values = table[tbl.VALUE].to_numpy(dtype=np.float64)[rows]
    if not len(rows) or np.isnan(values).any():
        return None
    labels = keys.uniques[column]
    which = keys.codes[column][rows]
    seen = np.bincount(which, minlength=len(labels)) > 0
    if not all(w in labels and seen[labels.index(w)] for w in wanted):
        return None
    groups, position = np.unique(keys.without(left_out)[rows], return_inverse=True)
    position = position.reshape(-1)
    if np.bincount(position * len(labels) + which).max() > 1:
        return None
    out = {}
    for label in wanted:
        mine = which == labels.index(label)
        filled = np.full(len(groups), np.nan)
        filled[position[mine]] = values[mine]
        out[label] = filled
    return pd.DataFrame(out)


def no_markup_for_non_market(table: pd.DataFrame, non_market_sectors: frozenset[str]) -> Check:
    """Non-market producers (S13, S15 by default) carry no mark-up (2008 SNA §6.125 ff.)."""
    markup = tbl.select(table, STO=codes.MARKUP, REF_SECTOR=tuple(non_market_sectors))
    worst = float(markup[tbl.VALUE].abs().max()) if len(markup) else 0.0
    return Check("no mark-up for non-market producers", worst == 0.0, f"largest non-market mark-up {worst:g}", worst, len(markup))


def output_is_sum_of_costs(table: pd.DataFrame, keys: TableKeys | None = None) -> Check:
    """P1 = P5OA1 + P5OA2 + P5OA3 + P5OAX + P5OA4 + B2N for every key (P5OA4 where given)."""
    keys = keys if keys is not None and keys.fits else TableKeys(table)
    parts = (codes.LABOUR, codes.INTERMEDIATE, codes.CAPITAL, codes.OTHER_COSTS, codes.MARKUP)
    parts += (codes.TAXES,) if keys.among("STO", (codes.TAXES,)).any() else ()
    left_out = ("STO", "ACCOUNTING_ENTRY", "COUNTERPART_AREA")
    rows = np.flatnonzero(keys.among("STO", (*parts, codes.OUTPUT)) & keys.among("UNIT_MEASURE", (codes.DOMESTIC_CURRENCY,)))
    wide = _wide(table, rows, keys, "STO", (*parts, codes.OUTPUT), left_out) if keys.fits else None
    if wide is None:
        index = [d for d in tbl.DIMENSIONS if d not in left_out] + [tbl.TIME, tbl.BOUND]
        wide = table.iloc[rows].pivot_table(index=index, columns="STO", values=tbl.VALUE, aggfunc="first")
    wide = wide.reindex(columns=[*parts, codes.OUTPUT]).dropna(subset=list(parts), how="all")  # baseline P1 has no cost parts
    deviation = _relative(wide[codes.OUTPUT].to_numpy(), wide[list(parts)].sum(axis=1).to_numpy())
    worst = float(deviation.max()) if len(deviation) else 0.0
    return Check("output = sum of costs", worst <= RELATIVE_TOLERANCE, f"largest relative deviation {worst:.3g}", worst, len(wide))


def totals_equal_children(table: pd.DataFrame, aggregates: dict[str, tuple[str, ...]], keys: TableKeys | None = None) -> list[Check]:
    """Recompute each total from its children independently and compare (money and persons)."""
    keys = keys if keys is not None and keys.fits else TableKeys(table)
    rows = np.flatnonzero(keys.among("UNIT_MEASURE", (codes.DOMESTIC_CURRENCY, codes.PERSONS)))
    if not keys.fits:
        return _totals_equal_children_by_index(table.iloc[rows], aggregates)
    money = _Subset(keys, rows)
    groups: list[tuple[str, str, np.ndarray, str]] = [
        (f"totals over {label}", column, ~money.among(column, (total_code,)), total_code)
        for column, total_code, label in (("ACTIVITY", codes.TOTAL_ACTIVITY, "activities"), ("REF_SECTOR", codes.TOTAL_ECONOMY, "sectors"))
    ]
    groups += [
        (f"{aggregate} = {' + '.join(components)}", "INSTR_ASSET", money.among("INSTR_ASSET", components), aggregate)
        for aggregate, components in aggregates.items()
    ]
    values = table[tbl.VALUE].to_numpy()[rows]
    order = np.argsort(money.code, kind="stable")
    own_code, own_value = money.code[order], values[order]  # each key once: a row's own value, found by binary search
    checks = []
    for name, column, children, total_code in groups:
        sums = pd.Series(values[children]).groupby(money.replaced(column, total_code)[children]).sum()
        wanted = sums.index.to_numpy()
        at = np.searchsorted(own_code, wanted)
        if not (at < len(own_code)).all() or not (own_code[np.minimum(at, len(own_code) - 1)] == wanted).all():
            return _totals_equal_children_by_index(table.iloc[rows], aggregates)  # the message names the missing keys: let pandas find them
        deviation = _relative(own_value[at], sums.to_numpy())
        worst = float(deviation.max()) if len(deviation) else 0.0
        checks.append(Check(name, worst <= RELATIVE_TOLERANCE, f"{len(sums)} totals, largest relative deviation {worst:.3g}", worst, len(sums)))
    return checks


class _Subset:
    """:class:`TableKeys` restricted to some rows (positions)."""

    def __init__(self, keys: TableKeys, rows: np.ndarray):
        self.keys, self.rows, self.fits = keys, rows, keys.fits
        self.code = keys.code[rows]

    def replaced(self, column: str, value: str) -> np.ndarray:
        uniques = self.keys.uniques[column]
        new = uniques.index(value) if value in uniques else len(uniques)
        return self.code + (new - self.keys.codes[column][self.rows]) * self.keys.strides[column]

    def among(self, column: str, values: tuple[str, ...]) -> np.ndarray:
        """Rows whose ``column`` is among ``values`` (a missing value is among none)."""
        return self.keys.among(column, values)[self.rows]


def _totals_equal_children_by_index(money: pd.DataFrame, aggregates: dict[str, tuple[str, ...]]) -> list[Check]:
    """:func:`totals_equal_children` on MultiIndexes (the reference; used when a key
    does not fit in an int64 or a total is missing)."""
    checks = []
    key = [*tbl.DIMENSIONS, tbl.TIME, tbl.BOUND]
    indexed = money.set_index(key)[tbl.VALUE]
    for column, total_code, label in (("ACTIVITY", codes.TOTAL_ACTIVITY, "activities"), ("REF_SECTOR", codes.TOTAL_ECONOMY, "sectors")):
        children = money.loc[money[column] != total_code]
        sums = children.assign(**{column: total_code}).groupby(key)[tbl.VALUE].sum()
        checks.append(_compare(f"totals over {label}", indexed, sums))
    for aggregate, components in aggregates.items():
        children = money.loc[money["INSTR_ASSET"].isin(components)]
        sums = children.assign(INSTR_ASSET=aggregate).groupby(key)[tbl.VALUE].sum()
        checks.append(_compare(f"{aggregate} = {' + '.join(components)}", indexed, sums))
    return checks


def _compare(name: str, indexed: pd.Series, sums: pd.Series) -> Check:
    present = sums.index.isin(indexed.index)
    if not present.all():
        missing = sums.index[~present][:3].tolist()
        return Check(name, False, f"{int((~present).sum())} totals missing, e.g. {missing}", float("inf"), len(sums))
    deviation = _relative(indexed.loc[sums.index].to_numpy(), sums.to_numpy())
    worst = float(deviation.max()) if len(deviation) else 0.0
    return Check(name, worst <= RELATIVE_TOLERANCE, f"{len(sums)} totals, largest relative deviation {worst:.3g}", worst, len(sums))


def raise_on_failure(checks: list[Check]) -> None:
    failed = [c for c in checks if not c.passed]
    if failed:
        raise CheckFailed(failed)
