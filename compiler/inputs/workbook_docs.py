"""The "A package as one workbook" section of docs/inputs.md (rendered by compiler.inputs.docs)."""

WORKBOOK = """\
## A package as one workbook

A package can also be one Excel workbook (`.xlsx`) holding the same tables as sheets:
`datasat validate my-country.xlsx` and `datasat compile my-country.xlsx` read it with the
same checks and messages as a folder, each located by sheet and cell
(`my-country.xlsx, employment!D3, column 'employment', value '2020-01-05': expected a
number, not a date or time`). `datasat convert fixtures/CN cn.xlsx` turns a folder into a
workbook and `datasat convert cn.xlsx cn/` back; the round trip keeps every table, cell
and setting (numbers as the same values, perhaps written shorter: `0.10` becomes `0.1`),
and both forms compile to byte-identical observations. `datasat init DIR --ref-area XX
--xlsx` writes a starter workbook.

| sheet | holds |
|---|---|
| `package.toml` | the TOML text of package.toml, one line per row, in column A (comments kept) |
| `occupations`, `industries`, `employment`, … | one sheet per table, named after its CSV file without `.csv`: the header in row 1 from A1, one record per row |
| `README.md` | notes, one line per row (not read) |
| `_codes`, any sheet whose name begins with `_` | code lists and your own notes (not read) |

Any other sheet name is an error (a misspelt table would otherwise be missed). A
workbook cannot hold job records (`labour_input = "microdata"`) or
`national_accounts.xml`: keep such packages as folders.

The `employment` sheet of `datasat init my-country --ref-area FR --xlsx`:

```
     A      B            C          D            E              F
 1   year   occupation   industry   employment   compensation   source
 2   2021   2521         J          1000         60000          ILLUSTRATIVE placeholder written by datasat init: …
 3   2021   2521         O          200          50000          ILLUSTRATIVE placeholder written by datasat init: …
 4   2022   2521         J          1000         60000          ILLUSTRATIVE placeholder written by datasat init: …
```

Sheets written by datasat carry a note on each header cell (the column's description,
unit, allowed codes and whether it is required), a frozen header row, and data
validation: coded columns offer a list (occupations and industries from their own sheets,
sectors, activities and other fixed codes from the `_codes` sheet), number columns their
documented range.

How cells are read: each cell becomes the text a CSV file would hold, and that text is
checked as in a CSV file.

| cell | read as |
|---|---|
| a number | the number; whole numbers without a decimal point (`2020`, not `2020.0`), others in the shortest form that gives back the same value. A cell formatted as a percentage holds a fraction: `50 %` is read as `0.5`, which is what share and ratio columns expect |
| text | the text, stripped of leading and trailing spaces. A number stored as text (`12.5`) is that number, as in a CSV file; `1,234` is not a number (as in CSV) |
| empty | an empty cell (an error where a value is required); rows with no value at all are skipped |
| a date or time | an error in a number, year or code column (`format the cell as a number or as text`); ISO text (`2020-01-05`) in a text column |
| TRUE / FALSE | an error in a number, year or code column; the text `TRUE`/`FALSE` in a text column |
| a formula | its result as last calculated and stored by the spreadsheet program, with a warning in report.json naming the cells; a formula without a stored result (as some programs write them) is an error |
| an Excel error (`#DIV/0!`, `#N/A`) | an error |
| codes typed as numbers (`2521`) | the code `2521`; a leading zero (`0110`) is kept only if the cell holds text |

What cannot be read as a table is an error naming the sheet and cell: merged cells,
hidden rows holding data, hidden columns and hidden sheets (what is compiled must be what
a reviewer of the sheet sees), values under an empty header cell, a column named twice,
an empty sheet, a sheet with a header and no rows, a missing sheet, a file that is not a
workbook, an Excel 97-2003 `.xls` file, and a password-protected workbook (remove the
password in Excel first).
"""
