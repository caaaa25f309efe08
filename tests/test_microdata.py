"""Labour input from job records: DuckDB and Dask aggregate them exactly, and alike.

tests/packages/synthetic_micro holds job records (CSV for 2020-2021, Parquet for 2022;
scripts/build_synthetic_micro.py) that aggregate exactly to the employment.csv of
tests/packages/synthetic, so both packages must compile to the same canonical table.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from compiler.inputs.microdata import Options, inspect_files, run_engine, show
from compiler.inputs.microdata.duckdb_engine import connect
from compiler.inputs.microdata.spec import BIT, NUMBER_RE, OUT_OF_SCOPE, WHITESPACE, Spec
from compiler.inputs import InputErrors, load_package
from compiler.inputs.manifest import MicrodataSettings
from compiler.pipeline import compile_package
from compiler.outputs.report import package_report

HERE = Path(__file__).resolve().parent
SYNTHETIC = HERE / "packages" / "synthetic"
MICRO = HERE / "packages" / "synthetic_micro"
PROJECT = HERE.parent


@pytest.fixture(scope="module")
def dask_client():
    """A local Dask cluster: two single-threaded worker processes (the engine uses the current client)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, scheduler_kwargs={"dashboard": False}
    ) as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture
def micro(tmp_path: Path) -> Path:
    target = tmp_path / "synthetic_micro"
    shutil.copytree(MICRO, target)
    return target


def errors_of(folder: Path, engine: str = "duckdb") -> list:
    with pytest.raises(InputErrors) as info:
        load_package(folder, engine=engine)
    return info.value.errors


def only(errors, **fields):
    matching = [e for e in errors if all(getattr(e, k) == v for k, v in fields.items())]
    assert matching, f"no error with {fields} among:\n" + "\n".join(map(str, errors))
    return matching[0]


