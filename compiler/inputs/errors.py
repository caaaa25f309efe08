"""Input errors: each names the file, row, column, value and what was expected."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True, order=True)
class InputError:
    """One problem in an input package.

    ``row`` is the line number in the file as a text editor shows it (the header is
    line 1), or ``None`` for problems of a whole file or of ``package.toml`` keys. In a
    workbook package ``file`` is the workbook and ``cell`` the sheet and cell
    (``employment!C14``, a column ``employment!C:C``, a row ``employment!14:14`` or a
    sheet ``employment``); ``row`` is then the sheet's row number.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str
    cell: str | None = None
    #: a problem of the whole file's form (encoding, byte-order mark, delimiter): listed
    #: before every other error, since it causes many of them
    first: bool = field(default=False, compare=False, repr=False)

    def __str__(self) -> str:
        where = f"{self.file}, {self.cell}" if self.cell else self.file + (f":{self.row}" if self.row is not None else "")
        parts = [where]
        if self.column is not None:
            parts.append(f"{'key' if self.file.endswith('.toml') else 'column'} {self.column!r}")
        if self.value is not None:
            parts.append(f"value {self.value!r}")
        return ": ".join([", ".join(parts), f"expected {self.expected}"])

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class InputErrors(Exception):
    """Every problem found in one or more packages, raised together."""

    def __init__(self, errors: list[InputError]):
        self.errors = sorted(set(errors), key=lambda e: (not e.first, e.file, (e.cell or "").split("!")[0], e.row or 0, e.column or "", e.expected))
        super().__init__(f"{len(self.errors)} input error(s)")

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
