"""Package arguments of the command line: folders, or bundled fixtures by name.

``datasat compile CN`` and ``datasat compile fixtures/CN`` work from any directory: a
name that is not an existing folder is looked up among the bundled fixtures (case
insensitive, by its last path part). Every argument that is neither is reported at once,
with the closest names ("did you mean"), before anything is compiled.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from pathlib import Path

from compiler.inputs import InputError, InputErrors
from compiler.resources import bundled_packages


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``" (did you mean 'compile'?)"`` for the closest of ``choices``, else ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(word.upper(), [c.upper() for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def bundled_by_name() -> dict[str, Path]:
    """Bundled fixtures by folder name in capitals (``{"CN": .../fixtures/CN}``)."""
    return {p.name.upper(): p for p in bundled_packages()}


def resolve_packages(arguments: Sequence[Path | str]) -> list[Path]:
    """Paths for ``arguments`` (folders, workbooks or bundled fixture names); every unknown one is an input error."""
    bundled = bundled_by_name()
    folders, errors = [], []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir() or path.is_file():  # a folder, or a workbook (compiler.inputs.workbook)
            folders.append(path)
        elif path.name.upper() in bundled:
            folders.append(bundled[path.name.upper()])
        else:
            names = ", ".join(sorted(bundled)) or "none"
            errors.append(InputError(str(argument), None, None, None, f"a package folder holding package.toml, a package workbook (.xlsx), or the name of a bundled fixture ({names})"
                                     + did_you_mean(path.name, bundled)))
    if errors:
        raise InputErrors(errors)
    return folders
