"""A package as one workbook: the same checks as CSV, located by sheet and cell; conversion both ways."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xlsxwriter

from compiler.cli.main import main
from compiler.outputs.observations import write_observations
from compiler.inputs import InputErrors, load_package
from compiler.inputs.convert import convert
from compiler.inputs.workbook import cell_texts
from compiler.pipeline import compile_package
from compiler.resources import fixtures_dir

HERE = Path(__file__).resolve().parent
ENCRYPTED = HERE / "packages" / "workbooks" / "encrypted.xlsx"
Edit = Callable[[xlsxwriter.Workbook, dict], None]


def build(folder: Path, path: Path, edit: Edit | None = None, skip: tuple[str, ...] = ()) -> Path:
    """Write ``folder`` as a workbook cell by cell (numbers as numbers), then apply ``edit``."""
    book = xlsxwriter.Workbook(str(path))
    sheets = {}
    toml = book.add_worksheet("package.toml")
    for r, line in enumerate((folder / "package.toml").read_text(encoding="utf-8").splitlines()):
        toml.write_string(r, 0, line) if line else None
    for csv in sorted(folder.glob("*.csv")):
        if csv.stem in skip:
            continue
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
        sheet = sheets[csv.stem] = book.add_worksheet(csv.stem)
        sheet.write_row(0, 0, list(frame.columns))
        for r, row in enumerate(frame.itertuples(index=False), start=1):
            for c, text in enumerate(row):
                try:
                    sheet.write_number(r, c, float(text)) if csv.stem != "occupations" or c > 1 else sheet.write_string(r, c, text)
                except ValueError:
                    sheet.write_string(r, c, text)
    if edit is not None:
        edit(book, sheets)
    book.close()
    return path


def errors_of(path: Path) -> list:
    with pytest.raises(InputErrors) as info:
        load_package(path)
    return info.value.errors


def cli_errors(path: Path, capsys) -> str:
    assert main(["validate", str(path)]) == 2
    return capsys.readouterr().err


def only(errors, **fields):
    matching = [e for e in errors if all(getattr(e, k) == v for k, v in fields.items())]
    assert matching, f"no error with {fields} among:\n" + "\n".join(map(str, errors))
    return matching[0]


@pytest.fixture
def book(synthetic: Path, tmp_path: Path) -> Callable[..., Path]:
    return lambda edit=None, skip=(): build(synthetic, tmp_path / "synthetic.xlsx", edit, skip)


# --- cells as CSV text --------------------------------------------------------------


def test_cell_texts_as_a_csv_file_would_hold_them():
    """Whole numbers lose the '.0' that a float carries (2020.0 -> "2020"), other floats
    keep their shortest round-trip form (0.1 -> "0.1"), text is stripped as in a CSV file;
    logical values and dates are not numbers."""
    values = np.array([2020.0, 0.1, 1e-07, 12345678901234.0, " J62 ", "12.5", True, dt.date(2020, 1, 5)], dtype=object)
    texts, bad = cell_texts(values, "number")
    assert texts == ["2020", "0.1", "1e-07", "12345678901234", "J62", "12.5", "TRUE", "2020-01-05"]
    assert [i for i, _ in bad] == [6, 7]
    assert "logical value TRUE" in bad[0][1] and "not a date" in bad[1][1]
    assert cell_texts(values[7:], "text") == (["2020-01-05"], [])  # a date in a label column is its ISO text


def test_a_workbook_gives_the_same_inputs_as_its_folder(synthetic, book):
    folder, workbook = load_package(synthetic), load_package(book())
    for name in ("occupations", "industries", "employment", "cost_ratios", "macro"):
        pd.testing.assert_frame_equal(getattr(folder, name), getattr(workbook, name), check_dtype=False)
    assert workbook.files.keys() == {"synthetic.xlsx"}


def test_a_number_stored_as_text_is_that_number(book):
    """employment!E2 holds the text "12.5" (Excel's 'number stored as text'): read as 12.5, as in CSV."""
    inputs = load_package(book(lambda b, s: s["employment"].write_string(1, 4, "12.5")))
    assert inputs.employment.loc[inputs.employment["_line"] == 2, "compensation"].tolist() == [12.5]


def test_a_formula_with_a_stored_result_is_used_with_a_warning(book):
    """employment!E2 = 50*2 with the stored result 100 (the value the CSV holds): same inputs, one warning."""
    inputs = load_package(book(lambda b, s: s["employment"].write_formula(1, 4, "=50*2", None, 100)))
    assert inputs.employment.loc[inputs.employment["_line"] == 2, "compensation"].tolist() == [100.0]
    assert any("employment: 1 cell(s) hold formulas (E2)" in w for w in inputs.warnings)


# --- bad workbooks: each names sheet and cell, exit 2 ---------------------------------


def test_wrong_type_in_a_cell(book, capsys):
    def edit(b, s):
        s["employment"].write_datetime(2, 3, dt.datetime(2020, 1, 5), b.add_format({"num_format": "yyyy-mm-dd"}))
        s["employment"].write_boolean(3, 4, True)
        s["macro"].write_string(2, 1, "1,234")

    path = book(edit)
    errors = errors_of(path)
    e = only(errors, cell="employment!D3", column="employment", value="2020-01-05")
    assert "not a date" in e.expected
    only(errors, cell="employment!E4", value="TRUE")
    assert "number in currency units" in only(errors, cell="macro!B3", value="1,234").expected  # the CSV message
    assert len([e for e in errors if e.cell == "employment!D3"]) == 1  # reported once, not again as "a number"
    err = cli_errors(path, capsys)
    assert "synthetic.xlsx, employment!D3, column 'employment', value '2020-01-05': expected a number, not a date" in err


def test_a_formula_without_a_stored_result(book):
    errors = errors_of(book(lambda b, s: s["macro"].write_formula(1, 1, "=B3*2", None, "")))
    e = only(errors, cell="macro!B2", value="=B3*2")
    assert "without a stored result" in e.expected


def test_an_excel_error_value(book):
    errors = errors_of(book(lambda b, s: s["macro"].write_formula(1, 1, "=1/0", None, "#DIV/0!")))
    assert "Excel error #DIV/0!" in only(errors, cell="macro!B2").expected


def test_missing_sheet(book, capsys):
    path = book(skip=("cost_ratios",))
    e = only(errors_of(path), cell="cost_ratios")
    assert e.expected.startswith("a sheet cost_ratios in the workbook (it is missing)")
    assert "synthetic.xlsx, cost_ratios: expected a sheet cost_ratios" in cli_errors(path, capsys)


def test_extra_column(book):
    def edit(b, s):
        s["occupations"].write_string(0, 8, "comment")
        s["occupations"].write_string(1, 8, "x")

    e = only(errors_of(book(edit)), cell="occupations!I1", column="comment", value="comment")
    assert e.expected.startswith("only the columns occupation, label")


def test_values_under_no_column_name(book):
    e = only(errors_of(book(lambda b, s: s["macro"].write_number(2, 7, 5))), row=1)
    assert e.expected == "a column name in H1 (the column holds values, e.g. in H3)"


def test_merged_cells(book):
    errors = errors_of(book(lambda b, s: s["industries"].merge_range("A2:B2", "J62")))
    assert "A2:B2 is merged" in only(errors, cell="industries!A2", value="A2:B2").expected


def test_hidden_rows_and_columns(book):
    def edit(b, s):
        s["employment"].set_row(4, None, None, {"hidden": True})
        s["macro"].set_column(5, 5, None, None, {"hidden": True})

    errors = errors_of(book(edit))
    assert "row 5 is hidden" in only(errors, cell="employment!5:5").expected
    assert "column F is hidden" in only(errors, cell="macro!F1", column="population").expected


def test_hidden_sheet(book):
    assert "hidden" in only(errors_of(book(lambda b, s: s["macro"].hide())), cell="macro", value="macro").expected


def test_empty_sheet_and_header_only_sheet(book):
    def edit(b, s):
        b.add_worksheet("imports")
        b.add_worksheet("other_volume_changes").write_row(0, 0, ["year", "asset", "sto", "value"])

    errors = errors_of(book(edit))
    assert "the sheet is empty" in only(errors, cell="imports").expected
    assert "the table is empty" in only(errors, cell="other_volume_changes").expected


def test_unknown_sheet(book):
    e = only(errors_of(book(lambda b, s: b.add_worksheet("employmnt"))), cell="employmnt")
    assert "sheets whose names begin with _" in e.expected


def test_not_a_workbook(tmp_path, capsys):
    path = tmp_path / "package.xlsx"
    path.write_text("year,gdp\n2020,1\n", encoding="utf-8")
    assert "package.xlsx: expected a package folder or an Excel workbook (.xlsx); this file is neither" in cli_errors(path, capsys)


def test_password_protected_workbook(capsys):
    assert "encrypted.xlsx: expected a workbook without a password" in cli_errors(ENCRYPTED, capsys)


def test_package_toml_errors_name_their_line(book, synthetic):
    """A bad setting is located at its row of the package.toml sheet."""
    lines = (synthetic / "package.toml").read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("unit_mult")) + 1

    def edit(b, s):
        b.worksheets()[0].write_string(row - 1, 0, "unit_mult = 99")

    e = only(errors_of(book(edit)), column="package.unit_mult")
    assert e.cell == f"package.toml!A{row}" and e.value == "99"


