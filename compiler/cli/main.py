"""The ``datasat`` command: arguments, progress and exit codes; no accounting here.

Exit codes: 0 success; 1 internal error (a failed identity, a bug); 2 bad input or
bad usage, including an unusable OUT (every problem is listed on standard error, nothing
is written); 3 the output could not be written (disk full, permissions: OUT keeps its
previous output); 130 interrupted (Ctrl-C), 143 terminated (SIGTERM), OUT unchanged.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from compiler import __version__
from compiler import table as tbl
from compiler.accounts.checks import CheckFailed
from compiler.outputs.publish import OutputFolder, OutputFolderError, OutputWriteError
from compiler.outputs import plan
from compiler.outputs.observations import ParquetObservations, write_json, write_observations, write_observations_parquet
from compiler.outputs.sdmx.sample import SERIES_PER_AREA
from compiler.inputs.microdata import ENGINES
from compiler.inputs import InputErrors
from compiler.outputs.csv_safety import neutralise
from compiler.inputs.together import check_packages_together
from compiler.parallel import compile_many
from compiler.pipeline import combine
from compiler.outputs.html import write_html
from compiler.cli.package_names import did_you_mean, resolve_packages
from compiler.cli.progress import Progress
from compiler.outputs.report import build_report, detach_long_lists, package_report, summary
from compiler.outputs.sdmx.settings import resolve_prepared
from compiler.outputs.sdmx.folder import write_sdmx_outputs
from compiler.resources import bundled_packages

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_WRITE = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 128 + signal.SIGINT, 128 + signal.SIGTERM

DESCRIPTION = """\
datasat compiles a satellite account for data assets (data, databases, data R&D)
from a country input package, by the sum-of-costs method, in low and high bounds.

