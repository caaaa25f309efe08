"""The NA_MAIN messages: what they carry (levels after capitalisation), what they leave
out and why, and the shipped NA_MAIN extracts.

Hand figures: the synthetic package (tests/packages/synthetic), 2020, low bound, with
the CFC of data fabricated as in tests/test_gdp.py (S11 30 per asset, S13 20 for data and
databases), whose docstring derives the changes (2008 SNA §6.125, §6.130, §10.35):
  output P1   180000 + (927 + 20 + 679.8 + 160/9 + 772.5) = 182417.0778 -> "182417.08"
  GDP B1GQ    100000 + (947 + 679.8 + 160/9 + 99.975 + 772.5) = 102517.0528 -> "102517.05"
  GFCF P51G   20000 + 3349.275;  CFC P51C  15000 + 130 = 15130 -> "15130.00"
  D1          50000 (unchanged) -> "50000.00"
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from compiler import table as canon
from compiler.inputs.provenance import Provenance
from compiler.outputs.sdmx.check import check_message
from compiler.outputs.sdmx.na_main import REASON, SERIES_KEY, fit_length, rescale_unit_mult, select, write_na_main
from compiler.outputs.sdmx.na_main_select import REASONS, PackageFacts
from compiler.outputs.sdmx.official import UnknownVersionError, available_versions, load_na_main
from compiler.outputs.sdmx.settings import SdmxSettings

SHARED = Path(__file__).resolve().parents[1].parent.parent / "shared" / "sdmx" / "structures"
NA_MAIN_19_FILE = SHARED / "ESTAT+NAMAIN_IDC_N+1.9+with-descendants+GlobalRegistry-2020-07-30.xml"
SETTINGS = SdmxSettings(prepared=datetime(2024, 5, 1, tzinfo=UTC), sender="XX1", receiver="ESTAT")


YEARS_BOUNDS = [(y, b) for y in ("2020", "2021", "2022") for b in ("low", "high")]
CFC = {("N11733G", "S11"): 30.0, ("N11732G", "S11"): 30.0, ("N11711G", "S11"): 30.0, ("N11733G", "S13"): 20.0, ("N11732G", "S13"): 20.0, ("N11711G", "S13"): 0.0}


@pytest.fixture(scope="module")
def table(synthetic_core):
    """The synthetic package's core rows with fabricated CFC, and its GDP-effect rows."""
    from compiler.accounts import gdp
    from compiler.accounts.classification import load_classification

    rows = []
    for (asset, sector), v in CFC.items():
        rows += [{"INSTR_ASSET": asset, "REF_SECTOR": sector, canon.TIME: y, canon.BOUND: b, canon.VALUE: v} for y, b in YEARS_BOUNDS]
    frame = pd.DataFrame(rows)
    totals = frame.groupby(["INSTR_ASSET", canon.TIME, canon.BOUND], as_index=False)[canon.VALUE].sum().assign(REF_SECTOR="S1")
    cfc = canon.make_rows(pd.concat([frame, totals], ignore_index=True), REF_AREA="_X", UNIT_MULT=0, DECIMALS=2, STO="P51C", COMMENT_OBS="fabricated CFC")
    core = synthetic_core.table
    core = canon.concat([core.loc[core["STO"] != "P51C"].reset_index(drop=True), cfc])
    effect, _ = gdp.gdp_impact_rows(synthetic_core.inputs, core, load_classification())
    return canon.concat([core, effect])


def facts(provenance: dict[str, str] | None = None) -> list[PackageFacts]:
    return [PackageFacts("_X", "N117DG", Provenance(provenance or {}))]


def obs(rows: pd.DataFrame, sto: str, year: str = "2020") -> pd.Series:
    found = rows.loc[(rows["STO"] == sto) & (rows[canon.TIME] == year)]
    assert len(found) == 1, (sto, len(found))
    return found.iloc[0]


def test_levels_after_capitalisation_by_hand(table):
    send, _ = select(table, facts(), "1.9", "low")
    assert set(send["STO"]) == {"P1", "P2", "B1G", "D21X31", "D1", "D29X39", "P51C", "B2A3N", "P3", "P51G", "P52", "P6", "P7", "B1GQ"}
    p1 = obs(send, "P1")
    assert p1[canon.VALUE] == pytest.approx(180000 + 927 + 20 + 679.8 + 160 / 9 + 772.5) and p1["_OBS_VALUE_TEXT"] == "182417.08"
    gdp = obs(send, "B1GQ")
    assert gdp[canon.VALUE] == pytest.approx(100000 + 947 + 679.8 + 160 / 9 + 99.975 + 772.5) and gdp["_OBS_VALUE_TEXT"] == "102517.05"
    assert obs(send, "P51G")[canon.VALUE] == pytest.approx(20000 + 3349.275)
    assert obs(send, "P51C")["_OBS_VALUE_TEXT"] == "15130.00"
    d1 = obs(send, "D1")
    assert d1[canon.VALUE] == 50000 and d1["_OBS_VALUE_TEXT"] == "50000.00"
    # statuses: changed by capitalisation -> G (experimental); unchanged -> the published A
    assert p1["OBS_STATUS"] == "G" and d1["OBS_STATUS"] == "A"
    # GFCF and CFC on fixed assets, as ESTAT's own P51G.N11G; the rest without asset
    assert set(send.loc[send["STO"].isin(["P51G", "P51C"]), "INSTR_ASSET"]) == {"N11G"}
    assert set(send.loc[~send["STO"].isin(["P51G", "P51C"]), "INSTR_ASSET"]) == {"_Z"}
    assert set(send["UNIT_MEASURE"]) == {"XDC"} and set(send["ACTIVITY"]) == {"_T"}
    assert "before 180000.00 + change 2417.08" in p1["COMMENT_OBS"]


