"""The datasat command end to end, in a temporary folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from compiler import table as tbl
from compiler.cli.main import main
from compiler.outputs.observations import read_observations

SYNTHETIC = Path(__file__).resolve().parent / "packages" / "synthetic"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the installed entry point as a user would (``python -m compiler.cli.main``)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([sys.executable, "-m", "compiler.cli.main", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300)


def test_compile_writes_table_and_report(tmp_path):
    out = tmp_path / "out"
    assert main(["compile", str(SYNTHETIC), "-o", str(out), "-q"]) == 0
    table = read_observations(out / "observations.csv")
    assert list(table.columns) == list(tbl.COLUMNS)
    assert not table.duplicated(list(tbl.KEY)).any()
    report = json.loads((out / "report.json").read_text())
    assert report["rows"] == len(table)
    assert report["checks_passed"] is True
    (package,) = report["packages"]
    assert package["ref_area"] == "_X"
    assert set(package["inputs"]["files"]) >= {"package.toml", "employment.csv", "occupations.csv"}
    assert all(c["passed"] for c in package["checks"])
    assert package["rows_by_sto"]["P51G"] > 0


def test_observations_round_trip_full_precision(tmp_path, synthetic_result):
    out = tmp_path / "out"
    assert main(["compile", str(SYNTHETIC), "-o", str(out), "-q"]) == 0
    table = read_observations(out / "observations.csv")
    expected = tbl.sort(synthetic_result.table)
    assert table[tbl.VALUE].to_numpy().tolist() == expected[tbl.VALUE].to_numpy().tolist()
    assert table.drop(columns=tbl.VALUE).equals(expected.drop(columns=tbl.VALUE))


def test_bad_input_exits_2_and_keeps_old_output(tmp_path, synthetic, capsys):
    out = tmp_path / "out"
    assert main(["compile", str(SYNTHETIC), "-o", str(out), "-q"]) == 0
    before = (out / "observations.csv").read_bytes()
    employment = synthetic / "employment.csv"
    employment.write_text(employment.read_text().replace("2020,T01,J62,10,100", "2020,T01,J62,-10,x"))
    assert main(["compile", str(synthetic), "-o", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    assert "synthetic/employment.csv:2, column 'employment', value '-10'" in err
    assert "column 'compensation', value 'x': expected a finite number" in err
    assert "nothing was written" in err
    assert (out / "observations.csv").read_bytes() == before
    assert not list(tmp_path.glob(".out.datasat/*.partial"))  # no staging folder left behind


def test_bad_input_writes_nothing_to_a_new_folder(tmp_path, synthetic):
    (synthetic / "occupations.csv").write_text("")
    out = tmp_path / "fresh"
    assert main(["compile", str(synthetic), "-o", str(out), "-q"]) == 2
    assert not out.exists() or not any(out.iterdir())


def test_validate(synthetic, capsys):
    assert main(["validate", str(synthetic)]) == 0
    (synthetic / "macro.csv").write_bytes(b"\xef\xbb\xbfyear,gdp\n2020,1\n")
    assert main(["validate", str(synthetic)]) == 2
    assert "byte-order mark" in capsys.readouterr().err


def test_internal_error_exits_1(tmp_path, monkeypatch, capsys):
    from compiler import parallel

    def broken(_inputs, _cost_rows):
        raise RuntimeError("boom")

    monkeypatch.setattr(parallel, "package_stages", broken)
    assert main(["compile", str(SYNTHETIC), "-o", str(tmp_path / "o"), "-q"]) == 1
    assert "internal error" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_help_teaches():
    result = run("compile", "--help")
    assert result.returncode == 0
    assert "examples:" in result.stdout and "-o OUT" in result.stdout
    top = run("--help")
    assert "exit status" in top.stdout


def test_usage_error_exits_2():
    assert run("compile", "--no-such-option").returncode == 2


def test_compile_bundled_fixtures_from_any_directory(tmp_path):
    """With no package, every bundled fixture is compiled; works outside the source tree."""
    result = run("compile", "-o", str(tmp_path / "out"), "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    table = read_observations(tmp_path / "out" / "observations.csv")
    assert "CN" in set(table["REF_AREA"])


def test_parallel_compile_writes_identical_files(tmp_path):
    """-j 2 (worker processes) and -j 1 write byte-identical outputs, HTML and SDMX included."""
    from compiler.resources import data_dir

    packages = [str(SYNTHETIC), str(data_dir("fixtures") / "NL")]
    common = ["--prepared", "2026-01-01T00:00:00Z", "-q"]
    assert main(["compile", *packages, "-o", str(tmp_path / "serial"), "-j", "1", *common]) == 0
    assert main(["compile", *packages, "-o", str(tmp_path / "parallel"), "-j", "2", *common]) == 0
    serial = sorted(p.relative_to(tmp_path / "serial") for p in (tmp_path / "serial").rglob("*") if p.is_file())
    parallel = sorted(p.relative_to(tmp_path / "parallel") for p in (tmp_path / "parallel").rglob("*") if p.is_file())
    assert serial == parallel and len(serial) > 20
    for name in serial:
        assert (tmp_path / "serial" / name).read_bytes() == (tmp_path / "parallel" / name).read_bytes(), name


def test_bad_jobs_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["compile", "-j", "-3"])
    assert exit_.value.code == 2
    assert "not a number of jobs" in capsys.readouterr().err


# --------------------------------------------------------------------------- what the command says (issue 14)


def test_compile_prints_where_the_results_are(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["compile", str(SYNTHETIC), "-o", str(out), "--no-sdmx"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].startswith("datasat: compiled 1 package(s) (_X): ") and "0 warning(s)" in lines[0]
    observations = len(read_observations(out / "observations.csv"))
    assert f"{observations:,} observations" in lines[0]
    assert f"  open      {out / 'html' / 'index.html'}" in lines
    assert (out / "html" / "index.html").is_file()
    # without a terminal, progress is one line per stage, naming the package
    assert "datasat: compiling synthetic" in captured.err and "datasat: compiled synthetic (1/1)" in captured.err
    assert "datasat: writing the HTML pages of _X" in captured.err


def test_quiet_prints_nothing(tmp_path, capsys):
    assert main(["compile", str(SYNTHETIC), "-o", str(tmp_path / "o"), "-q", "--no-sdmx", "--no-html"]) == 0
    assert capsys.readouterr() == ("", "")


def test_validate_one_line_per_package(synthetic, capsys):
    toml = synthetic / "package.toml"  # another REF_AREA: two packages for one area fail validate (issue 13)
    toml.write_text(toml.read_text().replace('ref_area = "_X"', 'ref_area = "DE"'))
    assert main(["validate", str(synthetic), str(SYNTHETIC)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{synthetic}: ok: Synthetica (DE), 2020–2022, ") and lines[0].endswith("0 warning(s)")


def test_bundled_fixtures_by_name_from_any_directory(tmp_path, monkeypatch):
    """``datasat compile CN`` and the README's ``fixtures/CN`` work outside the checkout."""
    monkeypatch.chdir(tmp_path)
    assert main(["compile", "cn", "-o", "a", "-q", "--no-sdmx", "--no-html"]) == 0
    assert main(["compile", "fixtures/CN", "-o", "b", "-q", "--no-sdmx", "--no-html"]) == 0
    assert set(read_observations(tmp_path / "a" / "observations.csv")["REF_AREA"]) == {"CN"}
    assert (tmp_path / "a" / "observations.csv").read_bytes() == (tmp_path / "b" / "observations.csv").read_bytes()


