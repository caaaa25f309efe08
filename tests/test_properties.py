"""Property-based tests (hypothesis): a corrupted package gives exit 0 with finite output or
exit 2 naming the file, never exit 1 and never a traceback (issue 13).

Each example copies the synthetic package, corrupts one thing (a cell, a file's bytes or
header, a package.toml setting) and runs ``datasat validate``, which runs every check
``compile`` runs on inputs. Examples are derandomised and bounded (``PROFILE``), so the
run is the same on every machine and takes about a minute.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.cli.main import main
from compiler.parallel import compile_many

SYNTHETIC = Path(__file__).resolve().parent / "packages" / "synthetic"
TABLES = ("occupations.csv", "industries.csv", "employment.csv", "cost_ratios.csv", "macro.csv", "national_accounts.csv")
PROFILE = settings(max_examples=25, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))

#: Values a user or a broken export might put in a cell.
SPECIAL = (
    "", " ", "nan", "NaN", "inf", "-inf", "Infinity", "1e999", "-1e999", "1e308", "-1e308", "1e-300", "0", "-0", "-1",
    "2020.5", "2021", "1,5", "1.5.2", "0x10", "=HYPERLINK(\"http://x\",\"y\")", "+1", "@SUM(A1)", "\x00", "a\x1bb",
    "é", "S1", "_T", "J62", "T01", "\"", "'", "\\", "x" * 600, "９", "1_000",
)
cell_values = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(max_size=8),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)


def run_validate(folder: Path) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["validate", str(folder), "-q"])
    return code, err.getvalue()


def assert_invariant(folder: Path) -> None:
    """Exit 0 with only finite values, or exit 2 with every error naming a file of the package."""
    code, err = run_validate(folder)
    assert "Traceback" not in err and "internal error" not in err, err
    assert code in (0, 2), (code, err)
    if code == 0:
        (result,) = compile_many([folder])
        assert np.isfinite(result.table["OBS_VALUE"].to_numpy()).all()
        return
    lines = [line for line in err.splitlines() if line.startswith("  ")]
    assert lines, err
    for line in lines:  # "  pkg/<file>[:line][, column|key '...'][, value '...']: expected ..."
        assert re.match(r"  (pkg|\S*pkg)[/\\][^:]+(:\d+)?(, |: expected )", line) or line.startswith("  pkg "), line


def copy() -> Path:
    target = Path(tempfile.mkdtemp(prefix="datasat-prop-")) / "pkg"
    shutil.copytree(SYNTHETIC, target)
    return target


@PROFILE
@given(table=st.sampled_from(TABLES), row=st.integers(min_value=0, max_value=40), column=st.integers(min_value=0, max_value=8), value=cell_values)
def test_any_cell_value(table, row, column, value):
    folder = copy()
    try:
        path = folder / table
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        body = rows[1:]
        target = body[row % len(body)]
        target[column % len(target)] = value
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
        assert_invariant(folder)
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)


FILE_DAMAGE = (
    "bom", "latin-1", "utf-16", "semicolons", "tabs", "duplicate header", "drop header column", "rename header",
    "empty", "truncate", "delete", "directory", "blank lines", "crlf", "extra field", "missing field", "multi-line cell",
)


@PROFILE
@given(table=st.sampled_from(TABLES), damage=st.sampled_from(FILE_DAMAGE), cut=st.integers(min_value=0, max_value=400))
def test_any_damaged_file(table, damage, cut):
    folder = copy()
    try:
        path = folder / table
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        header = lines[0].split(",")
        damaged: str | bytes | None = {
            "bom": b"\xef\xbb\xbf" + text.encode(),
            "latin-1": text.replace(lines[0], lines[0] + ",note").replace("\n", ",é\n").replace(lines[0] + ",note,é", lines[0] + ",note").encode("latin-1"),
            "utf-16": text.encode("utf-16"),
            "semicolons": text.replace(",", ";"),
            "tabs": text.replace(",", "\t"),
            "duplicate header": text.replace(lines[0], lines[0] + "," + header[-1], 1),
            "drop header column": text.replace(lines[0], ",".join(header[:-1]), 1),
            "rename header": text.replace(lines[0], ",".join([*header[:-1], header[-1] + "_x"]), 1),
            "empty": "",
            "truncate": text[: cut % max(len(text), 1)],
            "delete": None,
            "blank lines": text.replace("\n", "\n\n"),
            "crlf": text.replace("\n", "\r\n"),
            "extra field": text.replace(lines[-1], lines[-1] + ",1"),
            "missing field": text.replace(lines[-1], lines[-1].rsplit(",", 1)[0]),
            "multi-line cell": text.replace(lines[-1], lines[-1] + "\n" + ",".join(['"a\nb"', *lines[-1].split(",")[1:]])),
        }.get(damage)
        path.unlink()
        if damage == "directory":
            path.mkdir()
        elif isinstance(damaged, bytes):
            path.write_bytes(damaged)
        elif damaged is not None:
            path.write_text(damaged, encoding="utf-8")
        assert_invariant(folder)
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)


toml_values = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda f: "nan" if f != f else ("inf" if f == float("inf") else "-inf" if f == float("-inf") else repr(f))),
    st.text(max_size=10).map(json.dumps),
    st.sampled_from(["true", "false", "[]", "{}", "[1, 2]", '["S13"]', '"occupations"', '"microdata"', '"industry_shares"', "1979-05-27", "=", '"', "2020.5"]),
)


@PROFILE
@given(line=st.integers(min_value=0, max_value=60), action=st.sampled_from(("value", "rename", "delete", "add")), value=toml_values)
def test_any_setting(line, action, value):
    folder = copy()
    try:
        path = folder / "package.toml"
        lines = path.read_text(encoding="utf-8").splitlines()
        settings_lines = [i for i, text in enumerate(lines) if re.match(r"\s*[A-Za-z_]+\s*=", text)]
        i = settings_lines[line % len(settings_lines)]
        key = lines[i].split("=", 1)[0].strip()
        if action == "value":
            lines[i] = f"{key} = {value}"
        elif action == "rename":
            lines[i] = lines[i].replace(key, key + "_x", 1)
        elif action == "delete":
            del lines[i]
        else:
            lines.insert(i + 1, f"extra_key = {value}")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        assert_invariant(folder)
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)
