"""Issue 13: a formula in a label is inert in every CSV; control characters and overlong labels are input errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from compiler.cli.main import main, write_records
from compiler.outputs.csv_safety import neutralise
from compiler.inputs import InputErrors, load_package

FORMULA = '=HYPERLINK("http://x","y")'
ORIGINAL = 'J62,"Computer programming, consultancy and related activities",S11'


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),  # text from a package: a spreadsheet would compute it, so it is made text
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Data 1-2", "Data 1-2"),  # only the first character counts (OWASP)
        ("", ""),
    ],
)
def test_neutralise_follows_owasp(cell, written):
    assert neutralise(cell) == written


def _hyperlink_label(synthetic: Path) -> None:
    path = synthetic / "industries.csv"
    path.write_text(path.read_text().replace(ORIGINAL, 'J62,"=HYPERLINK(""http://x"",""y"")",S11'))


def test_formula_label_is_inert_in_every_csv_written(synthetic, tmp_path):
    """Every CSV of OUT (observations, HTML downloads, SDMX-CSV, report lists): no cell begins like a formula
    unless it is a number, and the label, where it appears, appears as '=HYPERLINK(...)."""
    _hyperlink_label(synthetic)
    out = tmp_path / "out"
    assert main(["compile", str(synthetic), "-o", str(out), "-q"]) == 0
    found = 0
    for path in out.rglob("*.csv"):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
            for cell in row:
                if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
                    float(cell)  # only numbers may begin with - or +
                found += cell.startswith("'" + FORMULA)
    assert found > 0  # the label is in the HTML downloads, neutralised


def test_report_lists_neutralise_text(tmp_path):
    path = tmp_path / "list.csv"
    write_records([{"value": "=cmd|' /C calc'!A0", "count": -3}], path)
    assert path.read_text().splitlines() == ["value,count", "'=cmd|' /C calc'!A0,-3"]


@pytest.mark.parametrize(
    ("label", "shown", "expected"),
    [
        ("Data\x00base", "Data\\x00base", "text without control characters (found U+0000)"),
        ("Data\x1bbase", "Data\\x1bbase", "text without control characters (found U+001B)"),
        ('"Data\nbase"', "Data\\nbase", "text without control characters (found U+000A)"),
        ("x" * 501, "x" * 60 + "...", "at most 500 characters (found 501)"),
    ],
)
def test_bad_label_is_an_input_error(synthetic, label, shown, expected):
    path = synthetic / "industries.csv"
    path.write_text(path.read_text().replace(ORIGINAL, f"J62,{label},S11"))
    with pytest.raises(InputErrors) as info:
        load_package(synthetic)
    errors = [e for e in info.value.errors if e.file == "synthetic/industries.csv" and e.column == "label"]
    assert [(e.row, e.value, e.expected) for e in errors] == [(2, shown, expected)]


def test_label_of_500_characters_is_accepted(synthetic):
    path = synthetic / "industries.csv"
    path.write_text(path.read_text().replace(ORIGINAL, "J62," + "x" * 500 + ",S11"))
    assert load_package(synthetic).industries["label"].str.len().max() == 500