def test_high_bound_differs_by_the_high_gfcf(table):
    """High bound 2020: data GFCF 2592.75 (tests/test_gdp.py) + databases + data R&D."""
    low, _ = select(table, facts(), "1.9", "low")
    high, _ = select(table, facts(), "1.9", "high")
    assert obs(high, "B1GQ")[canon.VALUE] > obs(low, "B1GQ")[canon.VALUE]
    assert obs(high, "D1")[canon.VALUE] == obs(low, "D1")[canon.VALUE] == 50000


def test_illustrative_inputs_give_status_e_never_a(table):
    send, _ = select(table, facts({"national_accounts": "illustrative"}), "1.9", "low")
    assert set(send["OBS_STATUS"]) == {"E"}
    assert "declares illustrative: national_accounts" in obs(send, "D1")["COMMENT_OBS"]
    # an illustrative satellite input marks only what capitalisation changes
    send, _ = select(table, facts({"national_accounts": "published", "occupations": "illustrative"}), "1.9", "low")
    assert obs(send, "P1")["OBS_STATUS"] == "E" and obs(send, "D1")["OBS_STATUS"] == "A"


def test_left_out_by_reason(table):
    _, left = select(table, facts(), "1.9", "low")
    reason = dict(zip(left[SERIES_KEY], left[REASON], strict=True))
    assert set(left[REASON]) <= set(REASONS)
    x = "A.N._X"
    assert reason[f"{x}.W0.S1.S1.C.P1._Z._T._Z.XDC.V.N"] == "before_capitalisation"
    assert reason[f"{x}.W2.S1.S1.B.B1GQ_DCAP.N117DG._T._Z.XDC.V.N"] == "change"
    assert reason[f"{x}.W0.S11.S1._Z.EMP_DOCC._Z.J62._Z.PS._Z.N"] == "occupation_subtotal"
    assert reason[f"{x}.W2.S1.S1.B.B1GQ_DCAP.N117DG._T._Z.PT_B1GQ.V.N"] == "change"
    assert reason[f"{x}.W0.S1.S1.D.P51G.N117DG._T._Z.PT_B1GQ.V.N"] == "unit_conversion"
    assert reason[f"{x}.W0.S1.S1.D.P51G.N11733G._T._Z.XDC.V.N"] == "project_code"
    assert reason[f"{x}.W0.S1.S1.D.P51G.N11732G._T._Z.XDC.V.N"] == "satellite_detail"
    # every low-bound row of the table is counted once
    low = int((table[canon.BOUND] == "low").sum())
    assert int(left["observations"].sum()) == low


def test_rescaling_and_length_facet_by_hand():
    """UNIT_MULT 8 is not in SDMX:CL_UNIT_MULT(1.0): 17.35 (x 10^8, DECIMALS 1) rounds to
    17.4 and is sent as 1740 (x 10^6, DECIMALS 0). A series with a 16-character value,
    123456789012.345 at DECIMALS 3, loses 1 place: binary 123456789012.345001220703125
    rounds to 123456789012.35 (15 characters), and its other value is written 1.00 (one
    DECIMALS per series). 1.5e16 has 17 digits even at DECIMALS 0: left out."""
    frame = pd.DataFrame({"TIME_PERIOD": ["2020", "2021"], "BOUND": "low", "OBS_VALUE": [17.35, 2.0]})
    rows = canon.make_rows(frame, REF_AREA="CN", STO="P1", UNIT_MULT=8, DECIMALS=1)
    sent, too_long = fit_length(rescale_unit_mult(rows, frozenset({"0", "3", "6", "9"})))
    assert sent["_OBS_VALUE_TEXT"].tolist() == ["1740", "200"] and sent["UNIT_MULT"].tolist() == [6, 6]
    assert sent["DECIMALS"].tolist() == [0, 0] and not too_long.any()
    frame = pd.DataFrame({"TIME_PERIOD": ["2020", "2021"], "BOUND": "low", "OBS_VALUE": [123456789012.345, 1.0]})
    sent, too_long = fit_length(canon.make_rows(frame, REF_AREA="CN", STO="P1", UNIT_MULT=0, DECIMALS=3))
    assert sent["_OBS_VALUE_TEXT"].tolist() == ["123456789012.35", "1.00"] and sent["DECIMALS"].tolist() == [2, 2]
    frame = pd.DataFrame({"TIME_PERIOD": ["2020"], "BOUND": "low", "OBS_VALUE": [1.5e16]})
    _, too_long = fit_length(canon.make_rows(frame, REF_AREA="CN", STO="P1", UNIT_MULT=0, DECIMALS=0))
    assert too_long.tolist() == [True]


