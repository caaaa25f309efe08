"""Data messages written by country in worker processes are byte for byte those one process writes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from compiler import table as tbl
from compiler.outputs.sdmx import partitioned
from compiler.outputs.sdmx.messages import LAYOUTS
from compiler.outputs.sdmx.settings import SdmxSettings


@pytest.fixture(scope="module")
def two_countries(fixture_table):
    """CN and NL, NL without its high bound (a country missing from one data set)."""
    nl = fixture_table("NL")
    return tbl.sort(tbl.concat([fixture_table("CN"), nl[nl[tbl.BOUND] == "low"]]))


def test_parallel_by_country_is_byte_identical_to_serial(two_countries, tmp_path, monkeypatch):
    settings = SdmxSettings(prepared=datetime(2026, 1, 1, tzinfo=UTC))
    runs = {run: {kind: tmp_path / f"{run}-{kind}" for kind in LAYOUTS} for run in ("whole", "countries", "workers")}
    assert partitioned.workers_for(two_countries, 2) == 1  # small: written whole, in one process
    partitioned.write_messages(two_countries, runs["whole"], settings, jobs=2)
    monkeypatch.setattr(partitioned, "PARALLEL_ROWS", 0)  # country by country even for a small table
    assert partitioned.workers_for(two_countries, 2) == 2
    partitioned.write_messages(two_countries, runs["countries"], settings, jobs=1)  # in this process
    partitioned.write_messages(two_countries, runs["workers"], settings, jobs=2)  # in two workers
    for kind in LAYOUTS:
        whole = runs["whole"][kind].read_bytes()
        assert len(whole) > 10_000
        assert whole == runs["countries"][kind].read_bytes() == runs["workers"][kind].read_bytes(), kind
    assert len(list(tmp_path.iterdir())) == 3 * len(LAYOUTS)  # the parts removed


def test_a_varying_freq_is_written_in_one_process(two_countries, monkeypatch):
    """REF_AREA's series are contiguous only where FREQ and ADJUSTMENT are constant."""
    monkeypatch.setattr(partitioned, "PARALLEL_ROWS", 0)
    varied = two_countries.copy()
    varied.loc[0, "ADJUSTMENT"] = "Y"
    assert partitioned.workers_for(varied, 2) == 1


def test_sample_taken_by_country_is_the_same_in_workers_and_catches_a_bad_code(two_countries, tmp_path, monkeypatch):
    from compiler.outputs.sdmx.write import SdmxOutputError, write_sdmx_files

    settings = SdmxSettings(prepared=datetime(2026, 1, 1, tzinfo=UTC))
    monkeypatch.setattr(partitioned, "PARALLEL_ROWS", 0)
    one = write_sdmx_files(two_countries, tmp_path / "one", settings, jobs=1, kinds=("data-csv",), validation="sample")
    two = write_sdmx_files(two_countries, tmp_path / "two", settings, jobs=2, kinds=("data-csv",), validation="sample")
    assert one.validation == two.validation
    assert one.validation["series"] == 2 * 3 and 0 < one.validation["observations"] < len(two_countries) / 10
    broken = two_countries.copy()
    broken.loc[len(broken) - 5, "UNIT_MEASURE"] = "XX"  # in NL, the last country; check_table bypassed
    monkeypatch.setattr("compiler.outputs.sdmx.partitioned.check_table", lambda table: [])  # in this process
    with pytest.raises(SdmxOutputError, match="XX"):
        write_sdmx_files(broken, tmp_path / "bad", settings, jobs=1, kinds=("data-csv",), validation="sample")
    assert not (tmp_path / "bad").exists()



def test_problems_found_country_by_country(two_countries, tmp_path, monkeypatch):
    from compiler.outputs.sdmx.write import SdmxInputError, write_sdmx_files

    monkeypatch.setattr(partitioned, "PARALLEL_ROWS", 0)
    broken = two_countries.copy()
    broken.loc[len(broken) - 5, "UNIT_MEASURE"] = "XX"
    settings = SdmxSettings(prepared=datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(SdmxInputError, match="UNIT_MEASURE") as caught:
        write_sdmx_files(broken, tmp_path / "bad", settings, jobs=2, kinds=("data-csv",))
    assert "NL" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_no_data_message_still_gives_the_parquet_and_the_sample(tmp_path, monkeypatch):
    """--formats none in a bulk run written by country: no data file, observations.parquet
    and the validated sample all the same."""
    from pathlib import Path

    from compiler.cli.main import main

    monkeypatch.setattr(partitioned, "PARALLEL_ROWS", 0)
    synthetic = Path(__file__).resolve().parents[1] / "packages" / "synthetic"
    out = tmp_path / "out"
    assert main(["compile", str(synthetic), "-o", str(out), "-q", "--bulk", "--no-html", "--formats", "none", "-j", "2"]) == 0
    assert not list((out / "sdmx").glob("data*"))
    assert (out / "observations.parquet").stat().st_size > 1000
    import json

    assert json.loads((out / "report.json").read_text())["sdmx"]["validation"]["mode"] == "sample"
