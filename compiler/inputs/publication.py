"""``[publication]``: what the pages say about a package besides its numbers.

The notes, references and groupings on a country's pages come from its own package,
never from code written for one country::

    [publication]
    references = [
      "Statistics Canada (2019). The value of data in Canada: Experimental estimates. Latest Developments in the Canadian Economic Accounts, catalogue 13-605-X.",
    ]
    data_intensive = ["J", "C", "K", "G"]   # industries (CL_ACTIVITY prefixes) grouped as data-intensive

    [publication.notes]                    # extra notes, by table (see TABLES)
    page = "Read with the package's README: most inputs are illustrative."
    gfcf-asset = ["Compare Wang et al. (2024), table 9."]

All keys are optional. ``references`` are printed in full under "Sources"; ``notes``
are added under the named table (``page``: under the key figures); ``data_intensive``
adds a "data-intensive industries" subtotal to the industry-share table, with a note
naming the industries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from compiler.inputs.errors import InputError

SECTION = "publication"
#: Keys of [publication] and what each holds (docs/inputs.md is generated from these).
KEYS: Mapping[str, str] = {
    "references": "list of full citations of the package's sources, printed under \"Sources\" on its page",
    "data_intensive": "list of CL_ACTIVITY codes or prefixes (e.g. \"J\") grouped as data-intensive industries in the industry-share table",
    "notes": "table: table id (or \"page\") -> a note or a list of notes printed under that table",
}
#: The ids of the country page's tables, which [publication.notes] may name ("page": the page itself).
TABLES: tuple[str, ...] = (
    "page", "inputs", "gfcf-asset", "output-asset", "industry", "industry-gdp", "industry-share", "stock-constant", "stock-current",
    "stock-gdp", "stock-asset", "classification", "supply-use", "accumulation", "gdp-approaches", "gdp-change", "international", "method",
)


@dataclass(frozen=True)
class Publication:
    """The checked ``[publication]`` section (module docstring)."""

    references: tuple[str, ...] = ()
    data_intensive: tuple[str, ...] = ()
    notes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def notes_for(self, table: str) -> tuple[str, ...]:
        return self.notes.get(table, ())


def _strings(value: Any) -> tuple[str, ...] | None:
    """A string or a list of strings as a tuple; ``None`` if it is neither."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def parse_publication(raw: Any, file: str = "package.toml") -> tuple[Publication, list[InputError]]:
    """Check a ``[publication]`` table; return it and every error."""
    if raw is None:
        return Publication(), []
    if not isinstance(raw, dict):
        return Publication(), [InputError(file, None, SECTION, str(raw), "a [publication] table (references, data_intensive, notes)")]
    errors: list[InputError] = []  # unknown keys: reported by the manifest's one check of every section (section_keys)
    lists = {}
    for key in ("references", "data_intensive"):
        value = _strings(raw.get(key, []))
        if value is None:
            errors.append(InputError(file, None, f"{SECTION}.{key}", str(raw[key]), "a list of strings"))
        lists[key] = value or ()
    notes: dict[str, tuple[str, ...]] = {}
    raw_notes = raw.get("notes", {})
    if not isinstance(raw_notes, dict):
        errors.append(InputError(file, None, f"{SECTION}.notes", str(raw_notes), "a table: table id = \"note\" or [\"note\", ...]"))
        raw_notes = {}
    for table, value in raw_notes.items():
        text = _strings(value)
        if table not in TABLES:
            errors.append(InputError(file, None, f"{SECTION}.notes.{table}", table, "a table id of the country page: " + ", ".join(TABLES)))
        elif text is None:
            errors.append(InputError(file, None, f"{SECTION}.notes.{table}", str(value), "a note or a list of notes (strings)"))
        else:
            notes[table] = text
    return Publication(lists["references"], lists["data_intensive"], notes), errors
