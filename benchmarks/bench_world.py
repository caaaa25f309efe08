"""World-panel benchmark: N countries compiled end to end, and M job records aggregated.

Generates (or reuses, with ``--data``) a synthetic panel with benchmarks/world_panel.py and
prints wall time and peak memory per stage, with the targets of issue 6 and, where one is
missed, by how much:

1. **Microdata.** M job records (Parquet) aggregated into the employment table of one
   package (``labour_input = "microdata"``) by ``compiler.inputs.microdata`` (DuckDB engine, via
   ``load_package``), and by two peers in plain pandas: streaming row groups
   (``groupby().sum()`` per batch, then over the batches) and, when it fits
   (``--naive-max``), everything read at once. Each runs in its own process; its peak
   memory is that process's high-water RSS (``VmHWM``). Target: 100 M records in under
   60 s with a peak under 2 GiB.
2. **End to end.** ``datasat compile`` of the N packages (Y years × I industries × O
   occupations each), run as a user runs it, in a child process (benchmarks/cli_run.py),
   with the command's own defaults for that many packages (``--args`` adds arguments).
   Each stage the command announces on standard error (loading, the accounts stages,
   each output) gets its wall time, the CPU time of the command and its workers, and their
   peak resident memory. Target: 200 × 30 × 20 × 50 in under 60 s and 8 GiB.
3. **SDMX peer.** sdmx1's writer (``sdmx.to_xml`` of a DataMessage built from a sample of
   the run's observations, scaled linearly) against ours (``compiler.outputs.sdmx.ml21``).
4. **The pandas path.** The last release before the columnar redesign (``--peer-rev``,
   per-package pandas stages) and this one compile the same ``--peer-countries`` packages
   (a size the old release can finish) with the same outputs, timed the same way in the
   same run: the ratio per run, and whether their shared output files are byte-identical.
   Needs a git clone (the old release is taken with ``git archive``); skipped otherwise.

Run: ``python benchmarks/bench_world.py`` (the target scale: 200 countries, 100 M records;
the run stops itself when less than 1.5 GiB of memory is left), ``--countries 100`` for half
of it, or ``--quick`` for a smoke run in well under a minute. ``--data DIR`` keeps and
reuses the generated panel.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import cli_run  # noqa: E402
import world_panel  # noqa: E402

MIB = 2**20
GIB = 2**30
MICRO_SECONDS, MICRO_BYTES, MICRO_RECORDS = 60.0, 2 * GIB, 100_000_000
WORLD_SECONDS, WORLD_BYTES = 60.0, 8 * GIB
#: our arguments for the comparison with the pandas path: every output that release writes
FULL_ARGS = "--no-bulk"
MIN_AVAILABLE = 1.5 * GIB  # the benchmark stops itself below this much available memory
WORLD_SCALE = (200, 30, 20, 50)


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)

    def say(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)


def verdict(what: str, value: float, target: float, unit: str) -> str:
    if value <= target:
        return f"TARGET MET: {what} {value:.1f} {unit} <= {target:g} {unit}"
    return f"TARGET MISSED: {what} {value:.1f} {unit} > {target:g} {unit}: missed by {value - target:.1f} {unit} ({value / target:.1f}x)"


# --------------------------------------------------------------------------- data


def prepare_data(root: Path, panel: world_panel.Panel, records: int, report: Report) -> tuple[list[Path], Path | None]:
    """Generate the panel and the microdata package into ``root`` unless it holds them already."""
    manifest = root / "panel.json"
    wanted = {**asdict(panel), "records": records, "generator": (HERE / "world_panel.py").stat().st_mtime}
    if manifest.exists() and json.loads(manifest.read_text()) == wanted:
        report.say(f"reusing the panel in {root}")
    else:
        for child in root.iterdir() if root.exists() else []:
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        root.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        world_panel.write_panel(root / "panel", panel, progress=True)
        report.say(f"generated {panel.countries} packages ({panel.employment_rows:,} employment rows) in {time.perf_counter() - start:.1f} s")
        if records:
            start = time.perf_counter()
            world_panel.write_microdata_package(root / "microdata", records, panel)
            size = sum(p.stat().st_size for p in (root / "microdata" / "jobs").glob("*.parquet"))
            report.say(f"generated {records:,} job records ({size / MIB:.0f} MiB of Parquet) in {time.perf_counter() - start:.1f} s")
        manifest.write_text(json.dumps(wanted))
    folders = sorted(p for p in (root / "panel").iterdir() if (p / "package.toml").exists())
    return folders, (root / "microdata" if records else None)


# --------------------------------------------------------------------------- microdata peers


KEYS = ["year", "occupation", "industry"]


def peer_duckdb(folder: Path, out: Path) -> dict:
    from compiler.inputs import load_package

    start = time.perf_counter()
    inputs = load_package(folder, engine="duckdb")
    seconds = time.perf_counter() - start
    table = inputs.employment[KEYS + ["employment", "compensation"]]
    table.to_parquet(out)
    return {"seconds": seconds, "records": inputs.microdata["records"]["read"], "cells": len(table)}


def _records(folder: Path) -> list[Path]:
    return sorted((folder / "jobs").glob("*.parquet"))


def peer_pandas_stream(folder: Path, out: Path) -> dict:
    """Plain pandas, one Parquet batch at a time: group sums per batch, then over batches."""
    import pandas as pd
    import pyarrow.parquet as pq

    start = time.perf_counter()
    parts, n = [], 0
    for path in _records(folder):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=2_000_000, columns=[*KEYS, "weight", "compensation"]):
            frame = batch.to_pandas()
            n += len(frame)
            frame["paid"] = frame["weight"] * frame["compensation"]
            parts.append(frame.groupby(KEYS, observed=True)[["weight", "paid"]].sum())
    total = pd.concat(parts).groupby(level=KEYS).sum()
    table = pd.DataFrame({"employment": total["weight"], "compensation": total["paid"] / total["weight"]}).reset_index()
    seconds = time.perf_counter() - start
    table.to_parquet(out)
    return {"seconds": seconds, "records": n, "cells": len(table)}


def peer_pandas_naive(folder: Path, out: Path) -> dict:
    """Plain pandas, every record in memory at once."""
    import pandas as pd

    start = time.perf_counter()
    frame = pd.concat([pd.read_parquet(p, columns=[*KEYS, "weight", "compensation"]) for p in _records(folder)], ignore_index=True)
    frame["paid"] = frame["weight"] * frame["compensation"]
    total = frame.groupby(KEYS)[["weight", "paid"]].sum()
    table = pd.DataFrame({"employment": total["weight"], "compensation": total["paid"] / total["weight"]}).reset_index()
    seconds = time.perf_counter() - start
    table.to_parquet(out)
    return {"seconds": seconds, "records": len(frame), "cells": len(table)}


PEERS = {"duckdb": peer_duckdb, "pandas-stream": peer_pandas_stream, "pandas-naive": peer_pandas_naive}


def own_peak_rss() -> int:
    """Peak RSS of this process since it started its program (``VmHWM``, Linux), in bytes.

    Not ``ru_maxrss``: a child started by fork + exec also counts in it the pages of the
    parent it was forked from (the old address space's high-water mark at exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run_peer(name: str, folder: Path, out: Path) -> dict:
    """Run a peer in a fresh interpreter; its wall time and peak RSS (its own ``VmHWM``)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--peer", name, str(folder), str(out)]
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, _ = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if child.returncode != 0:
        return {"error": f"exit status {child.returncode}", "wall": wall}
    result = json.loads(output.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def bench_microdata(folder: Path, records: int, report: Report, naive_max: int) -> dict:
    import numpy as np
    import pandas as pd

    report.say(f"\n== 1. microdata: {records:,} job records -> employment table (year x occupation x industry); each peer in its own process")
    report.say(f"  {'engine':<30} {'aggregation s':>14} {'process wall s':>15} {'peak RSS MiB':>13}")
    results, tables = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in PEERS:
            if name == "duckdb":
                try:
                    import compiler.inputs.microdata  # noqa: F401 - only whether it imports
                except ImportError:
                    report.say("  compiler.inputs.microdata (DuckDB)       skipped: compiler.inputs.microdata not available")
                    continue
            if name == "pandas-naive" and records > naive_max:
                need = records * 120 / GIB
                report.say(f"  {'pandas, all records in memory':<30} skipped: {records:,} records > --naive-max {naive_max:,} (would need ~{need:.0f} GiB)")
                continue
            out = Path(tmp) / f"{name}.parquet"
            result = run_peer(name, folder, out)
            results[name] = result
            label = {"duckdb": "compiler.inputs.microdata (DuckDB)", "pandas-stream": "pandas, streamed batches", "pandas-naive": "pandas, all records in memory"}[name]
            if "error" in result:
                report.say(f"  {label:<30} failed: {result['error']}")
                continue
            report.say(f"  {label:<30} {result['seconds']:14.2f} {result['wall']:15.2f} {result['peak'] / MIB:13.0f}")
            tables[name] = pd.read_parquet(out)
    if "duckdb" in tables and len(tables) > 1:
        base = tables["duckdb"].assign(year=lambda f: f["year"].astype(int)).set_index(KEYS).sort_index()
        for name, table in tables.items():
            if name == "duckdb":
                continue
            other = table.assign(year=table["year"].astype(int)).set_index(KEYS).sort_index().reindex(base.index)
            worst = max(float(np.nanmax(np.abs(other[c] / base[c] - 1))) for c in ("employment", "compensation"))
            report.say(f"  {name} agrees with compiler.inputs.microdata: {len(other):,} cells, largest relative difference {worst:.1e}")
    engine = results.get("duckdb")
    if engine and "error" not in engine:
        scale = MICRO_RECORDS / records
        seconds, peak = (engine["wall"], engine["peak"]) if records == MICRO_RECORDS else (engine["seconds"] * scale, engine["peak"])
        qualifier = "" if records == MICRO_RECORDS else f" (ESTIMATE: aggregation time at {records:,} records scaled linearly x{scale:g}; peak as measured)"
        report.say("  " + verdict("100 M records aggregated in", seconds, MICRO_SECONDS, "s") + qualifier)
        report.say("  " + verdict("peak memory of the aggregation", peak / GIB, MICRO_BYTES / GIB, "GiB"))
    return results


# --------------------------------------------------------------------------- end to end

#: the last release before the columnar redesign (issue 15): per-package pandas stages
PEER_REV = "352196e"
PREPARED = "2026-01-01T00:00:00Z"


def compile_command(folders: list[Path], out: Path, jobs: int, extra: list[str]) -> list[str]:
    """``datasat compile`` as a user runs it (``python -m compiler.cli``: the same in every release)."""
    return [sys.executable, "-m", "compiler.cli", "compile", *map(str, folders), "-o", str(out), "--prepared", PREPARED, "--jobs", str(jobs), *extra]


def say_run(report: Report, run: "cli_run.Run", label: str) -> None:
    """One line per stage the command announced, then the total."""
    for s in run.stages:
        report.say(f"  {s.name:<52} {s.wall:8.2f} s  cpu {s.cpu:8.1f} s  peak {s.peak / MIB:8.0f} MiB")
    status = "" if run.returncode == 0 else f"  EXIT STATUS {run.returncode}" + ("  (stopped: memory nearly exhausted)" if run.aborted else "")
    report.say(f"  {'total ' + label:<52} {run.wall:8.2f} s  cpu {run.cpu:8.1f} s  peak {run.peak / MIB:8.0f} MiB{status}")
    if run.returncode != 0:
        report.say("\n".join(f"    | {line}" for line in run.stderr[-15:]))


def bench_world(folders: list[Path], jobs: int, report: Report, out: Path, extra: list[str]) -> "cli_run.Run":
    """The N packages end to end, with the command's defaults for that many packages."""
    report.say(f"\n== 2. end to end: datasat compile of {len(folders)} packages, --jobs {jobs} {' '.join(extra)}")
    report.say("  per stage as the command announces it; peak = RSS of the command and its workers")
    run = cli_run.run_compile(compile_command(folders, out, jobs, extra), cwd=HERE.parent, min_available=int(MIN_AVAILABLE))
    say_run(report, run, f"({len(folders)} packages)")
    return run


#: functions of compiler.pipeline timed by the breakdown (the names pipeline.py imports)
BREAKDOWN = {
    "load_package": "load and check inputs (per package)",
    "cost_stage": "costs, all packages at once (columnar)",
    "stock_observations": "stocks: PIM (per package)",
    "gdp_impact_rows": "GDP effect (per package)",
    "supply_use_rows": "supply-use + GRAS (per package)",
    "comparison_rows": "comparison (per package)",
}


def compile_breakdown(folders: list[Path], report: Report) -> None:
    """CPU seconds a package spends in each stage: the sample compiled in this process,
    serially, each stage function wrapped with a timer (process CPU time)."""
    from compiler import pipeline
    from compiler.inputs import load_package

    totals: dict[str, float] = dict.fromkeys(BREAKDOWN.values(), 0.0)
    saved = {name: getattr(pipeline, name) for name in BREAKDOWN if hasattr(pipeline, name)}

    def timed(function, label):
        def run(*args, **kwargs):
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                totals[label] += time.process_time() - start
        return run

    for name, function in saved.items():
        setattr(pipeline, name, timed(function, BREAKDOWN[name]))
    load = timed(load_package, BREAKDOWN["load_package"])
    try:
        pipeline.compile_inputs(load_package(folders[0]))  # warm the caches, as a worker is after its first package
        totals.update(dict.fromkeys(totals, 0.0))
        start = time.process_time()
        inputs = [load(f) for f in folders]
        for one, rows in zip(inputs, pipeline.cost_stage(inputs)):
            pipeline.package_stages(one, rows)
        whole = time.process_time() - start
    finally:
        for name, function in saved.items():
            setattr(pipeline, name, function)
    n = len(folders)
    report.say(f"\n== 2b. where a package's compile time goes: {n} packages compiled serially in this process, CPU s a package")
    for label, seconds in totals.items():
        report.say(f"  {label:<52} {seconds / n:8.3f} s  ({seconds / whole:5.1%})")
    rest = whole - sum(totals.values())
    report.say(f"  {'checks, key checks, appending rows':<52} {rest / n:8.3f} s  ({rest / whole:5.1%})")
    report.say(f"  {'total a package':<52} {whole / n:8.3f} s")


def extract_peer(rev: str, into: Path) -> Path | None:
    """The source tree of release ``rev`` (``git archive``), or None outside a git clone."""
    try:
        archive = subprocess.run(["git", "-C", str(HERE.parent), "archive", rev], capture_output=True, check=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def bench_peer(folders: list[Path], jobs: int, report: Report, root: Path, rev: str, full_args: list[str]) -> dict | None:
    """The pandas path (release ``rev``) and ours on the same packages, with the same outputs."""
    report.say(f"\n== 4. the pandas path (release {rev}, per-package pandas stages) and ours on {len(folders)} packages, same outputs")
    peer_tree = extract_peer(rev, root / "peer-src")
    if peer_tree is None:
        report.say(f"  skipped: release {rev} not found (run the benchmark in a git clone of datasat)")
        return None
    runs = {}
    for label, cwd, extra in (("pandas path", peer_tree, []), ("ours", HERE.parent, full_args)):
        out = root / f"out-{label.split()[0]}"  # datasat replaces OUT (a link to its last version) itself
        report.say(f"  {label}: {' '.join(extra) or '(defaults of that release: every output)'}")
        run = cli_run.run_compile(compile_command(folders, out, jobs, extra), cwd=cwd, min_available=int(MIN_AVAILABLE))
        say_run(report, run, label)
        runs[label] = (run, out)
    (peer, peer_out), (ours, ours_out) = runs["pandas path"], runs["ours"]
    report.say(f"  ratio, pandas path / ours: wall {peer.wall / ours.wall:.1f}x, CPU {peer.cpu / max(ours.cpu, 1e-9):.1f}x, "
               f"peak memory {peer.peak / max(ours.peak, 1):.1f}x")
    report.say("  same answers: " + compare_outputs(peer_out, ours_out))
    return {"peer": peer, "ours": ours}


def compare_outputs(a: Path, b: Path) -> str:
    """Which files the two output folders share, and whether their bytes are identical."""
    import filecmp

    names = ["observations.csv", *sorted(str(p.relative_to(a)) for p in (a / "sdmx").rglob("*") if p.is_file())] if (a / "sdmx").exists() else ["observations.csv"]
    shared = [n for n in names if (a / n).exists() and (b / n).exists()]
    differ = [n for n in shared if not filecmp.cmp(a / n, b / n, shallow=False)]
    if not shared:
        return "no output file in common to compare"
    if differ:
        return f"{len(differ)} of {len(shared)} shared files DIFFER: {', '.join(differ[:6])}"
    return f"{len(shared)} shared files byte-identical ({', '.join(shared[:4])}{', ...' if len(shared) > 4 else ''})"


# --------------------------------------------------------------------------- SDMX peer


def observations_sample(out: Path, obs: int):
    """Whole runs of rows spread over the canonical table written to ``out``."""
    import numpy as np
    import pandas as pd

    from compiler.table import coerce

    path = out / "observations.parquet"
    table = pd.read_parquet(path) if path.exists() else pd.read_csv(out / "observations.csv", dtype=str, keep_default_na=False)
    table = coerce(table.assign(OBS_VALUE=pd.to_numeric(table["OBS_VALUE"].astype(str).replace("NaN", "nan"))))
    blocks = max(1, min(obs, len(table)) // 200)
    starts = np.arange(blocks) * (len(table) // blocks)
    rows = np.unique(np.concatenate([np.arange(s, min(s + 200, len(table))) for s in starts]))
    return table.iloc[rows].reset_index(drop=True), len(table)


def bench_sdmx_peer(out: Path, obs: int, report: Report) -> None:
    import sdmx

    from bench_sdmx import sdmx1_message
    from compiler.outputs.sdmx import ml21, prepare
    from compiler.outputs.sdmx.settings import SdmxSettings

    report.say(f"\n== 3. SDMX peer: sdmx1 to_xml on a sample of {obs:,} observations vs compiler.outputs.sdmx.ml21")
    from datetime import UTC, datetime

    settings = SdmxSettings(prepared=datetime(2026, 1, 1, tzinfo=UTC))
    small, n = observations_sample(out, obs)
    start = time.perf_counter()
    message = sdmx1_message(small, settings)
    build = time.perf_counter() - start
    start = time.perf_counter()
    sdmx.to_xml(message)
    write = time.perf_counter() - start
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        ml21.write(prepare.by_bound(small), Path(tmp) / "sample.xml", settings)
    ours = time.perf_counter() - start
    m = len(small)
    report.say(f"  sdmx1: DataMessage build {build:.2f} s + to_xml {write:.2f} s for {m:,} obs = {m / (build + write):,.0f} obs/s; "
               f"scaled to the {n:,} obs of the run: {n / m * (build + write):,.0f} s")
    report.say(f"  ours (ml21, streaming): {m:,} obs in {ours:.2f} s ({m / ours:,.0f} obs/s): "
               f"{(build + write) / ours:.0f}x faster than sdmx1 build + to_xml, {write / ours:.0f}x than to_xml alone")


# --------------------------------------------------------------------------- main


def closing_note(report: Report, run: "cli_run.Run | None", panel: world_panel.Panel, micro: dict, peer: dict | None) -> None:
    report.say("\n== closing note")
    if micro.get("duckdb") and "error" not in micro["duckdb"]:
        d = micro["duckdb"]
        report.say(f"* microdata: DuckDB reads the Parquet columns and sums fixed-point integers out of core "
                   f"({d['records'] / d['seconds']:,.0f} records/s, {d['peak'] / MIB:,.0f} MiB peak incl. the interpreter); "
                   f"the in-memory pandas peer needs ~120 bytes a record.")
    if run is None:
        return
    scale = (panel.countries, panel.years, panel.industries, panel.occupations)
    full = scale == WORLD_SCALE
    qualifier = "" if full else " (not the target scale)"
    report.say("* end to end: " + verdict(f"{'x'.join(map(str, scale))} panel end to end in", run.wall, WORLD_SECONDS, "s") + qualifier)
    report.say("  memory: " + verdict("peak of the command and its workers", run.peak / GIB, WORLD_BYTES / GIB, "GiB") + qualifier)
    parts = sorted(run.stages, key=lambda s: -s.wall)
    report.say("  where the time goes: " + "; ".join(f"{s.name} {s.wall:.1f} s ({s.wall / run.wall:.0%})" for s in parts))
    if not full and (panel.years, panel.industries, panel.occupations) == WORLD_SCALE[1:]:
        factor = WORLD_SCALE[0] / panel.countries
        report.say(f"  ESTIMATE for {WORLD_SCALE[0]} countries (x{factor:g}, every stage taken as linear in the countries): "
                   f"{run.wall * factor:,.0f} s wall, {run.cpu * factor:,.0f} CPU s, peak ~{run.peak * factor / GIB:,.1f} GiB; "
                   + verdict("estimated end to end", run.wall * factor, WORLD_SECONDS, "s"))
    if peer:
        a, b = peer["peer"], peer["ours"]
        report.say(f"* against the pandas path (release {PEER_REV}), same packages and outputs: {a.wall:.1f} s -> {b.wall:.1f} s wall "
                   f"({a.wall / b.wall:.1f}x), {a.cpu:.0f} -> {b.cpu:.0f} CPU s, peak {a.peak / GIB:.2f} -> {b.peak / GIB:.2f} GiB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--countries", type=int, default=WORLD_SCALE[0])
    parser.add_argument("--years", type=int, default=WORLD_SCALE[1])
    parser.add_argument("--industries", type=int, default=WORLD_SCALE[2])
    parser.add_argument("--occupations", type=int, default=WORLD_SCALE[3])
    parser.add_argument("--records", type=int, default=MICRO_RECORDS, help="job records of the microdata benchmark (0: skip it)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (0: one per core)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 6 countries x 10 years x 6 industries x 8 occupations, 500,000 records, peer on 3")
    parser.add_argument("--data", type=Path, help="folder for the generated panel, kept and reused (default: a temporary folder)")
    parser.add_argument("--args", default="", help="extra arguments of the end-to-end compile (default: none, the command's own defaults)")
    parser.add_argument("--sample", type=int, default=4, help="packages of the per-stage compile breakdown, compiled serially in-process (0: none)")
    parser.add_argument("--peer-countries", type=int, default=10, help="packages of the comparison with the pandas path (0: none)")
    parser.add_argument("--peer-rev", default=PEER_REV, help="the release measured as the pandas path (a git revision)")
    parser.add_argument("--full-args", default=FULL_ARGS, help="our arguments for the comparison: the outputs the pandas path writes")
    parser.add_argument("--sdmx1-obs", type=int, default=20_000, help="observations of the sdmx1 peer's sample (0: none)")
    parser.add_argument("--naive-max", type=int, default=20_000_000, help="largest record count for the all-in-memory pandas peer")
    parser.add_argument("--skip-world", action="store_true", help="only the microdata benchmark")
    parser.add_argument("--peer", nargs=3, metavar=("NAME", "FOLDER", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.peer:
        name, folder, out = args.peer
        result = PEERS[name](Path(folder), Path(out))
        result["peak"] = own_peak_rss()
        print(json.dumps(result))
        return
    if args.quick:
        args.countries, args.years, args.industries, args.occupations = 6, 10, 6, 8
        args.records, args.peer_countries = min(args.records, 500_000), min(args.peer_countries, 3)
    panel = world_panel.Panel(args.countries, args.years, args.industries, args.occupations)
    report = Report()
    report.say(f"datasat world-panel benchmark: {panel.countries} countries x {panel.years} years x {panel.industries} industries x "
               f"{panel.occupations} occupations; {args.records:,} job records; {os.cpu_count()} cores; python {sys.version.split()[0]}")
    temporary = None
    if args.data is None:
        temporary = tempfile.TemporaryDirectory(prefix="datasat-world-")
        args.data = Path(temporary.name)
    run, peer = None, None
    try:
        folders, micro_folder = prepare_data(args.data, panel, args.records, report)
        micro = bench_microdata(micro_folder, args.records, report, args.naive_max) if micro_folder else {}
        if not args.skip_world:
            run = bench_world(folders, args.jobs, report, args.data / "out", args.args.split())
            if args.sample:
                compile_breakdown(folders[: args.sample], report)
            if args.sdmx1_obs and run.returncode == 0:
                bench_sdmx_peer(args.data / "out", args.sdmx1_obs, report)
            if args.peer_countries:
                peer = bench_peer(folders[: args.peer_countries], args.jobs, report, args.data, args.peer_rev, args.full_args.split())
        closing_note(report, run, panel, micro, peer)
    finally:
        if temporary is not None:
            temporary.cleanup()


if __name__ == "__main__":
    main()
