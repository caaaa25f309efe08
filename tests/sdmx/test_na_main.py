"""The official-codes-only NA_MAIN selection and the shipped NA_MAIN extracts."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from compiler import table as canon
from compiler.sdmx.check import check_message
from compiler.sdmx.na_main import REASON, SERIES_KEY, left_out_report, select_for_na_main, write_na_main
from compiler.sdmx.official import UnknownVersionError, available_versions, load_na_main

SHARED = Path(__file__).resolve().parents[1].parent.parent / "shared" / "sdmx" / "structures"
NA_MAIN_19_FILE = SHARED / "ESTAT+NAMAIN_IDC_N+1.9+with-descendants+GlobalRegistry-2020-07-30.xml"


def mixed_table() -> pd.DataFrame:
    frame = pd.DataFrame({"TIME_PERIOD": ["2020", "2021"] * 2, "BOUND": ["low", "low", "high", "high"],
                          "OBS_VALUE": [1.0, 2.0, 3.0, 4.0]})
    parts = [
        canon.make_rows(frame, REF_AREA="NL", STO=sto, INSTR_ASSET=asset, UNIT_MULT=6, DECIMALS=1)
        for sto, asset in [("P51G", "N11732G"), ("P51G", "N11733G"), ("P51G", "N11711G"), ("P51G", "N117DG"),
                           ("P5OAX", "N11732G"), ("P5OA1", "N1173G")]
    ]
    return canon.concat(parts)


def key(sto: str, asset: str) -> str:
    return f"A.N.NL.W0.S1.S1.D.{sto}.{asset}._T._Z.XDC.V.N"


def test_project_codes_left_out_official_kept() -> None:
    kept, left = select_for_na_main(mixed_table(), "1.9", "low")
    assert sorted(set(kept["INSTR_ASSET"] + "/" + kept["STO"])) == ["N11732G/P51G", "N1173G/P5OA1"]
    assert set(kept[canon.BOUND]) == {"low"} and len(kept) == 4
    assert kept.loc[kept["INSTR_ASSET"] == "N11732G", canon.VALUE].tolist() == [1.0, 2.0]
    assert len(left) == 8 and set(left[canon.BOUND]) == {"low"}
    report = left_out_report(left)
    assert report == [
        {"series_key": key("P51G", "N11711G"), "reason": "INSTR_ASSET 'N11711G' not in ESTAT:CL_INSTR_ASSET(1.7)", "observations": 2},
        {"series_key": key("P51G", "N11733G"), "reason": "INSTR_ASSET 'N11733G' not in ESTAT:CL_INSTR_ASSET(1.7)", "observations": 2},
        {"series_key": key("P51G", "N117DG"), "reason": "INSTR_ASSET 'N117DG' not in ESTAT:CL_INSTR_ASSET(1.7)", "observations": 2},
        {"series_key": key("P5OAX", "N11732G"), "reason": "STO 'P5OAX' not in ESTAT:CL_NA_STO(1.9)", "observations": 2},
    ]


def test_several_reasons_and_attributes() -> None:
    frame = pd.DataFrame({"TIME_PERIOD": ["2020"], "BOUND": ["high"], "OBS_VALUE": [5.0]})
    table = canon.make_rows(frame, REF_AREA="NL", STO="P5OAX", INSTR_ASSET="N11733G", UNIT_MULT=5, DECIMALS=1,
                            OBS_STATUS="R")
    kept, left = select_for_na_main(table, "1.9", "high")
    assert kept.empty
    assert left[REASON].tolist() == [
        "STO 'P5OAX' not in ESTAT:CL_NA_STO(1.9); INSTR_ASSET 'N11733G' not in ESTAT:CL_INSTR_ASSET(1.7); "
        "OBS_STATUS 'R' not in SDMX:CL_OBS_STATUS(2.0)"
    ]
    assert left[SERIES_KEY].tolist() == [key("P5OAX", "N11733G")]
    # 1.11: OBS_STATUS R is in ESTAT:CL_OBS_STATUS(2.3), the (newer, approximate) stand-in for 2.2
    _, left11 = select_for_na_main(table, "1.11", "high")
    assert "OBS_STATUS" not in left11[REASON].iat[0]


def test_unit_mult_missing_from_the_pinned_codelist_is_rescaled() -> None:
    """NA_MAIN 1.9 pins CL_UNIT_MULT(1.0) without 8: hundred millions go out as millions x 100."""
    frame = pd.DataFrame({"TIME_PERIOD": ["2020"], "BOUND": ["low"], "OBS_VALUE": [17621.4]})
    table = canon.make_rows(frame, REF_AREA="CN", STO="P51G", INSTR_ASSET="N11732G", UNIT_MULT=8, DECIMALS=1)
    kept, left = select_for_na_main(table, "1.9", "low")
    assert left.empty
    assert kept["UNIT_MULT"].tolist() == [6] and kept["DECIMALS"].tolist() == [0]
    assert kept["OBS_VALUE"].tolist() == pytest.approx([1762140.0], rel=1e-15)


def test_bad_bound_and_version() -> None:
    with pytest.raises(ValueError, match="bound"):
        select_for_na_main(mixed_table(), "1.9", "mid")
    with pytest.raises(UnknownVersionError, match="available versions: 1.9, 1.11"):
        select_for_na_main(mixed_table(), "2.1.0", "low")
    assert available_versions() == ["1.9", "1.11"]


def test_written_message_is_clean_against_na_main(tmp_path: Path) -> None:
    pytest.importorskip("compiler.sdmx.ml21")
    from compiler.sdmx.settings import SdmxSettings

    path = tmp_path / "na_main.xml"
    report = write_na_main(mixed_table(), path, SdmxSettings(prepared=datetime(2024, 5, 1, tzinfo=UTC)), "1.9", "low")
    assert [r["series_key"] for r in report] == [key("P51G", "N11711G"), key("P51G", "N11733G"), key("P51G", "N117DG"),
                                                 key("P5OAX", "N11732G")]
    check = check_message(path, "1.9")
    assert check.findings == [] and (check.observations, check.series) == (4, 2)
    assert not list(tmp_path.glob(".*tmp"))


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
