"""The accounts stages' array helpers (issue 15): hand-computed cases, and equality with the
pandas formulations they replace (a pure speed rewrite: the same floats, bit for bit)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from compiler import table as tbl
from compiler.accounts import checks as chk
from compiler.accounts import supply_use as sut
from compiler.accounts.balance import gras_frame
from compiler.accounts.classification import load_classification
from compiler.accounts.gdp_effect import buyer_industry_rows
from compiler.accounts.settings import key_columns
from compiler.accounts.stage_rows import cells, with_sto_columns
from compiler.table import check_new_keys

STOS = ("P5OA1", "P5OA2", "P5OA3", "P5OAX", "B2N", "P1", "P51G", "P51C", "LE")


def test_with_sto_columns_gives_each_rows_key_columns():
    frame = with_sto_columns(pd.DataFrame({"x": [1, 2, 3]}), np.array(["P6", "P2_DCAP", "P1"], dtype=object))
    for i, sto in enumerate(["P6", "P2_DCAP", "P1"]):
        assert {c: frame[c].iloc[i] for c in ("STO", "ACCOUNTING_ENTRY", "COUNTERPART_AREA", "EXPENDITURE")} == key_columns(sto)


def test_cells_by_hand():
    groups, wide = cells(np.array([7, 7, 3, 9]), np.array(["a", "b", "a", "z"], dtype=object), ("a", "b", "c"), np.array([1.0, -0.0, 3.0, 5.0]))
    assert groups.tolist() == [3, 7]  # the row with a label outside ("z") is left out
    np.testing.assert_array_equal(wide, [[3.0, np.nan, np.nan], [1.0, 0.0, np.nan]])
    assert not np.signbit(wide[1, 1])  # a sum of one -0.0 is +0.0, as pandas sums
    assert cells(np.array([1, 1]), np.array(["a", "a"], dtype=object), ("a",), np.array([1.0, 2.0])) is None  # two rows in a cell


def test_check_new_keys_sees_a_repeated_key(synthetic_core):
    table = synthetic_core.table
    check_new_keys(table.iloc[:0], table, "x")
    moved = table.iloc[:3].assign(TIME_PERIOD="1900")
    check_new_keys(moved, table, "x")  # new keys: fine
    with pytest.raises(tbl.DuplicateKeyError, match="x would repeat 2 keys"):
        check_new_keys(pd.concat([moved, table.iloc[5:7]], ignore_index=True), table, "x")


def test_buyer_industry_rows_by_hand():
    buyers = pd.DataFrame({
        "INSTR_ASSET": ["N11732G", "N11732G", "N11732G"], "REF_SECTOR": "S1N", "STO": ["P2", "P2", "P51G"],
        "TIME_PERIOD": ["2020", "2021", "2020"], "BOUND": "low", "OBS_VALUE": [-10.0, -4.0, 10.0], "ACTIVITY": "_T",
    })
    weights = {"2020": pd.Series([0.25, 0.75], index=["A01", "J62"]), "2022": pd.Series([1.0], index=["A01"])}
    rows = buyer_industry_rows(buyers, weights)
    assert rows["ACTIVITY"].tolist() == ["A01", "J62", "A01", "J62"]
    assert rows["OBS_VALUE"].tolist() == [-2.5, -7.5, -2.5, -7.5]
    assert rows["REF_SECTOR"].tolist() == ["S1N", "S1N", "S1", "S1"]
    assert set(rows["TIME_PERIOD"]) == {"2020"}  # 2021 has no use table: not allocated


def test_table_checks_equal_the_checks_one_by_one(fixture_table):
    """One factorization shared (TableKeys) gives the checks each check gives on its own."""
    table = fixture_table("CN")
    aggregates = dict(load_classification().aggregates)
    shared = chk.table_checks(table, STOS, frozenset({"S13", "S15"}), aggregates)
    alone = [
        chk.values_finite(table), chk.output_is_sum_of_costs(table), chk.high_not_below_low(table, STOS),
        chk.no_markup_for_non_market(table, frozenset({"S13", "S15"})), *chk.totals_equal_children(table, aggregates),
    ]
    assert [c.as_dict() for c in shared] == [c.as_dict() for c in alone]
    assert all(c.passed for c in shared)


def test_table_checks_find_a_broken_total_and_bound(fixture_table):
    table = fixture_table("CN").copy()
    row = np.flatnonzero((table["STO"] == "P1").to_numpy() & (table["ACTIVITY"] != "_T").to_numpy() & (table["BOUND"] == "high").to_numpy())[0]
    table.loc[row, tbl.VALUE] = -1e12  # a child far below its total, and high far below low
    checks = {c.name: c for c in chk.table_checks(table, STOS, frozenset({"S13", "S15"}), dict(load_classification().aggregates))}
    assert not checks["totals over activities"].passed
    assert not checks["high >= low"].passed and checks["high >= low"].detail.startswith("1 of")


def test_table_keys_without_and_replaced():
    frame = pd.DataFrame({"A": ["x", "y", "x"], "B": ["1", "1", "2"]}).astype("str")
    keys = chk.TableKeys(frame, ("A", "B"))
    assert len(set(keys.code)) == 3
    without_b = keys.without(("B",))
    assert without_b[0] == without_b[2] != without_b[1]
    as_total = keys.replaced("A", "x")
    assert as_total[1] == keys.code[0] and as_total[0] == keys.code[0]
    assert keys.replaced("A", "absent")[0] not in set(keys.code)
    assert keys.among("A", ("y",)).tolist() == [False, True, False]


USE = "year,product,user,value\n2020,A,A01,100\n2020,A,J62,50\n2020,A,P3,350\n2020,B,A01,200\n2020,B,J62,300\n2020,B,P51G,400\n2020,C,J62,400\n2020,C,P3,2000\n2020,C,P6,1000\n"
SUPPLY = "year,product,supplier,value\n2020,A,A01,500\n2020,B,J62,900\n2020,C,J62,3400\n"


def test_balanced_use_table_equals_gras_frame_on_the_frames(synthetic):
    """The array set-up (UseBase, balance_on) gives the matrix gras_frame gives on the
    labelled frames it returns: the same start, targets and fixed cells, bit for bit."""
    (synthetic / "use_table.csv").write_text(USE)
    (synthetic / "supply_table.csv").write_text(SUPPLY)
    from compiler.pipeline import compile_core

    r = compile_core(synthetic)
    settings = sut.accounts_settings(r.inputs.manifest)
    flows = sut.product_flows(r.inputs, r.table, load_classification(), settings)
    matrix, supply = sut.baseline_tables(r.inputs, settings)[2020]
    mine = flows.loc[(flows["TIME_PERIOD"] == "2020") & (flows["BOUND"] == "low")]
    out = sut.balance_use_table(matrix, supply, mine, year=2020, bound="low")
    x0 = pd.concat([matrix, pd.DataFrame(out.x0.to_numpy()[len(matrix):], index=out.data_rows, columns=matrix.columns)])
    np.testing.assert_array_equal(x0.to_numpy(), out.x0.to_numpy())
    balanced, _ = gras_frame(x0, out.row_targets, out.col_targets, out.fixed, tol=1e-10, row_name="product", col_name="user")
    np.testing.assert_array_equal(balanced.to_numpy(), out.balanced.to_numpy())
    weights = sut.industry_weights({2020: (matrix, supply)})["2020"]
    assert weights.to_dict() == pytest.approx({"A01": 300 / 1050, "J62": 750 / 1050}, rel=1e-15)
