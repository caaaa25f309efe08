"""Issue 13 (messages): the cause first and its cascade suppressed, delimiters named, line
numbers right after multi-line cells, headers as written, every package's problems."""

from __future__ import annotations

import pytest

from compiler.cli.main import main
from compiler.inputs import InputErrors, load_package


def errors_of(folder):
    with pytest.raises(InputErrors) as info:
        load_package(folder)
    return info.value.errors


def test_bom_is_listed_first_and_its_cascade_is_one_line(synthetic):
    """A BOM makes occupations.csv unreadable: employment.csv's 12 occupation codes are not
    checked (12 data rows in the synthetic employment.csv), said once, not 12 times."""
    path = synthetic / "occupations.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    errors = errors_of(synthetic)
    assert str(errors[0]) == "synthetic/occupations.csv:1, value '\\\\xef\\\\xbb\\\\xbf': expected UTF-8 text without a byte-order mark (found a UTF-8 BOM)"
    employment = [e for e in errors if e.file == "synthetic/employment.csv"]
    assert [(e.column, e.value) for e in employment] == [("occupation", "12 cells")]
    assert "not checked, as that table could not be read" in employment[0].expected


@pytest.mark.parametrize(("delimiter", "called"), [(";", "semicolons"), ("\t", "tabs")])
def test_other_delimiter_is_named_once(synthetic, delimiter, called):
    path = synthetic / "macro.csv"
    path.write_text(path.read_text().replace(",", delimiter))
    errors = [e for e in errors_of(synthetic) if e.file == "synthetic/macro.csv"]
    assert len(errors) == 1 and errors[0].row == 1
    assert errors[0].expected == f"comma-separated values (the file is separated by {called}; save it as CSV with commas)"
    assert errors_of(synthetic)[0] == errors[0]  # listed first


def test_line_numbers_after_a_multi_line_cell(synthetic):
    """Line 2's label spans lines 2-3, so the record 'T02' begins on line 4 (not 3)."""
    path = synthetic / "occupations.csv"
    text = path.read_text().replace("T01,data-entry occupation,", 'T01,"data-entry\noccupation",', 1)
    text = text.replace("T02,database administrator,0.05,", "T02,database administrator,x,", 1)
    path.write_text(text)
    errors = [e for e in errors_of(synthetic) if e.file == "synthetic/occupations.csv"]
    assert [(e.row, e.column) for e in errors] == [(2, "label"), (4, "data_low")]


def test_duplicated_header_is_quoted_as_written(synthetic):
    path = synthetic / "employment.csv"
    path.write_text(path.read_text().replace("year,occupation,industry,employment,compensation", "year,occupation,industry,employment,employment", 1))
    (error,) = [e for e in errors_of(synthetic) if e.file == "synthetic/employment.csv"]
    assert (error.row, error.column, error.expected) == (1, "employment", "distinct column names (the header has 'employment' 2 times)")


def test_validate_reports_every_package_crash_included(synthetic, tmp_path, monkeypatch, capsys):
    """A crash in one package is not swallowed by another's input error: both are printed, exit 1."""
    import shutil

    from compiler import parallel

    good = tmp_path / "good"
    shutil.copytree(synthetic, good)
    (synthetic / "macro.csv").write_text("year,gdp\n2020,x\n")
    real = parallel.package_stages

    def crash_on_good(inputs, cost_rows):
        if inputs.folder.name == "good":
            raise RuntimeError("boom")
        return real(inputs, cost_rows)

    monkeypatch.setattr(parallel, "package_stages", crash_on_good)
    assert main(["validate", str(synthetic), str(good)]) == 1
    err = capsys.readouterr().err
    assert "synthetic/macro.csv:2, column 'gdp', value 'x'" in err
    assert "datasat: also internal error RuntimeError: boom (while compiling " in err and "good" in err


def test_packages_in_folders_of_the_same_name_are_told_apart(synthetic, tmp_path, capsys):
    import shutil

    first, second = tmp_path / "a" / "pkg", tmp_path / "b" / "pkg"
    for folder, area in ((first, "DE"), (second, "FR")):
        shutil.copytree(synthetic, folder)
        toml = folder / "package.toml"
        toml.write_text(toml.read_text().replace('ref_area = "_X"', f'ref_area = "{area}"'))
        (folder / "macro.csv").write_text("year,gdp\n2020,x\n")
    assert main(["validate", str(first), str(second)]) == 2
    err = capsys.readouterr().err
    assert f"{first}/macro.csv:2, column 'gdp', value 'x'" in err and f"{second}/macro.csv:2, column 'gdp', value 'x'" in err
