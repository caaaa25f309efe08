"""``datasat init DIR --ref-area XX [--xlsx]``: a starter package that validates as it is.

Every table has its documented columns and example rows, every ``package.toml`` section
is present or shown commented out, and ``occupations`` lists candidate ISCO-08 unit
groups. Every figure is an illustrative placeholder, labelled so in the ``source``
column and declared so in ``[provenance]``: a starting point to review and replace,
never an estimate for the country.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from compiler.accounts.classification import official_codes
from compiler.inputs.errors import InputError, InputErrors

YEARS = (2021, 2022, 2023)
_SHARE_SOURCE = (
    "ISCO-08 unit group (ILO 2012), a candidate data occupation after CBS (2020), which used ISCO-08 occupations "
    "(whether it used this one is an assumption to verify); time shares ILLUSTRATIVE: no study's table of time "
    "shares by occupation is available to datasat (the CBS 2020 annex and the Statistics Canada 2019 table are "
    "not), these are datasat's NL test fixture's values before calibration. A starting point to review."
)
#: ISCO-08 unit groups (methodology of Statistics Netherlands, CBS 2020; titles as in ISCO-08) with
#: illustrative low/high time shares for data, databases and data R&D.
CANDIDATE_OCCUPATIONS: tuple[tuple[str, str, tuple[float, ...]], ...] = (
    ("1330", "ICT services managers", (0.08, 0.10, 0.08, 0.10, 0.05, 0.06)),
    ("2120", "Mathematicians, actuaries and statisticians", (0.20, 0.25, 0.06, 0.08, 0.40, 0.50)),
    ("2413", "Financial analysts", (0.16, 0.20, 0.03, 0.04, 0.15, 0.19)),
    ("2431", "Advertising and marketing professionals", (0.15, 0.19, 0.03, 0.04, 0.12, 0.15)),
    ("2511", "Systems analysts", (0.13, 0.16, 0.20, 0.25, 0.07, 0.09)),
    ("2512", "Software developers", (0.07, 0.09, 0.12, 0.15, 0.05, 0.06)),
    ("2514", "Applications programmers", (0.07, 0.09, 0.12, 0.15, 0.05, 0.06)),
    ("2519", "Software and applications developers and analysts n.e.c.", (0.08, 0.10, 0.12, 0.15, 0.05, 0.06)),
    ("2521", "Database designers and administrators", (0.12, 0.15, 0.50, 0.64, 0.05, 0.06)),
    ("2529", "Database and network professionals n.e.c.", (0.10, 0.13, 0.35, 0.45, 0.05, 0.06)),
    ("2621", "Archivists and curators", (0.45, 0.57, 0.20, 0.25, 0.00, 0.00)),
    ("2622", "Librarians", (0.40, 0.50, 0.20, 0.25, 0.00, 0.00)),
    ("2631", "Economists", (0.20, 0.25, 0.03, 0.04, 0.40, 0.50)),
    ("3314", "Statistical, mathematical and related associate professionals", (0.45, 0.57, 0.10, 0.13, 0.12, 0.15)),
    ("4132", "Data entry clerks", (0.60, 0.76, 0.05, 0.07, 0.00, 0.00)),
    ("4227", "Survey and market research interviewers", (0.60, 0.76, 0.05, 0.07, 0.00, 0.00)),
    ("4415", "Filing and copying clerks", (0.30, 0.38, 0.10, 0.13, 0.00, 0.00)),
)
_PLACEHOLDER = "ILLUSTRATIVE placeholder written by datasat init: replace with the country's figure and its source"
_STATCAN = "Statistics Canada (2019): other costs 50 % of labour cost, mark-up 3 %, as quoted by Wang et al. (2024); ILLUSTRATIVE here: replace with the country's ratios"

TOML = """\
# Starter package written by `datasat init` for {ref_area}. Every figure in it is an
# ILLUSTRATIVE placeholder ([provenance] below says so): replace each with the country's
# figure and its source, then run `datasat validate`. docs/inputs.md documents every key.

