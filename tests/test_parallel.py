"""compiler.parallel: packages compiled in worker processes give what a serial run gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from compiler import parallel
from compiler import table as tbl
from compiler.accounts.checks import Check, CheckFailed
from compiler.inputs import InputErrors
from compiler.parallel import compile_many, resolve_jobs
from compiler.pipeline import combine, compile_package
from compiler.resources import bundled_packages

SYNTHETIC = Path(__file__).resolve().parent / "packages" / "synthetic"


@pytest.fixture(scope="module")
def folders() -> list[Path]:
    return [*bundled_packages(), SYNTHETIC]


@pytest.fixture(scope="module")
def serial(folders):
    return compile_many(folders, jobs=1)


def test_parallel_run_is_identical_to_serial(folders, serial):
    parallel_results = compile_many(folders, jobs=2)
    assert [r.inputs.folder for r in parallel_results] == folders  # input order, not finishing order
    pd.testing.assert_frame_equal(combine(serial), combine(parallel_results), check_exact=True)
    for one, other in zip(serial, parallel_results):
        pd.testing.assert_frame_equal(one.table, other.table, check_exact=True)
        assert [c.as_dict() for c in one.checks] == [c.as_dict() for c in other.checks]
        assert one.warnings == other.warnings
        assert one.inputs.files == other.inputs.files


def test_progress_is_called_once_per_package(folders):
    seen = []
    compile_many(folders[-1:] * 2, jobs=2, progress=lambda done, total, folder: seen.append((done, total, folder)))
    assert sorted(d for d, _, _ in seen) == [1, 2] and {t for _, t, _ in seen} == {2}


def _broken(tmp_path: Path, name: str, file: str, old: str, new: str) -> Path:
    target = tmp_path / name
    shutil.copytree(SYNTHETIC, target)
    path = target / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


@pytest.mark.parametrize("jobs", [1, 2])
def test_input_errors_of_all_packages_are_reported_together(tmp_path, jobs):
    first = _broken(tmp_path, "bad-employment", "employment.csv", "2020,T01,J62,10,100", "2020,T01,J62,-10,100")
    second = _broken(tmp_path, "bad-industry", "industries.csv", "O84,", "ZZ9,")
    with pytest.raises(InputErrors) as caught:
        compile_many([first, SYNTHETIC, second], jobs=jobs)
    files = {e.file.split("/")[0] for e in caught.value.errors}
    assert files == {"bad-employment", "bad-industry"}
    assert any(e.column == "employment" and e.value == "-10" for e in caught.value.errors)
    assert any(e.column == "industry" and e.value == "ZZ9" for e in caught.value.errors)


def test_a_failed_check_propagates(monkeypatch):
    failed = Check("output = sum of costs", False, "largest relative deviation 1")

    def package_stages(inputs, cost_rows):
        raise CheckFailed([failed])

    monkeypatch.setattr(parallel, "package_stages", package_stages)
    with pytest.raises(CheckFailed) as caught:
        compile_many([SYNTHETIC], jobs=1)
    assert caught.value.checks == [failed]


def test_input_errors_win_over_failed_checks(tmp_path, monkeypatch):
    bad = _broken(tmp_path, "bad-employment", "employment.csv", "2020,T01,J62,10,100", "2020,T01,J62,-10,100")

    def package_stages(inputs, cost_rows):
        raise CheckFailed([Check("x", False, "y")])

    monkeypatch.setattr(parallel, "package_stages", package_stages)
    with pytest.raises(InputErrors):
        compile_many([SYNTHETIC, bad], jobs=1)


def test_jobs():
    assert resolve_jobs(0) == resolve_jobs(None) >= 1
    assert resolve_jobs(3) == 3
    with pytest.raises(ValueError):
        resolve_jobs(-1)
    assert compile_many([], jobs=2) == []


# --- the fast paths that make a world panel compile in reasonable time give what pandas gives


@pytest.fixture(scope="module")
def combined(serial):
    return combine(serial)


def test_observations_csv_is_what_pandas_writes(combined, tmp_path):
    import numpy as np

    from compiler import table as tbl
    from compiler.outputs.observations import write_observations

    tricky = combined.copy()
    tricky.loc[0, "OBS_VALUE"] = np.nan
    tricky.loc[1, "OBS_VALUE"] = -0.0
    tricky.loc[2, "OBS_VALUE"] = 1e-7
    tricky.loc[3, "OBS_VALUE"] = 1.5e22
    tricky.loc[4, "COMMENT_OBS"] = 'quotes " and, commas\nand a line break'
    tricky.loc[5, "COMMENT_OBS"] = ""
    tricky = tbl.coerce(tricky)
    for frame in (combined, tricky):
        fast, slow = tmp_path / "fast.csv", tmp_path / "pandas.csv"
        write_observations(frame, fast)
        frame.to_csv(slow, index=False, float_format=None, na_rep="NaN", lineterminator="\n", encoding="utf-8")
        assert fast.read_bytes() == slow.read_bytes()


def test_key_checks_agree_with_pandas(combined):
    from compiler import table as tbl

    assert tbl._unique_key(combined)
    tbl.check_unique(combined)
    doubled = pd.concat([combined, combined.iloc[[7, 99]]], ignore_index=True)
    with pytest.raises(tbl.DuplicateKeyError, match="4 rows of the canonical table share a key"):
        tbl.check_unique(doubled)
    sample = combined.sample(500, random_state=1)
    other = combined.drop(sample.index[:200])
    expected = sample.set_index(list(tbl.KEY)).index.isin(other.set_index(list(tbl.KEY)).index)
    assert (tbl.keys_in(sample, other) == expected).all()
    assert not tbl.keys_in(sample.assign(STO="ZZ"), combined).any()


def test_select_agrees_with_boolean_masks(combined):
    from compiler import table as tbl

    criteria = {"STO": ("P1", "P51G", "LE"), "PRICES": "V", "ACTIVITY": "_T", "REF_SECTOR": "S1"}
    mask = combined["STO"].isin(criteria["STO"]) & (combined["PRICES"] == "V") & (combined["ACTIVITY"] == "_T") & (combined["REF_SECTOR"] == "S1")
    pd.testing.assert_frame_equal(tbl.select(combined, **criteria), combined.loc[mask], check_exact=True)
    assert tbl.select(combined, STO="NOPE").empty


def test_sdmx_validated_in_workers_gives_the_same_files(combined, tmp_path, monkeypatch):
    from datetime import UTC, datetime

    from compiler.outputs.sdmx import write
    from compiler.outputs.sdmx.settings import SdmxSettings

    settings = SdmxSettings(prepared=datetime(2026, 1, 1, tzinfo=UTC))
    serial_files = write.write_sdmx(combined, tmp_path / "serial", settings, jobs=1)
    monkeypatch.setattr(write, "PARALLEL_VALIDATION_ROWS", 0)  # the workers' path even for a small table
    parallel_files = write.write_sdmx(combined, tmp_path / "parallel", settings, jobs=2)
    assert serial_files.keys() == parallel_files.keys()
    for kind, path in serial_files.items():
        assert path.read_bytes() == parallel_files[kind].read_bytes(), kind

    broken = tmp_path / "broken.xml"
    broken.write_bytes(serial_files["data"].read_bytes().replace(b'OBS_STATUS="G"', b'OBS_STATUS="?"', 1))
    with write._Validations(2) as checks:
        checks.submit("data", write._validate_data, broken, settings, "2.1")
        checks.submit("data-3.0", write._validate_data, serial_files["data-3.0"], settings, "3.0")
        with pytest.raises(write.SdmxOutputError, match="broken.xml is not valid"):
            checks.wait(("data-3.0", "data"))


def test_results_are_kept_encoded_and_read_decoded(folders, serial):
    """compile_many keeps each package's rows dictionary-encoded (what is pickled and held);
    ``.table`` gives the same canonical rows as a plain compile of the package."""
    result = serial[-1]
    assert result.encoded
    assert all(isinstance(result.rows[c].dtype, pd.CategoricalDtype) for c in ("REF_AREA", "STO", "COMMENT_OBS"))
    plain = compile_package(SYNTHETIC)
    assert not plain.encoded
    pd.testing.assert_frame_equal(result.table, plain.table, check_exact=True)
    assert result.rows.memory_usage(deep=True).sum() * 3 < plain.table.memory_usage(deep=True).sum()


def test_combine_releases_the_results_it_puts_together(folders):
    """``release``: each result's rows dropped once combined; the combined table is the same."""
    results = compile_many(folders, jobs=1)
    expected = combine(results)
    rows = sum(len(r.rows) for r in results)
    encoded = combine(results, encoded=True, release=True)
    assert all(len(r.rows) == 0 for r in results) and len(encoded) == rows
    pd.testing.assert_frame_equal(tbl.decode(encoded), expected, check_exact=True)


def test_package_report_is_the_same_from_encoded_rows(serial):
    """report.json's package section (rows by STO, GDP effect) reads encoded rows as it reads decoded ones."""
    from compiler.outputs.report import package_report

    encoded, plain = package_report(serial[-1]), package_report(compile_package(SYNTHETIC))
    assert encoded == plain
    assert encoded["rows"] == sum(encoded["rows_by_sto"].values()) and encoded["gdp_effect"]
