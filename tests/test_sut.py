"""Supply and use of data products (compiler.accounts.supply_use), against figures computed by hand.

Synthetic package, 2020, low bound: databases output 999.75, own-account share 0.8,
purchased-capitalised 0.5 (tests/test_costs.py). With export_share 0.25 and imports of
100 (tests below): sold = 0.2 x 999.75 = 199.95; exports 0.25 x 199.95 = 49.9875;
GFCF 0.8 x 999.75 + 0.5 x 199.95 = 899.775; domestic use neither exported nor
capitalised 0.25 x 199.95 + 100 = 149.9875; final consumption share 0.2: P3 29.9975,
intermediate use 119.99. Supply 1099.75 = 119.99 + 29.9975 + 899.775 + 49.9875.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from compiler.accounts import supply_use as sut
from compiler import table as tbl
from compiler.accounts.classification import load_classification
from compiler.inputs import InputErrors
from compiler.pipeline import compile_core as compile_package

TOL = 1e-9
CLS = load_classification()


def value(table, sto, asset, year="2020", bound="low", activity="_T") -> float:
    rows = tbl.select(table, STO=sto, INSTR_ASSET=asset, TIME_PERIOD=year, BOUND=bound, ACTIVITY=activity, REF_SECTOR="S1", UNIT_MEASURE="XDC", PRICES="V")
    assert len(rows) == 1, f"{len(rows)} rows for {sto} {asset} {activity}"
    return float(rows[tbl.VALUE].iloc[0])


def run(folder):
    r = compile_package(folder)
    rows, checks, report = sut.supply_use_rows(r.inputs, r.table, CLS)
    return r.table, rows, checks, report


def test_defaults(synthetic_core):
    rows, checks, report = sut.supply_use_rows(synthetic_core.inputs, synthetic_core.table, CLS)
    assert all(c.passed for c in checks)
    tbl.concat([synthetic_core.table, rows])  # no duplicated key
    # data and data R&D are all own-account: nothing sold, so no intermediate use
    assert value(rows, "P2", "N11733G") == 0
    assert value(rows, "P2", "N11732G") == pytest.approx(0.2 * 0.5 * 999.75, rel=TOL)
    assert value(rows, "P7", "N117DG") == 0 and value(rows, "P6", "N117DG") == 0 and value(rows, "P3", "N117DG") == 0
    assert "not allocated to industries" in tbl.select(rows, STO="P2", INSTR_ASSET="N11732G")["COMMENT_OBS"].iloc[0]
    assert report["balanced_years"] == []
    p6 = tbl.select(rows, STO="P6")
    assert set(p6["COUNTERPART_AREA"]) == {"W1"} and set(p6["ACCOUNTING_ENTRY"]) == {"D"}
    p7 = tbl.select(rows, STO="P7")
    assert set(p7["COUNTERPART_AREA"]) == {"W1"} and set(p7["ACCOUNTING_ENTRY"]) == {"C"}


@pytest.fixture
def traded(synthetic):
    toml = synthetic / "package.toml"
    toml.write_text(toml.read_text().replace("purchased_capitalised_share = 0.5", "purchased_capitalised_share = 0.5\nexport_share = 0.25")
                    + "\n[accounts]\nfinal_consumption_share = { databases = 0.2 }\n")
    (synthetic / "imports.csv").write_text("year,asset,value\n2020,databases,100\n2021,data,10\n")
    return synthetic


def test_exports_imports_and_final_consumption_by_hand(traded):
    table, rows, checks, _ = run(traded)
    assert all(c.passed for c in checks)
    assert value(rows, "P7", "N11732G") == 100
    assert value(rows, "P6", "N11732G") == pytest.approx(49.9875, rel=TOL)
    assert value(rows, "P3", "N11732G") == pytest.approx(29.9975, rel=TOL)
    assert value(rows, "P2", "N11732G") == pytest.approx(119.99, rel=TOL)
    supply = value(table, "P1", "N11732G") + 100
    use = 119.99 + 29.9975 + value(table, "P51G", "N11732G") + 49.9875
    assert supply == pytest.approx(1099.75, rel=TOL) and use == pytest.approx(supply, rel=TOL)
    # imports of data (own-account share 1) all go to intermediate use; exports need sold output
    assert value(rows, "P2", "N11733G", year="2021") == 10 and value(rows, "P6", "N11733G", year="2021") == 0
    assert value(rows, "P7", "N117DG", year="2021", bound="high") == 10


USE = """year,product,user,value
2020,A,A01,100
2020,A,J62,50
2020,A,P3,350
2020,B,A01,200
2020,B,J62,300
2020,B,O84,100
2020,B,P51G,400
2020,C,J62,400
2020,C,O84,500
2020,C,P3,2000
2020,C,P6,1000
2020,C,P52,-100
"""
SUPPLY = """year,product,supplier,value
2020,A,A01,450
2020,A,P7,50
2020,B,J62,1000
2020,C,J62,3000
2020,C,O84,800
"""


def test_gras_inserts_the_data_products(traded):
    (traded / "use_table.csv").write_text(USE)
    (traded / "supply_table.csv").write_text(SUPPLY)
    table, rows, checks, report = run(traded)
    assert all(c.passed for c in checks), [c for c in checks if not c.passed]
    tbl.concat([table, rows])
    industries = ["A01", "J62", "O84"]
    detail = [value(rows, "P2", "N11732G", activity=i) for i in industries]
    assert sum(detail) == pytest.approx(value(rows, "P2", "N11732G"), rel=TOL)
    assert sum(detail) == pytest.approx(119.99, rel=TOL)
    assert all(d > 0 for d in detail)
    agg = sum(value(rows, "P2", "N117DG", activity=i) for i in industries)
    assert agg == pytest.approx(value(rows, "P2", "N117DG"), rel=TOL)
    assert report["balanced_years"] == [2020]
    low = report["gras"]["2020"]["low"]
    assert low["max_residual"] <= TOL and low["iterations"] > 0 and low["largest_moves"]
    assert "not allocated" in tbl.select(rows, STO="P2", INSTR_ASSET="N11732G", TIME_PERIOD="2021")["COMMENT_OBS"].iloc[0]


def test_gras_fixed_cells_and_targets(traded):
    (traded / "use_table.csv").write_text(USE)
    (traded / "supply_table.csv").write_text(SUPPLY)
    r = compile_package(traded)
    settings = sut.accounts_settings(r.inputs.manifest)
    flows = sut.product_flows(r.inputs, r.table, CLS, settings)
    matrix, supply = sut.baseline_tables(r.inputs, settings)[2020]
    mine = flows.loc[(flows["TIME_PERIOD"] == "2020") & (flows["BOUND"] == "high")]
    out = sut.balance_use_table(matrix, supply, mine, year=2020, bound="high")
    fixed = out.fixed.to_numpy()
    assert fixed.sum() == 3 * 4  # data rows x final uses
    np.testing.assert_array_equal(out.balanced.to_numpy()[fixed], out.x0.to_numpy()[fixed])
    assert out.balanced.loc["databases", "P51G"] == pytest.approx(float(mine.set_index("asset").loc["databases", "P51G"]), rel=TOL)
    rows_ok = np.abs(out.balanced.sum(axis=1) - out.row_targets) <= TOL * np.maximum(1, out.row_targets.abs())
    cols_ok = np.abs(out.balanced.sum(axis=0) - out.col_targets) <= TOL * np.maximum(1, out.col_targets.abs())
    assert rows_ok.all() and cols_ok.all()
    assert (out.balanced.loc["A", "O84"] == 0) and (out.balanced.loc["C", "P52"] < 0)  # zeros stay zero, signs kept
    # hand-made targets: hidden data H = sold + imports of all products; K = purchases capitalised
    sold = mine["sold"].sum()
    hidden = sold + mine["P7"].sum()
    assert out.row_targets[["A", "B", "C"]].sum() == pytest.approx(500 + 1000 + 3800 - hidden, rel=TOL)
    ic = pd.Series({"A01": 300.0, "J62": 750.0, "O84": 600.0})
    moved = mine["K"].sum()
    np.testing.assert_allclose(out.col_targets[ic.index].to_numpy(), (ic - moved * ic / ic.sum()).to_numpy(), rtol=TOL)
    assert out.col_targets["P51G"] == pytest.approx(400 + mine["P51G"].sum(), rel=TOL)


def test_gras_hidden_in_one_product(traded):
    toml = traded / "package.toml"
    toml.write_text(toml.read_text().replace("[accounts]\n", '[accounts]\nsut_data_hidden_in = ["B"]\n'))
    (traded / "use_table.csv").write_text(USE)
    (traded / "supply_table.csv").write_text(SUPPLY)
    r = compile_package(traded)
    settings = sut.accounts_settings(r.inputs.manifest)
    flows = sut.product_flows(r.inputs, r.table, CLS, settings)
    matrix, supply = sut.baseline_tables(r.inputs, settings)[2020]
    mine = flows.loc[(flows["TIME_PERIOD"] == "2020") & (flows["BOUND"] == "low")]
    out = sut.balance_use_table(matrix, supply, mine, settings.sut_data_hidden_in)
    assert out.row_targets["A"] == 500 and out.row_targets["C"] == 3800
    assert out.row_targets["B"] == pytest.approx(1000 - mine["H"].sum(), rel=TOL)


def test_infeasible_baseline_names_product_and_industry(traded):
    # product A hides all the data sold but supplies only 10; industries' IC (30) is less than the purchases moved to GFCF
    (traded / "package.toml").write_text((traded / "package.toml").read_text().replace("[accounts]\n", '[accounts]\nsut_data_hidden_in = ["A"]\n'))
    (traded / "use_table.csv").write_text("year,product,user,value\n2020,A,J62,10\n2020,B,K64,20\n2020,B,P3,980\n")
    (traded / "supply_table.csv").write_text("year,product,supplier,value\n2020,A,J62,10\n2020,B,K64,1000\n")
    with pytest.raises(InputErrors) as info:
        run(traded)
    text = str(info.value)
    assert "use_table.csv" in text
    assert "column 'product', value 'A'" in text and "product 'A'" in text
    assert "column 'user', value 'J62'" in text and "user 'K64'" in text


def test_unbalanced_baseline_is_an_input_error(traded):
    (traded / "use_table.csv").write_text(USE)
    (traded / "supply_table.csv").write_text(SUPPLY.replace("2020,C,O84,800", "2020,C,O84,700"))
    with pytest.raises(InputErrors, match="2020 C: use 3800.*total supply 3700"):
        run(traded)


def test_use_table_without_supply_table(traded):
    (traded / "use_table.csv").write_text(USE)
    with pytest.raises(InputErrors, match="together"):
        run(traded)


def test_identity_check_detects_a_gap(synthetic_core):
    rows, _, _ = sut.supply_use_rows(synthetic_core.inputs, synthetic_core.table, CLS)
    broken = rows.copy()
    broken.loc[(broken["STO"] == "P6") & (broken["INSTR_ASSET"] == "N11733G"), tbl.VALUE] += 1
    check = sut.identity_check(tbl.concat([synthetic_core.table, broken]), "_X", ("N11733G",))
    assert not check.passed
