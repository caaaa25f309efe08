"""The order of the stages, nothing else (architecture.md).

Each stage is a pure function of the checked inputs and earlier stages' results; the
pipeline strings them together and collects the checks for report.json.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from compiler.accounts import checks as chk
from compiler import table as tbl
from compiler.accounts.classification import AssetClassification, load_classification
from compiler.accounts.comparison import comparison_rows
from compiler.accounts.cost_table import cost_observations_all
from compiler.inputs import Inputs, load_package
from compiler.accounts.gdp import gdp_impact_rows
from compiler.accounts.stocks import stock_observations
from compiler.accounts.supply_use import supply_use_rows


class PackageResult:
    """The canonical rows of one package and what was checked on the way.

    The rows are kept as given or dictionary-encoded (:meth:`encode`: about 45 instead of
    321 bytes a row, what :func:`compiler.parallel.compile_many` returns and pickles);
    :attr:`table` is always the decoded canonical table (decoded on each access when
    encoded: read :attr:`rows` where codes will do).
    """

    def __init__(self, inputs: Inputs, table: pd.DataFrame, checks: list[chk.Check] | None = None,
                 warnings: list[str] | None = None, balancing: dict | None = None):
        self.inputs = inputs
        self.rows = table
        self.encoded = False
        self.checks = checks if checks is not None else []
        self.warnings = warnings if warnings is not None else []
        self.balancing = balancing if balancing is not None else {}  # supply-use (GRAS) report

    @property
    def table(self) -> pd.DataFrame:
        """The canonical rows, decoded (:func:`compiler.table.decode`) if kept encoded."""
        return tbl.decode(self.rows) if self.encoded else self.rows

    @table.setter
    def table(self, rows: pd.DataFrame) -> None:
        self.rows, self.encoded = rows, False

    def encode(self) -> PackageResult:
        """Keep the rows dictionary-encoded (:func:`compiler.table.encode`); the decoded copy is dropped."""
        if not self.encoded:
            self.rows, self.encoded = tbl.encode(self.rows), True
        return self

    def encoded_rows(self) -> pd.DataFrame:
        """The rows dictionary-encoded (without changing what is kept)."""
        return self.rows if self.encoded else tbl.encode(self.rows)

    def release(self) -> None:
        """Drop the rows (once a combined table holds them); the checks and report stay."""
        self.rows = self.rows.iloc[:0]


def cost_stage(inputs: list[Inputs], encoded: bool = False) -> list[pd.DataFrame]:
    """Cost → input → output → GFCF (+ totals, GDP and shares of GDP) of every package in one
    columnar pass (:func:`compiler.accounts.cost_table.cost_observations_all`); a table a package,
    dictionary-encoded if ``encoded`` (decode each before :func:`package_stages`)."""
    classifications = [load_classification(i.manifest.classification) for i in inputs]
    return cost_observations_all(inputs, classifications, encoded)


def core_stages(inputs: Inputs, cost_rows: pd.DataFrame, classification: AssetClassification) -> tuple[pd.DataFrame, list[chk.Check]]:
    """The cost rows, then stocks: the rows the accounts build on."""
    stock_rows, stock_checks, _ = stock_observations(inputs, cost_rows, classification)
    return tbl.append(cost_rows, stock_rows, "stocks"), stock_checks


def package_stages(inputs: Inputs, cost_rows: pd.DataFrame) -> PackageResult:
    """The stages after the costs of one package (stocks, GDP effect, supply-use, comparison),
    each adding its rows (keys checked on what it adds); run and enforce the checks."""
    classification = load_classification(inputs.manifest.classification)
    table, stock_checks = core_stages(inputs, cost_rows, classification)
    gdp_rows, gdp_checks = gdp_impact_rows(inputs, table, classification)
    table = tbl.append(table, gdp_rows, "GDP effect")
    sut_rows, sut_checks, balancing = supply_use_rows(inputs, table, classification)
    table = tbl.append(table, sut_rows, "supply-use")
    table = tbl.append(table, comparison_rows(inputs, table, classification), "comparison")
    checks = [
        *chk.table_checks(table, ("P5OA1", "P5OA2", "P5OA3", "P5OAX", "B2N", "P1", "P51G", "P51C", "LE"), inputs.manifest.non_market_sectors,
                          dict(classification.aggregates)),
        *stock_checks,
        *gdp_checks,
        *sut_checks,
    ]
    chk.raise_on_failure(checks)
    return PackageResult(inputs, table, checks, list(inputs.warnings), balancing)


def compile_inputs(inputs: Inputs) -> PackageResult:
    """Compile one checked package into canonical rows; run and enforce the checks."""
    return package_stages(inputs, cost_stage([inputs])[0])


def compile_core(folder: Path) -> PackageResult:
    """Only the core stages of one package (for the accounts' own tests); checks not enforced."""
    inputs = load_package(folder)
    table, checks = core_stages(inputs, cost_stage([inputs])[0], load_classification(inputs.manifest.classification))
    return PackageResult(inputs, table, checks)


def compile_package(folder: Path) -> PackageResult:
    return compile_inputs(load_package(folder))


def combine(results: list[PackageResult], encoded: bool = False, release: bool = False) -> pd.DataFrame:
    """One canonical table over all packages, sorted (:func:`compiler.table.sort`'s order).

    Each package's keys were checked as its stages added them, and packages never share a
    key (REF_AREA differs: :mod:`compiler.inputs.together`). The parts are dictionary-encoded
    (as the workers return them), put together and sorted on their codes; ``encoded``: the
    table stays encoded (read it with :func:`compiler.table.partitions`), else it is decoded
    to the canonical dtypes. ``release``: each result's rows are dropped once put together
    (:meth:`PackageResult.release`), so that only the combined table is held.
    """
    parts = [r.encoded_rows() for r in results if len(r.rows)]
    table = tbl.concat_encoded(parts)
    del parts
    if release:
        for result in results:
            result.release()
    table = table.iloc[tbl.sort_order(table)].reset_index(drop=True)
    return table if encoded else tbl.decode(table)
