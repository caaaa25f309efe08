"""Benchmark of the output plan (issue 15 item 2): the writers of a compiled panel, peers in the same run.

Reads a compiled canonical table (``observations.csv`` or ``observations.parquet`` of a
compile, e.g. ``bench_world.py --data DIR`` keeps ``DIR/out``), optionally widened to
``--countries`` areas by copying countries under other REF_AREA codes of the codelist,
and times, each with wall and CPU seconds (this process and its finished workers):

1. observations.csv (``write_observations``) and observations.parquet (zstd, snappy: size too);
2. SDMX, the five data messages validated in full: written in one process (as before
   issue 15) and by country in ``--jobs`` worker processes; whether the files are identical;
3. SDMX, the bulk default: SDMX-CSV 2.0 with the validation sample, by country in workers.

Usage: ``python benchmarks/bench_outputs.py --observations DIR/out/observations.csv --countries 50``
"""

from __future__ import annotations

import argparse
import filecmp
import resource
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

MIB = 1024 * 1024


def cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@contextmanager
def timed(label: str, rows: int, size=None):  # noqa: ANN001 - a callable giving bytes written
    start, cpu_start = time.perf_counter(), cpu()
    yield
    wall, used = time.perf_counter() - start, cpu() - cpu_start
    extra = f"  {size() / MIB:9,.0f} MiB" if size else ""
    print(f"  {label:<58} {wall:8.2f} s  cpu {used:8.2f} s  {rows / wall / 1e6:6.2f} M obs/s{extra}", flush=True)


def load(path: Path, countries: int):
    """The table of ``path``, with ``countries`` areas (copies of its own under other codes)."""
    import pandas as pd

    from compiler import table as tbl
    from compiler.outputs.observations import read_observations, read_observations_parquet
    from compiler.outputs.sdmx.structure import DIMENSION_CODELISTS, codelist_rows

    table = read_observations_parquet(path) if path.suffix == ".parquet" else read_observations(path)
    areas = sorted(table["REF_AREA"].unique())
    if countries <= len(areas):
        return table
    spare = [c for c in (row.id for row in codelist_rows(DIMENSION_CODELISTS["REF_AREA"])) if c not in areas and len(c) == 2]
    copies = [table]
    for i, code in enumerate(spare[: countries - len(areas)]):
        source = table[table["REF_AREA"] == areas[i % len(areas)]]
        copies.append(source.assign(REF_AREA=code))
    return tbl.sort(tbl.coerce(pd.concat(copies, ignore_index=True)))


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def bench_tables(table, out: Path) -> None:
    from compiler.outputs.observations import write_observations, write_observations_parquet

    n = len(table)
    print(f"\n== 1. the observation table ({n:,} observations)")
    with timed("observations.csv", n, lambda: (out / "o.csv").stat().st_size):
        write_observations(table, out / "o.csv")
    for compression in ("zstd", "snappy"):
        path = out / f"o-{compression}.parquet"
        with timed(f"observations.parquet ({compression})", n, lambda p=path: p.stat().st_size):
            write_observations_parquet(table, path, compression)


def bench_sdmx(table, out: Path, jobs: int) -> None:
    from compiler.outputs.sdmx import partitioned
    from compiler.outputs.sdmx.settings import SdmxSettings
    from compiler.outputs.sdmx.write import DATA_KINDS, write_sdmx_files

    n = len(table)
    settings = SdmxSettings(prepared=datetime(2026, 1, 1, tzinfo=UTC))
    print(f"\n== 2. SDMX, five data messages validated in full ({n:,} observations, --jobs {jobs})")
    threshold = partitioned.PARALLEL_ROWS
    partitioned.PARALLEL_ROWS = sys.maxsize  # as before issue 15: written in one process
    with timed("written in one process, validated in workers", n, lambda: folder_size(out / "serial")):
        write_sdmx_files(table, out / "serial", settings, jobs=jobs)
    partitioned.PARALLEL_ROWS = threshold
    with timed(f"written by country in {jobs} workers, validated in workers", n, lambda: folder_size(out / "parallel")):
        result = write_sdmx_files(table, out / "parallel", settings, jobs=jobs)
    same = all(filecmp.cmp(out / "serial" / p.relative_to(out / "parallel"), p, shallow=False) for p in result.paths.values())
    print(f"  files identical: {same}")
    print("\n== 3. SDMX, the bulk default: SDMX-CSV 2.0, validation sample")
    with timed(f"data.csv by country in {jobs} workers + sample", n, lambda: folder_size(out / "bulk")):
        result = write_sdmx_files(table, out / "bulk", settings, jobs=jobs, kinds=("data-csv",), validation="sample")
    print(f"  sample: {result.validation['observations']:,} observations, {result.validation['series']} whole series")
    with timed("data.csv in one process + sample", n, lambda: folder_size(out / "bulk1")):
        write_sdmx_files(table, out / "bulk1", settings, jobs=1, kinds=("data-csv",), validation="sample")
    print(f"  (all five kinds: {', '.join(DATA_KINDS)})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--observations", type=Path, required=True, help="observations.csv or .parquet of a compile")
    parser.add_argument("--countries", type=int, default=0, help="widen the table to this many areas (0: as it is)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip-full", action="store_true", help="skip section 2 (five messages in full)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    table = load(args.observations, args.countries)
    print(f"table: {len(table):,} observations, {table['REF_AREA'].nunique()} areas (loaded in {time.perf_counter() - start:.1f} s)")
    out = Path(tempfile.mkdtemp(prefix="datasat-bench-outputs-"))
    try:
        bench_tables(table, out)
        if not args.skip_full:
            bench_sdmx(table, out, args.jobs)
        else:
            from compiler.outputs.sdmx.settings import SdmxSettings
            from compiler.outputs.sdmx.write import write_sdmx_files

            settings = SdmxSettings(prepared=datetime(2026, 1, 1, tzinfo=UTC))
            print("\n== 3. SDMX, the bulk default: SDMX-CSV 2.0, validation sample")
            with timed(f"data.csv by country in {args.jobs} workers + sample", len(table), lambda: folder_size(out / "bulk")):
                write_sdmx_files(table, out / "bulk", settings, jobs=args.jobs, kinds=("data-csv",), validation="sample")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\npeak RSS of this process {peak:,.0f} MiB; load average {__import__('os').getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