def test_errors_of_later_stages_name_sheet_and_cell(book, capsys):
    """macro's investment_price_index header renamed to the free-text column "source": the
    table loads, and the stock stage's error (no price index) is located in the sheet."""
    path = book(lambda b, s: s["macro"].write_string(0, 2, "source"))
    assert "synthetic.xlsx, macro!1:1, column 'investment_price_index'" in cli_errors(path, capsys)


# --- conversion ---------------------------------------------------------------------


def _observations(path: Path, out: Path) -> bytes:
    write_observations(compile_package(path).table, out)
    return out.read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["CN", "CA", "NL"])
def test_fixtures_as_workbooks_and_back_compile_to_identical_observations(name, tmp_path, fixture_table):
    folder = fixtures_dir() / name
    workbook, back = tmp_path / f"{name}.xlsx", tmp_path / name
    convert(folder, workbook)
    convert(workbook, back)
    write_observations(fixture_table(name), tmp_path / "folder.csv")
    expected = (tmp_path / "folder.csv").read_bytes()
    assert _observations(workbook, tmp_path / "workbook.csv") == expected
    assert _observations(back, tmp_path / "back.csv") == expected
    assert (back / "package.toml").read_bytes() == (folder / "package.toml").read_bytes()
    assert sorted(p.name for p in back.iterdir()) == sorted(p.name for p in folder.iterdir())