An input package is a folder with package.toml and CSV tables, or one workbook
(.xlsx) with the same tables as sheets (docs/inputs.md).
Results go to one canonical observation table keyed by the ESTAT:NA_MAIN dimensions.
"""

EPILOG = """\
examples:
  datasat compile                      compile every bundled fixture into out/
  datasat compile CN -o cn             compile one bundled fixture (by name) into cn/
  datasat compile my-country/ -o out   compile a package folder
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
        "  OUT/sdmx/              SDMX-ML 2.1/3.0, SDMX-CSV 1.0/2.0, structures, na_main-low.xml, na_main-high.xml\n"
        "  OUT/html/              satellite-account tables per country, cross-country index\n"
        "  OUT/report.json        inputs read, checks run, what was written",
        epilog="examples:\n  datasat compile                               every bundled fixture into out/\n  datasat compile fixtures/CN fixtures/CA -o out  two packages\n  datasat compile countries/* -j 0 --no-html    a world panel, one worker per core\n  datasat compile my-register/ --engine dask    job records aggregated on a Dask cluster",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    compile_.add_argument("packages", nargs="*", type=Path, metavar="PACKAGE", help="package folders or workbooks (.xlsx), or names of bundled fixtures such as CN (default: every bundled fixture)")
    compile_.add_argument("-o", "--out", type=Path, default=Path("out"), metavar="OUT", help="output folder (default: out/)")
    compile_.add_argument("--prepared", metavar="DATETIME", help="SDMX header Prepared time, e.g. 2026-01-01T00:00:00Z (default: SOURCE_DATE_EPOCH, else now): same inputs and time give byte-identical files")
    compile_.add_argument("--bound", choices=("low", "high", "both"), default="both", help="bound(s) of the NA_MAIN messages OUT/sdmx/na_main-<bound>.xml (default: both; low is the conservative estimate)")
    compile_.add_argument("--na-main-version", default="1.9", metavar="VERSION", help="ESTAT:NA_MAIN version of the NA_MAIN messages, whose codelists they must satisfy (1.9 or 1.11; default 1.9)")
    compile_.add_argument("--no-sdmx", action="store_true", help="do not write OUT/sdmx/")
    compile_.add_argument("--no-html", action="store_true", help="do not write OUT/html/ (the satellite tables and the cross-country index)")
    _add_plan_options(compile_)
    _add_run_options(compile_)
    compile_.add_argument("-q", "--quiet", action="store_true", help="print nothing on success (no progress, no summary)")
    compile_.add_argument("-v", "--verbose", action="store_true", help="also list every file written")

    validate = commands.add_parser(
        "validate",
        help="check packages without compiling",
        description="Check input packages: every error at once, exit 2 if any.",
        epilog="example:\n  datasat validate fixtures/CN",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    validate.add_argument("packages", nargs="+", type=Path, metavar="PACKAGE", help="package folders or workbooks (.xlsx), or names of bundled fixtures")
    validate.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    _add_run_options(validate)

    convert = commands.add_parser(
        "convert",
        help="convert a package folder to a workbook (.xlsx) or back",
        description="Convert an input package between a folder of CSV files and one workbook (.xlsx), either way. "
        "The round trip is lossless: same tables, same settings, same compiled output (docs/inputs.md).",
        epilog="examples:\n  datasat convert fixtures/CN cn.xlsx\n  datasat convert cn.xlsx cn/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    convert.add_argument("source", type=Path, metavar="SRC", help="a package folder or a package workbook")
    convert.add_argument("destination", type=Path, metavar="DST", help="the workbook (.xlsx) or folder to write")
    convert.add_argument("--force", action="store_true", help="replace DST if it exists")

    init = commands.add_parser(
        "init",
        help="write a starter package that validates as it is",
        description="Write a starter input package: package.toml with every section (commented where optional), "
        "every required table with example rows, and candidate ISCO-08 data occupations. Every figure is an "
        "illustrative placeholder, labelled as such: replace them with the country's figures.",
        epilog="examples:\n  datasat init my-country --ref-area FR          a folder of CSV files\n"
        "  datasat init my-country --ref-area FR --xlsx   my-country.xlsx, one sheet per table",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    init.add_argument("path", type=Path, metavar="DIR", help="the folder to create (or the workbook, with --xlsx or a .xlsx name)")
    init.add_argument("--ref-area", required=True, metavar="XX", help="IMF:CL_AREA code of the country, e.g. FR")
    init.add_argument("--xlsx", action="store_true", help="write one workbook (DIR.xlsx) instead of a folder")

    check = commands.add_parser(
        "check-sdmx",
        help="check an SDMX data message as a registry would",
        description="Check an SDMX-ML 2.1/3.0 or SDMX-CSV data message against a structure: codes in codelists, "
        "mandatory attributes, duplicate or conflicting keys, numeric values, time periods. Exit 0 clean, 2 findings.",
        epilog="examples:\n  datasat check-sdmx out/sdmx/data.xml --structure out/sdmx/structure.xml\n"
        "  datasat check-sdmx out/sdmx/na_main-low.xml --structure NA_MAIN-1.9 --format json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=False,
    )
    check.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


PLAN_HELP = f"""\
output plan (docs/sdmx.md, "Bulk runs"): a compile of fewer than {plan.BULK_PACKAGES} packages writes
observations.csv and the five SDMX data messages, each validated in full. A bulk run (--bulk, or
{plan.BULK_PACKAGES} packages or more) writes observations.parquet (a fortieth of the bytes of the CSV, read back
identical) and SDMX-CSV 2.0 (data.csv, what .Stat Suite imports, the smallest message) as the only
data message, validated by a sample covering every code, attribute value and comment plus
{SERIES_PER_AREA} whole series of each country; structures (validated in full) and the NA_MAIN
messages always. report.json says what was done ("plan", "sdmx.validation")."""


def _choice_list(allowed: tuple[str, ...], what: str, empty_ok: bool = False):  # noqa: ANN202 - an argparse type
    def parse(text: str) -> tuple[str, ...]:
        try:
            return plan.parse_list(text, allowed, what, empty_ok=empty_ok)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    return parse


def _add_plan_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("output plan", PLAN_HELP)
    group.add_argument("--bulk", action=argparse.BooleanOptionalAction, default=None,
                       help=f"the bulk defaults below (default: with {plan.BULK_PACKAGES} packages or more; --no-bulk: never)")
    group.add_argument("--observations", type=_choice_list(tuple(plan.OBSERVATION_FILES), "--observations"), metavar="LIST",
                       help="observation table files: csv, parquet or csv,parquet (default: csv; bulk: parquet)")
    group.add_argument("--formats", type=_choice_list(plan.ALL_FORMATS, "--formats", empty_ok=True), metavar="LIST",
                       help="SDMX data messages, comma-separated: ml21 (data.xml, SDMX-ML 2.1 structure-specific), generic "
                       "(data-generic.xml), ml30 (data-3.0.xml), csv20 (data.csv, SDMX-CSV 2.0), csv10 (data-csv1.csv); "
                       "all; none (default: all; bulk: csv20)")
    group.add_argument("--validate", choices=plan.VALIDATION_MODES, default=None,
                       help="validate the data messages in full or by a sample (default: full; bulk: sample)")


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


COMMANDS = ("compile", "validate", "init", "convert", "check-sdmx")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["check-sdmx"]:
        from compiler.outputs.sdmx.check import main as check_main

        return check_main(argv[1:])
    if argv and not argv[0].startswith("-") and argv[0] not in COMMANDS:
        print(f"datasat: unknown command {argv[0]!r}{did_you_mean(argv[0], COMMANDS)}; commands: {', '.join(COMMANDS)} (datasat --help)", file=sys.stderr)
        return EXIT_INPUT
    args = _parser().parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        if args.command == "compile":
            return _compile(args)
        if args.command == "init":
            from compiler.inputs.starter import write_starter

            workbook = args.xlsx or args.path.suffix.lower() == ".xlsx"
            path = args.path.with_name(args.path.name + ".xlsx") if workbook and args.path.suffix.lower() != ".xlsx" else args.path
            print(f"datasat: {write_starter(path, args.ref_area, workbook)}")
            return EXIT_OK
        if args.command == "convert":
            from compiler.inputs.convert import convert

            print(f"datasat: {convert(args.source, args.destination, args.force)}")
            return EXIT_OK
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
        failed = getattr(exc, "also_failed", [])
        for failure in failed:  # another package crashed: reported, not swallowed (please report it)
            print(f"datasat: also {failure}. Please report this.", file=sys.stderr)
        return EXIT_INTERNAL if failed else EXIT_INPUT
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


def _usage_errors(args: argparse.Namespace) -> list[str]:
    """Problems with the arguments themselves, found before anything is compiled."""
    problems = []
    try:
        resolve_prepared(args.prepared, os.environ)
    except ValueError as exc:
        problems.append(str(exc))
    if not args.no_sdmx:
        from compiler.outputs.sdmx.official import load_na_main

        try:
            load_na_main(args.na_main_version)
        except Exception as exc:  # noqa: BLE001 - UnknownVersionError or a malformed version
            problems.append(f"--na-main-version {args.na_main_version!r}: {exc}")
    return problems


def _compile(args: argparse.Namespace) -> int:
    problems = _usage_errors(args)
    if problems:
        for problem in problems:
            print(f"datasat compile: {problem}; nothing was compiled", file=sys.stderr)
        return EXIT_INPUT
    folders = resolve_packages(args.packages) if args.packages else bundled_packages()
    with OutputFolder(args.out, on_wait=lambda message: print(f"datasat: {message}", file=sys.stderr)) as out:
        progress = Progress(len(folders), sys.stderr, quiet=args.quiet, sdmx=not args.no_sdmx, html=not args.no_html)
        try:
            progress.compiling([f.name for f in folders])
            results = compile_many(folders, args.jobs, lambda done, total, folder: progress.package_done(folder.name), engine=args.engine)
            report = _write_outputs(args, results, progress, out)
        finally:
            progress.close()
    if not args.quiet:
        _print_summary(report["summary"], args.out, args.verbose)
    return EXIT_OK


def _write_outputs(args: argparse.Namespace, results: list, progress: Progress, out: OutputFolder) -> dict:
    """Combine the results and write OUT atomically; return the report written."""
    inputs = [r.inputs for r in results]
    check_packages_together(inputs, args.prepared)
    package_reports = [package_report(r) for r in results]
    # dictionary-encoded (~45 bytes a row, not ~321): the writers read it country by country
    # (compiler.table.partitions); each package's own rows are released once combined
    table = combine(results, encoded=True, release=True)
    progress.compiled(len(table))
    chosen = _plan(args, len(results))
    extra = {"plan": chosen.as_dict()}
    written = {}
    with out.staging() as stage:
        # with SDMX, observations.parquet is written in the same pass over the countries
        along = "parquet" in chosen.observations and not args.no_sdmx
        written.update(_write_tables(table, chosen, stage, progress, skip=("parquet",) if along else ()))
        if not args.no_sdmx:
            progress.stage("sdmx", f"writing {'observations.parquet and ' if along else ''}the SDMX files and validating them")
            with ParquetObservations(stage / "observations.parquet") if along else contextlib.nullcontext() as parquet:
                extra["sdmx"] = write_sdmx_outputs(table, inputs, stage / "sdmx", args.prepared, ("low", "high") if args.bound == "both" else (args.bound,),
                                                   args.na_main_version, jobs=args.jobs, plan=chosen, sink=parquet.write if along else None)
            written["sdmx"] = "sdmx/"
        if not args.no_html:
            progress.stage("html", f"writing the HTML pages of {_areas([i.manifest.ref_area for i in inputs])}")
            generated = resolve_prepared(args.prepared, os.environ).date().isoformat()
            extra["html"] = write_html(table, inputs, stage / "html", generated=generated, downloads=_downloads(extra.get("sdmx"), chosen))
            written["html"] = "html/index.html"
        report = build_report(results, table, extra, package_reports)
        report, lists = detach_long_lists(report)  # more than 50 packages: their records go to a CSV
        for name, records in lists.items():
            write_records(records, stage / name)
            written[name.removesuffix(".csv")] = name
        written["report"] = "report.json"
        report = {"summary": summary(report, written, package_reports), **report}
        write_json(report, stage / "report.json")
    return report


def _areas(codes: list[str]) -> str:
    """Country codes for a progress line: all of a few, or how many and the first and last."""
    return ", ".join(codes) if len(codes) <= 8 else f"{len(codes)} countries ({codes[0]} to {codes[-1]})"


def _plan(args: argparse.Namespace, packages: int) -> plan.OutputPlan:
    """The output plan of this compile: the options given, else the defaults for ``packages``."""
    return plan.resolve(packages, bulk=args.bulk, observations=args.observations, formats=args.formats, validation=args.validate)


def _write_tables(table, chosen: plan.OutputPlan, stage: Path, progress: Progress, skip: tuple[str, ...] = ()) -> dict[str, str]:  # noqa: ANN001
    """observations.csv and/or observations.parquet (those in ``skip``: named only, written
    elsewhere); output name -> file."""
    written = {}
    names = [plan.OBSERVATION_FILES[kind] for kind in chosen.observations]
    now = [name for kind, name in zip(chosen.observations, names) if kind not in skip]
    if now:
        progress.stage("observations", f"writing {' and '.join(now)} ({len(table):,} observations)")
    for kind, name in zip(chosen.observations, names):
        if kind not in skip:
            if kind == "csv":  # the CSV writer reads a decoded table: decoded for it alone
                write_observations(tbl.decode(table), stage / name)
            else:
                write_observations_parquet(table, stage / name)
        written["observations" if kind == chosen.observations[0] else f"observations-{kind}"] = name
    return written


def _downloads(sdmx: dict | None, chosen: plan.OutputPlan = plan.OutputPlan()) -> dict[str, str]:
    """What the pages link beside their own tables: link text -> path relative to OUT."""
    links = {}
    if "csv" in chosen.observations:
        links["All observations, one row per figure (CSV)"] = "observations.csv"
    if "parquet" in chosen.observations:
        links["All observations, one row per figure (Parquet)"] = "observations.parquet"
    if sdmx is not None:
        files = set(sdmx.get("files", []))
        names = {"data.xml": "SDMX-ML 2.1 data (structure-specific)", "data.csv": "SDMX-CSV 2.0 data", "structure.xml": "SDMX structures (codelists, DSD, dataflows)",
                 "na_main.xml": "Data for ESTAT:NA_MAIN (official codes only)"}
        links.update({text: f"sdmx/{name}" for name, text in names.items() if name in files})
    links["Compilation report (JSON)"] = "report.json"
    return links


def write_records(records: list[dict], path: Path) -> None:
    """A list of records as CSV, UTF-8, one column per key of the first record; text cells
    neutralised against CSV injection (they may hold package values)."""
    import csv

    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]), lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows({k: neutralise(v) if isinstance(v, str) else v for k, v in r.items()} for r in records)


def _print_summary(facts: dict, out: Path, verbose: bool) -> None:
    """What was compiled and where to look, on standard output."""
    written = facts["written"]
    warnings = facts["warnings"]
    print(f"datasat: compiled {len(facts['packages'])} package(s) ({', '.join(facts['packages'])}): {facts['observations']:,} observations, "
          f"{warnings} warning(s){' (see report.json)' if warnings else ''}")
    if "html" in written:
        print(f"  open      {out / written['html']}")
    print(f"  table     {', '.join(str(out / name) for key, name in written.items() if key.startswith('observations'))}")
    if "sdmx" in written:
        sdmx = out / "sdmx"
        shown = [n for n in ("data.xml", "data.csv", "data-3.0.xml", "data-generic.xml", "data-csv1.csv") if (sdmx / n).exists()][:1]
        print(f"  SDMX      {', '.join(str(sdmx / n) for n in [*shown, 'structure.xml', 'na_main-low.xml'])} (more in {sdmx})")
    print(f"  report    {out / written['report']}")
    if verbose:
        for path in sorted(p for p in out.rglob("*") if p.is_file()):
            print(f"  {path}")


def _validate(args: argparse.Namespace) -> int:
    """Every check compile runs on the inputs (all stages, and across packages); nothing written."""
    folders = resolve_packages(args.packages)
    results = compile_many(folders, args.jobs, engine=args.engine)  # the stage checks too, nothing written
    check_packages_together([r.inputs for r in results])
    if not args.quiet:
        for argument, result in zip(args.packages, results):
            m = result.inputs.manifest
            warnings = len(result.warnings)
            print(f"{argument}: ok: {m.name} ({m.ref_area}), {m.first_year}–{m.last_year}, {len(result.rows):,} observations, "
                  f"{len(result.checks)} checks passed, {warnings} warning(s)")
            for warning in result.warnings:
                print(f"  warning: {warning}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
