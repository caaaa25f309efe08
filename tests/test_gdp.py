"""The GDP effect of capitalising data (compiler.accounts.gdp, compiler.accounts.gdp_effect), against figures
computed by hand (docs/method.md §4; the conformance package has its own test file).

Synthetic package, 2020, low bound (tests/test_costs.py): output by producing sector
  data       J62 (S11, market) 927;    O84 (S13, non-market) 750
  databases  J62 849.75 (labour 550 x 1.5 x 1.03);  O84 150 (labour 100 x 1.5)
             own-account share a = 0.8, purchased-capitalised share c = 0.5:
             GFCF = (a + (1 - a) c) P1 = 0.9 P1; own-account part phi = 0.8 / 0.9 = 8/9
  data R&D   J62 772.5;  O84 0
CFC (fabricated here, replacing the stocks stage's rows): S11 30 for every asset; S13 20
for data and databases, 0 for data R&D. No overlap (package.toml [accounts.overlap]).
Rules (2008 SNA §6.125, §6.130: non-market output at cost; §10.35: own-account GFCF):
  market S11:  dP1 = dP51G = dB1GQ = a P1;  dP51C = phi CFC;  dB2A3N = a P1 - phi CFC
  non-market S13: dP1 = dP51C = dB1GQ = phi CFC;  dP51G = a P1;  dP3 = phi CFC - a P1
  buyers S1N:  dP51G = dB1GQ = -dP2 = c (1 - a) sum P1;  dP51C = (1 - phi) sum CFC
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from compiler.accounts import gdp
from compiler import table as tbl
from compiler.accounts.classification import load_classification
from compiler.inputs import InputErrors
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


def cfc_rows(values: dict[tuple[str, str, str, str], float]):
    """Canonical P51C rows at current prices: (asset code, sector, year, bound) -> value."""
    frame = pd.DataFrame([{"INSTR_ASSET": a, "REF_SECTOR": s, tbl.TIME: y, tbl.BOUND: b, tbl.VALUE: v} for (a, s, y, b), v in values.items()])
    return tbl.make_rows(frame, REF_AREA="_X", UNIT_MULT=0, DECIMALS=2, STO="P51C", COMMENT_OBS="fabricated CFC")


YEARS_BOUNDS = [(y, b) for y in ("2020", "2021", "2022") for b in ("low", "high")]
CFC = {("N11733G", "S11"): 30.0, ("N11732G", "S11"): 30.0, ("N11711G", "S11"): 30.0, ("N11733G", "S13"): 20.0, ("N11732G", "S13"): 20.0, ("N11711G", "S13"): 0.0}


def fabricated_cfc():
    values = {(a, s, y, b): v for (a, s), v in CFC.items() for y, b in YEARS_BOUNDS}
    totals = {}
    for (a, s, y, b), v in values.items():
        totals[(a, "S1", y, b)] = totals.get((a, "S1", y, b), 0.0) + v
    return cfc_rows({**values, **totals})


@pytest.fixture(scope="module")
def result(synthetic_core):
    return synthetic_core


@pytest.fixture(scope="module")
def impact(result):
    table = tbl.concat([without_cfc(result.table), fabricated_cfc()])
    rows, checks = gdp.gdp_impact_rows(result.inputs, table, CLS)
    return table, rows, checks


def sector(rows, sto, asset, ref_sector, year="2020", bound="low"):
    return value(rows, STO=sto, INSTR_ASSET=asset, TIME_PERIOD=year, BOUND=bound, ACTIVITY="_T", REF_SECTOR=ref_sector, UNIT_MEASURE="XDC")


def test_market_producer_by_hand(impact):
    _, rows, checks = impact
    assert all(c.passed for c in checks), [c for c in checks if not c.passed]
    # data, J62 (S11): the whole own-account output is new output, GFCF and GDP
    for sto in ("P1_DCAP", "P51G_DCAP", "B1G_DCAP", "B1GQ_DCAP"):
        assert sector(rows, sto, "N11733G", "S11") == pytest.approx(927.0, rel=TOL)
    assert sector(rows, "P51C_DCAP", "N11733G", "S11") == pytest.approx(30.0, rel=TOL)
    assert sector(rows, "B2A3N_DCAP", "N11733G", "S11") == pytest.approx(897.0, rel=TOL)
    # databases, J62: own-account 0.8 x 849.75 = 679.8; CFC of own assets 8/9 x 30
    assert sector(rows, "B1GQ_DCAP", "N11732G", "S11") == pytest.approx(679.8, rel=TOL)
    assert sector(rows, "B2A3N_DCAP", "N11732G", "S11") == pytest.approx(679.8 - 80 / 3, rel=TOL)
    assert tbl.select(rows, STO=("P2_DCAP", "P3_DCAP"), REF_SECTOR="S11").empty  # 0 by the rule: not stored


def test_non_market_producer_adds_only_its_cfc(impact):
    """O84 (S13): output at cost; capitalising moves P12 from P3 to P51G and adds the CFC
    of the new assets (2008 SNA §6.130, §9.98): dGDP = CFC, not the output (the issue's
    double count)."""
    _, rows, _ = impact
    assert sector(rows, "P1_DCAP", "N11733G", "S13") == pytest.approx(20.0, rel=TOL)
    assert sector(rows, "B1GQ_DCAP", "N11733G", "S13") == pytest.approx(20.0, rel=TOL)
    assert sector(rows, "P51C_DCAP", "N11733G", "S13") == pytest.approx(20.0, rel=TOL)
    assert sector(rows, "P51G_DCAP", "N11733G", "S13") == pytest.approx(750.0, rel=TOL)
    assert sector(rows, "P3_DCAP", "N11733G", "S13") == pytest.approx(20.0 - 750.0, rel=TOL)
    assert tbl.select(rows, STO="B2A3N_DCAP", REF_SECTOR="S13").empty  # 0 by the rule
    # databases: own-account 0.8 x 150 = 120 to GFCF; CFC of own assets 8/9 x 20
    assert sector(rows, "B1GQ_DCAP", "N11732G", "S13") == pytest.approx(160 / 9, rel=TOL)
    assert sector(rows, "P3_DCAP", "N11732G", "S13") == pytest.approx(160 / 9 - 120, rel=TOL)


def test_purchases_move_from_buyers_intermediate_consumption(impact):
    """Databases sold (1 - 0.8) and capitalised by the buyers (0.5): 0.1 x 999.75 = 99.975."""
    _, rows, _ = impact
    assert sector(rows, "P51G_DCAP", "N11732G", "S1N") == pytest.approx(99.975, rel=TOL)
    assert sector(rows, "P2_DCAP", "N11732G", "S1N") == pytest.approx(-99.975, rel=TOL)
    assert sector(rows, "B1GQ_DCAP", "N11732G", "S1N") == pytest.approx(99.975, rel=TOL)
    assert sector(rows, "P51C_DCAP", "N11732G", "S1N") == pytest.approx(50 / 9, rel=TOL)  # (1 - 8/9) x (30 + 20)
    assert sector(rows, "B2A3N_DCAP", "N11732G", "S1N") == pytest.approx(99.975 - 50 / 9, rel=TOL)


def test_totals_by_hand(impact):
    _, rows, _ = impact
    # data 927 + 20; databases 679.8 + 160/9 + 99.975; data R&D 772.5 + 0
    total = 947 + 679.8 + 160 / 9 + 99.975 + 772.5
    assert change(rows, "B1GQ_DCAP", "N117DG") == pytest.approx(total, rel=TOL)
    assert change(rows, "B1GQ_DCAP", "N117DG", unit="PT_B1GQ") == pytest.approx(total / 100000 * 100, rel=TOL)
    assert change(rows, "P51G_DCAP", "N117DG") == pytest.approx(3349.275, rel=TOL)  # all of the satellite's GFCF (no overlap)
    assert change(rows, "P3_DCAP", "N117DG") == pytest.approx(-730 + 160 / 9 - 120, rel=TOL)


def test_after_capitalisation_by_hand(impact):
    table, rows, _ = impact
    after = gdp.after_capitalisation(tbl.concat([table, rows]), "_X")
    at = after.loc[(after[tbl.TIME] == "2020") & (after[tbl.BOUND] == "low")].set_index("STO")
    total = 947 + 679.8 + 160 / 9 + 99.975 + 772.5
    assert at.loc["P1", "change"] == pytest.approx(927 + 20 + 679.8 + 160 / 9 + 772.5, rel=TOL)
    assert at.loc["P2", "after"] == pytest.approx(90000 - 99.975, rel=TOL)
    assert at.loc["P51G", "after"] == pytest.approx(20000 + 3349.275, rel=TOL)
    assert at.loc["P51C", "change"] == pytest.approx(130.0, rel=TOL)  # 30 + 20 + 80/3 + 160/9 + 50/9 + 30
    assert at.loc["B1GQ", "after"] == pytest.approx(100000 + total, rel=TOL)
    for sto in ("D1", "D29X39", "D21X31", "P6", "P7", "P52"):
        assert at.loc[sto, "change"] == 0
    production = at.loc["P1", "after"] - at.loc["P2", "after"] + at.loc["D21X31", "after"]
    income = at.loc[["D1", "D29X39", "P51C", "B2A3N", "D21X31"], "after"].sum()
    expenditure = at.loc[["P3", "P51G", "P52", "P6"], "after"].sum() - at.loc["P7", "after"]
    assert production == pytest.approx(100000 + total, rel=TOL)
    assert income == pytest.approx(production, rel=TOL)
    assert expenditure == pytest.approx(production, rel=TOL)
    assert len(after) == 3 * 2 * 14  # years x bounds x baseline STOs


def _with_accounts(result, accounts):
    manifest = dataclasses.replace(result.inputs.manifest, accounts=accounts)
    return dataclasses.replace(result.inputs, manifest=manifest)


def test_overlap_keeps_only_the_new_part(result, impact):
    """Half of the databases already in the published accounts: every change of databases halves."""
    table, full, _ = impact
    inputs = _with_accounts(result, {"overlap": {"databases": 0.5, "data_rd": 1.0}})
    rows, checks = gdp.gdp_impact_rows(inputs, table, CLS)
    assert all(c.passed for c in checks)
    for sto in ("B1GQ_DCAP", "P51G_DCAP", "P51C_DCAP"):
        for ref in ("S11", "S13", "S1N"):
            assert sector(rows, sto, "N11732G", ref) == pytest.approx(0.5 * sector(full, sto, "N11732G", ref), rel=TOL)
    assert change(rows, "B1GQ_DCAP", "N11711G") == 0  # data R&D fully in: no change
    assert change(rows, "B1GQ_DCAP", "N117DG") == pytest.approx(947 + 0.5 * (679.8 + 160 / 9 + 99.975), rel=TOL)
    # the satellite itself stays whole
    assert value(table, STO="P51G", INSTR_ASSET="N11711G", TIME_PERIOD="2020", BOUND="low", ACTIVITY="_T", REF_SECTOR="S1", PRICES="V", UNIT_MEASURE="XDC") == pytest.approx(772.5, rel=TOL)


@pytest.mark.parametrize(("overlap", "key", "expected"), [
    ({"databases": 1.0}, "accounts.overlap.data_rd", "data R&D may already be inside published R&D"),
    ({"data_rd": 1.0}, "accounts.overlap.databases", "databases (N11732) are produced assets"),
    ({"databases": 1.5, "data_rd": 1.0}, "accounts.overlap.databases", "a share from 0 to 1"),
    ({"databases": -0.1, "data_rd": 1.0}, "accounts.overlap.databases", "a share from 0 to 1"),
    ({"databases": 1.0, "data_rd": 1.0, "software": 1.0}, "accounts.overlap.software", "one of data, databases, data_rd"),
])
def test_bad_or_missing_overlap_is_an_input_error(result, overlap, key, expected):
    inputs = _with_accounts(result, {"overlap": overlap})
    with pytest.raises(InputErrors) as info:
        gdp.gdp_impact_rows(inputs, without_cfc(result.table), CLS)
    (error,) = info.value.errors
    assert error.file == "package.toml" and error.column == key and expected in error.expected


def test_removed_non_market_switch_is_an_input_error(result):
    inputs = _with_accounts(result, {"non_market_cfc_in_output": True, "overlap": {"databases": 0.0, "data_rd": 0.0}})
    with pytest.raises(InputErrors, match="removed"):
        gdp.gdp_impact_rows(inputs, result.table, CLS)


def test_stocks_stage_cfc_is_used(result):
    rows, checks = gdp.gdp_impact_rows(result.inputs, result.table, CLS)
    assert all(c.passed for c in checks)
    cfc = value(result.table, STO="P51C", INSTR_ASSET="N11733G", TIME_PERIOD="2022", BOUND="low", ACTIVITY="_T", REF_SECTOR="S13", PRICES="V")
    assert sector(rows, "B1GQ_DCAP", "N11733G", "S13", year="2022") == pytest.approx(cfc, rel=TOL)


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
    rows, checks = gdp.gdp_impact_rows(r.inputs, r.table, CLS)
    assert all(c.passed for c in checks)
    assert tbl.select(rows, STO="P52", TIME_PERIOD="2021").empty


def _generic_message(values: dict[tuple[int, str], float], ref_area="_X", unit_mult=0) -> str:
    from compiler.accounts.settings import KEY_OF

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
    rows, checks = gdp.gdp_impact_rows(r.inputs, tbl.concat([without_cfc(r.table), fabricated_cfc()]), CLS)
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
    mask = (broken["STO"] == "B2A3N_DCAP") & (broken["INSTR_ASSET"] == "N117DG") & (broken["REF_SECTOR"] == "S1")
    broken.loc[mask, tbl.VALUE] += 1.0
    checks = gdp.approach_checks(gdp.after_capitalisation(tbl.concat([table, broken]), "_X"))
    assert not next(c for c in checks if c.name.endswith("income")).passed
    assert next(c for c in checks if c.name.endswith("expenditure")).passed


def test_software_occupations_change_no_published_aggregate(synthetic):
    """T02 (database administrator) declared counted in own-account software (as BEA,
    Santiago Calderón and Rassier 2025, sets the data time of software occupations to 0): its share
    of each industry's labour input leaves the change, the satellite stays whole.
    2020 low, J62: data labour 600 of which T02 50 -> new own-account output 927 x 11/12 =
    849.75; databases 550 of which T02 500 -> 0.8 x 849.75 x 1/11 = 61.8. O84 has no T02.
    Labour share (report.json): T02 550 (data 50 + databases 500) of 2250 (data 1100,
    databases 650, data R&D 500)."""
    from compiler.accounts.gdp_effect import software_labour_share

    path = synthetic / "occupations.csv"
    lines = path.read_text().splitlines()
    lines = [lines[0] + ",counted_in_software"] + [line + (",yes" if line.startswith("T02") else ",no") for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n")
    r = compile_package(synthetic)
    table = tbl.concat([without_cfc(r.table), fabricated_cfc()])
    rows, checks = gdp.gdp_impact_rows(r.inputs, table, CLS)
    assert all(c.passed for c in checks)
    assert sector(rows, "B1GQ_DCAP", "N11733G", "S11") == pytest.approx(849.75, rel=TOL)
    assert sector(rows, "P51C_DCAP", "N11733G", "S11") == pytest.approx(30 * 11 / 12, rel=TOL)  # the year's share (docs/method.md §4.2)
    assert sector(rows, "B1GQ_DCAP", "N11732G", "S11") == pytest.approx(61.8, rel=TOL)
    assert sector(rows, "B1GQ_DCAP", "N11733G", "S13") == pytest.approx(20, rel=TOL)
    assert value(table, STO="P51G", INSTR_ASSET="N11733G", TIME_PERIOD="2020", BOUND="low", ACTIVITY="J62", REF_SECTOR="S11", PRICES="V", UNIT_MEASURE="XDC") == pytest.approx(927, rel=TOL)
    share = next(s for s in software_labour_share(r.inputs) if s["year"] == 2020 and s["bound"] == "low")
    assert share["share"] == pytest.approx(550 / 2250, rel=TOL)
    assert share["by_asset"] == pytest.approx({"data": 50 / 1100, "databases": 500 / 650, "data_rd": 0.0}, rel=TOL)


def test_software_share_not_given_without_the_column(result):
    from compiler.accounts.gdp_effect import software_labour_share

    assert software_labour_share(result.inputs) is None


def test_producer_column_against_sector_is_noted(synthetic):
    """An industry whose producer column contradicts its sector: the effect on GDP stays by
    sector (the stocks are by sector), and the basis check says so."""
    (synthetic / "industries.csv").write_text(
        "industry,label,sector,producer\nJ62,\"Computer programming, consultancy and related activities\",S11,market\nO84,Public administration,S13,market\n"
    )
    r = compile_package(synthetic)
    rows, checks = gdp.gdp_impact_rows(r.inputs, tbl.concat([without_cfc(r.table), fabricated_cfc()]), CLS)
    basis = next(c for c in checks if c.name == "GDP effect: basis")
    assert "producer differs from the sector for O84" in basis.detail
    assert sector(rows, "B1GQ_DCAP", "N11733G", "S13") == pytest.approx(20, rel=TOL)  # still the non-market rule
