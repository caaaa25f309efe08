"""Confinement: every file a package reads lies inside the package folder, links followed.

A link (or a chain of links) that leads outside the package, or a loop of links, is an
input error of the file; nothing of such a file is read, so no message can show its
content. Globs (``[microdata] files``) are matched against the package's files found
without following directory links, so ``**`` cannot wander out of the package or loop.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from compiler.inputs.errors import InputError

OUTSIDE = "a file inside the package folder (this is a link to {target}, outside it); copy the file into the package"
LOOP = "a file inside the package folder (this is a loop of links)"


def outside_error(path: Path, folder: Path, label: str) -> InputError | None:
    """An input error when ``path``, links followed, is not inside ``folder`` (or loops)."""
    try:
        target = Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        return None  # missing: the reader says so
    except (OSError, RuntimeError):
        return InputError(label, None, None, None, LOOP)
    root = Path(os.path.realpath(folder))
    if target == root or root in target.parents:
        return None
    return InputError(label, None, None, None, OUTSIDE.format(target=_shown(path)))


def glob_files(folder: Path, pattern: str) -> list[Path]:
    """The files of ``folder`` matching ``pattern`` (``*``, ``?``, ``[...]``, ``**``), sorted.

    Directory links are not followed (``os.walk(followlinks=False)``); file links are
    returned and must pass :func:`outside_error` before they are read.
    """
    regex = re.compile(_translate(pattern.replace(os.sep, "/").lstrip("/")))
    found = []
    for directory, _, files in os.walk(folder, followlinks=False):
        relative = Path(directory).relative_to(folder)
        for name in files:
            path = (relative / name).as_posix()
            if regex.fullmatch(path):
                found.append(Path(directory) / name)
    return sorted(found)


def _translate(pattern: str) -> str:
    """A glob as a regular expression over '/'-separated relative paths (as glob.glob(recursive=True))."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append(r"(?:[^/]+/)*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(r".*")
            i += 2
        elif pattern[i] == "*":
            out.append(r"[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append(r"[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 2 :]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1 : end].replace("\\", "\\\\")
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)


def _shown(path: Path) -> str:
    """Where the link points, as written (never the file's content)."""
    try:
        return os.readlink(path)
    except OSError:
        return "a place outside the package (a link in its path)"
