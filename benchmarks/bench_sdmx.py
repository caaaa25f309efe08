"""Benchmark the SDMX writers on 1 M canonical observations, against sdmx1's writer.

Run: ``python benchmarks/bench_sdmx.py [--obs 1000000] [--sdmx1-obs 100000]``.
Prints obs/s, tracemalloc peak and ru_maxrss growth per format, sdmx1's ``to_xml``
speed on a DataMessage built from the same rows, the speed ratio, and the validation
of the 1 M-observation ``data.xml`` against the DSD-specific schema.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from compiler import table as canon  # noqa: E402
from compiler.outputs.sdmx import csv as sdmx_csv  # noqa: E402
from compiler.outputs.sdmx import dsd_schema, generic, ml21, ml30, prepare  # noqa: E402
from compiler.outputs.sdmx.settings import SdmxSettings  # noqa: E402
from compiler.outputs.sdmx.structure import build_structures, structure_21_xml  # noqa: E402

AREAS = ["NL", "DE", "FR", "BE", "AT", "IT", "ES", "PT", "IE", "DK", "SE", "FI", "PL", "CZ", "SK", "HU", "SI", "HR", "RO", "BG"]
STOS = ["P1", "P51G", "P51C", "P5OA1", "P5OA2", "P5OA3", "P5OAX", "B2N", "LE", "K7"]
ASSETS = ["N11733G", "N11732G", "N11711G", "N117DG", "N1173G", "N1171G", "N117G", "N11731G", "N1174G", "N1179G"]
ACTIVITIES = ["_T", "J", "J62", "J63", "M72"]


def build_table(n_obs: int) -> pd.DataFrame:
    """``n_obs`` canonical observations: series × 50 years × 2 bounds, sorted."""
    years = 50
    n_keys = max(1, n_obs // (years * 2))
    idx = np.arange(n_keys)
    keys = pd.DataFrame({
        "REF_AREA": np.array(AREAS)[idx % 20],
        "STO": np.array(STOS)[(idx // 20) % 10],
        "INSTR_ASSET": np.array(ASSETS)[(idx // 200) % 10],
        "ACTIVITY": np.array(ACTIVITIES)[(idx // 2000) % 5],
        "TRANSFORMATION": np.where(idx // 10000 % 2 == 0, "N", "G1"),
    })
    rows = keys.loc[keys.index.repeat(years * 2)].reset_index(drop=True)
    rows["BOUND"] = np.tile(np.repeat(np.array(["low", "high"]), years), n_keys)
    rows["TIME_PERIOD"] = np.tile(np.arange(1975, 1975 + years).astype(str), n_keys * 2)
    rng = np.random.default_rng(1)
    values = rng.lognormal(8, 2, len(rows))
    values[rng.random(len(rows)) < 0.01] = np.nan
    rows["OBS_VALUE"] = values
    rows["COMMENT_OBS"] = np.where(rng.random(len(rows)) < 0.2, 'Sum of costs: "labour" × share, <src> & more', "")
    table = canon.make_rows(rows, UNIT_MULT=6, DECIMALS=1)
    return canon.sort(table)


def measure(label: str, func, n: int) -> float:
    gc.collect()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    func()
    seconds = time.perf_counter() - start
    rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024
    gc.collect()
    tracemalloc.start()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<34} {n:>9,} obs {seconds:7.2f} s {n / seconds:>11,.0f} obs/s "
          f"tracemalloc peak {peak / 2**20:7.1f} MiB  ru_maxrss +{rss:6.1f} MiB", flush=True)
    return n / seconds


def sdmx1_message(table: pd.DataFrame, settings: SdmxSettings):
    """A structure-specific DataMessage built with sdmx1's model (one DataSet per bound)."""
    import sdmx
    from sdmx.model import common, v21

    structures = build_structures(settings)
    dsd = structures.dsd
    msg = sdmx.message.DataMessage(header=sdmx.message.Header(id="BENCH", test=False, prepared=settings.prepared.replace(tzinfo=None),
                                                              sender=common.Agency(id=settings.sender)),
                                   observation_dimension=dsd.dimensions.get("TIME_PERIOD"))
    attrs = {a.id: a for a in dsd.attributes}
    measure = dsd.measures[0]
    for data in prepare.by_bound(table):
        ds = v21.StructureSpecificDataSet(structured_by=dsd, described_by=structures.dataflows[data.bound])
        frame = data.frame
        cols = {c: frame[c].to_numpy(dtype=object) for c in (*canon.DIMENSIONS, canon.TIME, "OBS_STATUS", "CONF_STATUS", "COMMENT_OBS")}
        values = frame[canon.VALUE].to_numpy()
        for s, e in zip(data.starts[:-1], data.starts[1:]):
            key = common.SeriesKey(described_by=dsd.dimensions,
                                   values={d: common.KeyValue(id=d, value=cols[d][s], value_for=dsd.dimensions.get(d)) for d in canon.DIMENSIONS})
            key.attrib["TIME_FORMAT"] = common.AttributeValue(value="P1Y", value_for=attrs["TIME_FORMAT"])
            key.attrib["DECIMALS"] = common.AttributeValue(value=str(frame["DECIMALS"].iat[s]), value_for=attrs["DECIMALS"])
            key.attrib["UNIT_MULT"] = common.AttributeValue(value=str(frame["UNIT_MULT"].iat[s]), value_for=attrs["UNIT_MULT"])
            observations = []
            for i in range(s, e):
                aa = {"OBS_STATUS": common.AttributeValue(value=cols["OBS_STATUS"][i], value_for=attrs["OBS_STATUS"]),
                      "CONF_STATUS": common.AttributeValue(value=cols["CONF_STATUS"][i], value_for=attrs["CONF_STATUS"])}
                if cols["COMMENT_OBS"][i]:
                    aa["COMMENT_OBS"] = common.AttributeValue(value=cols["COMMENT_OBS"][i], value_for=attrs["COMMENT_OBS"])
                observations.append(v21.Observation(
                    # common.Key(TIME_PERIOD=<str>): a KeyValue passed here is stringified whole
                    # ("TIME_PERIOD=1975"), the malformed peer output of the earlier figures
                    dimension=common.Key(TIME_PERIOD=cols[canon.TIME][i]),
                    value=values[i], value_for=measure, attached_attribute=aa))
            ds.add_obs(observations, key)
        msg.data.append(ds)
    return msg


