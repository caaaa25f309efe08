"""Render docs/inputs.md from the table schemas, so the documentation cannot drift.

``python -m compiler.inputs.docs > docs/inputs.md``; tests/test_docs.py checks that
the committed file is current.
"""

from __future__ import annotations

from compiler.inputs.schema import MAX_MAGNITUDE, MAX_NOTE, MAX_TEXT, YEARS
from compiler.inputs.tables import ALL_TABLES, JOB_RECORDS, OPTIONAL_TABLES
from compiler.inputs.workbook_docs import WORKBOOK
from compiler.inputs.toml_schema import render_sections

HEADER = """\
# Input packages

An input package is a folder with `package.toml` and CSV tables: UTF-8 without a
byte-order mark, comma-separated, a header line, one row per record. Money is in units
of the package currency (not multiplied by the unit multiplier); employment is in
persons; shares and ratios are fractions (0.5 = 50 %). Every table may have extra
`source` and `note` columns, which datasat carries for the reader and does not
compute with. `datasat validate PACKAGE` checks a package without compiling it.
Every problem is reported with its file, line, column, value and what was expected.

Required files: `package.toml`, `occupations.csv`, `industries.csv`, `cost_ratios.csv`
and `macro.csv`. With `labour_input = "occupations"` you also need `employment.csv`.
With `labour_input = "industry_shares"` (the method of Wang et al. 2024) you need
`industry_employment.csv` and `occupation_shares.csv` instead. With
`labour_input = "microdata"` datasat builds the employment.csv table itself from worker
or job records in Parquet or CSV files (see [job records](#job-records-microdata)).

## package.toml

A TOML file of sections. Every key of every section is listed below; any other key or
section is an input error (with the closest known key). Each section's table is
generated from the same description as this page (compiler/inputs/toml_schema.py).

{sections}
Optional tables (below the required ones) are read when the file exists:
`other_volume_changes.csv` (stocks), `national_accounts.csv` or `national_accounts.xml`
(GDP effect), `imports.csv`, and `use_table.csv` with `supply_table.csv` (supply and
use of data products).

Codes: `CL_ACTIVITY` and `CL_SECTOR` are the official ESTAT codelists
(`codelists/official/`). Totals (`_T`, `S1`) are computed by datasat and are not
inputs. `industries`, `occupations`: the codes defined in the package's own
`industries.csv` and `occupations.csv`.
"""


MICRODATA = """\
Payroll registers and labour force surveys give one record per job: `labour_input =
"microdata"` reads them from the files of `[microdata] files` and aggregates them, by year
× occupation × industry, into the employment.csv table: employment = Σ weight (persons;
with `employment = "fte"`, Σ weight × hours / `full_time_hours`), compensation per person
employed = Σ weight × compensation / employment. Every (occupation, industry) with records
needs them in every year, and every industry of industries.csv needs records.

- **Engines.** `--engine duckdb` (the default) runs one SQL query straight over the files
  in embedded DuckDB, out of core: memory stays within `DATASAT_MEMORY_LIMIT` (default
  `1GB`), spilling to `DATASAT_TEMP_DIRECTORY` (default a temporary folder), on
  `DATASAT_THREADS` threads (default: every core). `--engine dask` runs the same
  aggregation on a Dask cluster: the one at `DATASAT_DASK_SCHEDULER`, else the current
  `distributed` client, else a local cluster in the process. Both give the same table,
  bit for bit.
- **Exact sums.** Weight, compensation and hours are rounded to fixed-point integers
  (10^-6 persons, 0.01 currency units, 0.01 hours; half up) and summed as integers, which
  no order of addition can change; each figure is then one correctly rounded division.
- **Rows.** A CSV file's row is its line (the header is line 1; no blank lines or line
  breaks inside quoted cells assumed); a Parquet file's row is the record's number,
  from 1. Text cells are trimmed of ASCII whitespace; numbers in text follow
  `[+-]digits[.digits][e[+-]digits]`. Codes may also be integer columns in Parquet.
- **Rejected records.** A record that breaks a rule of the table below (a year outside
  first_year..last_year, an occupation or industry not in occupations.csv or
  industries.csv, a sector other than its industry's, a missing, non-numeric or
  out-of-range weight, compensation or hours) is rejected. Rejected records are an input
  error listing, for each file and column, the first 10 with their row and value and the
  number of the others; with `max_rejected_share = s` > 0 up to a share s of the records
  read may be rejected: they are then dropped and listed as warnings.
- **Other occupations.** A payroll register holds every job of the economy, most of them
  not in data occupations. With `other_occupations = "out_of_scope"` (default
  `"reject"`: the rule above) the register need not be filtered first: a record whose
  occupation code is not in occupations.csv is *out of scope*, neither an error nor used.
  Validity rules come first: a record that breaks any other rule (year, industry,
  sector, weight, compensation, hours, or no occupation code at all) is rejected
  whatever its occupation, so only valid records are out of scope. The industry and
  sector rules hold for every record: industries.csv must list every industry of the
  register. `max_rejected_share` stays a share of the records read.
- **Counts.** report.json gives, under `inputs.microdata`: `records` read = used +
  out_of_scope + rejected, in total and per file (`files`); `weight`, the Σ weight
  (persons) of the records used and out of scope, and `used_share` = used / (used + out
  of scope), the share of the register's employment in the data occupations (per file
  too, without the share); `rejected_by_reason` (a record may break several rules);
  `other_occupations`, the engine, and a one-line `summary` stating these counts.
- **Files.** A malformed file (a row with another number of fields than the header, text
  that is not UTF-8, a Parquet file that cannot be read, a column of another type than
  text, integer or floating point) is an input error of the file.
"""