def test_convert_round_trip_keeps_every_cell(synthetic, tmp_path, capsys):
    assert main(["convert", str(synthetic), str(tmp_path / "s.xlsx")]) == 0
    assert main(["convert", str(tmp_path / "s.xlsx"), str(tmp_path / "back")]) == 0
    for csv in synthetic.glob("*.csv"):
        original = pd.read_csv(csv, dtype=str, keep_default_na=False)
        again = pd.read_csv(tmp_path / "back" / csv.name, dtype=str, keep_default_na=False)
        assert list(again.columns) == list(original.columns)
        for column in original:
            numbers = pd.to_numeric(original[column], errors="coerce")
            if numbers.notna().all():  # numbers: the same floats, perhaps written shorter (0.10 -> 0.1)
                assert (pd.to_numeric(again[column]) == numbers).all(), (csv.name, column)
            else:
                assert (again[column] == original[column]).all(), (csv.name, column)


def test_convert_refuses_to_overwrite_and_what_a_workbook_cannot_hold(synthetic, tmp_path, capsys):
    target = tmp_path / "s.xlsx"
    target.write_bytes(b"old")
    assert main(["convert", str(synthetic), str(target)]) == 2
    assert target.read_bytes() == b"old"
    (synthetic / "national_accounts.xml").write_text("<x/>", encoding="utf-8")
    assert main(["convert", str(synthetic), str(tmp_path / "t.xlsx"), "--force"]) == 2
    assert "a workbook cannot hold this file" in capsys.readouterr().err
    assert not (tmp_path / "t.xlsx").exists()


# --- datasat init -------------------------------------------------------------------


@pytest.mark.parametrize("xlsx", [False, True], ids=["folder", "workbook"])
def test_init_writes_a_package_that_validates_unchanged(tmp_path, capsys, xlsx):
    target = tmp_path / "fr"
    assert main(["init", str(target), "--ref-area", "FR", *(["--xlsx"] if xlsx else [])]) == 0
    written = tmp_path / ("fr.xlsx" if xlsx else "fr")
    assert written.exists()
    assert main(["validate", str(written)]) == 0
    inputs = load_package(written)
    assert inputs.manifest.ref_area == "FR"
    for table in ("occupations", "industries", "employment", "cost_ratios", "macro"):
        assert inputs.manifest.provenance.status(table) == "illustrative"


def test_init_package_toml_shows_every_section(tmp_path):
    """Every section that package.toml may hold (the parser's declaration) is in the starter,
    active or commented out, and every [pim.<asset>] is there."""
    from compiler.inputs.manifest import section_keys
    from compiler.inputs.starter import starter_package

    toml = starter_package("FR").toml
    for section in section_keys():
        assert f"[{section}" in toml, section
    for asset in ("default", "data", "databases", "data_rd"):
        assert f"\n[pim.{asset}]\n" in toml


def test_init_candidate_occupations_are_labelled():
    """The 17 ISCO-08 unit groups listed as candidates (CBS 2020's classification), each
    labelled with its source, as illustrative and as a starting point to review."""
    from compiler.inputs.starter import starter_package

    occupations = starter_package("FR").tables["occupations"]
    assert len(occupations) == 17 and occupations["occupation"].str.fullmatch(r"\d{4}").all()
    assert {"2521", "2120", "4132"} <= set(occupations["occupation"])
    assert occupations["source"].str.contains("ISCO-08").all()
    assert occupations["source"].str.contains("ILLUSTRATIVE").all() and occupations["source"].str.contains("review").all()
    for asset in ("data", "databases", "data_rd"):
        assert (occupations[f"{asset}_low"].astype(float) <= occupations[f"{asset}_high"].astype(float)).all()


