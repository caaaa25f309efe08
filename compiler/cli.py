"""The ``datasat`` command: arguments, progress and exit codes; no accounting here.

Exit codes: 0 success; 1 internal error (a failed identity, a bug); 2 bad input or
bad usage, including an unusable OUT (every problem is listed on standard error, nothing
is written); 3 the output could not be written (disk full, permissions: OUT keeps its
previous output); 130 interrupted (Ctrl-C), 143 terminated (SIGTERM), OUT unchanged.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from . import __version__
from .checks import CheckFailed
from .atomic_output import OutputFolder, OutputFolderError, OutputWriteError
from .output import write_json, write_observations
from .microdata import ENGINES
from .package import InputErrors
from .parallel import compile_many
from .pipeline import combine
from .html import write_html
from .report import build_report, package_report
from .sdmx.settings import resolve_prepared
from .sdmx_output import write_sdmx_outputs
from .resources import bundled_packages

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_WRITE = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 128 + signal.SIGINT, 128 + signal.SIGTERM

DESCRIPTION = """\
datasat compiles a satellite account for data assets (data, databases, data R&D)
from a country input package, by the sum-of-costs method, in low and high bounds.

An input package is a folder with package.toml and CSV tables (docs/inputs.md).
Results go to one canonical observation table keyed by the ESTAT:NA_MAIN dimensions.
"""

EPILOG = """\
examples:
  datasat compile                      compile every bundled fixture into out/
  datasat compile fixtures/CN -o cn    compile one package into cn/
  datasat validate my-country/         check a package without compiling it