[package]
ref_area = "{ref_area}"            # IMF:CL_AREA code of the country (REF_AREA)
name = "{ref_area}"                # the country's name, as printed on its page
currency = "XXX"             # ISO 4217 code of the currency (XXX = no currency: replace it)
unit_mult = 6                # outputs in 10^6 currency units (UNIT_MULT); inputs are in units
decimals = 1                 # decimals published for money series (DECIMALS)
first_year = {first}            # every table covers first_year..last_year
last_year = {last}
base_year = {first}             # reference year of constant prices (perpetual inventory)
# agency = "DATASAT"         # SDMX agency of the structures
labour_input = "occupations" # employment.csv; or "industry_shares" (industry_employment.csv +
                             # occupation_shares.csv, Wang et al. 2024), or "microdata" (job records)

[method]
markup_base = "costs"        # mark-up on labour + other costs ("costs") or on labour only ("labour")
non_market_sectors = ["S13", "S15"]  # producers with no mark-up (2008 SNA 6.125 ff.)

# Share of output that becomes GFCF, one table per asset type (defaults shown).
[capitalisation.data]
own_account_share = 1.0      # output kept for own use = own-account GFCF (P.51g)
purchased_capitalised_share = 0.0  # share of the sold output that buyers capitalise
export_share = 0.0           # share of the sold output exported
imported_capitalised_share = 0.0  # share of imports.csv that buyers capitalise

[capitalisation.databases]
own_account_share = 1.0
purchased_capitalised_share = 0.0
export_share = 0.0
imported_capitalised_share = 0.0

[capitalisation.data_rd]
own_account_share = 1.0
purchased_capitalised_share = 0.0
export_share = 0.0
imported_capitalised_share = 0.0

[classification]             # provisional asset codes; replace once the 2025 SNA code is published
data = "N11733"
databases = "N11732"
data_rd = "N11711"
all_data = "N117D"

# Perpetual inventory (docs/method.md §3): [pim.default] for every asset, [pim.<asset>]
# overrides it key by key. ILLUSTRATIVE settings: geometric depreciation, no retirement
# distribution, no stock before first_year. Other choices: retirement = "normal", "gamma",
# "lognormal", "weibull", "linear", "simultaneous", "table" (with mean_life, cov, ...);
# value_profile = "linear", "hyperbolic"; initial_stock = "opening", "closing",
# "backcast", "given".
[pim.default]
retirement = "none"
value_profile = "geometric"
depreciation_rate = 0.2
initial_stock = "none"

[pim.data]
depreciation_rate = 0.1      # ILLUSTRATIVE: data kept longer than databases

[pim.databases]
depreciation_rate = 0.2

[pim.data_rd]
depreciation_rate = 0.2

# GDP effect and supply and use: only with national_accounts.csv (docs/inputs.md).
# [accounts]
# baseline_tolerance = 1e-6  # relative tolerance of the baseline accounts
# final_consumption_share = 0.0
# [accounts.overlap]         # share of each asset's GFCF already in the published accounts
# data = 0.0
# databases = 1.0
# data_rd = 1.0

# SDMX identifiers of the outputs (defaults shown).
# [sdmx]
# agency = "DATASAT"
# sender = "DATASAT"

# What the country page prints besides the tables.
# [publication]
# references = ["Author, A. (2025). Title. Publisher."]
# data_intensive = ["J"]     # CL_ACTIVITY codes grouped as data-intensive industries
# [publication.notes]
# page = "A note printed under the page title."

# Job records instead of employment.csv: only with labour_input = "microdata", in a folder package.
# [microdata]
# files = ["jobs/*.parquet"] # globs relative to the package: .parquet or .csv files
# employment = "persons"     # or "fte" with full_time_hours
# [microdata.columns]
# compensation = "annual_pay"

