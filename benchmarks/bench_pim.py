"""Benchmark of the PIM (compiler.accounts.pim): one call against chunks of bounded memory.

Random GFCF over 60 years with a moving price index per series and other volume
changes; every other series uses a truncated-normal × geometric profile with an
"opening" initial stock, the rest a gamma × linear weighted-average profile with a
backcast initial stock (two parameter sets interleaved: each chunk runs both).

Each variant runs in its own child process, which builds the inputs, then times the
PIM alone (wall and CPU) and reports its peak resident set (VmHWM: inputs included):

* ``previous``: the one-call engine of release 86271a8 (taken with ``git show``;
  skipped outside a git checkout), at a size it can finish (``--peer-series``);
* ``one call``: :func:`run_pim` with every series in one chunk, results kept;
* ``chunked``: :func:`iter_pim` with chunks sized from the default memory budget,
  each chunk's results consumed (summed) and dropped: the way a panel whose results
  do not fit in memory runs. Measured at the peer's size and at ``--series``, there
  also with two chunks at once in threads (``chunked×2``).

Target (issue 15): 1 M series × 60 years in under 10 s and 3 GiB.

Run: ``python benchmarks/bench_pim.py [--series 1000000] [--peer-series 200000]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

N_YEARS, BLOCK, PREVIOUS = 60, 100_000, "86271a8"
TARGET_S, TARGET_GIB = 10.0, 3.0


def make_inputs(n_series: int, seed: int = 2024) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """GFCF, average price index and OCV, (n_series, 60) each, built in blocks
    (no temporaries of the panel's size)."""
    rng = np.random.default_rng(seed)
    gfcf, price, ocv = (np.empty((n_series, N_YEARS)) for _ in range(3))
    for start in range(0, n_series, BLOCK):
        rows = slice(start, min(start + BLOCK, n_series))
        m = rows.stop - start
        growth = np.clip(1 + rng.normal(0.04, 0.08, size=(m, N_YEARS)), 0.7, None)
        np.cumprod(growth, axis=1, out=gfcf[rows])
        gfcf[rows] *= 100 * rng.uniform(0.5, 2.0, size=(m, 1))
        np.cumprod(1 + rng.normal(0.02, 0.03, size=(m, N_YEARS)), axis=1, out=price[rows])
        ocv[rows] = rng.normal(0, 1, size=(m, N_YEARS))
    return gfcf, price, ocv


def parameter_sets(module: object, n_series: int) -> list[object]:
    """The two interleaved parameter sets, as ``module.PimParameters``."""
    normal = module.PimParameters(retirement="normal", mean_life=10, cov=0.25, depreciation_rate=0.2, initial_stock="opening")
    gamma = module.PimParameters(retirement="gamma", mean_life=25, cov=0.3, value_profile="linear",
                                 combination="weighted_average", initial_stock="backcast")
    return [normal if i % 2 == 0 else gamma for i in range(n_series)]


def previous_module(folder: Path) -> object | None:
    """compiler/accounts/pim.py of release PREVIOUS (self-contained), or None."""
    try:
        text = subprocess.run(["git", "-C", str(ROOT), "show", f"{PREVIOUS}:compiler/accounts/pim.py"],
                              check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    path = folder / "pim_previous.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location("pim_previous", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["pim_previous"] = module
    spec.loader.exec_module(module)
    return module


def child(variant: str, n_series: int) -> dict[str, object]:
    """Build the inputs, run one variant, return its figures."""
    from compiler.accounts import pim

    with tempfile.TemporaryDirectory() as tmp:
        module = previous_module(Path(tmp)) if variant == "previous" else pim
        if module is None:
            return {"skipped": f"no git checkout with release {PREVIOUS}"}
        gfcf, price, ocv = make_inputs(n_series)
        params = parameter_sets(module, n_series)
        wall, cpu = time.perf_counter(), time.process_time()
        if variant.startswith("chunked"):
            chunks, checksum, workers = 0, 0.0, 2 if variant.endswith("×2") else 1
            for _, part in pim.iter_pim(gfcf, price, params, base_position=0, other_volume_changes=ocv, workers=workers):
                chunks, checksum = chunks + 1, checksum + float(part.net_stock_cp.sum())
        else:
            kwargs = {"chunk": n_series} if variant == "one call" else {}
            result = module.run_pim(gfcf, price, params, base_position=0, other_volume_changes=ocv, **kwargs)
            chunks, checksum = 1, float(result.net_stock_cp.sum())
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    status = Path("/proc/self/status").read_text()
    peak_kib = int(status.split("VmHWM:")[1].split()[0])
    return {"wall": wall, "cpu": cpu, "peak_gib": peak_kib / 2**20, "chunks": chunks, "checksum": checksum,
            "inputs_gib": 3 * gfcf.nbytes / 2**30}


def run_child(variant: str, n_series: int) -> dict[str, object]:
    out = subprocess.run([sys.executable, __file__, "--child", variant, "--series", str(n_series)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=1_000_000, help="series of the chunked run (default 1 M)")
    parser.add_argument("--peer-series", type=int, default=200_000, help="series of the one-call runs (default 200 k)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.series)))
        return
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"load average {load} on {os.cpu_count()} cores (other jobs share them: wall > CPU)")
    print(f"PIM benchmark: {N_YEARS} years, 2 interleaved parameter sets, OCV and initial stocks; "
          "wall and CPU of the PIM, peak RSS of the child (inputs included)")
    runs = [("previous", args.peer_series), ("one call", args.peer_series), ("chunked", args.peer_series),
            ("chunked", args.series), ("chunked×2", args.series)]
    figures = {}
    for variant, n in runs:
        fig = run_child(variant, n)
        figures[(variant, n)] = fig
        if "skipped" in fig:
            print(f"  {variant:<9} {n:>9,} series: skipped ({fig['skipped']})")
            continue
        print(f"  {variant:<9} {n:>9,} series: wall {fig['wall']:6.2f} s  CPU {fig['cpu']:6.2f} s  peak {fig['peak_gib']:5.2f} GiB"
              f"  ({fig['chunks']} chunks; inputs {fig['inputs_gib']:.2f} GiB; checksum {fig['checksum']:.6e})")
    big = min((figures[(v, args.series)] for v in ("chunked", "chunked×2")), key=lambda f: f["wall"])
    met = big["wall"] < TARGET_S and big["peak_gib"] < TARGET_GIB
    print(f"  target {args.series:,} series < {TARGET_S:.0f} s and < {TARGET_GIB:.0f} GiB: {'MET' if met else 'NOT MET'}")


if __name__ == "__main__":
    main()