def test_unknown_package_did_you_mean(tmp_path, capsys):
    assert main(["compile", "CNN", "nowhere/XY", "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "CNN: expected a package folder holding package.toml, a package workbook (.xlsx), or the name of a bundled fixture (CA, CN, NL) (did you mean 'CN'?)" in err
    assert "nowhere/XY: expected a package folder" in err  # every problem at once
    assert not (tmp_path / "o").exists()


def test_arguments_are_checked_before_any_compile(tmp_path, monkeypatch, capsys):
    from compiler.cli import main as cli

    def never(*_args, **_kwargs):
        raise AssertionError("compiled before the arguments were checked")

    monkeypatch.setattr(cli, "compile_many", never)
    assert main(["compile", str(SYNTHETIC), "-o", str(tmp_path / "o"), "--prepared", "yesterday"]) == 2
    assert "--prepared 'yesterday' is neither an ISO 8601 date-time nor epoch seconds; nothing was compiled" in capsys.readouterr().err
    assert main(["compile", str(SYNTHETIC), "-o", str(tmp_path / "o"), "--na-main-version", "7.7"]) == 2
    assert "--na-main-version '7.7'" in capsys.readouterr().err


def test_unknown_command_did_you_mean(capsys):
    assert main(["compil"]) == 2
    assert "unknown command 'compil' (did you mean 'compile'?)" in capsys.readouterr().err
    assert main(["valdate", "x"]) == 2
    assert "did you mean 'validate'?" in capsys.readouterr().err


def test_report_starts_with_a_summary(tmp_path):
    out = tmp_path / "out"
    assert main(["compile", str(SYNTHETIC), "-o", str(out), "-q", "--no-sdmx"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert list(report)[0] == "summary"
    observations = len(read_observations(out / "observations.csv"))
    assert report["summary"] == {"packages": ["_X"], "observations": observations, "warnings": 0, "checks_passed": True,
                                 "written": {"observations": "observations.csv", "html": "html/index.html", "report": "report.json"}}


def test_long_lists_leave_the_report():
    from compiler.outputs.report import LONG_LIST, detach_long_lists

    records = [{"series_key": f"K{i}", "reason": "r"} for i in range(LONG_LIST + 1)]
    report, files = detach_long_lists({"a": {"b": records, "short": records[:2]}, "n": 1})
    assert report == {"a": {"b": {"file": "report-a-b.csv", "count": LONG_LIST + 1}, "short": records[:2]}, "n": 1}
    assert files == {"report-a-b.csv": records}


def test_pages_link_the_other_outputs(tmp_path):
    """Every download link on the pages resolves inside OUT (observations, SDMX, report)."""
    from lxml import html as lxml_html

    out = tmp_path / "out"
    assert main(["compile", str(SYNTHETIC), "-o", str(out), "-q"]) == 0
    for page in (out / "html" / "index.html", out / "html" / "_X" / "index.html"):
        links = lxml_html.fromstring(page.read_text(encoding="utf-8")).xpath("//section[@id='downloads']//a/@href")
        assert any(link.endswith("observations.csv") for link in links) and any(link.endswith("sdmx/data.xml") for link in links)
        for link in links:
            assert (page.parent / link).resolve().is_file(), (page, link)


def test_summary_lists_every_package_when_their_records_leave_report_json():
    """More than LONG_LIST (50) packages: report.json keeps only {"file", "count"} for their
    records (the CSV beside it has them), and the summary still names each package and
    counts their warnings from the records (a 200-country compile crashed here, after
    writing every file)."""
    from compiler.outputs.report import LONG_LIST, detach_long_lists, summary

    records = [{"ref_area": f"C{i:02d}", "warnings": ["w"] if i % 10 == 0 else []} for i in range(LONG_LIST + 1)]
    report, lists = detach_long_lists({"rows": 7, "packages": records, "checks_passed": True})
    assert report["packages"] == {"file": "report-packages.csv", "count": 51}
    assert lists["report-packages.csv"] == records
    facts = summary(report, {"report": "report.json"}, records)
    assert facts["packages"] == [f"C{i:02d}" for i in range(51)]
    assert facts["warnings"] == 6  # packages 0, 10, 20, 30, 40 and 50
