"""The order of the stages, nothing else (architecture.md).

Each stage is a pure function of the checked inputs and earlier stages' results; the
pipeline strings them together and collects the checks for report.json.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from compiler.accounts import checks as chk
from compiler.accounts import costs
from compiler import table as tbl
from compiler.accounts.classification import AssetClassification, load_classification
from compiler.accounts.comparison import comparison_rows
from compiler.accounts.cost_table import cost_observations
from compiler.inputs import Inputs, load_package
from compiler.accounts.gdp import gdp_impact_rows
from compiler.accounts.stocks import stock_observations
from compiler.accounts.supply_use import supply_use_rows


@dataclass
class PackageResult:
    """The canonical rows of one package and what was checked on the way."""

    inputs: Inputs
    table: pd.DataFrame
    checks: list[chk.Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    balancing: dict = field(default_factory=dict)  # supply-use (GRAS) report


def core_stages(inputs: Inputs, classification: AssetClassification) -> tuple[pd.DataFrame, list[chk.Check]]:
    """Cost → input → output → GFCF, then stocks: the rows the accounts build on."""
    wage_bill = costs.wage_bill(inputs.employment)
    components = costs.sum_of_costs(inputs)
    cost_rows = cost_observations(inputs, wage_bill, components, classification)
    stock_rows, stock_checks, _ = stock_observations(inputs, cost_rows, classification)
    return tbl.concat([cost_rows, stock_rows]), stock_checks


def compile_inputs(inputs: Inputs) -> PackageResult:
    """Compile one checked package into canonical rows; run and enforce the checks."""
    classification = load_classification(inputs.manifest.classification)
    table, stock_checks = core_stages(inputs, classification)
    gdp_rows, gdp_checks = gdp_impact_rows(inputs, table, classification)
    table = tbl.concat([table, gdp_rows])
    sut_rows, sut_checks, balancing = supply_use_rows(inputs, table, classification)
    table = tbl.concat([table, sut_rows])
    table = tbl.concat([table, comparison_rows(inputs, table, classification)])
    checks = [
        chk.values_finite(table),
        chk.output_is_sum_of_costs(table),
        chk.high_not_below_low(table, ("P5OA1", "P5OA2", "P5OA3", "P5OAX", "B2N", "P1", "P51G", "P51C", "LE")),
        chk.no_markup_for_non_market(table, inputs.manifest.non_market_sectors),
        *chk.totals_equal_children(table, dict(classification.aggregates)),
        *stock_checks,
        *gdp_checks,
        *sut_checks,
    ]
    chk.raise_on_failure(checks)
    return PackageResult(inputs, table, checks, list(inputs.warnings), balancing)


def compile_core(folder: Path) -> PackageResult:
    """Only the core stages of one package (for the accounts' own tests); checks not enforced."""
    inputs = load_package(folder)
    table, checks = core_stages(inputs, load_classification(inputs.manifest.classification))
    return PackageResult(inputs, table, checks)


def compile_package(folder: Path) -> PackageResult:
    return compile_inputs(load_package(folder))


def combine(results: list[PackageResult]) -> pd.DataFrame:
    """One canonical table over all packages, sorted, keys checked unique."""
    return tbl.sort(tbl.concat([r.table for r in results]))