def pysdmx_write(table: pd.DataFrame, settings: SdmxSettings, path: Path) -> float:
    """pysdmx's structure-specific 2.1 writer on the same rows; seconds (schema from our
    structure message, one PandasDataset per bound). Its output is not equivalent: no
    ``ObsLevelDim`` in the namespace and ``ss:dataScope`` set to the DSD id (the XSD allows
    DataStructure, ConstrainedDataStructure, Dataflow or ProvisionAgreement only)."""
    from pysdmx.io import read_sdmx, write_sdmx
    from pysdmx.io.format import Format
    from pysdmx.io.pd import PandasDataset

    structure = path.with_name("structure-pysdmx.xml")
    structure.write_bytes(structure_21_xml(build_structures(settings)))
    schema = read_sdmx(str(structure)).get_data_structure_definitions()[0].to_schema()
    frames = []
    for bound in canon.BOUNDS:
        rows = table.loc[table[canon.BOUND] == bound].drop(columns=[canon.BOUND])
        frames.append(rows.astype({"UNIT_MULT": str, "DECIMALS": str}).assign(TIME_FORMAT="P1Y"))
    t0 = time.perf_counter()
    datasets = [PandasDataset(structure=schema, data=frame) for frame in frames]
    write_sdmx(datasets, Format.DATA_SDMX_ML_2_1_STR, output_path=str(path), dimension_at_observation={schema.short_urn: "TIME_PERIOD"})
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--obs", type=int, default=1_000_000)
    parser.add_argument("--sdmx1-obs", type=int, default=100_000)
    parser.add_argument("--sdmx1-full", action="store_true", help="also time sdmx1 on --obs observations")
    args = parser.parse_args()
    settings = SdmxSettings(prepared=datetime(2024, 1, 1, tzinfo=UTC))
    t0 = time.perf_counter()
    table = build_table(args.obs)
    n = len(table)
    print(f"built {n:,} canonical observations ({n // 50:,} series) in {time.perf_counter() - t0:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        data = prepare.by_bound(table)
        print(f"split by bound + series boundaries: {time.perf_counter() - t0:.2f} s (shared by all writers, "
              "included below through a fresh split per run)")
        rates = {}
        rates["ml21"] = measure("SDMX-ML 2.1 structure-specific", lambda: ml21.write(table, folder / "data.xml", settings), n)
        measure("SDMX-ML 2.1 generic", lambda: generic.write(table, folder / "data-generic.xml", settings), n)
        measure("SDMX-ML 3.0 structure-specific", lambda: ml30.write(table, folder / "data-3.0.xml", settings), n)
        measure("SDMX-CSV 2.0", lambda: sdmx_csv.write(table, folder / "data.csv", settings, "2.0"), n)
        measure("SDMX-CSV 1.0", lambda: sdmx_csv.write(table, folder / "data-csv1.csv", settings, "1.0"), n)
        measure("SDMX-ML 2.1 ss, pre-split input", lambda: ml21.write(data, folder / "data-pre.xml", settings), n)
        shuffled = table.iloc[np.random.default_rng(2).permutation(n)].reset_index(drop=True)
        rates["ml21-shuffled"] = measure("SDMX-ML 2.1 ss, shuffled input", lambda: ml21.write(shuffled, folder / "data-shuf.xml", settings), n)
        same = (folder / "data-shuf.xml").read_bytes() == (folder / "data.xml").read_bytes()
        print(f"shuffled input gives the same bytes: {same}")
        size = (folder / "data.xml").stat().st_size
        print(f"data.xml: {size / 2**20:.0f} MiB")

        import sdmx

        small = table.iloc[: args.sdmx1_obs]
        t0 = time.perf_counter()
        msg = sdmx1_message(small, settings)
        build_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        xml = sdmx.to_xml(msg)
        write_s = time.perf_counter() - t0
        m = len(small)
        sdmx1_rate = m / write_s
        print(f"sdmx1 {m:,} obs: DataMessage build {build_s:.2f} s, to_xml {write_s:.2f} s "
              f"({sdmx1_rate:,.0f} obs/s; {m / (build_s + write_s):,.0f} obs/s incl. build), {len(xml) / 2**20:.0f} MiB")
        if args.sdmx1_full:
            t0 = time.perf_counter()
            big = sdmx.to_xml(sdmx1_message(table, settings))
            print(f"sdmx1 {n:,} obs incl. build: {time.perf_counter() - t0:.1f} s ({len(big) / 2**20:.0f} MiB)")
        else:
            print(f"sdmx1 {n:,} obs not run: extrapolated linearly {n / sdmx1_rate:.0f} s to_xml "
                  f"+ {n / m * build_s:.0f} s build (whole DOM in memory)")
        for key in ("ml21", "ml21-shuffled"):
            print(f"ratio {key} / sdmx1 to_xml: {rates[key] / sdmx1_rate:.1f}x; "
                  f"vs sdmx1 build+to_xml: {rates[key] / (m / (build_s + write_s)):.1f}x")
        assert 'TIME_PERIOD="TIME_PERIOD=' not in xml.decode("utf-8", "replace")[:200_000], "sdmx1 peer output malformed"
        pysdmx_s = pysdmx_write(small, settings, folder / "data-pysdmx.xml")
        print(f"pysdmx {m:,} obs: write_sdmx {pysdmx_s:.2f} s ({m / pysdmx_s:,.0f} obs/s); ratio ml21 / pysdmx: "
              f"{rates['ml21'] / (m / pysdmx_s):.1f}x (pysdmx output: no ObsLevelDim in the namespace, dataScope = DSD id)")
        t0 = time.perf_counter()
        errors = dsd_schema.validate_file(folder / "data.xml", settings, "2.1")
        print(f"validate data.xml ({n:,} obs) against the DSD-specific XSD: "
              f"{'VALID' if not errors else 'INVALID ' + '; '.join(errors)} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