NUMBERS = f"""\
## Numbers, text and their ranges

Every number cell must be a finite number (`nan`, `inf` and values beyond the range of a
double such as `1e999` are errors) inside the range that the column's *allowed* entry
below gives. A bound a column does not state is ±{MAX_MAGNITUDE:g}: money values beyond it
are unit mistakes (the largest GDP in any currency is about 1e17), and products of such
inputs stay far below the largest double, so no computation can overflow. GDP and
population are at least 1, price indices, exchange rates and PPPs from 1e-6 to 1e9: they
divide, so they are bounded away from 0; employment and population are at most 1e10
persons; cost ratios at most 10 (ten times the labour input). Years are whole numbers from first_year to last_year (package.toml, both within
{YEARS[0]}..{YEARS[1]}). Each cell outside its range is an error naming the file, line,
column, value and the range.

Text cells (labels, codes) hold no control characters (NUL, tab, line break...: an
error naming the character) and at most {MAX_TEXT} characters; the free-text `source` and
`note` columns at most {MAX_NOTE}. A label that a spreadsheet would take for a formula
(beginning with `=`, `+`, `-`, `@`) is accepted and written to every CSV datasat produces
with a leading `'`, so it stays text (OWASP, CSV injection).
"""


def render() -> str:
    parts = [HEADER.replace("{sections}", render_sections().rstrip() + "\n"), NUMBERS, WORKBOOK]
    for schema in (*ALL_TABLES, *OPTIONAL_TABLES):
        parts.append(f"## {schema.name}\n\n{schema.description}\n")
        if schema is JOB_RECORDS:
            parts.append(MICRODATA)
        parts.append("| column | type | unit | required | allowed | description |\n|---|---|---|---|---|---|")
        for c in schema.columns:
            allowed = []
            if c.codes:
                allowed.append(f"codes of {c.codes}")
            if c.kind == "number":
                low, high = c.bounds()
                allowed.append(f"{low:g} to {high:g}")
            elif c.kind == "year":
                allowed.append("whole number, first_year..last_year")
            required = "yes" if c.required else f"no (default {c.default!r})" if c.default not in (None, "") else "no"
            parts.append(f"| `{c.name}` | {c.kind} | {c.unit} | {required} | {', '.join(allowed)} | {c.description} |")
        key = ", ".join(schema.key)
        parts.append(f"\nOne row per ({key})." if key else "\nOne row per record; records of the same year, occupation and industry add up.")
        if schema.complete_years_by is not None:
            by = ", ".join(schema.complete_years_by)
            parts.append(f"Every year from first_year to last_year must be present{' for each (' + by + ')' if by else ''}.")
        if schema.example:
            parts.append(f"\nExample:\n\n```csv\n{schema.example}\n```\n")
    return "\n".join(parts).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