def test_init_refuses_an_existing_path_and_an_unknown_area(tmp_path, capsys):
    (tmp_path / "fr").mkdir()
    assert main(["init", str(tmp_path / "fr"), "--ref-area", "FR"]) == 2
    assert "does not overwrite" in capsys.readouterr().err
    assert main(["init", str(tmp_path / "zz"), "--ref-area", "ZZ9"]) == 2
    assert "an area code of IMF:CL_AREA" in capsys.readouterr().err
    assert not (tmp_path / "zz").exists()


def test_written_workbook_has_notes_and_validation_lists(tmp_path):
    """Header notes carry description and unit; coded columns get list validation from the
    sheet that defines the codes or from _codes; numbers their documented range."""
    import openpyxl

    assert main(["init", str(tmp_path / "fr.xlsx"), "--ref-area", "FR"]) == 0
    book = openpyxl.load_workbook(tmp_path / "fr.xlsx")
    employment = book["employment"]
    assert "persons employed" in employment["D1"].comment.text and "unit: persons" in employment["D1"].comment.text
    rules = {str(v.sqref): v for v in employment.data_validations.dataValidation}
    assert rules["B2:B1048576"].type == "list" and rules["B2:B1048576"].formula1 == "occupations!$A$2:$A$1048576"
    assert rules["C2:C1048576"].formula1 == "industries!$A$2:$A$1048576"
    assert rules["D2:D1048576"].type == "decimal"
    sectors = {str(v.sqref): v for v in book["industries"].data_validations.dataValidation}["C2:C1048576"]
    codes_sheet = book["_codes"]
    column = next(c for c in codes_sheet[1] if c.value == "CL_SECTOR").column_letter
    assert sectors.formula1.startswith(f"_codes!${column}$2:${column}$")
    assert "S13" in [c.value for c in codes_sheet[column]]


BAD_WORKBOOKS = {
    "wrong type in a cell": (lambda b, s: s["employment"].write_boolean(3, 4, False), "employment!E4, column 'compensation', value 'FALSE'"),
    "missing sheet": ("cost_ratios", "synthetic.xlsx, cost_ratios: expected a sheet cost_ratios"),
    "extra column": (lambda b, s: s["macro"].write_string(0, 6, "gdp_usd"), "macro!G1, column 'gdp_usd', value 'gdp_usd': expected only the columns"),
    "merged cells": (lambda b, s: s["cost_ratios"].merge_range("C2:D2", 0.5), "cost_ratios!C2, column 'capital_ratio', value 'C2:D2'"),
    "hidden rows": (lambda b, s: s["occupations"].set_row(2, None, None, {"hidden": True}), "occupations!3:3: expected visible rows (row 3 is hidden"),
    "empty sheet": (lambda b, s: b.add_worksheet("imports"), "synthetic.xlsx, imports: expected a header in row 1 from A1"),
}


@pytest.mark.parametrize("case", list(BAD_WORKBOOKS))
def test_each_bad_workbook_exits_2_naming_sheet_and_cell(book, capsys, case):
    edit, expected = BAD_WORKBOOKS[case]
    path = book(skip=(edit,)) if isinstance(edit, str) else book(edit)
    assert expected in cli_errors(path, capsys)


def test_job_records_and_legacy_xls_are_refused(book, synthetic, tmp_path):
    """A workbook cannot hold job records (the error names the package.toml row); an
    Excel 97-2003 file (an OLE container without encryption) is named as such."""
    lines = (synthetic / "package.toml").read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("labour_input")) + 1
    errors = errors_of(book(lambda b, s: b.worksheets()[0].write_string(row - 1, 0, 'labour_input = "microdata"')))
    assert only(errors, column="package.labour_input").cell == f"package.toml!A{row}"
    legacy = tmp_path / "old.xls"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert "Excel 97-2003 .xls file" in only(errors_of(legacy), file="old.xls").expected


def test_convert_writes_formula_results_as_values_and_says_so(book, tmp_path, capsys):
    """employment!E2 = 50*3 stored as 150 (the CSV held 100): the CSV gets 150 and the command warns."""
    path = book(lambda b, s: s["employment"].write_formula(1, 4, "=50*3", None, 150))
    assert main(["convert", str(path), str(tmp_path / "back")]) == 0
    assert "warning: synthetic.xlsx, employment: 1 cell(s) hold formulas (E2)" in capsys.readouterr().out
    assert (tmp_path / "back" / "employment.csv").read_text(encoding="utf-8").splitlines()[1] == "2020,T01,J62,10,150"
