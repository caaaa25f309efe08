"""Compile packages: each package loaded and checked on its own, the cost stage of a batch of
packages in one columnar pass, then the later stages per package; batches spread over worker
processes, one per core.

:func:`compile_many` splits the folders into batches (one batch when serial) and runs, per
batch, ``load each package → costs of all of them (columnar) → the later stages per
package``; results come back in folder order, identical to a serial run: every package's
rows come from the same pure functions of its own files (the columnar pass gives each
package the rows it gives alone), and nothing is shared between packages until
:func:`compiler.pipeline.combine`.

Errors are reported as a serial run reports them: the input errors of *all* packages are
collected and raised together as one :class:`~compiler.inputs.InputErrors` (as
``datasat compile`` does before it compiles anything); otherwise the first failed check
(:class:`~compiler.accounts.checks.CheckFailed`) or internal error, in the order of the folders,
propagates. The workers are started with the ``spawn`` method (a fresh interpreter, safe
with the thread pools of pyarrow and DuckDB, the same on every platform); the worker
function is a module-level function, so ``compile_many`` also works from scripts that are
run with ``spawn`` as long as they guard their entry point (``if __name__ == "__main__"``).
Only the results travel between processes (pickled checked inputs and canonical tables,
dictionary-encoded: :meth:`compiler.pipeline.PackageResult.encode`).
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

from compiler import table as tbl
from compiler.accounts.checks import CheckFailed
from compiler.inputs import InputError, InputErrors, Inputs, load_package
from compiler.inputs.source import locating
from compiler.pipeline import PackageResult, cost_stage, package_stages

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


def _outcome(folder: Path, run: Callable[[], Any]) -> tuple[str, Any]:
    """``run()`` as a picklable ``(kind, payload)``.

    Exceptions are not pickled as such (InputErrors and CheckFailed do not survive
    pickling with their lists): ``("input", [InputError, ...])``, ``("check", [Check, ...])``,
    ``("error", exception)`` (with the worker's traceback as a note), or ``("ok", result)``.
    """
    try:
        return _OK, run()
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


def load_one(folder: Path, load_options: dict[str, Any]) -> tuple[str, Any]:
    """Load and check one package: ``("ok", Inputs)`` or its input errors."""
    return _outcome(folder, lambda: load_package(folder, **load_options))


def stages_one(inputs: Inputs, cost_rows: Any) -> tuple[str, Any]:
    """The stages after the costs of one package (``cost_rows`` decoded here if encoded):
    ``("ok", PackageResult)``, its rows dictionary-encoded (:meth:`PackageResult.encode`: what
    is pickled and held), or its failure."""
    def run() -> PackageResult:
        with locating(inputs):
            return package_stages(inputs, tbl.decode(cost_rows)).encode()
    return _outcome(inputs.folder, run)


def _costs(outcomes: list[tuple[str, Any]]) -> list[Any]:
    """The cost rows of every loaded package (one columnar pass), dictionary-encoded (each is
    decoded when its stages run), None where loading failed."""
    loaded = [i for i, (kind, _) in enumerate(outcomes) if kind == _OK]
    rows: list[Any] = [None] * len(outcomes)
    if loaded:
        for i, table in zip(loaded, cost_stage([outcomes[i][1] for i in loaded], encoded=True)):
            rows[i] = table
    return rows


def package_labels(folders: Sequence[Path]) -> list[str]:
    """How messages name each package: its folder's name, or its path where names repeat."""
    names = [Path(f).name for f in folders]
    return [name if names.count(name) == 1 else str(folder) for name, folder in zip(names, folders)]


def compile_batch(folders: list[Path], options: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """Load each package, run the cost stage of the loaded ones together (columnar), then the
    later stages of each: one ``(kind, payload)`` outcome a package (see :func:`_outcome`)."""
    outcomes = [load_one(folder, option) for folder, option in zip(folders, options)]
    costs = _costs(outcomes)
    for i in range(len(costs)):
        rows, costs[i] = costs[i], None  # each package's decoded rows freed once its stages are done
        if rows is not None:
            outcomes[i] = stages_one(outcomes[i][1], rows)
        del rows
    return outcomes


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
    options = [{**load_options, "label": label} for label in labels]
    if workers <= 1:
        outcomes = compile_batch(folders, options)
        for i, folder in enumerate(folders):
            if progress is not None:
                progress(i + 1, len(folders), folder)
        return _results(outcomes)
    return _results(_run_pool(folders, options, workers, progress))


def batches(n: int, workers: int) -> list[range]:
    """Consecutive batches of ``n`` packages: about four a worker (balance), at most 50 packages."""
    size = max(1, min(50, -(-n // (workers * 4))))
    return [range(start, min(n, start + size)) for start in range(0, n, size)]


def _run_pool(folders: list[Path], options: list[dict], workers: int, progress: Progress | None) -> list[tuple[str, Any]]:
    """The batches spread over worker processes; ``future.result()`` raises only if the pool
    itself broke (a worker died)."""
    outcomes: list[tuple[str, Any] | None] = [None] * len(folders)
    context = multiprocessing.get_context("spawn")
    done = 0
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(compile_batch, folders[b.start:b.stop], options[b.start:b.stop]): b for b in batches(len(folders), workers)}
        for future in as_completed(futures):
            batch = futures[future]
            outcomes[batch.start:batch.stop] = future.result()
            for i in batch:
                done += 1
                if progress is not None:
                    progress(done, len(folders), folders[i])
    return outcomes  # type: ignore[return-value]


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