exit status: 0 ok; 1 internal error; 2 bad input or usage (each problem names file,
line, column, value and what was expected; nothing is written); 3 the output could not
be written (OUT keeps its previous output); 130/143 interrupted/terminated (OUT unchanged).
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="datasat", description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"datasat {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    compile_ = commands.add_parser(
        "compile",
        help="compile packages into OUT/ (observations, SDMX, HTML tables, report)",
        description="Compile input packages into the canonical observation table and its projections:\n"
        "  OUT/observations.csv   the canonical table (one row per figure)\n"
        "  OUT/sdmx/              SDMX-ML 2.1/3.0, SDMX-CSV 1.0/2.0, structures, na_main.xml\n"
        "  OUT/html/              satellite-account tables per country, cross-country index\n"
        "  OUT/report.json        inputs read, checks run, what was written",
        epilog="examples:\n  datasat compile                               every bundled fixture into out/\n  datasat compile fixtures/CN fixtures/CA -o out  two packages\n  datasat compile countries/* -j 0 --no-html    a world panel, one worker per core\n  datasat compile my-register/ --engine dask    job records aggregated on a Dask cluster",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    compile_.add_argument("packages", nargs="*", type=Path, metavar="PACKAGE", help="package folders (default: every bundled fixture)")
    compile_.add_argument("-o", "--out", type=Path, default=Path("out"), metavar="OUT", help="output folder (default: out/)")
    compile_.add_argument("--prepared", metavar="DATETIME", help="SDMX header Prepared time, e.g. 2026-01-01T00:00:00Z (default: SOURCE_DATE_EPOCH, else now): same inputs and time give byte-identical files")
    compile_.add_argument("--bound", choices=("low", "high"), default="low", help="bound written to OUT/sdmx/na_main.xml (default: low, the conservative estimate)")
    compile_.add_argument("--na-main-version", default="1.9", metavar="VERSION", help="ESTAT:NA_MAIN version whose codelists na_main.xml must satisfy (1.9 or 1.11; default 1.9)")
    compile_.add_argument("--no-sdmx", action="store_true", help="do not write OUT/sdmx/")
    compile_.add_argument("--no-html", action="store_true", help="do not write OUT/html/ (the satellite tables and the cross-country index)")
    _add_run_options(compile_)
    compile_.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    compile_.add_argument("-v", "--verbose", action="store_true", help="print a summary of what was written")

    validate = commands.add_parser(
        "validate",
        help="check packages without compiling",
        description="Check input packages: every error at once, exit 2 if any.",
        epilog="example:\n  datasat validate fixtures/CN",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    validate.add_argument("packages", nargs="+", type=Path, metavar="PACKAGE")
    _add_run_options(validate)

    check = commands.add_parser(
        "check-sdmx",
        help="check an SDMX data message as a registry would",
        description="Check an SDMX-ML 2.1/3.0 or SDMX-CSV data message against a structure: codes in codelists, "
        "mandatory attributes, duplicate or conflicting keys, numeric values, time periods. Exit 0 clean, 2 findings.",
        epilog="examples:\n  datasat check-sdmx out/sdmx/data.xml --structure out/sdmx/structure.xml\n"
        "  datasat check-sdmx out/sdmx/na_main.xml --structure NA_MAIN-1.9 --format json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=False,
    )
    check.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of jobs (0 for one per core, or 1, 2, ...)")
    return value


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-j", "--jobs", type=_jobs, default=1, metavar="N",
        help="compile N packages at once in worker processes (0: one per core; default 1). Results are identical to a serial run",
    )
    parser.add_argument(
        "--engine", choices=sorted(ENGINES), default="duckdb",
        help="engine that aggregates job records of packages with labour_input = \"microdata\": duckdb (embedded, "
        "out-of-core; default) or dask (a distributed cluster: DATASAT_DASK_SCHEDULER=host:port, else a local one). "
        "Both give bit-identical tables",
    )


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["check-sdmx"]:
        from .sdmx.check import main as check_main

        return check_main(argv[1:])
    args = _parser().parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        if args.command == "compile":
            return _compile(args)
        return _validate(args)
    except _Terminated:
        print("datasat: terminated; nothing was written (OUT keeps its previous output)", file=sys.stderr)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        print("datasat: interrupted; nothing was written (OUT keeps its previous output)", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OutputFolderError as exc:
        print(f"datasat: cannot write the output: {exc}; nothing was computed", file=sys.stderr)
        return EXIT_INPUT
    except OutputWriteError as exc:
        print(f"datasat: writing the output failed: {exc}; OUT keeps its previous output", file=sys.stderr)
        return EXIT_WRITE
    except InputErrors as exc:
        print(f"datasat: {len(exc.errors)} input error(s); nothing was written:", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error}", file=sys.stderr)
        return EXIT_INPUT
    except CheckFailed as exc:
        print(f"datasat: internal error: a check failed; nothing was written: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception:  # noqa: BLE001 - the last line of defence prints the trace
        print("datasat: internal error; nothing was written. Please report this with the trace below.", file=sys.stderr)
        traceback.print_exc()
        return EXIT_INTERNAL
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Terminated(BaseException):
    """SIGTERM, raised where the program is so that clean-up runs as for Ctrl-C."""


def _terminate(signum: int, frame: object) -> None:
    raise _Terminated()


def _compile(args: argparse.Namespace) -> int:
    folders = args.packages or bundled_packages()
    with OutputFolder(args.out, on_wait=lambda message: print(f"datasat: {message}", file=sys.stderr)) as out:
        progress = tqdm(total=len(folders) + 1, desc="datasat", unit="step", disable=True if args.quiet else None, file=sys.stderr)
        results = compile_many(folders, args.jobs, lambda done, total, folder: progress.update(1), engine=args.engine)
        inputs = [r.inputs for r in results]
        table = combine(results)
        package_reports = [package_report(r) for r in results]
        for result in results:  # the combined table holds every row: release the per-package copies
            result.table = result.table.iloc[:0]
        extra = {}
        with out.staging() as stage:
            write_observations(table, stage / "observations.csv")
            if not args.no_sdmx:
                progress.set_postfix_str("SDMX")
                extra["sdmx"] = write_sdmx_outputs(table, inputs, stage / "sdmx", args.prepared, args.bound, args.na_main_version, jobs=args.jobs)
            if not args.no_html:
                progress.set_postfix_str("HTML")
                generated = resolve_prepared(args.prepared, os.environ).date().isoformat()
                extra["html"] = write_html(table, inputs, stage / "html", generated=generated)
            write_json(build_report(results, table, extra, package_reports), stage / "report.json")
        progress.update(1)
        progress.close()
    if args.verbose:
        print(f"datasat: {len(table)} observations from {len(results)} package(s) written to {args.out}/")
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    compile_many(args.packages, args.jobs, engine=args.engine)  # the stage checks too, nothing written
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
