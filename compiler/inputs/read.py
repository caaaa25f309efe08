"""Read one CSV table of a package: the plain common path, the exact path where a problem is.

:func:`read_table` first tries :func:`compiler.inputs.plain_table.read_plain` (pyarrow, checks
column by column); a file that is not plain, or holds any problem, is read again by
:func:`compiler.inputs.schema.parse_and_check`, which words every message. The result is
the same either way (tests/test_plain_table.py).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path

import pandas as pd

from compiler.inputs.errors import InputError
from compiler.inputs.plain_table import read_plain
from compiler.inputs.schema import TableSchema, parse_and_check, read_text


def read_table(
    path: Path,
    schema: TableSchema,
    codes: Mapping[str, Collection[str] | None],
    years: range | None = None,
    label: str | None = None,
) -> tuple[pd.DataFrame | None, list[InputError]]:
    """Read ``path`` and check it against ``schema`` (:func:`compiler.inputs.schema.read_table_exact`)."""
    name = label or schema.name
    raw, text, errors = read_text(path, name)
    if raw is None or text is None:
        return None, errors
    plain = read_plain(raw, schema, codes, years, name)
    if plain is not None:
        return plain
    return parse_and_check(text, schema, codes, years, name)
