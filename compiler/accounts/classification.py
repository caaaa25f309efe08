"""The extended asset classification and the totals computed from it.

``codelists/CL_INSTR_ASSET_DATA.csv`` holds the official IPP codes of
ESTAT:CL_INSTR_ASSET(1.14.0) with the project's provisional codes beside them: data
(``N11733``) under computer software and databases, data R&D (``N11711``) under R&D, and
the aggregate of all data assets (``N117D``), as Wang et al. (2024) proposes (its §2.3) and
the 2025 SNA is expected to record (methodology.md §2.2). ``codelists/aggregates.csv``
says which codes an aggregate sums. A package may replace the provisional codes
(``[classification]`` in package.toml) once an official 2025 SNA code exists: the
replacement is applied to the codelist, the hierarchy and the aggregates alike.

Totals are never written by hand: :func:`add_totals` sums children into parents from
the hierarchy, and sums activities into ``_T`` and sectors into ``S1``.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from compiler import codes
from compiler import table as tbl
from compiler.resources import codelists_dir
from compiler.table import ColumnCodes, group_sum


@cache
def official_codes(codelist: str) -> frozenset[str]:
    """Codes of an official codelist extract in ``codelists/official/`` (e.g. ``CL_ACTIVITY``)."""
    with open(codelists_dir() / "official" / f"{codelist}.csv", encoding="utf-8", newline="") as f:
        return frozenset(row["id"] for row in csv.DictReader(f))


@cache
def official_names(codelist: str) -> Mapping[str, str]:
    with open(codelists_dir() / "official" / f"{codelist}.csv", encoding="utf-8", newline="") as f:
        return {row["id"]: row["name"] for row in csv.DictReader(f)}


@dataclass(frozen=True)
class AssetCode:
    id: str
    name: str
    parent: str
    origin: str


@dataclass(frozen=True)
class AssetClassification:
    """The extended CL_INSTR_ASSET with the package's choice of provisional codes."""

    codes: Mapping[str, AssetCode]
    aggregates: Mapping[str, tuple[str, ...]]  # aggregate -> its components
    stems: Mapping[str, str]  # asset type or "all_data" -> code stem

    def code(self, asset: str, valuation: str = "G") -> str:
        """SDMX code of an asset type (``data``, ``databases``, ``data_rd``, ``all_data``).

        ``valuation`` is ``G`` (gross: flows, gross stock) or ``N`` (net stock).
        """
        return self.stems[asset] + valuation

    def asset_of(self, code: str) -> str:
        """The asset type (or ``all_data``) of a code, the inverse of :meth:`code`."""
        for asset, stem in self.stems.items():
            if code in (stem + "G", stem + "N"):
                return asset
        raise KeyError(code)

    def children(self, parent: str) -> list[str]:
        return [c.id for c in self.codes.values() if c.parent == parent]

    def ancestors(self, code: str) -> list[str]:
        chain, parent = [], self.codes[code].parent
        while parent:
            chain.append(parent)
            parent = self.codes[parent].parent
        return chain


#: The provisional code stems of codelists/CL_INSTR_ASSET_DATA.csv; package.toml's
#: [classification] may replace them until the 2025 SNA codes are published.
DEFAULT_STEMS: Mapping[str, str] = {"data": "N11733", "databases": "N11732", "data_rd": "N11711", "all_data": "N117D"}


