"""Round trips: sdmx1 reads every data message back; SDMX-CSV reloads with pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sdmx
import sdmx.reader.xml.v30  # noqa: F401 - import before reading 2.1 DSD-specific data (sdmx1 2.28 quirk)
from lxml import etree

from compiler import table as canon
from compiler.outputs.sdmx import csv as sdmx_csv
from compiler.outputs.sdmx.write import write_sdmx


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    from conftest import sample_table
    from datetime import UTC, datetime

    from compiler.outputs.sdmx.settings import SdmxSettings

    table = sample_table()
    out = write_sdmx(table, tmp_path_factory.mktemp("rt") / "sdmx", SdmxSettings(prepared=datetime(2024, 5, 1, tzinfo=UTC)))
    return table, out


def _bounds_in_order(path) -> list[str]:
    refs = [e.get("structureRef") or e.get("{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific}structureRef")
            or e.get("{http://www.sdmx.org/resources/sdmxml/schemas/v3_0/data/structurespecific}structureRef")
            for _, e in etree.iterparse(str(path), tag="{*}DataSet")]
    return [r.rsplit("_", 1)[1].lower() for r in refs]


def _assert_same(expected: pd.DataFrame, got: pd.DataFrame) -> None:
    a, b = canon.sort(expected), canon.sort(got)
    assert len(a) == len(b)
    for column in (*canon.KEY, "OBS_STATUS", "CONF_STATUS", "REF_YEAR_PRICE", "COMMENT_OBS"):
        assert a[column].tolist() == b[column].tolist(), column
    for column in ("UNIT_MULT", "DECIMALS"):
        assert a[column].astype(int).tolist() == b[column].astype(int).tolist(), column
    # each value as written at its DECIMALS: Python's correctly rounded format(x, ".{d}f")
    rounded = [float(format(x, f".{d}f")) if np.isfinite(x) else x for x, d in zip(a[canon.VALUE], a["DECIMALS"], strict=True)]
    va, vb = np.array(rounded, dtype=np.float64), b[canon.VALUE].to_numpy(np.float64)
    np.testing.assert_array_equal(np.abs(va), np.abs(vb))  # -0.0 is written 0.0


@pytest.mark.parametrize("kind", ["data", "data-generic", "data-3.0"])
def test_sdmx1_reads_back_every_message(written, kind):
    table, out = written
    dsd = sdmx.read_sdmx(out["structure"]).structure["DSD_DATA_ASSETS"]
    msg = sdmx.read_sdmx(out[kind], structure=dsd)
    bounds = _bounds_in_order(out[kind])
    assert bounds == ["low", "high"] and len(msg.data) == 2
    frames = []
    for bound, ds in zip(bounds, msg.data):
        frame = sdmx.to_pandas(ds, attributes="os").reset_index().rename(columns={"value": canon.VALUE})
        frame[canon.BOUND] = bound
        assert set(frame["TIME_FORMAT"]) == {"P1Y"}
        frames.append(frame)
    got = pd.concat(frames, ignore_index=True)
    got["REF_YEAR_PRICE"] = got["REF_YEAR_PRICE"].fillna("")
    got["COMMENT_OBS"] = got["COMMENT_OBS"].fillna("")
    _assert_same(table, got)
    comment = got.loc[got.COMMENT_OBS.str.startswith("Sum of costs"), "COMMENT_OBS"].iloc[0]
    assert comment == 'Sum of costs: "labour" × 0.25, <data> & R&D; Ünïcode, commas\nsecond line'


@pytest.mark.parametrize("kind", ["data-csv", "data-csv1"])
def test_sdmx_csv_reloads_with_pandas(written, kind):
    table, out = written
    raw = pd.read_csv(out[kind], dtype=str, keep_default_na=False)
    lead = ["STRUCTURE", "STRUCTURE_ID", "ACTION"] if kind == "data-csv" else ["DATAFLOW"]
    assert raw.columns.tolist()[: len(lead) + 16] == [*lead, *canon.DIMENSIONS, canon.TIME, canon.VALUE]
    flows = set(raw[lead[1] if kind == "data-csv" else lead[0]])
    assert flows == {"DATASAT:DF_DATA_ASSETS_LOW(1.0.0)", "DATASAT:DF_DATA_ASSETS_HIGH(1.0.0)"}
    if kind == "data-csv":
        assert set(raw["ACTION"]) == {"I"} and set(raw["STRUCTURE"]) == {"dataflow"}
    assert set(raw["TIME_FORMAT"]) == {"P1Y"}
    _assert_same(table, sdmx_csv.read(out[kind]))
