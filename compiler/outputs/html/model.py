"""Small typed models of the published tables, and number formatting.

A :class:`TableView` is what a template needs to draw one table and what the CSV
download holds: caption, unit note, header rows, groups of body rows (row header +
formatted cells), notes. Numbers are formatted once, here, with thousands separators
and the DECIMALS attribute of their canonical row; a missing figure is shown as
:data:`MISSING` and the notes say so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from compiler.outputs.csv_safety import neutralise_all

MISSING = "–"  # en dash: figure not available
MISSING_NOTE = "– not available."
MINUS = "\u2212"


def format_number(value: float, decimals: int) -> str:
    """``1234567.891, 1`` → ``"1,234,567.9"``; negative with a true minus sign; NaN → ``–``."""
    if value is None or not math.isfinite(value):
        return MISSING
    rounded = round(float(value), decimals) + 0.0  # no "-0.0"
    text = f"{rounded:,.{decimals}f}"
    return MINUS + text[1:] if text.startswith("-") else text


def csv_number(value: float, decimals: int) -> str:
    """The CSV form of a published figure: no separators, same decimals; empty if missing."""
    if value is None or not math.isfinite(value):
        return ""
    return f"{round(float(value), decimals) + 0.0:.{decimals}f}"


def format_many(values: Sequence[float], decimals: Sequence[int]) -> list[str]:
    return [format_number(v, d) for v, d in zip(values, decimals)]


@dataclass(frozen=True)
class Header:
    """One header cell; ``scope`` is ``col`` (leaf or group) for a ``<th>`` in ``<thead>``."""

    label: str
    colspan: int = 1
    rowspan: int = 1
    numeric: bool = True


@dataclass
class Row:
    """A body row: row header (``label``, optional ``code``), text cells, then figures."""

    label: str
    values: list[float]
    decimals: list[int]
    code: str = ""
    texts: list[str] = field(default_factory=list)
    kind: str = ""  # "" | "total" | "derived" (figures computed for the table, not canonical)
    level: int = 0  # indentation of the row header (hierarchies)
    href: str = ""
    fill: str = ""  # a row not measured: this text ("not given") in every cell instead of figures

    @property
    def cells(self) -> list[str]:
        if self.fill:
            return [self.fill] * len(self.values)
        return format_many(self.values, self.decimals)

    @property
    def cells_html(self) -> Markup:
        """The figures as ``<td>`` cells. Safe without escaping: :func:`format_number`
        emits only digits, separators, signs and the en dash; a ``fill`` is escaped."""
        if self.fill:
            return Markup('<td class="na" colspan="{}">{}</td>').format(len(self.values), self.fill)
        return Markup("".join(f'<td class="num">{cell}</td>' for cell in self.cells))


@dataclass
class Group:
    """A ``<tbody>``: optional label row (e.g. "Low bound") and its rows."""

    label: str
    rows: list[Row]


@dataclass
class TableView:
    """A published table (see the module docstring)."""

    id: str
    title: str
    unit: str
    stub: str
    columns: list[tuple[str, ...]]  # header path of each column after the stub, text columns first
    groups: list[Group]
    notes: list[str] = field(default_factory=list)
    source: str = ""
    text_columns: int = 0  # how many of ``columns`` are text
    chart: object | None = None  # a chart model of compiler.outputs.html.charts, or a list of them
    csv: str = ""  # file name of the download, set by the writer
    status: str = ""  # weakest declared provenance of its inputs: published | calibrated | illustrative | ""
    status_note: str = ""  # the visible note on calibrated or illustrative inputs

    @property
    def header(self) -> list[list[Header]]:
        return header_rows(self.stub, self.columns, self.text_columns)

    @property
    def charts(self) -> list:
        if self.chart is None:
            return []
        return list(self.chart) if isinstance(self.chart, list) else [self.chart]

    @property
    def width(self) -> int:
        return 1 + len(self.columns)

    @property
    def empty(self) -> bool:
        return not any(any(math.isfinite(v) for v in r.values) or r.texts for g in self.groups for r in g.rows)

    def csv_rows(self) -> list[list[str]]:
        """Header line (paths joined by " - ", group label as a column if any) and body.

        Text cells (labels may come from the package) are neutralised against CSV
        injection (compiler.outputs.csv_safety); numbers are written as numbers.
        """
        grouped = any(g.label for g in self.groups)
        head = ([self.stub] if not grouped else ["Group", self.stub]) + [" - ".join(p) for p in self.columns]
        out = [neutralise_all(head)]
        for group in self.groups:
            for row in group.rows:
                stub = f"{row.label} ({row.code})" if row.code else row.label
                line = ([stub] if not grouped else [group.label, stub]) + list(row.texts)
                figures = neutralise_all([row.fill] * len(row.values)) if row.fill else [csv_number(v, d) for v, d in zip(row.values, row.decimals)]
                out.append(neutralise_all(line) + figures)
        return out


def header_rows(stub: str, paths: Sequence[tuple[str, ...]], text_columns: int = 0) -> list[list[Header]]:
    """Header rows with merged group cells: adjacent columns sharing a path prefix share
    a ``colspan`` cell; a path shorter than the deepest spans the rows below it."""
    depth = max((len(p) for p in paths), default=1)
    rows: list[list[Header]] = [[Header(stub, rowspan=depth, numeric=False)]] + [[] for _ in range(depth - 1)]
    for level in range(depth):
        i = 0
        while i < len(paths):
            path = paths[i]
            if len(path) <= level:
                i += 1
                continue
            if len(path) == level + 1:
                rows[level].append(Header(path[level], rowspan=depth - level, numeric=i >= text_columns))
                i += 1
                continue
            j = i + 1
            while j < len(paths) and len(paths[j]) > level + 1 and paths[j][: level + 1] == path[: level + 1]:
                j += 1
            rows[level].append(Header(path[level], colspan=j - i))
            i = j
    return rows