# Which inputs are published, calibrated or illustrative (a table, or table.column).
[provenance]
occupations = "illustrative"
industries = "illustrative"
employment = "illustrative"
cost_ratios = "illustrative"
macro = "illustrative"
"package.pim" = "illustrative"
"""


@dataclass(frozen=True)
class Starter:
    toml: str
    tables: dict[str, pd.DataFrame]  # sheet name (CSV stem) -> text cells
    readme: str


def starter_package(ref_area: str) -> Starter:
    """The starter package for ``ref_area`` (an IMF:CL_AREA code); raises InputErrors otherwise."""
    if ref_area not in official_codes("CL_AREA"):
        raise InputErrors([InputError("--ref-area", None, None, ref_area, "an area code of IMF:CL_AREA, e.g. FR, DE, CA")])
    first, last = YEARS[0], YEARS[-1]
    toml = TOML.format(ref_area=ref_area, first=first, last=last)
    return Starter(toml, _tables(), README.format(ref_area=ref_area))


def _tables() -> dict[str, pd.DataFrame]:
    assets = [f"{a}_{b}" for a in ("data", "databases", "data_rd") for b in ("low", "high")]
    occupations = pd.DataFrame(
        [[code, label, *(f"{v:g}" for v in shares), _SHARE_SOURCE] for code, label, shares in CANDIDATE_OCCUPATIONS],
        columns=["occupation", "label", *assets, "source"],
    )
    industries = pd.DataFrame(
        [["J", "Information and communication", "S11", _PLACEHOLDER], ["O", "Public administration and defence; compulsory social security", "S13", _PLACEHOLDER]],
        columns=["industry", "label", "sector", "source"],
    )
    employment = pd.DataFrame(
        [[str(y), "2521", industry, persons, pay, _PLACEHOLDER] for y in YEARS for industry, persons, pay in (("J", "1000", "60000"), ("O", "200", "50000"))],
        columns=["year", "occupation", "industry", "employment", "compensation", "source"],
    )
    ratios = pd.DataFrame([[str(y), "_T", "0", "0", "0.5", "0.03", _STATCAN] for y in YEARS], columns=["year", "industry", "capital_ratio", "intermediate_ratio", "other_ratio", "markup", "source"])
    macro = pd.DataFrame(
        [[str(y), gdp, index, _PLACEHOLDER] for y, gdp, index in zip(YEARS, ("1000000000000", "1040000000000", "1080000000000"), ("100", "102", "104"))],
        columns=["year", "gdp", "investment_price_index", "source"],
    )
    return {"occupations": occupations, "industries": industries, "employment": employment, "cost_ratios": ratios, "macro": macro}


README = """\
# Starter package for {ref_area}

Written by `datasat init`. It validates and compiles as it is, but **every figure is an
illustrative placeholder**: the `source` column of each row and `[provenance]` in
package.toml say so. Replace each figure with the country's own and its source:

1. `package.toml`: name, currency, unit multiplier, years, perpetual-inventory settings.
2. `occupations`: the candidate ISCO-08 unit groups are a starting point to review; their
   time shares are illustrative (no study's table of time shares by occupation is
   available to datasat).
3. `industries`, `employment`: the industries that employ data occupations, and
   employment and compensation by occupation, industry and year.
4. `cost_ratios`: other costs and mark-up (the placeholders are Statistics Canada 2019's
   50 % and 3 %).
5. `macro`: GDP at current prices and the investment price index.

Then run `datasat validate` on the package. docs/inputs.md documents every table.
"""


def write_starter(path: Path, ref_area: str, workbook: bool) -> str:
    """Write the starter package to the folder ``path`` or the workbook ``path``; say what was written."""
    from compiler.inputs.convert import atomic_file, atomic_folder, csv_bytes
    from compiler.inputs.workbook_write import write_workbook

    path = Path(path)
    if path.exists():
        raise InputErrors([InputError(str(path), None, None, None, "a new folder or workbook name (it exists; datasat init does not overwrite)")])
    starter = starter_package(ref_area)
    if workbook:
        atomic_file(path, lambda tmp: write_workbook(tmp, starter.toml, starter.tables, starter.readme))
        return f"starter package for {ref_area} written to {path} (sheets: package.toml, {', '.join(starter.tables)})"

    def write(stage: Path) -> None:
        (stage / "package.toml").write_text(starter.toml, encoding="utf-8")
        (stage / "README.md").write_text(starter.readme, encoding="utf-8")
        for name, frame in starter.tables.items():
            (stage / f"{name}.csv").write_bytes(csv_bytes(frame))

    atomic_folder(path, write)
    return f"starter package for {ref_area} written to {path}/ (package.toml, {', '.join(f'{n}.csv' for n in starter.tables)})"
