"""Checks run on the canonical table after each stage; results go to report.json.

A check never changes the table. A failed check is an internal error: datasat exits 1
and writes nothing, because a figure that breaks an identity cannot be defended.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

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
        for row in table.loc[bad].head(5).itertuples()
    )
    detail = f"{count} of {len(values)} observations are not finite" + (f": {shown}" if count else "")
    return Check("values finite", count == 0, detail, float(count), len(values))


def _relative(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a - b) / np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))


def high_not_below_low(table: pd.DataFrame, stos: Iterable[str]) -> Check:
    """Every flow of ``stos`` in the high bound is at least its low-bound value."""
    flows = tbl.select(table, STO=tuple(stos), UNIT_MEASURE=codes.DOMESTIC_CURRENCY)
    wide = _wide(flows, [*tbl.DIMENSIONS, tbl.TIME], tbl.BOUND, ("low", "high"))
    if wide is None:
        wide = flows.pivot_table(index=[*tbl.DIMENSIONS, tbl.TIME], columns=tbl.BOUND, values=tbl.VALUE, aggfunc="first")
    shortfall = (wide["low"] - wide["high"]).to_numpy()
    worst = float(np.nanmax(shortfall)) if len(shortfall) else 0.0
    bad = int((shortfall > 1e-9 * np.maximum(1, np.abs(wide["low"].to_numpy()))).sum())
    return Check("high >= low", bad == 0, f"{bad} of {len(wide)} series-years have high < low", max(worst, 0.0), len(wide))


def _wide(rows: pd.DataFrame, index: list[str], column: str, wanted: tuple[str, ...]) -> pd.DataFrame | None:
    """``rows.pivot_table(index, column, OBS_VALUE, aggfunc="first")[wanted]`` (in another
    row order) when that is simple: no missing value, at most one row per (index, column)
    and every wanted column present; else ``None``."""
    if not len(rows) or rows[tbl.VALUE].isna().any():
        return None
    keys = tbl.key_codes([rows], index)
    present = rows[column].to_numpy(dtype=object)
    if not set(wanted) <= set(present):
        return None
    which, labels = pd.factorize(present)
    code = keys * len(labels) + which
    if len(np.unique(code)) != len(code):
        return None
    groups, position = np.unique(keys, return_inverse=True)
    values = rows[tbl.VALUE].to_numpy()
    out = {}
    for label in wanted:
        mine = present == label
        filled = np.full(len(groups), np.nan)
        filled[position[mine]] = values[mine]
        out[label] = filled
    return pd.DataFrame(out)


def no_markup_for_non_market(table: pd.DataFrame, non_market_sectors: frozenset[str]) -> Check:
    """Non-market producers (S13, S15 by default) carry no mark-up (2008 SNA §6.125 ff.)."""
    markup = tbl.select(table, STO=codes.MARKUP, REF_SECTOR=tuple(non_market_sectors))
    worst = float(markup[tbl.VALUE].abs().max()) if len(markup) else 0.0
    return Check("no mark-up for non-market producers", worst == 0.0, f"largest non-market mark-up {worst:g}", worst, len(markup))


def output_is_sum_of_costs(table: pd.DataFrame) -> Check:
    """P1 = P5OA1 + P5OA2 + P5OA3 + P5OAX + P5OA4 + B2N for every key (P5OA4 where given)."""
    parts = (codes.LABOUR, codes.INTERMEDIATE, codes.CAPITAL, codes.OTHER_COSTS, codes.MARKUP)
    if (table["STO"] == codes.TAXES).any():
        parts += (codes.TAXES,)
    flows = tbl.select(table, STO=(*parts, codes.OUTPUT), UNIT_MEASURE=codes.DOMESTIC_CURRENCY)
    index = [d for d in tbl.DIMENSIONS if d not in ("STO", "ACCOUNTING_ENTRY", "COUNTERPART_AREA")] + [tbl.TIME, tbl.BOUND]
    wide = _wide(flows, index, "STO", (*parts, codes.OUTPUT))
    if wide is None:
        wide = flows.pivot_table(index=index, columns="STO", values=tbl.VALUE, aggfunc="first")
    wide = wide.reindex(columns=[*parts, codes.OUTPUT]).dropna(subset=list(parts), how="all")  # baseline P1 has no cost parts
    deviation = _relative(wide[codes.OUTPUT].to_numpy(), wide[list(parts)].sum(axis=1).to_numpy())
    worst = float(deviation.max()) if len(deviation) else 0.0
    return Check("output = sum of costs", worst <= RELATIVE_TOLERANCE, f"largest relative deviation {worst:.3g}", worst, len(wide))


def totals_equal_children(table: pd.DataFrame, aggregates: dict[str, tuple[str, ...]]) -> list[Check]:
    """Recompute each total from its children independently and compare."""
    money = table.loc[table["UNIT_MEASURE"].isin([codes.DOMESTIC_CURRENCY, codes.PERSONS])]
    groups: list[tuple[str, str, np.ndarray, str]] = [
        (f"totals over {label}", column, (money[column] != total_code).to_numpy(dtype=bool, na_value=True), total_code)
        for column, total_code, label in (("ACTIVITY", codes.TOTAL_ACTIVITY, "activities"), ("REF_SECTOR", codes.TOTAL_ECONOMY, "sectors"))
    ]
    groups += [
        (f"{aggregate} = {' + '.join(components)}", "INSTR_ASSET", money["INSTR_ASSET"].isin(components).to_numpy(dtype=bool, na_value=False), aggregate)
        for aggregate, components in aggregates.items()
    ]
    keys = _KeyCodes(money, [*tbl.DIMENSIONS, tbl.TIME, tbl.BOUND])
    if not keys.fits:
        return _totals_equal_children_by_index(money, aggregates)
    own = pd.Series(money[tbl.VALUE].to_numpy(), index=keys.code)
    checks = []
    for name, column, children, total_code in groups:
        values = money[tbl.VALUE].to_numpy()[children]
        sums = pd.Series(values).groupby(keys.replaced(column, total_code)[children]).sum()
        present = sums.index.isin(own.index)
        if not present.all():  # the message names the missing keys: let pandas find them
            return _totals_equal_children_by_index(money, aggregates)
        deviation = _relative(own.loc[sums.index].to_numpy(), sums.to_numpy())
        worst = float(deviation.max()) if len(deviation) else 0.0
        checks.append(Check(name, worst <= RELATIVE_TOLERANCE, f"{len(sums)} totals, largest relative deviation {worst:.3g}", worst, len(sums)))
    return checks


class _KeyCodes:
    """Each row's key as one int64 (mixed radix over the columns' codes), with a spare
    code per column for a value the column lacks; :meth:`replaced` gives the code of
    the key with one column set to a value (e.g. the parent of a row in a hierarchy)."""

    def __init__(self, frame: pd.DataFrame, columns: list[str]):
        self.columns, self.codes, self.uniques, self.strides = columns, {}, {}, {}
        stride = 1
        for column in reversed(columns):
            codes_, uniques = pd.factorize(frame[column], use_na_sentinel=False)
            self.codes[column], self.uniques[column] = codes_.astype(np.int64, copy=False), list(uniques)
            self.strides[column] = stride
            stride *= len(uniques) + 1
        self.fits = stride < tbl._MAX_RADIX
        self.code = sum((self.codes[c] * self.strides[c] for c in columns), np.zeros(len(frame), dtype=np.int64)) if self.fits else None

    def replaced(self, column: str, value: str) -> np.ndarray:
        uniques = self.uniques[column]
        new = uniques.index(value) if value in uniques else len(uniques)
        return self.code + (new - self.codes[column]) * self.strides[column]


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
