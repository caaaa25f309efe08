"""Conformance of the effect on GDP (docs/method.md §4): tests/packages/conformance, every
change by asset, producer type and approach computed by hand here. Not closures: the
numbers below come from the inputs and the rules, not from the code.

Inputs (all illustrative). One occupation D01, 10 persons in J62 (S11, market) and 4 in O84
(S13, non-market), compensation 1000 a year, both years; time shares low (high): data 0.5
(0.7), databases 0.2, data R&D 0.1. cost_ratios.csv: capital 0.2, intermediate 0.3, taxes
less subsidies on production 0.05, mark-up 0.1 on labour + capital + intermediate (market
only). Price index constant 100; PIM geometric 0.2, no retirement, no initial stock, so
CFC(t) = 0.2 x GFCF(t-1) per producing sector (OECD 2009, geometric profile).

Sum of costs, output at cost (2008 SNA §6.125: compensation + intermediate consumption +
CFC + other taxes less subsidies on production + a return to capital for market producers):
  data       J62: L = 10 x 1000 x 0.5 = 5000; K 1000; IC 1500; T 250; M 0.1 x 7500 = 750; P1 = 8500
             O84: L = 4 x 1000 x 0.5 = 2000; K 400; IC 600; T 100; M 0;                P1 = 3100
  databases  J62: L 2000; K 400; IC 600; T 100; M 300; P1 = 3400.  O84: L 800 ... P1 = 1240
  data R&D   J62: L 1000 ... P1 = 1700.  O84: L 400 ... P1 = 620
GFCF of the satellite (2008 SNA §10.35): data and data R&D own-account (a = 1); databases
  a = 0.5, buyers capitalise c = 0.4 of the sold half: GFCF = (0.5 + 0.5 x 0.4) P1 = 0.7 P1
  (J62 2380, O84 868); own-account part of it phi = 0.5 / 0.7 = 5/7.
CFC 2021 = 0.2 x GFCF 2020: data J62 1700, O84 620; databases J62 476, O84 173.6.
Overlap with the published accounts: data 0, databases 0.25 (new part g = 0.75), data R&D 1.
Imports of databases 1000 a year, half capitalised by the buyers.

Changes, 2021, low bound:
  data, J62 (market; Wang et al. 2024 §3.3.3): dP1 = dP51G = dB1G = dGDP = 8500;
      dP51C = 1700; dB2A3N = 8500 - 1700 = 6800
  data, O84 (non-market, output at cost, 2008 SNA §6.130, §9.98): its own-account output
      3100 moves from P3 to P51G; the only new cost is the CFC 620:
      dP1 = dB1G = dP51C = dGDP = 620; dP51G = 3100; dP3 = 620 - 3100 = -2480; dB2A3N = 0
  databases, J62: own = 0.75 x 0.5 x 3400 = 1275 = dP1 = dP51G = dGDP;
      dP51C = 0.75 x 5/7 x 476 = 255; dB2A3N = 1020
  databases, O84: own = 0.75 x 0.5 x 1240 = 465 = dP51G; CFC = 0.75 x 5/7 x 173.6 = 93
      = dP1 = dGDP; dP3 = 93 - 465 = -372
  databases, buyers (S1N, 2008 SNA §10.35 purchases of assets; §6.213 intermediate
      consumption): purchases 0.75 x 0.4 x 0.5 x (3400 + 1240) = 696, imports
      0.75 x 0.5 x 1000 = 375: dP51G = dGDP = 1071, dP2 = -1071, no change in output;
      dP51C = CFC of the purchased assets 0.75 x 2/7 x (476 + 173.6) = 139.2 plus CFC of
      the imported ones, the asset's PIM run on the imports capitalised (500 a year):
      0.75 x 0.2 x 500 = 75; so 214.2, and dB2A3N = 1071 - 214.2 = 856.8
  data R&D: fully in the published accounts, every change 0.
  Totals: dGDP = 8500 + 620 + 1275 + 93 + 1071 = 11559 (market incl. buyers 10846,
  non-market 713; data 9120, databases 2439, data R&D 0).
2020: no CFC yet: dGDP = 8500 + 0 + 1275 + 0 + 1071 = 10846; dP3 = -3100 - 465 = -3565.
2021 high: data x 1.4 (share 0.7): J62 11900, O84 CFC 0.2 x 4340 = 868:
  dGDP = 11900 + 868 + 1275 + 93 + 1071 = 15207.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from compiler.accounts import gdp
from compiler import table as tbl
from compiler.accounts.classification import load_classification
from compiler.accounts.gdp_effect import gdp_effect_records
from compiler.pipeline import compile_package

TOL = 1e-9
PACKAGE = Path(__file__).parent / "packages" / "conformance"
CLS = load_classification()


@pytest.fixture(scope="module")
def result():
    return compile_package(PACKAGE)


def d(table, sto, asset, sector, year="2021", bound="low", activity="_T"):
    """One change row (STO ``<sto>_DCAP``); 0-by-rule changes are not stored: ``None``."""
    rows = tbl.select(table, STO=f"{sto}_DCAP", INSTR_ASSET=asset, REF_SECTOR=sector, TIME_PERIOD=year, BOUND=bound, ACTIVITY=activity, UNIT_MEASURE="XDC")
    assert len(rows) <= 1
    return None if rows.empty else float(rows[tbl.VALUE].iloc[0])


def test_inputs_of_the_rule_by_hand(result):
    t = result.table

    def level(sto, asset, sector, year="2021"):
        return float(tbl.select(t, STO=sto, INSTR_ASSET=asset, REF_SECTOR=sector, TIME_PERIOD=year, BOUND="low", ACTIVITY="_T", PRICES="V", UNIT_MEASURE="XDC")[tbl.VALUE].iloc[0])

    assert level("P5OA4", "N11733G", "S11") == pytest.approx(250, rel=TOL)  # taxes: 0.05 x 5000
    assert level("P1", "N11733G", "S11") == pytest.approx(8500, rel=TOL)
    assert level("P1", "N11733G", "S13") == pytest.approx(3100, rel=TOL)
    assert level("P51G", "N11732G", "S11") == pytest.approx(2380, rel=TOL)
    assert level("P51C", "N11732G", "S13") == pytest.approx(173.6, rel=TOL)
    assert level("P51G", "N11711G", "S1") == pytest.approx(2320, rel=TOL)  # the satellite keeps data R&D whole


@pytest.mark.parametrize(("sto", "expected"), [("P1", 8500), ("P51G", 8500), ("B1G", 8500), ("B1GQ", 8500), ("P51C", 1700), ("B2A3N", 6800), ("P2", None), ("P3", None)])
def test_data_market_producer(result, sto, expected):
    assert d(result.table, sto, "N11733G", "S11") == (None if expected is None else pytest.approx(expected, rel=TOL))


@pytest.mark.parametrize(("sto", "expected"), [("P1", 620), ("B1G", 620), ("B1GQ", 620), ("P51C", 620), ("P51G", 3100), ("P3", -2480), ("B2A3N", None), ("P2", None)])
def test_data_non_market_producer(result, sto, expected):
    assert d(result.table, sto, "N11733G", "S13") == (None if expected is None else pytest.approx(expected, rel=TOL))


@pytest.mark.parametrize(("sector", "sto", "expected"), [
    ("S11", "B1GQ", 1275), ("S11", "P51G", 1275), ("S11", "P51C", 255), ("S11", "B2A3N", 1020),
    ("S13", "B1GQ", 93), ("S13", "P1", 93), ("S13", "P51G", 465), ("S13", "P3", -372), ("S13", "P51C", 93),
    ("S1N", "P51G", 1071), ("S1N", "P2", -1071), ("S1N", "B1GQ", 1071), ("S1N", "P51C", 214.2), ("S1N", "B2A3N", 856.8), ("S1N", "P1", None),
])
def test_databases_with_overlap_purchases_and_imports(result, sector, sto, expected):
    assert d(result.table, sto, "N11732G", sector) == (None if expected is None else pytest.approx(expected, rel=TOL))


def test_data_rd_fully_in_the_published_accounts(result):
    changes = tbl.select(result.table, INSTR_ASSET="N11711G")
    changes = changes.loc[changes["STO"].str.endswith("_DCAP")]
    assert len(changes) and (changes[tbl.VALUE] == 0).all()


@pytest.mark.parametrize(("sto", "expected"), [
    ("B1GQ", 11559), ("P1", 10488), ("P2", -1071), ("B1G", 11559), ("P51G", 14411), ("P3", -2852), ("P51C", 2882.2), ("B2A3N", 8676.8),
])
def test_all_data_by_the_three_approaches(result, sto, expected):
    """production 10488 + 1071 = income 2882.2 + 8676.8 = expenditure 14411 - 2852 = 11559."""
    assert d(result.table, sto, "N117DG", "S1") == pytest.approx(expected, rel=TOL)


def test_other_years_and_bounds(result):
    t = result.table
    assert d(t, "B1GQ", "N117DG", "S1", year="2020") == pytest.approx(10846, rel=TOL)
    assert d(t, "P3", "N117DG", "S1", year="2020") == pytest.approx(-3565, rel=TOL)
    assert d(t, "B1GQ", "N117DG", "S1", bound="high") == pytest.approx(15207, rel=TOL)
    share = tbl.select(t, STO="B1GQ_DCAP", INSTR_ASSET="N117DG", REF_SECTOR="S1", TIME_PERIOD="2021", BOUND="low", UNIT_MEASURE="PT_B1GQ")
    assert float(share[tbl.VALUE].iloc[0]) == pytest.approx(11.559, rel=TOL)  # 11559 / 100000 x 100


def test_report_record(result):
    records = {(r["year"], r["bound"]): r for r in gdp_effect_records(result.table, result.inputs, CLS)}
    record = records[(2021, "low")]
    assert record["gdp_before"] == 100000 and record["gdp_after"] == pytest.approx(111559, rel=TOL)
    assert record["delta"] == pytest.approx(11559, rel=TOL)
    assert record["delta_market"] == pytest.approx(10846, rel=TOL)  # 8500 + 1275 + 1071 (buyers taken as market)
    assert record["delta_non_market"] == pytest.approx(713, rel=TOL)  # 620 + 93
    assert record["delta_by_asset"] == pytest.approx({"N11733G": 9120, "N11732G": 2439, "N11711G": 0}, rel=TOL)


def test_after_capitalisation(result):
    after = gdp.after_capitalisation(result.table, "_X").set_index([tbl.TIME, tbl.BOUND, "STO"])
    at = after.xs(("2021", "low"), level=(0, 1))
    assert at.loc["P2", "after"] == pytest.approx(90000 - 1071, rel=TOL)
    assert at.loc["P3", "after"] == pytest.approx(75000 - 2852, rel=TOL)
    assert at.loc["B1GQ", "after"] == pytest.approx(111559, rel=TOL)
    for sto in ("D1", "D29X39", "D21X31", "P6", "P7"):  # taxes on production were already paid: unchanged
        assert at.loc[sto, "change"] == 0


def test_purchases_by_buying_industry_with_a_use_table(tmp_path):
    """With a baseline use table, the buyers' dP2 goes to industries by their share of
    intermediate consumption: J62 30000, O84 10000 of 40000: -1071 x 0.75, x 0.25."""
    package = tmp_path / "conformance"
    shutil.copytree(PACKAGE, package)
    use = ["year,product,user,value"]
    supply = ["year,product,supplier,value"]
    for year in (2020, 2021):
        use += [f"{year},CPA_A,J62,20000", f"{year},CPA_A,O84,6000", f"{year},CPA_A,P3,10000", f"{year},CPA_A,P51G,2000", f"{year},CPA_A,P6,2000",
                f"{year},CPA_B,J62,10000", f"{year},CPA_B,O84,4000", f"{year},CPA_B,P3,5000", f"{year},CPA_B,P51G,1000"]
        supply += [f"{year},CPA_A,J62,40000", f"{year},CPA_B,O84,15000", f"{year},CPA_B,P7,5000"]
    (package / "use_table.csv").write_text("\n".join(use) + "\n")
    (package / "supply_table.csv").write_text("\n".join(supply) + "\n")
    t = compile_package(package).table
    assert d(t, "P2", "N11732G", "S1N", activity="J62") == pytest.approx(-1071 * 0.75, rel=TOL)
    assert d(t, "P2", "N11732G", "S1N", activity="O84") == pytest.approx(-1071 * 0.25, rel=TOL)
    assert d(t, "P2", "N117DG", "S1", activity="J62") == pytest.approx(-1071 * 0.75, rel=TOL)
    assert d(t, "P2", "N11732G", "S1N") == pytest.approx(-1071, rel=TOL)


def test_cli_writes_the_gdp_effect(tmp_path):
    from compiler.cli.main import main

    assert main(["compile", str(PACKAGE), "-o", str(tmp_path / "out"), "-q", "--no-html", "--no-sdmx"]) == 0
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    (package,) = report["packages"]
    effect = package["gdp_effect"]
    assert isinstance(effect, list) and len(effect) == 4  # 2 years x 2 bounds, kept in report.json
    record = next(r for r in effect if r["year"] == 2021 and r["bound"] == "low")
    assert record["delta"] == pytest.approx(11559, rel=TOL)


def test_undeclared_overlap_exits_2_naming_file_and_key(tmp_path, capsys):
    """No silent default for databases and data R&D (docs/method.md §4.2): compile stops with
    exit 2 and says why the share matters; nothing is written."""
    from compiler.cli.main import main

    package = tmp_path / "conformance"
    shutil.copytree(PACKAGE, package)
    toml = package / "package.toml"
    toml.write_text(toml.read_text().replace("data_rd = 1.0\n", ""))
    assert main(["compile", str(package), "-o", str(tmp_path / "out"), "-q", "--no-html", "--no-sdmx"]) == 2
    err = capsys.readouterr().err
    assert "package.toml" in err and "accounts.overlap.data_rd" in err and "R&D (N1171) is capitalised" in err
    assert not (tmp_path / "out" / "report.json").exists()


def test_imported_cfc_not_computed_without_an_opening_stock_for_imports(tmp_path):
    """Databases' PIM starts from a given opening stock of domestic assets (0 here, so their
    CFC is as before): none is given for
    imported ones, so their CFC is not computed (a note says so) and the buyers' dP51C is the
    purchased assets' 139.2 alone; GDP does not change (1071)."""
    package = tmp_path / "conformance"
    shutil.copytree(PACKAGE, package)
    toml = package / "package.toml"
    toml.write_text(toml.read_text().replace("# A quarter of the databases", '[pim.databases]\ninitial_stock = "given"\nopening_stock = {low = 0, high = 0}\n\n# A quarter of the databases'))
    result = compile_package(package)
    assert d(result.table, "P51C", "N11732G", "S1N") == pytest.approx(139.2, rel=TOL)
    assert d(result.table, "B1GQ", "N11732G", "S1N") == pytest.approx(1071, rel=TOL)
    basis = next(c for c in result.checks if c.name == "GDP effect: basis")
    assert "CFC of capitalised imports not computed for databases" in basis.detail
