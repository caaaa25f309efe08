"""Run ``datasat compile`` as a user does, in a child process, and time it stage by stage.

The stages are the ones the command announces on standard error (one ``datasat: ...``
line each when standard error is not a terminal: "compiling ...", "costs ...",
"writing observations.csv ...", "writing and validating the SDMX files", ...). A line
that only counts packages ("compiled XX (3/200)") does not start a stage. For every stage
this measures:

* wall time, from the line that starts it to the line that starts the next (the last
  stage ends when the process exits: writing report.json and publishing the folder);
* CPU time of the whole process tree (the command and its worker processes, living or
  finished: psutil ``cpu_times`` with ``children_user``/``children_system``);
* peak memory: the largest sum of resident set sizes of the tree, sampled every 20 ms.

The same function runs today's compiler and an earlier release (the peer), so the two are
measured by the same clock on the same machine in the same run.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil

#: the time before the first progress line
START = "start: interpreter, imports, argument checks"
#: progress lines that report a package done, not a new stage
_COUNTING = re.compile(r"^datasat: compiled .* \(\d+/\d+\)$")


@dataclass
class StageTime:
    name: str
    wall: float = 0.0
    cpu: float = 0.0
    peak: int = 0  # bytes


@dataclass
class Run:
    """One timed compile: its stages, totals and exit status."""

    stages: list[StageTime] = field(default_factory=list)
    wall: float = 0.0
    cpu: float = 0.0
    peak: int = 0
    returncode: int = 0
    aborted: bool = False  # killed when less than ``min_available`` bytes of memory were left
    stderr: list[str] = field(default_factory=list)


def tree_cpu(process: psutil.Process) -> float:
    """CPU seconds of ``process``, its finished (waited-for) children and its living descendants."""
    try:
        times = process.cpu_times()
        total = times.user + times.system + times.children_user + times.children_system
    except psutil.Error:
        return 0.0
    for child in process.children(recursive=True):
        try:
            t = child.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def tree_rss(process: psutil.Process) -> int:
    """Resident set sizes of ``process`` and its descendants, summed."""
    total = 0
    try:
        children = process.children(recursive=True)
    except psutil.Error:  # the process (or a child while listed) ended: what is left still counts
        children = []
    for p in (process, *children):
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


class _Sampler:
    """Peak RSS of a process tree since the last ``take()``, sampled in a thread."""

    def __init__(self, process: psutil.Process, interval: float = 0.02, min_available: int = 0):
        self.process, self.interval, self.min_available = process, interval, min_available
        self.peak = self.overall = 0
        self.aborted = False
        self._lock, self._stop = threading.Lock(), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            rss = tree_rss(self.process)
            with self._lock:
                self.peak, self.overall = max(self.peak, rss), max(self.overall, rss)
            if self.min_available and psutil.virtual_memory().available < self.min_available:
                self._kill()
            self._stop.wait(self.interval)

    def _kill(self) -> None:
        """Stop the run before the machine runs out of memory."""
        self.aborted = True
        for p in (*self.process.children(recursive=True), self.process):
            try:
                p.kill()
            except psutil.Error:
                pass

    def take(self) -> int:
        """The peak since the last call, and start a new one."""
        with self._lock:
            peak, self.peak = self.peak, 0
        return peak

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


def stage_name(line: str) -> str:
    """A short stage name from a progress line: its text up to the first "(" or ":"."""
    text = re.split(r" \(|: ", line.removeprefix("datasat: ").strip(), maxsplit=1)[0]
    return text if len(text) <= 52 else text[:51] + "…"


def run_compile(command: Sequence[str], env: dict[str, str] | None = None, cwd: Path | None = None, echo: bool = False,
                min_available: int = 0) -> Run:
    """Run ``command`` (a ``datasat compile`` invocation) and time each stage it announces;
    kill it if less than ``min_available`` bytes of memory are left on the machine."""
    start = time.perf_counter()
    child = subprocess.Popen(list(command), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd, bufsize=1)
    process = psutil.Process(child.pid)
    sampler = _Sampler(process, min_available=min_available)
    run, current, cpu_mark, mark = Run(), StageTime(START), 0.0, start
    assert child.stderr is not None
    for raw in child.stderr:
        line = raw.rstrip("\n")
        run.stderr.append(line)
        if echo:
            print(f"    | {line}", flush=True)
        if not line.startswith("datasat: ") or _COUNTING.match(line):
            continue
        now, cpu = time.perf_counter(), tree_cpu(process)
        current.wall, current.cpu, current.peak = now - mark, cpu - cpu_mark, sampler.take()
        run.stages.append(current)
        current, mark, cpu_mark = StageTime(stage_name(line)), now, cpu
    cpu = tree_cpu(process)  # before the wait reaps the process
    _, status, usage = os.wait4(child.pid, 0)
    now = time.perf_counter()
    current.wall, current.cpu, current.peak = now - mark, max(cpu, usage.ru_utime + usage.ru_stime) - cpu_mark, sampler.take()
    run.stages.append(current)
    sampler.close()
    child.returncode = run.returncode = os.waitstatus_to_exitcode(status)
    run.wall, run.peak, run.aborted = now - start, sampler.overall, sampler.aborted
    run.cpu = sum(s.cpu for s in run.stages)
    run.stages = [s for s in run.stages if s.name != START or s.wall > 0.05]
    return run
