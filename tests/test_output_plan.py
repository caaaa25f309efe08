"""Issue 15 item 2: the output plan for bulk runs (observations.parquet, --formats, --validate)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from compiler import table as tbl
from compiler.cli.main import main
from compiler.outputs import plan
from compiler.outputs.observations import read_observations, read_observations_parquet, write_observations, write_observations_parquet
from compiler.outputs.sdmx.sample import sample_rows, whole_series
from compiler.outputs.sdmx.write import SdmxOutputError, validate_sample

SYNTHETIC = Path(__file__).resolve().parent / "packages" / "synthetic"


def test_plan_defaults_few_and_bulk():
    few = plan.resolve(3)
    assert (few.observations, few.formats, few.validation, few.bulk) == (("csv",), plan.ALL_FORMATS, "full", False)
    assert few.kinds == ("data", "data-generic", "data-3.0", "data-csv", "data-csv1")
    bulk = plan.resolve(plan.BULK_PACKAGES)
    assert (bulk.observations, bulk.formats, bulk.validation, bulk.bulk) == (("parquet",), ("csv20",), "sample", True)
    assert plan.resolve(200, bulk=False).formats == plan.ALL_FORMATS  # --no-bulk
    mixed = plan.resolve(200, formats=("ml21",), validation="full", observations=("csv", "parquet"))
    assert (mixed.observations, mixed.formats, mixed.validation, mixed.bulk) == (("csv", "parquet"), ("ml21",), "full", True)


def test_parse_list_orders_and_names_what_is_allowed():
    assert plan.parse_list("csv10,ml21", plan.ALL_FORMATS, "--formats") == ("ml21", "csv10")
    assert plan.parse_list("all", plan.ALL_FORMATS, "--formats") == plan.ALL_FORMATS
    assert plan.parse_list("none", plan.ALL_FORMATS, "--formats", empty_ok=True) == ()
    with pytest.raises(ValueError, match=r"--formats 'xml': expected a comma-separated list of ml21, generic, ml30, csv20, csv10"):
        plan.parse_list("xml", plan.ALL_FORMATS, "--formats")


def test_bad_formats_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["compile", str(SYNTHETIC), "-o", str(tmp_path / "o"), "--formats", "ml21,sdmx-json"])
    assert exc.value.code == 2
    assert "--formats 'ml21,sdmx-json': expected" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_parquet_reads_back_equal_to_csv(fixture_table, tmp_path):
    table = tbl.sort(tbl.concat([fixture_table("CN"), fixture_table("NL")]))
    write_observations(table, tmp_path / "o.csv")
    write_observations_parquet(table, tmp_path / "o.parquet")
    from_csv = read_observations(tmp_path / "o.csv")
    from_parquet = read_observations_parquet(tmp_path / "o.parquet")
    pd.testing.assert_frame_equal(from_parquet, from_csv)
    assert np.array_equal(from_parquet[tbl.VALUE].to_numpy().view(np.int64), table[tbl.VALUE].to_numpy().view(np.int64))
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(tmp_path / "o.parquet")
    assert meta.metadata.num_row_groups == 2  # one per REF_AREA
    assert str(meta.schema_arrow.field("STO").type) == "dictionary<values=string, indices=int32, ordered=0>"
    assert (tmp_path / "o.parquet").stat().st_size < (tmp_path / "o.csv").stat().st_size / 10


def _panel() -> pd.DataFrame:
    """Two areas x 5 series (STO) x 2 bounds x 3 years; one comment per area."""
    parts = []
    for area in ("NL", "CN"):
        for i, sto in enumerate(("P1", "P2", "P51G", "P5OAX", "B1G")):
            for bound in tbl.BOUNDS:
                frame = pd.DataFrame({"TIME_PERIOD": ["2019", "2020", "2021"], "BOUND": bound, "OBS_VALUE": [1.0 + i, 2.0, 3.0]})
                parts.append(tbl.make_rows(frame, REF_AREA=area, STO=sto, UNIT_MULT=6, DECIMALS=1, COMMENT_OBS=f"from {area}"))
    return tbl.sort(tbl.concat(parts))


def test_sample_covers_every_distinct_value_and_whole_series():
    table = _panel()
    table.loc[17, "COMMENT_OBS"] = "a comment on one row only"
    table.loc[40, tbl.VALUE] = np.nan
    rows, series = sample_rows(table, per_area=3)
    sample = table.take(rows)
    for column in (*tbl.KEY, *tbl.ATTRIBUTES):
        assert set(sample[column]) == set(table[column]), column
    assert sample[tbl.VALUE].isna().any()
    # 5 series per area, sorted B1G, P1, P2, P51G, P5OAX: first, middle, last = B1G, P2, P5OAX, both bounds
    whole, n = whole_series(table, per_area=3)
    assert n == 6 and len(whole) == 6 * 2 * 3
    assert sorted(set(table.take(whole)["STO"])) == ["B1G", "P2", "P5OAX"]
    assert series == 6


@pytest.mark.parametrize("column, bad", [("STO", "NOT_A_CODE"), ("OBS_STATUS", "Z9"), ("CONF_STATUS", "Y9"), ("UNIT_MEASURE", "XX")])
def test_sample_validation_catches_a_corrupted_code(column, bad, tmp_path):
    """One row of one series outside the whole series sampled: caught because every
    distinct code is in the sample."""
    from compiler.outputs.sdmx.settings import SdmxSettings

    table = _panel()
    row = int(np.flatnonzero((table["REF_AREA"] == "NL") & (table["STO"] == "P1") & (table[tbl.TIME] == "2020"))[0])
    assert row not in set(whole_series(table)[0])
    validate_sample(table, tmp_path / "ok", SdmxSettings(), ("data-csv",))
    table.loc[row, column] = bad
    with pytest.raises(SdmxOutputError, match=bad):
        validate_sample(table, tmp_path / "bad", SdmxSettings(), ("data-csv",))


def test_cli_bulk_and_validate_full(tmp_path):
    out = tmp_path / "bulk"
    assert main(["compile", str(SYNTHETIC), "-o", str(out), "-q", "--bulk", "--no-html"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["observations.parquet", "report.json", "sdmx"]
    data = sorted(p.name for p in (out / "sdmx").glob("data*"))
    assert data == ["data.csv"]
    report = json.loads((out / "report.json").read_text())
    assert report["plan"] == {"bulk": True, "observations": ["parquet"], "formats": ["csv20"], "validation": "sample"}
    validation = report["sdmx"]["validation"]
    assert validation["mode"] == "sample" and validation["structures"] == "full"
    assert 0 < validation["observations"] <= validation["of"] == report["rows"]
    full = tmp_path / "full"
    assert main(["compile", str(SYNTHETIC), "-o", str(full), "-q", "--bulk", "--no-html", "--validate", "full",
                 "--observations", "csv,parquet", "--formats", "ml21,csv20"]) == 0
    report = json.loads((full / "report.json").read_text())
    assert report["sdmx"]["validation"] == {"mode": "full", "structures": "full", "messages": ["ml21"], "observations": report["rows"]}
    assert sorted(p.name for p in (full / "sdmx").glob("data*")) == ["data.csv", "data.xml"]
    pd.testing.assert_frame_equal(read_observations_parquet(full / "observations.parquet"), read_observations(full / "observations.csv"))



def test_parquet_written_with_the_sdmx_pass_is_the_same_file(tmp_path, monkeypatch):
    """Bulk: observations.parquet is written in the SDMX writers' pass over the countries
    (in this process, in workers, or beside a table written whole): the bytes of
    write_observations_parquet."""
    from compiler.outputs.sdmx import partitioned

    out = tmp_path / "one"
    assert main(["compile", str(SYNTHETIC), "-o", str(out), "-q", "--bulk", "--no-html", "--prepared", "2026-01-01T00:00:00Z"]) == 0
    table = read_observations_parquet(out / "observations.parquet")
    write_observations_parquet(table, tmp_path / "alone.parquet")
    assert (out / "observations.parquet").read_bytes() == (tmp_path / "alone.parquet").read_bytes()
    monkeypatch.setattr(partitioned, "PARALLEL_ROWS", 0)
    for jobs in ("1", "2"):
        again = tmp_path / f"jobs{jobs}"
        assert main(["compile", str(SYNTHETIC), "-o", str(again), "-q", "--bulk", "--no-html", "-j", jobs, "--prepared", "2026-01-01T00:00:00Z"]) == 0
        assert (again / "observations.parquet").read_bytes() == (tmp_path / "alone.parquet").read_bytes(), jobs
        assert (again / "sdmx" / "data.csv").read_bytes() == (out / "sdmx" / "data.csv").read_bytes(), jobs
