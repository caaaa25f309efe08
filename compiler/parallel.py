"""Compile independent packages in parallel, one worker process per core.

:func:`compile_many` loads and compiles each package (``compile_inputs(load_package(folder))``)
in a :class:`concurrent.futures.ProcessPoolExecutor` and returns the results in the order of
the folders, identical to a serial run: every package is compiled by the same pure
functions from its own files, and nothing is shared between packages until
:func:`compiler.pipeline.combine`.

Errors are reported as a serial run reports them: the input errors of *all* packages are
collected and raised together as one :class:`~compiler.inputs.InputErrors` (as
``datasat compile`` does before it compiles anything); otherwise the first failed check
(:class:`~compiler.accounts.checks.CheckFailed`) or internal error, in the order of the folders,
propagates. The workers are started with the ``spawn`` method (a fresh interpreter, safe
with the thread pools of pyarrow and DuckDB, the same on every platform); the worker
function is a module-level function, so ``compile_many`` also works from scripts that are
run with ``spawn`` as long as they guard their entry point (``if __name__ == "__main__"``).

Results come back pickled (the canonical table and the checked inputs of each package);
for the benchmark panel (94 k rows a package: ~30 MB) that costs 2-5 % of a package's compile
time (benchmarks/bench_world.py measures it).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from compiler.accounts.checks import CheckFailed
from compiler.inputs import InputError, InputErrors, load_package
from compiler.inputs.source import locating
from compiler.pipeline import PackageResult, compile_inputs

#: progress(done, total, folder) after each package, in the order they finish
Progress = Callable[[int, int, Path], None]

_OK, _INPUT, _CHECK, _ERROR = "ok", "input", "check", "error"


def resolve_jobs(jobs: int | None) -> int:
    """``jobs`` worker processes; 0 or ``None``: one per core (``os.cpu_count()``)."""
    if jobs is None or jobs == 0:
        return os.cpu_count() or 1
    if jobs < 0:
        raise ValueError(f"jobs must be 0 (one per core) or a positive number, not {jobs}")
    return jobs


def compile_one(folder: Path, load_options: dict[str, Any]) -> tuple[str, Any]:
    """Load and compile one package; the outcome as a picklable ``(kind, payload)``.

    Exceptions are not pickled as such (InputErrors and CheckFailed do not survive
    pickling with their lists): ``("input", [InputError, ...])``, ``("check", [Check, ...])``,
    ``("error", exception)`` (with the worker's traceback as a note), or ``("ok", PackageResult)``.
    """
    try:
        inputs = load_package(folder, **load_options)
        with locating(inputs):
            return _OK, compile_inputs(inputs)
    except InputErrors as exc:
        return _INPUT, list(exc.errors)
    except CheckFailed as exc:
        return _CHECK, list(exc.checks)
    except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
        trace = traceback.format_exc()
        try:
            exc.add_note(f"while compiling {folder}:\n{trace}")
            pickle.dumps(exc)
            return _ERROR, exc
        except Exception:  # noqa: BLE001 - an exception that cannot be pickled
            return _ERROR, RuntimeError(f"{type(exc).__name__}: {exc} (while compiling {folder})\n{trace}")


def package_labels(folders: Sequence[Path]) -> list[str]:
    """How messages name each package: its folder's name, or its path where names repeat."""
    names = [Path(f).name for f in folders]
    return [name if names.count(name) == 1 else str(folder) for name, folder in zip(names, folders)]


def compile_many(
    folders: Sequence[Path | str], jobs: int | None = 1, progress: Progress | None = None, **load_options: Any
) -> list[PackageResult]:
    """Load and compile every package; results in the order of ``folders``.

    ``jobs``: worker processes (1: in this process, no workers; 0 or ``None``: one per
    core). ``load_options`` go to :func:`compiler.inputs.load_package` (e.g.
    ``engine="duckdb"``). Raises :class:`InputErrors` with the input errors of all
    packages, else the first :class:`CheckFailed` or other error in folder order.
    """
    folders = [Path(f) for f in folders]
    labels = package_labels(folders)
    workers = min(resolve_jobs(jobs), len(folders))
    outcomes: list[tuple[str, Any] | None] = [None] * len(folders)
    if workers <= 1:
        for i, folder in enumerate(folders):
            outcomes[i] = compile_one(folder, {**load_options, "label": labels[i]})
            if progress is not None:
                progress(i + 1, len(folders), folder)
    else:
        _run_pool(folders, workers, load_options, outcomes, progress, labels)
    return _results(outcomes)  # type: ignore[arg-type]


def _run_pool(folders: list[Path], workers: int, load_options: dict[str, Any], outcomes: list, progress: Progress | None, labels: list[str]) -> None:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(compile_one, folder, {**load_options, "label": labels[i]}): i for i, folder in enumerate(folders)}
        for done, future in enumerate(as_completed(futures), start=1):
            i = futures[future]
            outcomes[i] = future.result()  # raises only if the pool itself broke (a worker died)
            if progress is not None:
                progress(done, len(folders), folders[i])


def _failure(payload: Any) -> str:
    """One line for a failed check or an internal error of a package (its trace is in the note)."""
    if isinstance(payload, list):
        return "a check failed: " + "; ".join(f"{c.name}: {c.detail}" for c in payload)
    notes = getattr(payload, "__notes__", None) or [""]
    where = notes[0].split("\n", 1)[0].removesuffix(":")
    return f"internal error {type(payload).__name__}: {payload} ({where})"


def _results(outcomes: list[tuple[str, Any]]) -> list[PackageResult]:
    """The results, or the errors raised as a serial run raises them."""
    input_errors: list[InputError] = [e for kind, payload in outcomes if kind == _INPUT for e in payload]
    if input_errors:
        exc = InputErrors(input_errors)
        # the other packages' failures are not swallowed: the command reports them too (exit 1)
        exc.also_failed = [_failure(payload) for kind, payload in outcomes if kind in (_CHECK, _ERROR)]
        raise exc
    for kind, payload in outcomes:
        if kind == _CHECK:
            raise CheckFailed(payload)
        if kind == _ERROR:
            raise payload
    return [payload for _, payload in outcomes]
