"""A corpus of corrupted messages, one per rule: check-sdmx names each finding and line.

The valid files are the ones ``datasat compile`` writes for the synthetic package:
``data.xml`` (SDMX-ML 2.1 structure-specific, the project DSD), ``na_main-low.xml``
(against the shipped ESTAT:NA_MAIN 1.9) and ``data.csv`` (SDMX-CSV 2.0). Each case
changes one thing (issue 12, problem 4) and expects its finding code at the line of the
change; every valid file and the harmless variants (STRUCTURE in capitals, SDMX-CSV 2.0
columns in another order) stay clean.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from compiler.cli.main import main
from compiler.outputs.sdmx.check import check_message

HERE = Path(__file__).resolve().parent
SYNTHETIC = HERE.parent / "packages" / "synthetic"


@pytest.fixture(scope="module")
def sdmx_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "out"
    assert main(["compile", str(SYNTHETIC), "-o", str(out), "-q", "--no-html", "--prepared", "2026-01-01T00:00:00Z"]) == 0
    return out / "sdmx"


def _sub(pattern: str, replacement: str, flags: int = 0):
    """An edit: the first match of ``pattern`` replaced; returns (text, line of the match)."""

    def edit(text: str) -> tuple[str, int]:
        match = re.search(pattern, text, flags)
        assert match, pattern
        return text[: match.start()] + match.expand(replacement) + text[match.end():], text.count("\n", 0, match.start()) + 1

    return edit


def _empty_dataset(text: str) -> tuple[str, int]:
    match = re.search(r"(<mes:DataSet[^>]*>\n).*?(</mes:DataSet>)", text, re.S)
    return text[: match.start()] + match.group(1) + match.group(2) + text[match.end():], text.count("\n", 0, match.start()) + 1


def _csv_cell(column: str, change, where=lambda row: True):
    """An edit of one SDMX-CSV cell: the first row ``where`` holds, ``change(value)``."""

    def edit(text: str) -> tuple[str, int]:
        rows = list(csv.reader(io.StringIO(text, newline="")))
        index = rows[0].index(column)
        number = next(i for i, row in enumerate(rows[1:], start=1) if where(dict(zip(rows[0], row, strict=True))))
        rows[number][index] = change(rows[number][index])
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator="\r\n").writerows(rows)
        return buffer.getvalue(), number + 1

    return edit


def _header_only(text: str) -> tuple[str, int]:
    return text.split("\r\n", 1)[0] + "\r\n", 1


DATA = "data.xml"
NA_MAIN = "na_main-low.xml"
CSV = "data.csv"
CASES = [
    # data.xml against the project structure
    ("dataflow-unknown", DATA, _sub(r'id="DF_DATA_ASSETS_LOW"', 'id="DF_NO_SUCH_FLOW"'), "STRUCTURE_MISMATCH"),
    ("namespace-other-dsd", DATA, _sub(r'namespace="(urn:[^"]*DataStructure=DATASAT:)DSD_DATA_ASSETS', r'namespace="\1OTHER_DSD'), "NAMESPACE_MISMATCH"),
    ("message-namespace-typo", DATA, _sub(r"schemas/v2_1/message", "schemas/v2_1/mesage"), "BAD_NAMESPACE"),
    ("ref-year-price-5-digits", DATA, _sub(r'REF_YEAR_PRICE="(\d{4})"', r'REF_YEAR_PRICE="\g<1>0"'), "FACET_VIOLATION"),
    ("obs-attribute-on-series", DATA, _sub(r"<Series ", '<Series OBS_STATUS="A" '), "ATTRIBUTE_WRONG_LEVEL"),
    ("empty-data-set", DATA, _empty_dataset, "EMPTY_DATASET"),
    ("more-digits-than-decimals", DATA, _sub(r'OBS_VALUE="(-?\d+\.\d+)"', r'OBS_VALUE="\g<1>123"'), "VALUE_PRECISION"),
    ("not-utf8", DATA, _sub(r'COMMENT_OBS="', 'COMMENT_OBS="\udcff'), "NOT_UTF8"),
    # na_main-low.xml against the shipped ESTAT:NA_MAIN 1.9
    ("value-longer-than-15", NA_MAIN, _sub(r'OBS_VALUE="[^"]*"', 'OBS_VALUE="290.24952986892464"'), "FACET_VIOLATION"),
    ("na-main-dataflow-unknown", NA_MAIN, _sub(r'id="NAMAIN_IDC_N" version="1.9"', 'id="NAMAIN_IDC_X" version="1.9"'), "STRUCTURE_MISMATCH"),
    ("na-main-namespace", NA_MAIN, _sub(r'namespace="(urn:[^"]*)NAMAIN_IDC_N\(1\.9\)', r'namespace="\1NAMAIN_IDC_N(1.8)'), "NAMESPACE_MISMATCH"),
    ("na-main-ref-year-price", NA_MAIN, _sub(r"<Series ", '<Series REF_YEAR_PRICE="20150" '), "FACET_VIOLATION"),
    ("na-main-obs-attribute-on-series", NA_MAIN, _sub(r"<Series ", '<Series CONF_STATUS="F" '), "ATTRIBUTE_WRONG_LEVEL"),
    ("na-main-dataset-attribute-on-obs", NA_MAIN, _sub(r"<Obs ", '<Obs COMMENT_DSET="x" '), "ATTRIBUTE_WRONG_LEVEL"),
    ("na-main-empty", NA_MAIN, _empty_dataset, "EMPTY_DATASET"),
    ("na-main-code", NA_MAIN, _sub(r'STO="P1"', 'STO="P1_DCAP"'), "CODE_NOT_IN_CODELIST"),
    # SDMX-CSV 2.0
    ("csv-action", CSV, _csv_cell("ACTION", lambda v: "X"), "BAD_ACTION"),
    ("csv-structure-type", CSV, _csv_cell("STRUCTURE", lambda v: "dataflows"), "BAD_CSV_STRUCTURE"),
    ("csv-structure-id-form", CSV, _csv_cell("STRUCTURE_ID", lambda v: "DATASAT-DF_DATA_ASSETS_LOW"), "BAD_CSV_STRUCTURE"),
    ("csv-structure-id-unknown", CSV, _csv_cell("STRUCTURE_ID", lambda v: v.replace("_LOW", "_MID")), "STRUCTURE_MISMATCH"),
    ("csv-ref-year-price", CSV, _csv_cell("REF_YEAR_PRICE", lambda v: v + "0", lambda r: r["REF_YEAR_PRICE"] != ""), "FACET_VIOLATION"),
    ("csv-precision", CSV, _csv_cell("OBS_VALUE", lambda v: v + "123", lambda r: "." in r["OBS_VALUE"]), "VALUE_PRECISION"),
    ("csv-empty", CSV, _header_only, "EMPTY_DATASET"),
    ("csv-not-utf8", CSV, _csv_cell("COMMENT_OBS", lambda v: "\udcff" + v), "NOT_UTF8"),
]
STRUCTURES = {DATA: "structure.xml", CSV: "structure.xml", NA_MAIN: "NA_MAIN-1.9"}


def _structure(sdmx_dir: Path, name: str) -> str:
    structure = STRUCTURES[name]
    return str(sdmx_dir / structure) if structure.endswith(".xml") else structure


def _write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8", errors="surrogateescape"))  # "\udcff" becomes the byte 0xFF


@pytest.mark.parametrize(("case", "base", "edit", "code"), CASES, ids=[c[0] for c in CASES])
def test_each_corruption_gives_its_finding_and_line(sdmx_dir, tmp_path, case, base, edit, code):
    text, line = edit((sdmx_dir / base).read_bytes().decode("utf-8"))
    bad = tmp_path / f"{case}{Path(base).suffix}"
    _write(bad, text)
    report = check_message(bad, _structure(sdmx_dir, base))
    found = [(f.code, f.line) for f in report.findings]
    assert (code, line) in found, found
    assert not report.clean
    assert main(["check-sdmx", str(bad), "--structure", _structure(sdmx_dir, base)]) == 2


@pytest.mark.parametrize("name", [DATA, NA_MAIN, CSV, "na_main-high.xml", "data-generic.xml", "data-3.0.xml", "data-csv1.csv"])
def test_every_written_file_is_clean(sdmx_dir, name):
    structure = "NA_MAIN-1.9" if name.startswith("na_main") else str(sdmx_dir / "structure.xml")
    report = check_message(sdmx_dir / name, structure)
    assert report.clean and report.findings == [], report.findings


def test_csv_structure_in_capitals_and_columns_in_any_order_are_clean(sdmx_dir, tmp_path):
    """.Stat Suite writes STRUCTURE=DATAFLOW; SDMX-CSV 2.0 allows any column order."""
    rows = list(csv.reader(io.StringIO((sdmx_dir / CSV).read_text(encoding="utf-8"), newline="")))
    for row in rows[1:]:
        row[0] = row[0].upper()
    order = [0, 1, 2, *range(len(rows[0]) - 1, 2, -1)]  # every column after ACTION reversed
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows([[row[i] for i in order] for row in rows])
    path = tmp_path / "reordered.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    report = check_message(path, str(sdmx_dir / "structure.xml"))
    assert report.clean, report.findings[:5]


def test_usage(capsys, sdmx_dir):
    assert main(["check-sdmx", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: datasat check-sdmx") and "examples:" in out and "exit status:" in out
    assert main(["check-sdmx", str(sdmx_dir / DATA)]) == 2  # --structure missing
    assert "datasat check-sdmx: error" in capsys.readouterr().err
    assert main(["check-sdmx", str(sdmx_dir / "missing.xml"), "--structure", "NA_MAIN-1.9"]) == 2
