"""Same answers: the cost stage of all packages in one columnar pass against the per-package
pandas cost stage it replaced (issue 15, item 4).

The old path left the compiler; its frozen copy (tests/reference_costs.py) is the reference,
so the comparisons stay meaningful: equality tests against the previous implementation of
a pure speed rewrite, bit for bit and in the same order, since the later stages sum the
rows. The bundled fixtures' files are also held to release 352196e's bytes by
tests/expected. The group sums that decide the last bit have hand-computed tests.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from compiler import table as tbl
from compiler.accounts import costs
from compiler.accounts.classification import load_classification
from compiler.accounts.cost_table import cost_observations_all
from compiler.inputs import load_package
from compiler.parallel import compile_many
from compiler.pipeline import combine, package_stages
from compiler.resources import bundled_packages

import reference_costs as reference

SYNTHETIC = Path(__file__).resolve().parent / "packages" / "synthetic"
BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _old_cost_rows(inputs) -> pd.DataFrame:
    """The per-package cost stage (the pandas path before issue 15, tests/reference_costs.py)."""
    classification = load_classification(inputs.manifest.classification)
    return reference.cost_observations(inputs, reference.wage_bill(inputs.employment), reference.sum_of_costs(inputs), classification)


def test_fixture_observations_identical_to_the_per_package_path():
    """Every bundled fixture and the synthetic package: the combined table of compile_many
    (columnar cost stage) equals the one of the per-package cost stage, row for row."""
    folders = [*bundled_packages(), SYNTHETIC]
    new = combine(compile_many(folders, jobs=1))
    old = combine([package_stages(i, _old_cost_rows(i)) for i in (load_package(f) for f in folders)])
    pdt.assert_frame_equal(new, old, check_exact=True)


@pytest.fixture(scope="module")
def panel(tmp_path_factory) -> list[Path]:
    """A generated 3-country panel (benchmarks/world_panel.py, small), one country's
    employment.csv shuffled (its sums take pandas' Kahan path), one on markup_base = "labour"."""
    if not (BENCHMARKS / "world_panel.py").exists():
        pytest.skip("benchmarks/world_panel.py (the panel generator) is not in this tree")
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from world_panel import Panel, write_panel
    finally:
        sys.path.remove(str(BENCHMARKS))
    folders = write_panel(tmp_path_factory.mktemp("panel"), Panel(countries=3, years=4, industries=3, occupations=4, sut_every=2))
    employment = folders[1] / "employment.csv"
    header, *lines = employment.read_text(encoding="utf-8").splitlines()
    random.Random(15).shuffle(lines)
    employment.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    toml = folders[2] / "package.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('markup_base = "costs"', 'markup_base = "labour"'), encoding="utf-8")
    return folders


def _split(frame: pd.DataFrame, n: int) -> list[pd.DataFrame]:
    return [frame.loc[frame[costs.PACKAGE] == i].drop(columns=costs.PACKAGE).reset_index(drop=True) for i in range(n)]


def test_panel_stage_by_stage(panel):
    """Each stage of the 3-country panel, columnar against per package: wage bill, sum of
    costs, the canonical cost rows (with totals and shares of GDP), then the rows every later
    stage adds (stocks, GDP effect, supply-use, comparison: the same code on the same rows)."""
    inputs = [load_package(f) for f in panel]
    employment = costs.stacked([i.employment for i in inputs])
    for one, old in zip(_split(costs.wage_bill_all(employment), 3), (reference.wage_bill(i.employment) for i in inputs)):
        pdt.assert_frame_equal(one, old.reset_index(drop=True), check_exact=True)
    for one, i in zip(_split(costs.sum_of_costs_all(inputs, employment), 3), inputs):
        pdt.assert_frame_equal(one, reference.sum_of_costs(i).reset_index(drop=True), check_exact=True)
    classifications = [load_classification(i.manifest.classification) for i in inputs]
    new_rows = cost_observations_all(inputs, classifications)
    for i, rows in zip(inputs, new_rows):
        old_rows = _old_cost_rows(i)
        pdt.assert_frame_equal(rows, old_rows, check_exact=True)
        pdt.assert_frame_equal(package_stages(i, rows).table, package_stages(i, old_rows).table, check_exact=True)


def test_encoded_cost_rows_decode_to_the_same_rows(panel):
    """``encoded=True`` (what compile_batch holds for a batch): the same rows once decoded."""
    inputs = [load_package(f) for f in panel]
    classifications = [load_classification(i.manifest.classification) for i in inputs]
    for encoded, plain in zip(cost_observations_all(inputs, classifications, encoded=True), cost_observations_all(inputs, classifications)):
        assert isinstance(encoded["STO"].dtype, pd.CategoricalDtype)
        pdt.assert_frame_equal(tbl.decode(encoded), plain, check_exact=True)


def test_packages_of_one_ref_area_are_kept_apart(panel):
    """Two packages with the same REF_AREA (refused later, by the outputs) are summed apart."""
    inputs = [load_package(panel[0]), load_package(panel[0])]
    classifications = [load_classification(i.manifest.classification) for i in inputs]
    first, second = cost_observations_all(inputs, classifications)
    pdt.assert_frame_equal(first, second, check_exact=True)
    pdt.assert_frame_equal(first, _old_cost_rows(inputs[0]), check_exact=True)


def test_kahan_group_sum_by_hand():
    """1e16 + 1 + 1: plain addition loses both ones (1e16 + 1 is a tie, rounded to even 1e16),
    Kahan's compensation carries them: 1e16 + 2. NaN is skipped; an empty group sums to 0."""
    values = np.array([1e16, 1.0, 5.0, 1.0, np.nan])
    ids = np.array([0, 0, 1, 0, 1])
    assert (1e16 + 1.0) + 1.0 == 1e16
    assert list(tbl.kahan_group_sum(values, ids, 3)) == [1e16 + 2, 5.0, 0.0]


def test_package_sums_choose_per_package_as_pandas_does():
    """pandas 3.1 adds a group's rows with np.add.reduceat when the group numbers are in order and
    no value is NaN (0.1 + 0.2 + 0.30000000000000004 gives 0.6), else with Kahan's compensation
    (0.6000000000000001): package 0's rows are in order, package 1's are not (group 2 comes
    first), each summed as that package's own groupby sums it."""
    third = 0.1 * 3  # 0.30000000000000004
    values = np.array([0.1, 0.2, third, 1.0, 0.1, 0.2, third])
    ids = np.array([0, 0, 0, 2, 1, 1, 1])
    package = np.array([0, 0, 0, 1, 1, 1, 1])
    sums = costs.package_sums(values, ids, package, 3)
    assert list(sums) == [0.6, 0.6000000000000001, 1.0]
    assert sums[0] == pd.Series(values[:3]).groupby(ids[:3]).sum().iloc[0]
    assert sums[1] == pd.Series(values[3:]).groupby(ids[3:]).sum().loc[1]
