"""Benchmark of loading one input package: the plain path against the exact path, per table.

Generates one world-panel package (benchmarks/world_panel.py: 30 years × 20 industries × 50
occupations, so employment.csv holds 30,000 rows) unless ``--package`` names one, then
prints the best-of-N CPU time of reading each table with
:func:`compiler.inputs.read.read_table` (plain valid files take pyarrow's column-wise path)
and with its peer :func:`compiler.inputs.schema.read_table_exact` (pandas, every message
worded), and of :func:`compiler.inputs.load.load_package` with each, measured in the same
run. CPU time, not wall time: the machine is shared.

Run: ``python benchmarks/bench_load.py [--package FOLDER] [--repeat 7]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.world_panel import Panel, write_panel  # noqa: E402
from compiler import codes as code_lists  # noqa: E402
from compiler.inputs import source, tables  # noqa: E402
from compiler.inputs.load import fixed_code_sets, load_package  # noqa: E402
from compiler.inputs.read import read_table  # noqa: E402
from compiler.inputs.schema import read_table_exact  # noqa: E402


def best_ms(run: Callable[[], object], repeat: int) -> float:
    """Least CPU time of ``repeat`` runs after one warm-up, in milliseconds."""
    run()
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times) * 1000


def per_table(package: Path, repeat: int) -> None:
    """Each table of ``package`` read by both paths."""
    inputs = load_package(package)
    code_sets = fixed_code_sets()
    code_sets["occupations"] = set(inputs.occupations["occupation"])
    code_sets["industries"] = set(inputs.industries["industry"])
    code_sets["industries_or_total"] = code_sets["industries"] | {code_lists.TOTAL_ACTIVITY}
    years = inputs.manifest.years
    totals = [0.0, 0.0]
    print(f"{'table':24s} {'rows':>7s} {'exact ms':>9s} {'plain ms':>9s} {'ratio':>6s}")
    for schema in (*tables.ALL_TABLES, *tables.OPTIONAL_TABLES):
        path = package / schema.name
        if not path.is_file():
            continue
        exact = best_ms(lambda: read_table_exact(path, schema, code_sets, years), repeat)
        plain = best_ms(lambda: read_table(path, schema, code_sets, years), repeat)
        rows = len(read_table(path, schema, code_sets, years)[0])
        totals = [totals[0] + exact, totals[1] + plain]
        print(f"{schema.name:24s} {rows:7d} {exact:9.1f} {plain:9.1f} {exact / plain:6.1f}")
    print(f"{'all tables':24s} {'':7s} {totals[0]:9.1f} {totals[1]:9.1f} {totals[0] / totals[1]:6.1f}")


def per_package(package: Path, repeat: int) -> None:
    """load_package with the plain path, and with the exact path only."""
    plain = best_ms(lambda: load_package(package), repeat)
    with mock.patch.object(source, "read_table", read_table_exact):
        exact = best_ms(lambda: load_package(package), repeat)
    print(f"{'load_package':24s} {'':7s} {exact:9.1f} {plain:9.1f} {exact / plain:6.1f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--package", type=Path, help="a package folder (default: one generated world-panel package)")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        package = args.package or write_panel(Path(tmp), Panel(1, 30, 20, 50, 2024, 5, 2026))[0]
        print(f"package {package.name}: best of {args.repeat}, CPU ms")
        per_table(package, args.repeat)
        per_package(package, args.repeat)


if __name__ == "__main__":
    main()
