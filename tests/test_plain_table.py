"""The plain path of reading a table (compiler.inputs.plain_table) against the exact path.

A pure speed rewrite: wherever the plain path answers, its typed table and messages must
equal those of :func:`compiler.inputs.schema.read_table_exact` (the implementation it
speeds up), so most tests compare the two; the hand-computed tests pin what both give.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler import codes as code_lists
from compiler.inputs import tables as t
from compiler.inputs.load import fixed_code_sets
from compiler.inputs.plain_table import _parsed, read_plain
from compiler.inputs.read import read_table
from compiler.inputs.schema import LINE, parse_numbers, read_table_exact

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = sorted(p.parent for p in [*ROOT.glob("fixtures/*/package.toml"), *ROOT.glob("tests/packages/*/package.toml")])
SCHEMAS = (*t.ALL_TABLES, *t.OPTIONAL_TABLES)
YEARS = range(2018, 2021)
PROFILE = settings(max_examples=150, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))


def code_sets(occupations: set[str], industries: set[str]) -> dict:
    sets = fixed_code_sets()
    sets.update(occupations=occupations, industries=industries, industries_or_total=industries | {code_lists.TOTAL_ACTIVITY})
    return sets


def package_code_sets(folder: Path) -> dict:
    occupations, _ = read_table_exact(folder / t.OCCUPATIONS.name, t.OCCUPATIONS, code_sets(set(), set()))
    industries, _ = read_table_exact(folder / t.INDUSTRIES.name, t.INDUSTRIES, code_sets(set(), set()))
    return code_sets(set(occupations["occupation"]), set(industries["industry"]))


def assert_same(plain: tuple, exact: tuple) -> None:
    """The same typed table (values, dtypes, column order; -0.0 told from 0.0) and messages."""
    (frame, errors), (expected, expected_errors) = plain, exact
    assert [str(e) for e in errors] == [str(e) for e in expected_errors]
    assert (frame is None) == (expected is None)
    if frame is None:
        return
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)
    for column in frame.columns[frame.dtypes == float]:
        a, b = frame[column].to_numpy(), expected[column].to_numpy()
        assert np.array_equal(np.signbit(a), np.signbit(b)), column


@pytest.mark.parametrize("folder", PACKAGES, ids=lambda p: p.name)
def test_bundled_tables_read_alike(folder: Path) -> None:
    """Every table of every bundled package: the same table both ways, and most take the plain path."""
    import tomllib

    settings_ = tomllib.loads((folder / "package.toml").read_text(encoding="utf-8"))["package"]
    years = range(settings_["first_year"], settings_["last_year"] + 1)
    sets, plain = package_code_sets(folder), 0
    for schema in SCHEMAS:
        path = folder / schema.name
        if path.is_file():
            assert_same(read_table(path, schema, sets, years), read_table_exact(path, schema, sets, years))
            plain += read_plain(path.read_bytes(), schema, sets, years, schema.name) is not None
    assert plain >= 3


def write(tmp_path: Path, text: str, name: str = "employment.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


EMPLOYMENT_SETS = code_sets({"2511", "2521"}, {"J", "K"})


def test_plain_employment_by_hand(tmp_path: Path) -> None:
    """Numbers in every plain spelling, the years typed Int64, line numbers from 2."""
    text = "year,occupation,industry,employment,compensation\n2018,2511,J,+5,0.1\n2018,2511,K,5.,.5\n2019,2511,J,007, 12 \n2020,2511,J,1,2\n"
    path = write(tmp_path, text)
    frame, errors = read_plain(path.read_bytes(), t.EMPLOYMENT, EMPLOYMENT_SETS, YEARS, "e.csv")
    assert [str(e) for e in errors] == ["e.csv, column 'year', value '2019-2020': expected a row for every year 2018-2020 for occupation=2511, industry=K"]
    assert list(frame.columns) == ["year", "occupation", "industry", "employment", "compensation", LINE]
    assert frame["year"].dtype == "Int64" and frame["year"].tolist() == [2018, 2018, 2019, 2020]
    assert frame["employment"].tolist() == [5.0, 5.0, 7.0, 1.0]
    assert frame["compensation"].tolist() == [0.1, 0.5, 12.0, 2.0]
    assert frame[LINE].tolist() == [2, 3, 4, 5]
    assert_same((frame, errors), read_table_exact(path, t.EMPLOYMENT, EMPLOYMENT_SETS, YEARS, "e.csv"))


def test_absent_optional_columns_take_their_defaults(tmp_path: Path) -> None:
    """cost_ratios.csv without the optional ratios: 0.0, and tax_ratio missing (NaN), after _line."""
    path = write(tmp_path, "year,industry\n2018,_T\n2019,_T\n2020,_T\n", "cost_ratios.csv")
    frame, errors = read_plain(path.read_bytes(), t.COST_RATIOS, EMPLOYMENT_SETS, YEARS, "c.csv")
    assert errors == []
    assert list(frame.columns) == ["year", "industry", LINE, "capital_ratio", "intermediate_ratio", "other_ratio", "markup", "tax_ratio"]
    assert frame["capital_ratio"].tolist() == [0.0] * 3 and frame["tax_ratio"].isna().all()
    assert_same((frame, errors), read_table_exact(path, t.COST_RATIOS, EMPLOYMENT_SETS, YEARS, "c.csv"))


HEADER = "year,occupation,industry,employment,compensation\n"


@pytest.mark.parametrize(
    "body",
    [
        '2018,2511,J,1,"2"\n',  # a quoted number: plain
        "2018,2511,J,1,2\r\n",  # CR LF: the exact reader
        "2018,2511,J,1,2\n\n2019,2511,J,1,2\n",  # a blank line
        '2018,2511,J,1,"2""3"\n',  # a doubled quote in a cell
        '2018,2511,J,1,"2\n3"\n',  # a line break in a cell
        "2018,2511,J,1,2\x1b\n",  # a control character
        "2018,2511,J,1,2\u2028\n",  # a Unicode line separator
        "2018,2511,J,1\n",  # a field short
        "2018,2511,J,1,2,3\n",  # a field more
        "2018,2511,J,-0,2\n",  # negative zero: pandas reads +0 among integers
        "2018,2511,J,1,-0.0\n2018,2511,K,1,2.5\n",
        "2018,2511,J,1,1234567890123456\n",  # 16 digits: parsed as pandas does
        "2018,2511,J,1,1e5\n",
        "2018,2511,J,1,nan\n",
        "2018,2511,J,,2\n",  # blank
        "2018,2511,X,1,2\n",  # unknown code
        "2018,2511,J,1,2\n2018,2511,J,3,4\n",  # repeated key
        "2017,2511,J,1,2\n",  # year outside the span
        "2018.5,2511,J,1,2\n",
        "2018,2511,J,1,-2\n",  # below the bound
        "2018,2511,J,1e11,2\n",  # above the bound
        " 2018 ,\u00a02511\u3000,J,1,2\n",  # Unicode spaces around a cell
    ],
)
def test_plain_and_exact_agree(tmp_path: Path, body: str) -> None:
    path = write(tmp_path, HEADER + body)
    assert_same(read_table(path, t.EMPLOYMENT, EMPLOYMENT_SETS, YEARS), read_table_exact(path, t.EMPLOYMENT, EMPLOYMENT_SETS, YEARS))


def test_problems_leave_the_plain_path(tmp_path: Path) -> None:
    """Any problem in a cell: the plain path declines, so the exact reader words the message."""
    for body in ("2018,2511,J,,2\n", "2018,2511,X,1,2\n", "2018,2511,J,1,2\n2018,2511,J,3,4\n", "2018,2511,J,1,x\n"):
        assert read_plain((HEADER + body).encode(), t.EMPLOYMENT, EMPLOYMENT_SETS, YEARS, "e.csv") is None, body


def test_carriage_return_in_a_cell_is_a_line_break(tmp_path: Path) -> None:
    """A lone CR in an unquoted cell, after a quoted line break: pandas breaks the line there,
    and the messages count it as an editor does (lines 2-3 one record, then 4 and 5); this
    crashed the line count (csv.Error) before."""
    path = write(tmp_path, HEADER + '2018,2511,J,1,"\n"\n2018,2511,\r,2\n')
    frame, errors = read_table(path, t.EMPLOYMENT, EMPLOYMENT_SETS, YEARS)
    assert frame[LINE].tolist() == [2, 4, 5]
    assert "employment.csv:4, column 'industry', value '': expected a value (industry code from industries.csv)" in [str(e) for e in errors]


NUMBER_TEXT = st.text(alphabet="0123456789+-.eE", min_size=1, max_size=18)


@PROFILE
@given(st.lists(NUMBER_TEXT, min_size=1, max_size=6))
def test_numbers_as_pandas_reads_them(cells: list[str]) -> None:
    """Any column of digit, sign, point and exponent characters: the doubles of the exact reader, bit for bit."""
    import pyarrow as pa

    got, expected = _parsed(pa.array(cells, pa.large_string())), parse_numbers(pd.Series(cells, dtype="str"))
    assert np.array_equal(got, expected, equal_nan=True)
    assert np.array_equal(np.signbit(got), np.signbit(expected))


CELL = st.one_of(
    st.sampled_from(["2018", "2019", "2020", "2511", "2521", "J", "K", "1", "0.5", "-0", "", " ", '"', ",", "\n", "\r", "é", "1e3", "00012"]),
    st.text(alphabet=' 0123456789.,-"\nJK\t', max_size=6),
)


@PROFILE
@given(st.lists(st.lists(CELL, min_size=4, max_size=6), min_size=1, max_size=6), st.booleans())
def test_random_tables_read_alike(rows: list[list[str]], quoted: bool) -> None:
    """Random rows, joined raw or written by the csv module: the same table and messages both ways."""
    import tempfile

    if quoted:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        body = out.getvalue()
    else:
        body = "\n".join(",".join(row) for row in rows) + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp), HEADER + body)
        assert_same(read_table(path, t.EMPLOYMENT, EMPLOYMENT_SETS, YEARS), read_table_exact(path, t.EMPLOYMENT, EMPLOYMENT_SETS, YEARS))
