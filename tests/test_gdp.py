"""The GDP effect of capitalising data (compiler.gdp), against figures computed by hand.

Synthetic package, 2020, low bound (tests/test_costs.py): output (P1 = GFCF unless noted)
  data 1677; databases 999.75 with own-account share 0.8, purchased-capitalised 0.5:
  GFCF 0.9 x 999.75 = 899.775; data R&D 772.5. All data: P1 3449.25, P51G 3349.275.
Changes: dP1 = own-account output P12 = 1677 + 0.8 x 999.75 + 772.5 = 3249.3;
  dP2 = -0.2 x 0.5 x 999.75 = -99.975; dB1G = dB1GQ = 3349.275 = data GFCF.
Baseline (national_accounts.csv) 2020: GDP 100000 by all three approaches.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from compiler import gdp
from compiler import table as tbl
from compiler.classification import load_classification
from compiler.package import InputErrors
from compiler.pipeline import compile_core as compile_package

TOL = 1e-9
CLS = load_classification()
DIMS = ["FREQ", "ADJUSTMENT", "REF_AREA", "COUNTERPART_AREA", "REF_SECTOR", "COUNTERPART_SECTOR", "ACCOUNTING_ENTRY", "STO",
        "INSTR_ASSET", "ACTIVITY", "EXPENDITURE", "UNIT_MEASURE", "PRICES", "TRANSFORMATION"]


def value(table, **criteria) -> float:
    rows = tbl.select(table, **criteria)
    assert len(rows) == 1, f"{len(rows)} rows for {criteria}"
    return float(rows[tbl.VALUE].iloc[0])


def change(rows, sto, asset, year="2020", bound="low", unit="XDC"):
    return value(rows, STO=sto, INSTR_ASSET=asset, TIME_PERIOD=year, BOUND=bound, ACTIVITY="_T", REF_SECTOR="S1", UNIT_MEASURE=unit)


def without_cfc(table):
    return table.loc[table["STO"] != "P51C"].reset_index(drop=True)


def cfc_rows(values: dict[tuple[str, str, str], float], sector="S1"):
    """Canonical P51C rows at current prices: (asset code, year, bound) -> value."""
    frame = pd.DataFrame([{"INSTR_ASSET": a, tbl.TIME: y, tbl.BOUND: b, tbl.VALUE: v} for (a, y, b), v in values.items()])
    return tbl.make_rows(frame, REF_AREA="_X", UNIT_MULT=0, DECIMALS=2, STO="P51C", REF_SECTOR=sector, COMMENT_OBS="fabricated CFC")


@pytest.fixture(scope="module")
def result(synthetic_core):
    return synthetic_core


@pytest.fixture(scope="module")
def impact(result):
    table = without_cfc(result.table)
    rows, checks = gdp.gdp_impact_rows(result.inputs, table, CLS)
    return table, rows, checks


def test_default_changes_by_hand(impact):
    _, rows, checks = impact
    assert all(c.passed for c in checks), [c for c in checks if not c.passed]
    assert change(rows, "B1GQ", "N117DG") == pytest.approx(3349.275, rel=TOL)
    assert change(rows, "B1G", "N117DG") == pytest.approx(3349.275, rel=TOL)
    assert change(rows, "P12", "N117DG") == pytest.approx(3249.3, rel=TOL)
    assert change(rows, "P12", "N11732G") == pytest.approx(0.8 * 999.75, rel=TOL)
    # databases: dB1G = own-account output + purchases moved from IC to GFCF = GFCF
    assert change(rows, "B1G", "N11732G") == pytest.approx(0.8 * 999.75 + 0.2 * 0.5 * 999.75, rel=TOL)
    assert change(rows, "B1GQ", "N11733G", bound="high") == pytest.approx(2592.75, rel=TOL)
    # no stocks rows: CFC 0, so the net operating surplus rises by the whole dB1G
    assert change(rows, "B2A3N", "N117DG") == pytest.approx(3349.275, rel=TOL)
    assert "treated as 0" in next(c for c in checks if c.name.startswith("CFC")).detail
    assert change(rows, "B1GQ", "N117DG", unit="XDC_R_B1GQ") == pytest.approx(3349.275 / 100000 * 100, rel=TOL)
    assert tbl.select(rows, STO="P13").empty


def test_after_capitalisation_by_hand(impact):
    table, rows, _ = impact
    after = gdp.after_capitalisation(tbl.concat([table, rows]), "_X")
    at = after.loc[(after[tbl.TIME] == "2020") & (after[tbl.BOUND] == "low")].set_index("STO")
    assert at.loc["P1", "change"] == pytest.approx(3249.3, rel=TOL)
    assert at.loc["P2", "change"] == pytest.approx(-0.2 * 0.5 * 999.75, rel=TOL)
    assert at.loc["P2", "after"] == pytest.approx(90000 - 99.975, rel=TOL)
    assert at.loc["P51G", "after"] == pytest.approx(20000 + 3349.275, rel=TOL)
    assert at.loc["B1GQ", "after"] == pytest.approx(103349.275, rel=TOL)
    for sto in ("D1", "D29X39", "D21X31", "P3", "P6", "P7", "P52"):
        assert at.loc[sto, "change"] == 0
    production = at.loc["P1", "after"] - at.loc["P2", "after"] + at.loc["D21X31", "after"]
    income = at.loc[["D1", "D29X39", "P51C", "B2A3N", "D21X31"], "after"].sum()
    expenditure = at.loc[["P3", "P51G", "P52", "P6"], "after"].sum() - at.loc["P7", "after"]
    assert production == pytest.approx(103349.275, rel=TOL)
    assert income == pytest.approx(production, rel=TOL)
    assert expenditure == pytest.approx(production, rel=TOL)
    assert len(after) == 3 * 2 * 14  # years x bounds x baseline STOs


def test_baseline_rows_keys_and_no_duplicates(impact):
    table, rows, _ = impact
    combined = tbl.concat([table, rows])  # raises on a duplicated key
    assert value(rows, STO="P2", INSTR_ASSET="_Z", TIME_PERIOD="2021", BOUND="high") == 91000
    p6 = tbl.select(rows, STO="P6", INSTR_ASSET="_Z")
    assert set(p6["COUNTERPART_AREA"]) == {"W1"} and set(p6["ACCOUNTING_ENTRY"]) == {"D"}
    assert set(tbl.select(rows, STO="P7")["ACCOUNTING_ENTRY"]) == {"C"}
    assert set(tbl.select(rows, STO="B1G")["COUNTERPART_AREA"]) == {"W2"}
    assert set(tbl.select(rows, INSTR_ASSET="_Z")["OBS_STATUS"]) == {"A"}
    assert set(tbl.select(rows, INSTR_ASSET="N117DG")["OBS_STATUS"]) == {"G"}
    assert tbl.select(rows, STO="B1GQ", INSTR_ASSET="_Z").empty  # macro.csv's row is the baseline B1GQ
    assert tbl.select(rows, STO=("P1", "P51G"), INSTR_ASSET=("N11733G", "N11732G", "N11711G", "N117DG")).empty
    # the totals and aggregates the pipeline checks still hold with the new rows
    from compiler import checks as chk

    assert all(c.passed for c in chk.totals_equal_children(combined, dict(CLS.aggregates)))


def test_cfc_from_stocks_rows(result):
    table = without_cfc(result.table)
    cfc = cfc_rows({(a, y, b): v for a, v in (("N11733G", 100.0), ("N11732G", 40.0), ("N11711G", 10.0), ("N117DG", 150.0))
                    for y in ("2020", "2021", "2022") for b in ("low", "high")})
    table = tbl.concat([table, cfc])
    rows, checks = gdp.gdp_impact_rows(result.inputs, table, CLS)
    assert all(c.passed for c in checks)
    assert change(rows, "B2A3N", "N11733G") == pytest.approx(1677 - 100, rel=TOL)
    assert change(rows, "B2A3N", "N117DG") == pytest.approx(3349.275 - 150, rel=TOL)
    after = gdp.after_capitalisation(tbl.concat([table, rows]), "_X").set_index([tbl.TIME, tbl.BOUND, "STO"])
    assert after.loc[("2020", "low", "P51C"), "after"] == pytest.approx(15150, rel=TOL)


def test_stocks_stage_cfc_is_used(result):
    rows, checks = gdp.gdp_impact_rows(result.inputs, result.table, CLS)
    assert all(c.passed for c in checks)
    cfc = value(result.table, STO="P51C", INSTR_ASSET="N117DG", TIME_PERIOD="2022", BOUND="low", ACTIVITY="_T", REF_SECTOR="S1", PRICES="V")
    assert change(rows, "B2A3N", "N117DG", year="2022") == pytest.approx(change(rows, "B1G", "N117DG", year="2022") - cfc, rel=TOL)


def test_non_market_cfc_raises_output_and_consumption(result):
    inputs = dataclasses.replace(result.inputs, manifest=dataclasses.replace(result.inputs.manifest, accounts={"non_market_cfc_in_output": True}))
    table = without_cfc(result.table)
    years_bounds = [(y, b) for y in ("2020", "2021", "2022") for b in ("low", "high")]
    total = cfc_rows({(a, y, b): 30.0 for a in ("N11733G", "N117DG") for y, b in years_bounds})
    government = cfc_rows({(a, y, b): 20.0 for a in ("N11733G", "N117DG") for y, b in years_bounds}, sector="S13")
    rows, checks = gdp.gdp_impact_rows(inputs, tbl.concat([table, total, government]), CLS)
    assert all(c.passed for c in checks), [c for c in checks if not c.passed]
    assert change(rows, "P13", "N11733G") == pytest.approx(20, rel=TOL)
    assert change(rows, "B1GQ", "N11733G") == pytest.approx(1677 + 20, rel=TOL)
    assert change(rows, "B2A3N", "N11733G") == pytest.approx(1677 + 20 - 30, rel=TOL)
    after = gdp.after_capitalisation(tbl.concat([table, total, government, rows]), "_X").set_index([tbl.TIME, tbl.BOUND, "STO"])
    assert after.loc[("2020", "low", "P3"), "change"] == pytest.approx(20, rel=TOL)
    assert after.loc[("2020", "low", "P1"), "change"] == pytest.approx(3249.3 + 20, rel=TOL)


def test_no_baseline_is_skipped(synthetic):
    (synthetic / "national_accounts.csv").unlink()
    r = compile_package(synthetic)
    rows, checks = gdp.gdp_impact_rows(r.inputs, r.table, CLS)
    assert rows.empty and checks[0].passed and "skipped" in checks[0].detail


def _edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_inconsistent_baseline_is_an_input_error(synthetic):
    _edit(synthetic / "national_accounts.csv", "2020,P3,75000", "2020,P3,75500")
    r = compile_package(synthetic)
    with pytest.raises(InputErrors) as info:
        gdp.gdp_impact_rows(r.inputs, r.table, CLS)
    (error,) = info.value.errors
    assert error.file == "synthetic/national_accounts.csv" and error.row == 15
    assert "2020 B1GQ=100000" in error.value and "expenditure approach" in error.expected and "100500" in error.expected


def test_b1g_and_macro_gdp_mismatch(synthetic):
    _edit(synthetic / "national_accounts.csv", "2021,B1G,91000", "2021,B1G,91001")
    _edit(synthetic / "macro.csv", "2022,100000", "2022,100001")
    r = compile_package(synthetic)
    with pytest.raises(InputErrors) as info:
        gdp.gdp_impact_rows(r.inputs, r.table, CLS)
    text = str(info.value)
    assert "2021 B1G=91001" in text and "P1 - P2" in text
    assert "2022 B1GQ=100000" in text and "macro.csv gdp 100001" in text


def test_missing_sto_and_default_inventories(synthetic):
    path = synthetic / "national_accounts.csv"
    lines = [line for line in path.read_text().splitlines() if not line.startswith("2021,P52") and not line.startswith("2022,P6,")]
    path.write_text("\n".join(lines) + "\n")
    r = compile_package(synthetic)
    with pytest.raises(InputErrors, match="a row for year 2022"):
        gdp.gdp_impact_rows(r.inputs, r.table, CLS)


def test_p52_defaults_to_zero(synthetic):
    path = synthetic / "national_accounts.csv"
    text = path.read_text().replace("2021,P52,-500\n", "").replace("2021,P3,76000", "2021,P3,75500")
    path.write_text(text)
    r = compile_package(synthetic)
    rows, checks = gdp.gdp_impact_rows(r.inputs, without_cfc(r.table), CLS)
    assert all(c.passed for c in checks)
    assert tbl.select(rows, STO="P52", TIME_PERIOD="2021").empty


def _generic_message(values: dict[tuple[int, str], float], ref_area="_X", unit_mult=0) -> str:
    from compiler.accounts import KEY_OF

    series = []
    for sto in sorted({s for _, s in values}):
        entry, counterpart, expenditure = KEY_OF[sto]
        key = dict(FREQ="A", ADJUSTMENT="N", REF_AREA=ref_area, COUNTERPART_AREA=counterpart, REF_SECTOR="S1", COUNTERPART_SECTOR="S1",
                   ACCOUNTING_ENTRY=entry, STO=sto, INSTR_ASSET="_Z", ACTIVITY="_T", EXPENDITURE=expenditure, UNIT_MEASURE="XDC", PRICES="V",
                   TRANSFORMATION="N")
        dims = "".join(f'<generic:Value id="{d}" value="{key[d]}"/>' for d in DIMS)
        obs = "".join(
            f'<generic:Obs><generic:ObsDimension value="{y}"/><generic:ObsValue value="{v / 10**unit_mult!r}"/></generic:Obs>'
            for (y, s), v in sorted(values.items()) if s == sto
        )
        attrs = f'<generic:Attributes><generic:Value id="UNIT_MULT" value="{unit_mult}"/></generic:Attributes>'
        series.append(f"<generic:Series><generic:SeriesKey>{dims}</generic:SeriesKey>{attrs}{obs}</generic:Series>")
    # a series of another country and one at constant prices, both to be ignored
    other = "".join(f'<generic:Value id="{d}" value="{v}"/>' for d, v in zip(DIMS, ["A", "N", "DE", "W2", "S1", "S1", "B", "B1GQ", "_Z", "_T", "_Z", "XDC", "V", "N"]))
    series.append(f'<generic:Series><generic:SeriesKey>{other}</generic:SeriesKey><generic:Obs><generic:ObsDimension value="2020"/><generic:ObsValue value="5"/></generic:Obs></generic:Series>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<message:GenericData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
        'xmlns:generic="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic" '
        'xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">'
        "<message:Header><message:ID>NA</message:ID><message:Test>true</message:Test><message:Prepared>2024-01-01T00:00:00</message:Prepared>"
        '<message:Sender id="TEST"/><message:Structure structureID="NA_MAIN" dimensionAtObservation="TIME_PERIOD">'
        '<common:Structure><Ref agencyID="ESTAT" id="NA_MAIN" version="1.9"/></common:Structure></message:Structure></message:Header>'
        f'<message:DataSet structureRef="NA_MAIN">{"".join(series)}</message:DataSet></message:GenericData>'
    )


def test_sdmx_ml_baseline_gives_the_same_rows(synthetic, impact):
    _, csv_rows, _ = impact
    csv = pd.read_csv(synthetic / "national_accounts.csv")
    values = {(int(r.year), r.sto): float(r.value) for r in csv.itertuples()}
    (synthetic / "national_accounts.csv").unlink()
    (synthetic / "national_accounts.xml").write_text(_generic_message(values, unit_mult=3))
    r = compile_package(synthetic)
    rows, checks = gdp.gdp_impact_rows(r.inputs, without_cfc(r.table), CLS)
    assert all(c.passed for c in checks)
    drop = ["COMMENT_OBS"]
    left = tbl.sort(rows).drop(columns=drop)
    right = tbl.sort(csv_rows).drop(columns=drop)
    pd.testing.assert_frame_equal(left, right)


def test_csv_and_xml_together_is_an_error(synthetic):
    (synthetic / "national_accounts.xml").write_text("<x/>")
    r = compile_package(synthetic)
    with pytest.raises(InputErrors, match="only one of"):
        gdp.gdp_impact_rows(r.inputs, r.table, CLS)


def test_unreadable_xml_is_an_input_error(synthetic):
    (synthetic / "national_accounts.csv").unlink()
    (synthetic / "national_accounts.xml").write_text("<not-sdmx/>")
    r = compile_package(synthetic)
    with pytest.raises(InputErrors, match="SDMX-ML data message"):
        gdp.gdp_impact_rows(r.inputs, r.table, CLS)


def test_approach_check_detects_a_broken_change(impact):
    table, rows, _ = impact
    broken = rows.copy()
    mask = (broken["STO"] == "B2A3N") & (broken["INSTR_ASSET"] == "N117DG")
    broken.loc[mask, tbl.VALUE] += 1.0
    checks = gdp.approach_checks(gdp.after_capitalisation(tbl.concat([table, broken]), "_X"))
    assert not next(c for c in checks if c.name.endswith("income")).passed
    assert next(c for c in checks if c.name.endswith("expenditure")).passed