def test_both_messages_state_their_bound_and_are_clean(table, tmp_path):
    report = write_na_main(table, tmp_path, SETTINGS, facts(), "1.9")
    assert report["structure"] == "ESTAT:NAMAIN_IDC_N(1.9)" and report["receiver"] == "ESTAT"
    for bound in canon.BOUNDS:
        path = tmp_path / f"na_main-{bound}.xml"
        root = etree.parse(str(path)).getroot()
        ns = {"mes": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
              "com": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"}
        assert root.find("mes:Header/mes:Sender", ns).get("id") == "XX1"
        assert root.find("mes:Header/mes:Receiver", ns).get("id") == "ESTAT"
        ref = root.find("mes:Header/mes:Structure/com:StructureUsage/Ref", ns)
        assert (ref.get("id"), ref.get("version"), ref.get("class")) == ("NAMAIN_IDC_N", "1.9", "Dataflow")
        assert root.find("mes:DataSet", ns).get("COMMENT_DSET").startswith(f"{bound.upper()} BOUND")
        assert report["bounds"][bound]["observations"] == 3 * 14
        checked = check_message(path, "1.9")
        assert checked.clean, checked.findings
    assert not list(tmp_path.glob(".*tmp"))


def test_bad_version():
    with pytest.raises(UnknownVersionError, match="available versions: " + ", ".join(available_versions())):
        load_na_main("2.1.0")


def test_extract_shapes() -> None:
    for version in ("1.9", "1.11"):
        dsd = load_na_main(version)
        assert dsd.dimension_ids == canon.DIMENSIONS
        assert dsd.time_dimension.id == "TIME_PERIOD" and dsd.measure.id == "OBS_VALUE"
        mandatory = {(a.id, a.attachment) for a in dsd.attributes if a.mandatory}
        assert mandatory == {("OBS_STATUS", "Observation"), ("CONF_STATUS", "Observation"), ("TIME_FORMAT", "Series"),
                             ("DECIMALS", "Series"), ("UNIT_MULT", "Series")}
    assert load_na_main("1.9").approximations == {}
    assert set(load_na_main("1.11").approximations) == {
        "ESTAT:CL_ACTIVITY(1.6)", "ESTAT:CL_INSTR_ASSET(1.9)", "ESTAT:CL_NA_STO(1.10)", "ESTAT:CL_OBS_STATUS(2.2)",
        "ESTAT:CL_SECTOR(1.10)", "ESTAT:CL_TRANSFORMATION(1.3)", "IMF:CL_ACCOUNT_ENTRY(1.3)", "IMF:CL_AREA(1.11)",
        "IMF:CL_ORGANISATION(1.9)", "IMF:CL_UNIT(1.13)", "SDMX:CL_CONF_STATUS(1.2)",
    }


@pytest.mark.skipif(not NA_MAIN_19_FILE.is_file(), reason="../shared registry files absent")
def test_shipped_19_extract_agrees_with_registry_file() -> None:
    import sdmx

    msg = sdmx.read_sdmx(NA_MAIN_19_FILE)
    registry = msg.structure["ESTAT:NA_MAIN(1.9)"]
    shipped = load_na_main("1.9")
    assert shipped.dimension_ids == tuple(d.id for d in registry.dimensions.components if d.id != "TIME_PERIOD")
    assert [a.id for a in shipped.attributes] == [a.id for a in registry.attributes.components]
    for component in (*registry.dimensions.components, *registry.attributes.components):
        enum = getattr(component.local_representation, "enumerated", None)
        if enum is None:
            continue
        ref = f"{enum.maintainer.id}:{enum.id}({enum.version})"
        assert shipped.components[component.id].codelist == ref
        assert shipped.codelists[ref] == frozenset(code.id for code in enum), ref
    with open(Path(__file__).resolve().parents[2] / "codelists/official/NA_MAIN-1.9/MANIFEST.csv") as f:
        manifest = {r["id"]: int(r["codes"]) for r in csv.DictReader(f)}
    assert manifest["CL_NA_STO"] == 568 and manifest["CL_INSTR_ASSET"] == 407 and manifest["CL_AREA"] == 841


def test_sender_and_receiver_come_from_sdmx_settings():
    """[sdmx] sender and receiver (default ESTAT) reach the header; a bad id is an error."""
    settings = SdmxSettings.from_mapping({"sender": "CN1", "receiver": "IMF"}, environ={})
    assert (settings.sender, settings.receiver) == ("CN1", "IMF")
    assert SdmxSettings.from_mapping({}, environ={}).receiver == "ESTAT"
    from compiler.outputs.sdmx.na_main import header_xml

    header = header_xml(settings, "1.9")
    assert '<mes:Sender id="CN1"/>' in header and '<mes:Receiver id="IMF"/>' in header
    with pytest.raises(ValueError, match="receiver"):
        SdmxSettings.from_mapping({"receiver": "not an id"}, environ={})
