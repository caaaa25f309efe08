"""Progress of ``datasat compile`` on standard error: stage and package by name.

On a terminal it is one bar whose length is the expected run time: every stage is
weighted by what it cost on the bundled fixtures (measured on a 2-core machine: about
1.5 s to load and compile a package, 80 µs per observation for the SDMX files, 11 µs
per observation for observations.csv, 0.1 s per package for the HTML pages), so the bar
does not sit at "3/4" through SDMX and HTML. Without a terminal width (a pipe, a CI
log) it prints one line per stage instead. ``quiet`` prints nothing.
"""

from __future__ import annotations

import os
from typing import TextIO

from tqdm import tqdm

#: seconds per package (load and compile) and per package for the HTML pages
COMPILE_S, HTML_S = 1.5, 0.1
#: seconds per observation: observations.csv, the SDMX files
OBSERVATIONS_S, SDMX_S = 11e-6, 80e-6
#: rows per package, to size the later stages before the first package is compiled
ROWS_GUESS = 20_000


def terminal_width(stream: TextIO) -> int:
    """Columns of the terminal behind ``stream``; 0 if it is not a terminal."""
    try:
        return os.get_terminal_size(stream.fileno()).columns if stream.isatty() else 0
    except (OSError, ValueError, AttributeError):
        return 0


class Progress:
    """``stage(name, detail)`` starts a stage; ``package_done(name)`` ends one package's compile."""

    def __init__(self, packages: int, stream: TextIO, quiet: bool = False, sdmx: bool = True, html: bool = True):
        self.packages, self.stream, self.quiet = packages, stream, quiet
        self.sdmx, self.html = sdmx, html
        self.done_packages = 0
        self.current: tuple[str, float] | None = None  # stage name, weight still to add when it ends
        self.bar: tqdm | None = None
        if not quiet and terminal_width(stream) > 0:
            self.bar = tqdm(total=self._total(packages * ROWS_GUESS), file=stream, bar_format="{desc} {percentage:3.0f}%|{bar}| {elapsed}<{remaining}",
                            dynamic_ncols=True, leave=False)

    def _later(self, rows: int) -> dict[str, float]:
        weights = {"observations": OBSERVATIONS_S * rows + 0.1}
        if self.sdmx:
            weights["sdmx"] = SDMX_S * rows + 0.5
        if self.html:
            weights["html"] = HTML_S * self.packages + 0.2
        return weights

    def _total(self, rows: int) -> float:
        return COMPILE_S * self.packages + sum(self._later(rows).values())

    def _say(self, text: str) -> None:
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.set_description_str(f"datasat: {text}", refresh=True)
        else:
            print(f"datasat: {text}", file=self.stream, flush=True)

    def compiling(self, names: list[str]) -> None:
        self._say(f"compiling {len(names)} package(s): {', '.join(names)}" if len(names) > 1 else f"compiling {names[0]}")

    def package_done(self, name: str) -> None:
        self.done_packages += 1
        if self.bar is not None:
            self.bar.update(COMPILE_S)
        self._say(f"compiled {name} ({self.done_packages}/{self.packages})")

    def compiled(self, rows: int) -> None:
        """All packages compiled: size the remaining stages from the real number of rows."""
        if self.bar is not None:
            self.bar.total = self._total(rows)
            self.bar.refresh()
        self.rows = rows

    def stage(self, key: str, text: str) -> None:
        """Start stage ``key`` (observations, sdmx, html), ending the previous one."""
        self._finish()
        self.current = (key, self._later(getattr(self, "rows", 0)).get(key, 0.0))
        self._say(text)

    def _finish(self) -> None:
        if self.current is not None and self.bar is not None:
            self.bar.update(self.current[1])
        self.current = None

    def close(self) -> None:
        self._finish()
        if self.bar is not None:
            self.bar.close()
