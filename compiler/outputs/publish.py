"""The output folder ``OUT``: replaced whole, in one atomic step, by one compile at a time.

``OUT`` is a symbolic link to a complete version of the output, kept in a hidden control
folder beside it::

    out -> .out.datasat/v20261129T195700123456Z-4242     (a relative link)
    .out.datasat/
        lock                                   advisory lock (fcntl.flock) + who holds it
        v20261129T195700123456Z-4242/          the current output
        v20261129T190000654321Z-4100/          the previous one (kept for readers inside it)
        v....partial/                          staging of a compile in progress

A compile takes the lock (a second compile waits, naming the holder), checks ``OUT``
*before* computing, writes the whole output into ``<version>.partial``, renames it to
``<version>`` and then replaces the link ``OUT`` by a new one with ``os.replace`` (one
``rename(2)``: atomic). So at every instant ``OUT`` is the complete old output or the
complete new one, whatever is killed when; a file the new compile did not produce is not
in ``OUT`` after it. Leftovers of killed compiles (``.partial`` folders, versions never
linked) are removed under the lock by the next compile; the current and the previous
version are kept. Guarantees hold against a killed or crashed process, not a power loss
(files are not fsync-ed).

``OUT`` may also be a plain folder the first time: an empty one, or one an older datasat
wrote (it holds ``report.json``); it is moved into the control folder as a version and the
link takes its place (if killed between these two renames ``OUT`` is missing until the next
compile, which links that version back before anything else). Any other existing ``OUT``
(a file, a foreign link, a folder of other files) is refused before computing.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
import shutil
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK = "lock"
PARTIAL = ".partial"
MIGRATED = "v0-migrated-"  # sorts before every staged version (v<year>...)
MARKER = "report.json"  # every output datasat writes has it


class OutputFolderError(Exception):
    """``OUT`` cannot be used (a file, a foreign folder or link, not writable): bad usage, exit 2."""


class OutputWriteError(Exception):
    """Writing the output failed (disk full, permissions...): the old output is kept."""


def control_folder(out: Path) -> Path:
    """The hidden folder beside ``out`` that holds its versions and lock."""
    return out.parent / f".{out.name}.datasat"


class OutputFolder:
    """``OUT`` locked for one compile: :meth:`staging` yields the folder to write into."""

    def __init__(self, out: Path, on_wait: Callable[[str], None] | None = None):
        self.out = Path(os.path.abspath(out))
        self.control = control_folder(self.out)
        self._on_wait = on_wait
        self._lock_fd: int | None = None

    def __enter__(self) -> OutputFolder:
        check_usable(self.out)
        try:
            self.control.mkdir(parents=True, exist_ok=True)
            self._lock_fd = os.open(self.control / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputFolderError(f"{self.out}: cannot create the output folder here ({exc.strerror})") from exc
        self._lock()
        try:
            check_usable(self.out)  # again: the holder we waited for may have changed it
            self._recover()
            prune(self.control, current_version(self.out))
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._unlock()

    @contextmanager
    def staging(self) -> Iterator[Path]:
        """A fresh ``.partial`` folder; if the block completes, it becomes ``OUT`` atomically.

        Any exception (including SystemExit from a signal) removes the staging folder and
        leaves ``OUT`` as it was; an OSError while writing becomes :class:`OutputWriteError`.
        """
        assert self._lock_fd is not None, "use OutputFolder as a context manager first"
        version = _version_name()
        stage = self.control / (version + PARTIAL)
        try:
            stage.mkdir()
            try:
                yield stage
            except OSError as exc:
                raise OutputWriteError(_describe(exc)) from exc
            try:
                self._swap(stage, version)
            except OSError as exc:
                raise OutputWriteError(_describe(exc)) from exc
        finally:
            shutil.rmtree(stage, ignore_errors=True)
            if current_version(self.out) != version:  # interrupted between the two renames
                shutil.rmtree(self.control / version, ignore_errors=True)
        prune(self.control, current_version(self.out))

    def _swap(self, stage: Path, version: str) -> None:
        """``stage`` -> ``version``, then the link ``OUT`` -> ``version`` (one rename each)."""
        os.rename(stage, self.control / version)
        if self.out.is_dir() and not self.out.is_symlink():
            self._migrate()
        link = self.control / "next-link"
        if link.is_symlink():
            link.unlink()
        os.symlink(os.path.join(self.control.name, version), link)
        os.replace(link, self.out)

    def _migrate(self) -> None:
        """A plain ``OUT`` folder (empty, or an older datasat's output) becomes a version."""
        if not any(self.out.iterdir()):
            self.out.rmdir()
            return
        os.rename(self.out, self.control / (MIGRATED + _version_name()))

    def _recover(self) -> None:
        """A migration killed between its two renames: link the migrated version back."""
        if os.path.lexists(self.out):
            return
        migrated = sorted(p.name for p in self.control.iterdir() if p.name.startswith(MIGRATED) and p.is_dir())
        if migrated:
            os.symlink(os.path.join(self.control.name, migrated[-1]), self.out)

    def _lock(self) -> None:
        assert self._lock_fd is not None
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(self._lock_fd, 4096, 0).decode("utf-8", "replace").strip() or "another process"
            if self._on_wait is not None:
                self._on_wait(f"{self.out} is being written by {holder}; waiting for it to finish")
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        info = f"pid {os.getpid()} on {socket.gethostname()} ({' '.join(sys.argv[:1] + sys.argv[1:3])}...), since {_now().isoformat(timespec='seconds')}\n"
        os.ftruncate(self._lock_fd, 0)
        os.pwrite(self._lock_fd, info.encode("utf-8"), 0)

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.ftruncate(self._lock_fd, 0)
            os.close(self._lock_fd)  # releases the flock
            self._lock_fd = None


def check_usable(out: Path) -> None:
    """Raise :class:`OutputFolderError` unless ``out`` can become (or is) a datasat output."""
    control = control_folder(out)
    if out.is_symlink():
        target = Path(os.path.normpath(out.parent / os.readlink(out)))
        if target.parent != control:
            raise OutputFolderError(f"{out}: is a link to {os.readlink(out)}, not an output datasat made; choose another OUT or remove the link")
        return
    if out.exists() and not out.is_dir():
        raise OutputFolderError(f"{out}: exists and is not a folder; choose another OUT or remove the file")
    if out.is_dir() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise OutputFolderError(
                f"{out}: is a folder of other files (no {MARKER}); datasat replaces OUT as a whole, so choose a new or empty folder"
            )
        if not os.access(out, os.W_OK | os.X_OK):
            raise OutputFolderError(f"{out}: is a read-only folder; datasat must move it aside to replace it")
    parent = out.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise OutputFolderError(f"{out}: cannot be created, {parent} is not a writable folder")
    if control.exists() and not os.access(control, os.W_OK | os.X_OK):
        raise OutputFolderError(f"{out}: {control} is not writable")


def current_version(out: Path) -> str | None:
    """The version ``out`` links to, or None."""
    if not out.is_symlink():
        return None
    return Path(os.readlink(out)).name


def prune(control: Path, current: str | None) -> None:
    """Remove leftovers: staging folders, unlinked versions; keep ``current`` and the one before it.

    Call only under the lock (nothing else writes into ``control`` then).
    """
    versions = sorted(p.name for p in control.iterdir() if p.is_dir() and not p.name.endswith(PARTIAL))
    older = [v for v in versions if current is not None and v < current]
    keep = {current, *older[-1:]}
    for path in control.iterdir():
        if path.name == LOCK or path.name in keep:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _version_name() -> str:
    return f"v{_now().strftime('%Y%m%dT%H%M%S%fZ')}-{os.getpid()}"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _describe(exc: OSError) -> str:
    what = os.strerror(exc.errno) if exc.errno else str(exc)
    hint = " (the disk is full)" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else ""
    where = f": {exc.filename}" if exc.filename else ""
    return f"{what}{hint}{where}"