def load_classification(stems: Mapping[str, str] | None = None) -> AssetClassification:
    """Read the extended codelist and apply the package's provisional codes."""
    stems = dict(stems or DEFAULT_STEMS)
    rename = {}
    for asset, default in DEFAULT_STEMS.items():
        for valuation in "GN":
            rename[default + valuation] = stems[asset] + valuation
    directory = codelists_dir()
    with open(directory / "CL_INSTR_ASSET_DATA.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    asset_codes = {}
    for row in rows:
        code_id = rename.get(row["id"], row["id"])
        parent = rename.get(row["parent"], row["parent"])
        asset_codes[code_id] = AssetCode(code_id, row["name"], parent, row["origin"])
    aggregates: dict[str, list[str]] = {}
    with open(directory / "aggregates.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            aggregates.setdefault(rename.get(row["aggregate"], row["aggregate"]), []).append(rename.get(row["component"], row["component"]))
    return AssetClassification(asset_codes, {k: tuple(v) for k, v in aggregates.items()}, stems)


def add_totals(table: pd.DataFrame, classification: AssetClassification) -> pd.DataFrame:
    """Add the totals over activities (``_T``), sectors (``S1``) and asset aggregates.

    ``table`` holds detail rows only (by activity × sector × asset type). For each
    additive STO the totals are sums of the detail: (activity, S1), (``_T``, sector),
    (``_T``, S1), and for each aggregate in ``codelists/aggregates.csv`` the sum of its
    components at every level. Comments say which children a total sums. Rows of several
    packages (REF_AREA a key like any other) are summed apart. The keys are not checked
    here: the stage that adds the totals checks what it adds, once.
    """
    key = list(tbl.KEY)
    attrs = ["UNIT_MULT", "DECIMALS", "OBS_STATUS", "CONF_STATUS", "REF_YEAR_PRICE"]
    detail = table
    # a detail row already at S1 (e.g. an unsectorised input) would collide with its total
    if (detail["REF_SECTOR"] == codes.TOTAL_ECONOMY).any():
        raise ValueError("detail rows must be by institutional sector, not S1")
    # frame.groupby(other + attrs, sort=False, dropna=False)[[OBS_VALUE]].sum(min_count=1),
    # on integer codes: each column of the detail is factorized once for all three totals
    columns = ColumnCodes(detail, key + attrs)
    values = detail[tbl.VALUE].to_numpy()

    def total(frame: pd.DataFrame, first: np.ndarray, sums: np.ndarray, column: str, code: str, note: str) -> pd.DataFrame:
        other = [k for k in key if k != column]
        grouped = frame[other + attrs].iloc[first].reset_index(drop=True)
        grouped[tbl.VALUE] = sums
        grouped[column] = tbl.constant(code, len(grouped), frame[column])
        grouped["COMMENT_OBS"] = tbl.constant(note, len(grouped), frame["COMMENT_OBS"])
        return grouped

    sector_first, sector_sums = group_sum(values, columns.combined([k for k in key if k != "REF_SECTOR"] + attrs))
    by_sector = total(detail, sector_first, sector_sums, "REF_SECTOR", codes.TOTAL_ECONOMY, "total of institutional sectors (sum of REF_SECTOR detail)")
    activity_first, activity_sums = group_sum(values, columns.combined([k for k in key if k != "ACTIVITY"] + attrs))
    by_activity = total(detail, activity_first, activity_sums, "ACTIVITY", codes.TOTAL_ACTIVITY, "total of activities (sum of ACTIVITY detail)")
    # by_sector's rows are its groups' first detail rows with REF_SECTOR = S1 (one value)
    both_first, both_sums = group_sum(sector_sums, columns.combined([k for k in key if k not in ("ACTIVITY", "REF_SECTOR")] + attrs, rows=sector_first))
    both = total(by_sector, both_first, both_sums, "ACTIVITY", codes.TOTAL_ACTIVITY, "total economy, all activities (sum of ACTIVITY and REF_SECTOR detail)")
    encoded = _encoded(table)
    levels = _stack([table, by_sector, by_activity, both], encoded)
    return _stack([levels, sum_aggregates(levels, classification)], encoded)


def _encoded(rows: pd.DataFrame) -> bool:
    return isinstance(rows["COMMENT_OBS"].dtype, pd.CategoricalDtype)


def _stack(parts: list[pd.DataFrame], encoded: bool) -> pd.DataFrame:
    """Canonical rows one under the other, dictionary-encoded or not (keys unchecked)."""
    if encoded:
        return tbl.concat_encoded([tbl.encode(p) for p in parts if len(p)])
    return tbl.coerce(pd.concat(parts, ignore_index=True))


def sum_aggregates(rows: pd.DataFrame, classification: AssetClassification) -> pd.DataFrame:
    """Rows of each aggregate of ``codelists/aggregates.csv`` (e.g. N117DG/N): the sum of
    its components' rows, key by key. Only additive units (money, persons) are summed."""
    additive = rows.loc[rows["UNIT_MEASURE"].isin([codes.DOMESTIC_CURRENCY, codes.PERSONS])]
    key = [c for c in tbl.KEY if c != "INSTR_ASSET"] + ["UNIT_MULT", "DECIMALS", "OBS_STATUS", "CONF_STATUS", "REF_YEAR_PRICE"]
    parts = []
    columns: ColumnCodes | None = None
    for aggregate, components in classification.aggregates.items():
        members = np.flatnonzero(additive["INSTR_ASSET"].isin(components).to_numpy(dtype=bool))
        if not len(members):
            continue
        # members.groupby(key, as_index=False, sort=False, dropna=False)[OBS_VALUE].sum(min_count=1), on integer codes
        columns = columns or ColumnCodes(additive, key)
        first, sums = group_sum(additive[tbl.VALUE].to_numpy()[members], columns.combined(key, rows=members))
        summed = additive[key].iloc[members[first]].reset_index(drop=True)
        summed[tbl.VALUE] = sums
        summed["INSTR_ASSET"] = tbl.constant(aggregate, len(summed), additive["INSTR_ASSET"])
        summed["COMMENT_OBS"] = tbl.constant(f"{aggregate} = " + " + ".join(components) + " (codelists/aggregates.csv)", len(summed), additive["COMMENT_OBS"])
        parts.append(summed)
    if len(rows) and _encoded(rows):
        return _stack(parts, True) if parts else rows.iloc[:0]
    return tbl.concat(parts)