def set_microdata(folder: Path, **keys) -> None:
    """Replace keys of package.toml's [microdata] table (values as TOML text)."""
    path = folder / "package.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("[microdata]")
    for key, value in keys.items():
        lines = [line for line in lines if not line.startswith(f"{key} =")]
        lines.insert(start + 1, f"{key} = {value}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def employment_table(folder: Path, engine: str = "duckdb") -> pd.DataFrame:
    frame = load_package(folder, engine=engine).employment.drop(columns="_line")
    return frame.sort_values(["year", "occupation", "industry"]).reset_index(drop=True)


# --- the fixture: microdata == employment.csv ----------------------------------------------


def test_microdata_aggregate_to_the_employment_table():
    micro, csv = employment_table(MICRO), employment_table(SYNTHETIC)
    assert list(micro.columns) == list(csv.columns)
    pd.testing.assert_frame_equal(micro, csv, check_exact=True, check_dtype=False)
    assert micro["employment"].dtype == float and micro["year"].dtype == csv["year"].dtype


def test_microdata_package_compiles_to_the_same_table():
    micro, csv = compile_package(MICRO), compile_package(SYNTHETIC)
    pd.testing.assert_frame_equal(micro.table.reset_index(drop=True), csv.table.reset_index(drop=True), check_exact=True)


def test_counts_and_files_in_the_report():
    result = compile_package(MICRO)
    report = json.loads(json.dumps(package_report(result)))
    counts = report["inputs"]["microdata"]
    assert counts["engine"] == "duckdb"
    assert counts["records"] == {"read": 48, "used": 48, "out_of_scope": 0, "rejected": 0}
    assert counts["weight"] == {"used": 83.0, "out_of_scope": 0.0, "used_share": 1.0}
    assert counts["other_occupations"] == "reject" and counts["summary"] == "48 job records read: 48 used, 0 rejected"
    assert set(counts["rejected_by_reason"]) == {"year", "occupation", "industry", "sector", "weight", "compensation", "hours"}
    assert [f["file"] for f in counts["files"]] == ["jobs/jobs-2020.csv", "jobs/jobs-2021.csv", "jobs/jobs-2022.parquet"]
    assert {"jobs/jobs-2020.csv", "jobs/jobs-2022.parquet", "package.toml"} <= set(report["inputs"]["files"])
    assert "microdata" not in package_report(compile_package(SYNTHETIC))["inputs"]


def test_fixture_is_what_the_script_builds(tmp_path: Path):
    out = tmp_path / "built"
    subprocess.run([sys.executable, str(PROJECT / "scripts" / "build_synthetic_micro.py"), str(out)], check=True)
    for path in sorted(MICRO.rglob("*")):
        if path.is_file():
            built = out / path.relative_to(MICRO)
            if path.suffix == ".parquet":
                assert pq.read_table(built).equals(pq.read_table(path)), path.name
            else:
                assert built.read_bytes() == path.read_bytes(), path.name


# --- DuckDB and Dask ---------------------------------------------------------------------


def test_dask_gives_the_same_table_as_duckdb(dask_client, micro):
    duck, dask = load_package(MICRO, engine="duckdb"), load_package(MICRO, engine="dask")
    pd.testing.assert_frame_equal(dask.employment, duck.employment, check_exact=True)
    assert dask.microdata == {**duck.microdata, "engine": "dask"}
    # with records out of scope and rejected (CSV and Parquet)
    add_scope_records(micro, "csv")
    add_scope_records(micro, "parquet")
    set_microdata(micro, other_occupations='"out_of_scope"', max_rejected_share="0.3")
    duck, dask = load_package(micro, engine="duckdb"), load_package(micro, engine="dask")
    pd.testing.assert_frame_equal(dask.employment, duck.employment, check_exact=True)
    assert dask.microdata == {**duck.microdata, "engine": "dask"} and dask.warnings == duck.warnings
    assert duck.microdata["records"] == {"read": 70, "used": 50, "out_of_scope": 6, "rejected": 14}


def awkward_package(folder: Path, n: int = 40_000, seed: int = 7) -> tuple[Spec, dict]:
    """Many-digit numbers, spaces, bad cells; the same records as CSV and as Parquet."""
    rng = np.random.default_rng(seed)
    shutil.copytree(MICRO, folder)
    shutil.rmtree(folder / "jobs")
    (folder / "jobs").mkdir()
    occupation = rng.choice(["T01", "T02", "T03", "T04", " T02\t", "T99", ""], n, p=[0.3, 0.3, 0.2, 0.16, 0.02, 0.01, 0.01])
    industry = rng.choice(["J62", "O84", "X99"], n, p=[0.7, 0.295, 0.005])
    sector = np.where(industry == "O84", "S13", "S11")
    sector[rng.random(n) < 0.005] = "S13"
    year = rng.choice(["2020", "2021", "2022", "2021.0", " 2022", "2023", "x"], n, p=[0.3, 0.3, 0.3, 0.04, 0.04, 0.01, 0.01])
    weight = np.array([repr(float(v)) for v in rng.uniform(0.001, 500, n)], dtype=object)
    short = rng.random(n) < 0.3
    weight[short] = [f"{v:.3f}" for v in rng.uniform(1, 20, int(short.sum()))]
    pay = np.array([f"{v:.{d}f}" for v, d in zip(rng.uniform(0, 2e5, n), rng.integers(0, 9, n))], dtype=object)
    hours = np.array([repr(float(v)) for v in rng.integers(0, 3000, n)], dtype=object)
    hours[rng.random(n) < 0.1] = ""
    for column, bad in ((weight, ["-1", "0", "nan", "inf", "1e10", ""]), (pay, ["-0.5", "abc", "1e16", "", ".5", "1E3"]), (hours, ["-3", "9000"])):
        where = rng.choice(n, 40, replace=False)
        column[where] = rng.choice(bad, 40)
    names = ["year", "occupation", "industry", "sector", "weight", "annual_pay", "hours"]
    frame = pd.DataFrame(dict(zip(names, [year, occupation, industry, sector, weight, pay, hours])))
    frame.to_csv(folder / "jobs" / "a.csv", index=False)
    # the same records typed in Parquet: numbers as doubles (bad text -> NaN), year as integers
    typed = frame.copy()
    for column in ("weight", "annual_pay", "hours"):
        typed[column] = [number(v) for v in typed[column]]
    typed["year"] = pd.array([int(y) if y == y and y == int(y) else None for y in map(number, typed["year"])], dtype="Int64")
    table = pa.Table.from_pandas(typed, preserve_index=False)
    pq.write_table(table, folder / "jobs" / "b.parquet", row_group_size=3000)
    settings = MicrodataSettings(files=("jobs/*.csv", "jobs/*.parquet"), columns={"compensation": "annual_pay"})
    files, errors = inspect_files(settings, folder, folder.name + "/")
    assert not errors
    spec = Spec(tuple(files), range(2020, 2023), ("T01", "T02", "T03", "T04"), {"J62": "S11", "O84": "S13"}, fte=False)
    return spec, {"occupation": occupation, "frame": frame}


def number(text: str) -> float:
    """A text cell as the engines read it (NUMBER_RE, correctly rounded), NaN if none."""
    text = text.strip(WHITESPACE)
    return float(text) if re.fullmatch(NUMBER_RE, text) else float("nan")


def as_tuples(raw):
    examples = sorted((e.file, e.row, e.reason, show(e.value), e.industry) for e in raw.examples)
    return raw.groups, raw.masks, examples, raw.weights


def test_engines_agree_on_awkward_records_across_partitions(tmp_path: Path, dask_client):
    spec, made = awkward_package(tmp_path / "awkward")
    small = Options(memory_limit="256MB", threads=2, csv_blocksize=256 * 1024, parquet_blocksize=64 * 1024)
    duck, dask = run_engine(spec, "duckdb", small), run_engine(spec, "dask", small)
    assert as_tuples(dask) == as_tuples(duck)
    assert sum(duck.masks.values()) == 2 * 40_000 and any(mask for _, mask in duck.masks)
    # rows: CSV lines (header = 1), Parquet record numbers (from 1)
    first_bad = int(np.flatnonzero(made["occupation"] == "T99")[0])
    rows = {(e.file, e.row) for e in duck.examples if e.reason == "occupation" and e.value == "T99"}
    assert (0, first_bad + 2) in rows and (1, first_bad + 1) in rows
    # the exact sums: Python over the same rule, on one cell
    frame = made["frame"]
    cell = frame[(frame["year"] == "2020") & (frame["occupation"] == "T01") & (frame["industry"] == "J62") & (frame["sector"] == "S11")]
    weight = np.array([number(v) for v in cell["weight"]])
    pay = np.array([number(v) for v in cell["annual_pay"]])
    hours = np.array([number(v) if v else 0.0 for v in cell["hours"]])
    with np.errstate(invalid="ignore"):
        good = (weight >= 1e-6) & (weight <= 1e9) & (pay >= 0) & (pay <= 1e15) & (hours >= 0) & (hours <= 8784)
    w = [int(np.floor(v * 1e6 + 0.5)) for v in weight[good]]
    c = [int(np.floor(v * 100 + 0.5)) for v in pay[good]]
    assert duck.groups[2020, "T01", "J62"][:3] == [int(good.sum()) * 2, 2 * sum(w), 2 * sum(a * b for a, b in zip(w, c))]


def test_engines_agree_on_awkward_records_out_of_scope(tmp_path: Path, dask_client):
    """other_occupations = "out_of_scope": the same masks, sums, weights and examples in both
    engines; a valid record in another occupation (T99) moves from the occupation rule to
    OUT_OF_SCOPE, a record without a code still breaks the rule, and the sums do not change."""
    spec, _ = awkward_package(tmp_path / "awkward")
    scoped = dataclasses.replace(spec, other_occupations="out_of_scope")
    small = Options(memory_limit="256MB", threads=2, csv_blocksize=256 * 1024, parquet_blocksize=64 * 1024)
    duck, dask = run_engine(scoped, "duckdb", small), run_engine(scoped, "dask", small)
    assert as_tuples(dask) == as_tuples(duck)
    rejecting = run_engine(spec, "duckdb", small)
    assert duck.groups == rejecting.groups
    occupation = BIT["occupation"]
    for f in (0, 1):
        out = duck.masks[f, OUT_OF_SCOPE]
        assert out > 100 and out + duck.masks[f, occupation] == rejecting.masks[f, occupation]
        # a record in another occupation that breaks other rules is still rejected, with those rules only
        for mask, n in rejecting.masks.items():
            if mask[0] == f and mask[1] & occupation and mask[1] != occupation:
                assert duck.masks.get((f, mask[1]), 0) + duck.masks.get((f, mask[1] - occupation + OUT_OF_SCOPE), 0) == n
    assert sum(duck.masks.values()) == 2 * 40_000
    assert sum(w for (_, mask), w in duck.weights.items() if mask == 0) == sum(g[1] for g in duck.groups.values())
    assert not [e for e in duck.examples if e.reason == "occupation" and e.value is not None and str(e.value).strip()]


def test_text_to_double_is_correctly_rounded_in_both_engines():
    """Both engines parse text cells with correct rounding: the same doubles as Python's float()."""
    import duckdb
    import pyarrow.compute as pc

    rng = np.random.default_rng(3)
    digits = rng.integers(0, 10, (20_000, 22))
    texts = ["".join(map(str, row[: 1 + k])) + "." + "".join(map(str, row[k + 1 :])) for row, k in zip(digits, rng.integers(0, 20, 20_000))]
    texts += [f"{m}e{e}" for m, e in zip(rng.integers(1, 10**17, 5000), rng.integers(-30, 30, 5000))]
    expected = [float(t) for t in texts]
    table = pa.table({"i": range(len(texts)), "t": texts})
    con = duckdb.connect()
    con.register("texts", table)
    via_duckdb = [r[0] for r in con.execute("SELECT CAST(t AS DOUBLE) FROM texts ORDER BY i").fetchall()]
    assert via_duckdb == expected
    assert pc.cast(table["t"], pa.float64()).to_pylist() == expected


def test_integer_codes_and_years_in_parquet(tmp_path: Path, dask_client):
    """NOC-style numeric occupation codes stored as integers match occupations.csv's text codes."""
    table = pa.table(
        {
            "year": pa.array([2020, 2021, None, 2030, 2020], pa.int32()),
            "occupation": pa.array([2172, 2173, 2172, 2172, 9999], pa.int64()),
            "industry": ["J62", "J62", "J62", "J62", "J62"],
            "weight": [1.0, 2.0, 1.0, 1.0, 1.0],
            "compensation": pa.array([100, 200, 100, 100, 100], pa.int64()),
        }
    )
    (tmp_path / "jobs").mkdir()
    pq.write_table(table, tmp_path / "jobs" / "jobs.parquet")
    files, errors = inspect_files(MicrodataSettings(files=("jobs/*.parquet",)), tmp_path, "p/")
    assert not errors and files[0].kinds["occupation"] == "integer"
    spec = Spec(tuple(files), range(2020, 2023), ("2172", "2173"), {"J62": "S11"}, fte=False)
    duck, dask = run_engine(spec, "duckdb"), run_engine(spec, "dask")
    assert as_tuples(dask) == as_tuples(duck)
    assert duck.groups == {(2020, "2172", "J62"): [1, 10**6, 10**6 * 10**4, 0], (2021, "2173", "J62"): [1, 2 * 10**6, 2 * 10**6 * 2 * 10**4, 0]}
    assert sorted((e.row, e.reason, show(e.value)) for e in duck.examples) == [(3, "year", None), (4, "year", "2030"), (5, "occupation", "9999")]


def test_number_syntax_is_the_same_in_both_engines():
    """Every text of up to 4 characters from digits, signs, dot, exponent, underscore, space, tab
    and the letters of inf/nan/hex, and numbers in other whitespace: both engines accept the
    same cells as finite numbers, with the same values as Python's float() (DuckDB by a
    guarded TRY_CAST, Dask by NUMBER_RE after trimming WHITESPACE)."""
    import itertools

    import duckdb

    from compiler.inputs.microdata import dask_engine, duckdb_engine
    from compiler.inputs.microdata.spec import SourceFile

    alphabet = "019+-.eE_ \txinfa"
    texts = ["".join(p) for k in range(5) for p in itertools.product(alphabet, repeat=k)]
    texts += ["1e400", "-1e-400", "4.9e-324", "1.7976931348623157e308", "1.8e308", "+inf", "Infinity", "-nan", "1_000", "0x1p3", "1d", "１２"]
    texts += [f"{a}5{b}" for a in ("", " ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\xa0", "\u2003", " +") for b in ("", " ", "\n", "\x1c", "\xa0")]
    source = SourceFile(0, Path("cells.csv"), "cells.csv", "csv", ("t",), {"weight": "t"}, {"weight": "string"})
    value, missing = duckdb_engine._number(source, "weight")
    con = duckdb.connect()
    con.register("cells", pa.table({"i": range(len(texts)), "t": texts}))
    rows = con.execute(f"SELECT {value}, {missing} FROM cells ORDER BY i").fetchall()
    duck = np.array([np.nan if v is None else v for v, _ in rows])
    dask, dask_missing = dask_engine._number(pd.DataFrame({"t": texts}), source, "weight")
    assert [m for _, m in rows] == list(dask_missing)
    finite = np.isfinite(duck)
    assert (finite == np.isfinite(dask)).all() and (duck[finite] == dask[finite]).all()
    accepted = [t for t, ok in zip(texts, finite) if ok]
    assert duck[finite].tolist() == [float(t) for t in accepted] and len(accepted) > 900
    assert all(re.fullmatch(NUMBER_RE, t.strip(WHITESPACE)) for t in accepted)


# --- rejected records --------------------------------------------------------------------

BAD_RECORDS = """\
2019,T01,J62,S11,1,100,1800
2020,T99,J62,S11,1,100,1800
2020,T01,X99,S11,1,100,1800
2020,T01,J62,S13,1,100,1800
2020,T01,J62,S11,-1,100,1800
2020,T01,J62,S11,1,abc,1800
2020,T01,J62,S11,1,100,-5
2020,T01,J62,S11,,,
 2020 , T01 ,J62, S11 ,1,100,
"""


def add_bad_records(folder: Path) -> None:
    with (folder / "jobs" / "jobs-2020.csv").open("a", encoding="utf-8") as handle:
        handle.write(BAD_RECORDS)


@pytest.mark.parametrize("engine", ["duckdb", "dask"])
def test_each_rejected_record_named_by_file_row_column_value(micro, engine, request):
    if engine == "dask":
        request.getfixturevalue("dask_client")
    add_bad_records(micro)  # lines 18-26 of jobs-2020.csv
    errors = errors_of(micro, engine)
    name = "synthetic_micro/jobs/jobs-2020.csv"
    assert "2020 to 2022" in only(errors, file=name, row=18, column="year", value="2019").expected
    assert "T01, T02" in only(errors, file=name, row=19, column="occupation", value="T99").expected
    only(errors, file=name, row=20, column="industry", value="X99")
    assert only(errors, file=name, row=21, column="sector", value="S13").expected.startswith("S11, the sector of industry J62")
    only(errors, file=name, row=22, column="weight", value="-1")
    only(errors, file=name, row=23, column="annual_pay", value="abc")  # the file's name of compensation
    only(errors, file=name, row=24, column="hours", value="-5")
    only(errors, file=name, row=25, column="weight", value=None)
    only(errors, file=name, row=25, column="annual_pay", value=None)
    assert not [e for e in errors if e.row == 26]  # spaces around cells are trimmed: a valid record
    total = only(errors, file="synthetic_micro/package.toml", column="microdata.max_rejected_share")
    assert total.value == "8 of 57 records rejected"


def test_rejected_parquet_records_named_by_record_number(micro):
    path = micro / "jobs" / "jobs-2022.parquet"
    table = pq.read_table(path).to_pandas()
    table.loc[3, "weight"] = float("nan")
    table.loc[7, "annual_pay"] = -4.5
    table.loc[9, "year"] = 2030
    pq.write_table(pa.Table.from_pandas(table, preserve_index=False), path)
    errors = errors_of(micro)
    name = "synthetic_micro/jobs/jobs-2022.parquet"
    only(errors, file=name, row=4, column="weight", value=None)
    only(errors, file=name, row=8, column="annual_pay", value="-4.5")
    only(errors, file=name, row=10, column="year", value="2030")


def test_only_the_first_examples_and_a_count(micro):
    with (micro / "jobs" / "jobs-2021.csv").open("a", encoding="utf-8") as handle:
        handle.write("2021,T01,J62,S11,-1,100,1\n" * 25)
    errors = errors_of(micro)
    listed = [e for e in errors if e.file.endswith("jobs-2021.csv") and e.row is not None]
    assert len(listed) == 10 and listed[0].row == 18
    count = only(errors, file="synthetic_micro/jobs/jobs-2021.csv", row=None, column="weight")
    assert count.value == "25 records" and "the first 10 are listed" in count.expected


def test_tolerated_rejections_are_dropped_counted_and_warned(micro):
    add_bad_records(micro)
    set_microdata(micro, max_rejected_share="0.2")
    inputs = load_package(micro)
    assert inputs.microdata["records"] == {"read": 57, "used": 49, "out_of_scope": 0, "rejected": 8}
    assert inputs.microdata["rejected_by_reason"] == {
        "year": 1, "occupation": 1, "industry": 1, "sector": 1, "weight": 2, "compensation": 2, "hours": 1,
    }
    assert inputs.microdata["files"][0] == {
        "file": "jobs/jobs-2020.csv", "format": "csv", "records": 25, "used": 17, "out_of_scope": 0, "rejected": 8,
        "weight": {"used": 22.0, "out_of_scope": 0.0},
    }
    assert any("8 of 57 job records rejected and dropped" in w for w in inputs.warnings)
    assert any("jobs-2020.csv:22, column 'weight', value '-1'" in w for w in inputs.warnings)
    # the trimmed valid record (weight 1, pay 100) joined 2020 T01 J62: 10 + 1 persons, same pay
    row = inputs.employment.query("year == 2020 and occupation == 'T01' and industry == 'J62'").iloc[0]
    assert (row["employment"], row["compensation"]) == (11.0, 100.0)


def test_too_many_rejections_is_an_error_even_with_a_tolerance(micro):
    add_bad_records(micro)
    set_microdata(micro, max_rejected_share="0.1")
    e = only(errors_of(micro), column="microdata.max_rejected_share")
    assert "0.1" in e.expected


# --- other occupations: rejected or out of scope ------------------------------------------

#: Extra records beside the fixture's 48 (weight 83): X11, X12 and 9999 are not in
#: occupations.csv. CSV lines 2-12 = Parquet records 1-11.
SCOPE_RECORDS = [
    # valid, in other occupations: out of scope (weights 3 + 1.5 + 0.25 = 4.75)
    ("2020", "X11", "J62", "S11", "3", "500", "1800"),
    ("2021", "X12", "O84", "S13", "1.5", "200", ""),
    ("2022", " 9999 ", "J62", "S11", "0.25", "100", "1000"),
    # invalid, in other occupations: rejected for the other rule
    ("2019", "X11", "J62", "S11", "1", "100", "1800"),  # year
    ("2020", "X11", "X99", "S11", "1", "100", "1800"),  # industry
    ("2020", "X12", "J62", "S13", "1", "100", "1800"),  # sector
    ("2021", "X11", "J62", "S11", "-1", "100", "1800"),  # weight
    # invalid, in data occupations or without a code
    ("2020", "T01", "J62", "S11", "1", "abc", "1800"),  # compensation
    ("2021", "T02", "J62", "S11", "0", "100", "1800"),  # weight
    ("2020", "", "J62", "S11", "1", "100", "1800"),  # occupation missing: rejected in both modes
    # valid, in a data occupation: used (2020 T01 J62: 10 persons at 100 -> 11 at 100)
    ("2020", "T01", "J62", "S11", "1", "100", "1800"),
]


def add_scope_records(folder: Path, fmt: str) -> str:
    """The records above as jobs/extra.csv or jobs/extra.parquet (typed: bad numbers -> null)."""
    header = ["year", "occupation", "industry", "sector", "weight", "annual_pay", "hours"]
    if fmt == "csv":
        lines = [",".join(header)] + [",".join(r) for r in SCOPE_RECORDS]
        (folder / "jobs" / "extra.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        columns = list(zip(*SCOPE_RECORDS))
        value = lambda text: float(text) if re.fullmatch(NUMBER_RE, text) else None  # noqa: E731
        table = pa.table(
            {
                "year": pa.array([int(y) for y in columns[0]], pa.int64()),
                "occupation": list(columns[1]), "industry": list(columns[2]), "sector": list(columns[3]),
                **{name: pa.array([value(v) for v in columns[k]], pa.float64()) for k, name in ((4, "weight"), (5, "annual_pay"), (6, "hours"))},
            }
        )
        pq.write_table(table, folder / "jobs" / "extra.parquet")
    return f"jobs/extra.{fmt}"


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize("engine", ["duckdb", "dask"])
def test_other_occupations_out_of_scope(micro, fmt, engine, request):
    if engine == "dask":
        request.getfixturevalue("dask_client")
    name = add_scope_records(micro, fmt)
    set_microdata(micro, other_occupations='"out_of_scope"', max_rejected_share="0.2")
    inputs = load_package(micro, engine=engine)
    counts = inputs.microdata
    assert counts["other_occupations"] == "out_of_scope" and counts["engine"] == engine
    assert counts["records"] == {"read": 59, "used": 49, "out_of_scope": 3, "rejected": 7}
    assert counts["rejected_by_reason"] == {
        "year": 1, "occupation": 1, "industry": 1, "sector": 1, "weight": 2, "compensation": 1, "hours": 0,
    }
    assert counts["weight"] == {"used": 84.0, "out_of_scope": 4.75, "used_share": float(Fraction(84) / Fraction("88.75"))}
    extra = next(f for f in counts["files"] if f["file"] == name)
    assert extra == {
        "file": name, "format": fmt, "records": 11, "used": 1, "out_of_scope": 3, "rejected": 7,
        "weight": {"used": 1.0, "out_of_scope": 4.75},
    }
    for f in counts["files"]:
        assert f["records"] == f["used"] + f["out_of_scope"] + f["rejected"]
    assert counts["summary"] == (
        "59 job records read: 49 used, 3 out of scope (occupations not in occupations.csv), 7 rejected; "
        "weight 84 persons used, 4.75 out of scope: 94.65 % of the weight of valid records is in the data occupations"
    )
    # the used record joined its cell; out-of-scope records are neither used nor warned about
    row = inputs.employment.query("year == 2020 and occupation == 'T01' and industry == 'J62'").iloc[0]
    assert (row["employment"], row["compensation"]) == (11.0, 100.0)
    assert set(inputs.employment["occupation"]) == {"T01", "T02", "T03", "T04"}
    assert any("7 of 59 job records rejected and dropped" in w for w in inputs.warnings)
    first = 2 if fmt == "csv" else 1  # row of the first record
    listed = sorted((int(m.group(1)), m.group(2)) for w in inputs.warnings for m in [re.search(rf"extra\.{fmt}:(\d+), column '(\w+)'", w)] if m)
    assert listed == [
        (first + 3, "year"), (first + 4, "industry"), (first + 5, "sector"), (first + 6, "weight"),
        (first + 7, "annual_pay"), (first + 8, "weight"), (first + 9, "occupation"),
    ]
    missing = next(w for w in inputs.warnings if f"extra.{fmt}:{first + 9}, column 'occupation'" in w)
    assert "out of scope" in missing


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize("engine", ["duckdb", "dask"])
def test_other_occupations_rejected_by_default(micro, fmt, engine, request):
    if engine == "dask":
        request.getfixturevalue("dask_client")
    name = add_scope_records(micro, fmt)
    label = f"synthetic_micro/{name}"
    first = 2 if fmt == "csv" else 1
    errors = errors_of(micro, engine)  # max_rejected_share = 0: every record in another occupation is an error
    assert "T01, T02, T03, T04" in only(errors, file=label, row=first, column="occupation", value="X11").expected
    only(errors, file=label, row=first + 2, column="occupation", value=" 9999 ")
    assert only(errors, column="microdata.max_rejected_share").value == "10 of 59 records rejected"
    set_microdata(micro, max_rejected_share="0.2")
    counts = load_package(micro, engine=engine).microdata
    assert counts["other_occupations"] == "reject"
    assert counts["records"] == {"read": 59, "used": 49, "out_of_scope": 0, "rejected": 10}
    assert counts["rejected_by_reason"]["occupation"] == 8  # the 3 valid ones, the 4 invalid ones and the missing code
    assert counts["weight"] == {"used": 84.0, "out_of_scope": 0.0, "used_share": 1.0}


def test_out_of_scope_counts_in_the_report(micro):
    add_scope_records(micro, "csv")
    set_microdata(micro, other_occupations='"out_of_scope"', max_rejected_share="0.2")
    report = json.loads(json.dumps(package_report(compile_package(micro))))
    counts = report["inputs"]["microdata"]
    assert counts["records"]["out_of_scope"] == 3 and counts["weight"]["out_of_scope"] == 4.75
    assert "3 out of scope" in counts["summary"]
    # warnings name rejected records only (CSV lines 5-11), never those out of scope (lines 2-4)
    assert not [w for w in report["warnings"] if re.search(r"extra\.csv:[234],", w)]
    assert [w for w in report["warnings"] if "extra.csv:5," in w]


def test_only_records_out_of_scope_is_an_error(micro):
    for path in (micro / "jobs").iterdir():
        path.unlink()
    (micro / "jobs" / "other.csv").write_text("year,occupation,industry,weight,annual_pay\n2020,X11,J62,1,100\n", encoding="utf-8")
    set_microdata(micro, other_occupations='"out_of_scope"', files='["jobs/*.csv"]')
    e = only(errors_of(micro), file="synthetic_micro/package.toml", column="microdata.other_occupations")
    assert e.value == "1 of 1 records out of scope, none used" and "T01" in e.expected


def test_unknown_other_occupations_value(micro):
    set_microdata(micro, other_occupations='"drop"')
    e = only(errors_of(micro), file="synthetic_micro/package.toml", column="microdata.other_occupations", value="drop")
    assert '"reject"' in e.expected and '"out_of_scope"' in e.expected


# --- employment in full-time equivalents -------------------------------------------------


def test_full_time_equivalents(micro):
    set_microdata(micro, employment='"fte"', full_time_hours="1800")
    table = pq.read_table(micro / "jobs" / "jobs-2022.parquet").to_pandas()
    table["hours"] = table["hours"].fillna(1000.0)  # FTE needs hours on every record
    pq.write_table(pa.Table.from_pandas(table, preserve_index=False), micro / "jobs" / "jobs-2022.parquet")
    inputs = load_package(micro)
    cell = table.query("occupation == 'T02' and industry == 'J62'")
    fte = sum(Fraction(w) * Fraction(h) for w, h in zip(cell["weight"], cell["hours"])) / 1800
    pay = sum(Fraction(w) * Fraction(c) for w, c in zip(cell["weight"], cell["annual_pay"]))
    row = inputs.employment.query("year == 2022 and occupation == 'T02' and industry == 'J62'").iloc[0]
    assert row["employment"] == float(fte) and row["compensation"] == float(pay / fte)
    assert inputs.microdata["employment"] == "fte"


def test_full_time_equivalents_need_hours(micro):
    set_microdata(micro, employment='"fte"', full_time_hours="1800")
    e = only(errors_of(micro), file="synthetic_micro/jobs/jobs-2022.parquet", row=1, column="hours", value=None)
    assert "from 0.01" in e.expected


# --- files and package.toml --------------------------------------------------------------


def test_missing_column_glob_without_files_and_malformed_csv(micro):
    path = micro / "jobs" / "jobs-2021.csv"
    path.write_text(path.read_text().replace("annual_pay", "pay", 1))
    set_microdata(micro, files='["jobs/*.csv", "jobs/*.parquet", "other/*.parquet"]')
    errors = errors_of(micro)
    e = only(errors, file="synthetic_micro/jobs/jobs-2021.csv", row=1, column="annual_pay", value=None)
    assert "annual compensation" in e.expected
    only(errors, file="synthetic_micro/package.toml", column="microdata.files", value="other/*.parquet")
    set_microdata(micro, files='["jobs/*.csv"]')
    path.write_text(path.read_text().replace("pay", "annual_pay", 1) + "2021,T01,J62\n")
    e = only(errors_of(micro), file="synthetic_micro/jobs/jobs-2021.csv", row=18)
    assert "well-formed UTF-8 CSV" in e.expected


def test_every_year_for_every_cell(micro):
    path = micro / "jobs" / "jobs-2021.csv"
    path.write_text("".join(line for line in path.read_text().splitlines(keepends=True) if ",T03,J62," not in line))
    e = only(errors_of(micro), column="year", value="2021")
    assert e.file == "synthetic_micro/jobs/*.csv, jobs/*.parquet" and "occupation=T03, industry=J62" in e.expected


@pytest.mark.parametrize(
    ("key", "value", "column"),
    [
        ("employment", '"hours"', "microdata.employment"),
        ("max_rejected_share", "2", "microdata.max_rejected_share"),
        ("files", '["/etc/*.csv"]', "microdata.files"),
        ("employment", '"fte"', "microdata.full_time_hours"),
        ("unknown", "1", "microdata.unknown"),
        ("other_occupations", "true", "microdata.other_occupations"),
    ],
)
def test_bad_microdata_settings(micro, key, value, column):
    set_microdata(micro, **{key: value})
    only(errors_of(micro), file="synthetic_micro/package.toml", column=column)


def test_microdata_section_needs_labour_input_microdata(micro):
    path = micro / "package.toml"
    path.write_text(path.read_text().replace('labour_input = "microdata"', 'labour_input = "occupations"'))
    only(errors_of(micro), file="synthetic_micro/package.toml", column="microdata")


def test_unknown_engine():
    with pytest.raises(ValueError, match="duckdb, dask"):
        load_package(MICRO, engine="spark")


# --- resources ---------------------------------------------------------------------------


def test_duckdb_memory_threads_and_spill_folder(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DATASAT_MEMORY_LIMIT", "512MB")
    monkeypatch.setenv("DATASAT_THREADS", "1")
    monkeypatch.setenv("DATASAT_TEMP_DIRECTORY", str(tmp_path))
    options = Options.from_environment()
    with connect(options) as con:
        settings = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('threads'), current_setting('temp_directory'), "
            "current_setting('preserve_insertion_order')"
        ).fetchone()
    assert settings == ("488.2 MiB", 1, str(tmp_path), False)  # 512 MB = 488.2 MiB
    assert Options().memory_limit == "1GB"
    inputs = load_package(MICRO)  # the package loads under these bounds
    assert inputs.microdata["records"]["used"] == 48


def test_dask_is_imported_only_for_its_engine():
    code = "import sys; from compiler.inputs import load_package; load_package(sys.argv[1]); print('dask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code, str(MICRO)], check=True, capture_output=True, text=True, cwd=PROJECT)
    assert out.stdout.strip() == "False"
