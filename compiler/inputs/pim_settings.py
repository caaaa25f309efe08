"""``[pim.<asset>]`` of package.toml: PIM parameters, survival tables and given opening stocks.

Each asset's section is merged over ``[pim.default]`` and checked by
:meth:`compiler.accounts.pim.PimParameters.from_mapping` (which rejects unknown keys: a new
key is a new :class:`~compiler.accounts.pim.PimParameters` field, or one of the two keys read
here). Two keys are read here because they need the package's files or its sectors:

* ``survival``: a list S(0), S(1), … or the name of a CSV file in the package with
  columns ``age,survival`` (ages 0, 1, … in order);
* ``price_index``: ``"investment_price_index"`` (default: macro.csv) or ``"input_cost"``
  (:func:`compiler.accounts.prices.input_cost_index`), with ``other_costs_index`` naming
  the macro.csv column that prices the non-labour costs (``gdp_deflator`` or
  ``investment_price_index``);
* ``opening_stock`` (with ``initial_stock = "given"``): the net stock at the end of
  the year before the first, at constant prices of the base year, in the package's
  currency units (``unit_mult`` applied as for every money input), either
  ``{low = …, high = …}`` for all producers, allocated to the producing sectors in
  proportion to their real GFCF of the first year (docs/method.md §3), or per sector
  ``{S11 = {low = …, high = …}, S13 = …}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import re

import numpy as np
import pandas as pd

from compiler import codes
from compiler import table as tbl
from compiler.inputs import InputError, InputErrors, Inputs
from compiler.accounts.pim import PimParameterError, PimParameters
from compiler.accounts.prices import AVERAGE, OTHER_COSTS_INDICES


@dataclass(frozen=True)
class PimSettings:
    """Parameters per asset and the given opening stocks (asset -> {sector or "": {bound: value}})."""

    params: dict[str, PimParameters]
    opening: dict[str, dict[str, dict[str, float]]]
    #: asset -> macro.csv column pricing other costs, for assets with price_index "input_cost"
    input_cost: dict[str, str] = field(default_factory=dict)


def pim_settings(inputs: Inputs) -> PimSettings:
    """``[pim.<asset>]`` merged over ``[pim.default]``; every problem raised at once."""
    sections = inputs.manifest.pim
    default = sections.get("default", {})
    problems: list[str] = []
    params, opening, input_cost = {}, {}, {}
    for asset in codes.ASSET_TYPES:
        mapping = {**default, **sections.get(asset, {})}
        where = f"{inputs.folder.name}/package.toml [pim.{asset}]"
        if not mapping:
            problems.append(f"{where}: expected a [pim.{asset}] or [pim.default] section with at least 'retirement'")
            continue
        stock = mapping.pop("opening_stock", None)
        other = _price_index(mapping.pop("price_index", AVERAGE), mapping.pop("other_costs_index", None), where, problems)
        if other:
            input_cost[asset] = other
        if isinstance(mapping.get("survival"), str):
            mapping["survival"] = _survival_file(inputs, mapping["survival"], where, problems)
        if (stock is None) == (mapping.get("initial_stock") == "given"):
            problems.append(f"{where}: key 'opening_stock'" + (" is missing: expected it with initial_stock 'given'" if stock is None
                                                                else f", value {stock!r}: expected no opening_stock without initial_stock 'given'"))
        elif stock is not None:
            opening[asset] = _opening_stock(stock, where, inputs.manifest.unit_factor, problems)
        try:
            params[asset] = PimParameters.from_mapping(mapping, where)
        except PimParameterError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputErrors([as_input_error(f"{inputs.folder.name}/package.toml", p) for p in problems])
    return PimSettings(params, opening, input_cost)


_MESSAGE = re.compile(r"^(?P<file>[^ ]+\.(?:toml|csv))(?: \[(?P<section>[^\]]+)\])?(?::(?P<row>\d+))?: "
                      r"(?:(?:key|column) '(?P<key>[^']+)'(?:, value (?P<value>.*?))?|(?P<what>[^:]*?))(?::| is missing:) expected (?P<expected>.*)$", re.S)


def as_input_error(file: str, message: str) -> InputError:
    """A PIM problem message ("<file> [pim.x]: key 'k', value v: expected …") as an
    :class:`InputError` naming the key ``pim.x.k``; other messages kept whole."""
    match = _MESSAGE.match(message)
    if not match:
        return InputError(file, None, "pim", None, message)
    section, key = match["section"], match["key"]
    column = ".".join(x for x in (section, key) if x) or None
    if match["file"].endswith(".csv"):
        return InputError(match["file"], int(match["row"]) if match["row"] else None, key, match["value"], match["expected"])
    expected = match["expected"] if match["what"] is None else f"{match['expected']} ({match['what']})"
    if message.split(": ", 1)[1].startswith(f"key {key!r} is missing"):
        expected = "a value " + expected.removeprefix("it ")
    value = match["value"]
    if value and len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return InputError(match["file"], None, column, value, expected)


def _price_index(choice: Any, other: Any, where: str, problems: list[str]) -> str | None:
    """The macro.csv column pricing other costs if ``choice`` is "input_cost", else None."""
    if choice not in (AVERAGE, "input_cost"):
        problems.append(f"{where}: key 'price_index', value {choice!r}: expected {AVERAGE!r} (macro.csv) or 'input_cost'")
        return None
    if choice == AVERAGE:
        if other is not None:
            problems.append(f"{where}: key 'other_costs_index', value {other!r}: expected it only with price_index 'input_cost'")
        return None
    if other not in OTHER_COSTS_INDICES:
        problems.append(f"{where}: key 'other_costs_index', value {other!r}: expected one of {list(OTHER_COSTS_INDICES)} "
                        "(the macro.csv column pricing the non-labour costs of the input-cost index)")
        return None
    return str(other)


def _survival_file(inputs: Inputs, name: str, where: str, problems: list[str]) -> Any:
    """S(0), S(1), … from a CSV file ``age,survival`` of the package (None after a problem)."""
    path = inputs.folder / name
    label = f"{inputs.folder.name}/{name}"
    if path.parent != inputs.folder or not path.is_file():
        problems.append(f"{where}: key 'survival', value {name!r}: expected a list or a CSV file in the package (not found)")
        return None
    try:
        frame = pd.read_csv(path)
    except (ValueError, OSError) as exc:
        problems.append(f"{label}: not a CSV table ({exc}): expected columns age,survival")
        return None
    if list(frame.columns) != ["age", "survival"]:
        problems.append(f"{label}: columns {list(frame.columns)}: expected age,survival")
        return None
    ages = pd.to_numeric(frame["age"], errors="coerce").to_numpy()
    bad = np.flatnonzero(ages != np.arange(len(frame)))
    if bad.size:
        problems.append(f"{label}:{int(bad[0]) + 2}, column 'age', value {frame['age'].iloc[bad[0]]!r}: expected ages 0, 1, 2, … in order")
        return None
    values = pd.to_numeric(frame["survival"], errors="coerce")
    if values.isna().any():
        row = int(np.flatnonzero(values.isna().to_numpy())[0])
        problems.append(f"{label}:{row + 2}, column 'survival', value {frame['survival'].iloc[row]!r}: expected a share in [0, 1]")
        return None
    return [float(v) for v in values]


def _opening_stock(stock: Any, where: str, unit_factor: float, problems: list[str]) -> dict[str, dict[str, float]]:
    """{sector or "": {bound: value in units × 10^unit_mult}}; problems appended."""
    def bounds(value: Any, key: str) -> dict[str, float]:
        ok = isinstance(value, Mapping) and set(value) == set(tbl.BOUNDS) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v) and v >= 0 for v in value.values())
        if not ok:
            problems.append(f"{where}: key {key!r}, value {value!r}: expected {{low = …, high = …}}, numbers >= 0 (currency units, base-year prices)")
            return {}
        return {b: float(value[b]) / unit_factor for b in tbl.BOUNDS}

    if isinstance(stock, Mapping) and set(stock) == set(tbl.BOUNDS):
        return {"": bounds(stock, "opening_stock")}
    if isinstance(stock, Mapping) and stock:
        return {str(sector): bounds(value, f"opening_stock.{sector}") for sector, value in stock.items()}
    return {"": bounds(stock, "opening_stock")}


def opening_stock_series(settings: PimSettings, assets: list[str], bounds: list[str], sectors: list[str],
                         first_real_gfcf: np.ndarray, where: str) -> np.ndarray | None:
    """One opening stock per series (asset × bound × sector), NaN where not given.

    A total (``{low, high}``) is allocated to the sectors in proportion to their real
    GFCF of the first year in that asset and bound (equal shares if that is 0)."""
    if not settings.opening:
        return None
    out = np.full(len(assets), np.nan)
    frame = pd.DataFrame({"asset": assets, "bound": bounds, "sector": sectors, "i0": first_real_gfcf})
    problems = []
    for asset, by_sector in settings.opening.items():
        mine = frame["asset"] == asset
        if "" in by_sector:
            for bound, total in by_sector[""].items():
                rows = np.flatnonzero(mine & (frame["bound"] == bound))
                weights = frame["i0"].to_numpy()[rows]
                weights = weights / weights.sum() if weights.sum() > 0 else np.full(rows.size, 1 / rows.size)
                out[rows] = total * weights
            continue
        for sector in set(by_sector) - set(sectors):
            problems.append(f"{where} [pim.{asset}]: key 'opening_stock.{sector}': expected a producing sector of industries.csv ({', '.join(sorted(set(sectors)))})")
        for sector in set(sectors) - set(by_sector):
            problems.append(f"{where} [pim.{asset}]: key 'opening_stock.{sector}' is missing: expected a stock for every producing sector")
        for sector, values in by_sector.items():
            for bound, value in values.items():
                out[np.flatnonzero(mine & (frame["bound"] == bound) & (frame["sector"] == sector))] = value
    if problems:
        raise InputErrors([InputError(where, None, "pim", None, p) for p in problems])
    return out
