"""Build the CSV tables of ``fixtures/NL/`` (Netherlands 2001-2017, after CBS 2020).

A maintainer's tool, run by hand when the reference series change:

    python scripts/build_nl_fixture.py [MACRO_DIR] [OUT_DIR]

``MACRO_DIR`` defaults to ``../shared/reference/macro`` beside the project root (the
published series, one CSV per series with columns ``year,value,unit,source``); ``OUT_DIR``
to ``fixtures/NL`` beside this script. The generated CSVs are committed, so datasat works
without the reference folder; ``package.toml`` and ``README.md`` are written by hand.
The output is deterministic: the same reference series give byte-identical CSVs.

What is published and what is illustrative (fixtures/NL/README.md has the full table):

* published: GDP at current prices (WDI NY.GDP.MKTP.CN), the GDP deflator (WDI current ÷
  constant GDP, 2015 = 100) used as a stated substitute for the investment price index,
  the exchange rate (FRED AEXUSEU, inverted to EUR per USD), PPP (WDI PA.NUS.PPP); CBS
  StatLine 83359NED 2017 totals (employed labour force 8,579,000; BRC 2014 class 08 ICT
  occupations 347,000); CBS's other-cost ratio of 60 % and its 2017 result (investment in
  data, databases and data science EUR 15.6-20 bn).
* illustrative: the split of the 2017 totals over ISCO-08 unit groups, employment in every
  other year (constant growth rates of :data:`OCCUPATIONS`), compensation, the split over
  industries, the time shares, the mark-up (CBS adds one, its value is not known here: the
  StatCan 3 % is borrowed) and the national-accounts split.

Calibration: two factors multiply the illustrative time shares, one the low and one the
high bound (all assets and occupations alike), so that the 2017 GFCF in all data assets
equals CBS's EUR 15.6 bn (low) and EUR 20 bn (high). They are solved here in closed form
(output is linear in the shares) and printed with the achieved figures.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixture_build as fb  # noqa: E402  (the shared code, beside this script)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "fixtures" / "NL"
YEARS = range(2001, 2018)
CAL_YEAR = 2017

# --- CBS 2020 (published: CBS 2020 ch. 4.1 and 5; methodology.md §6.2, §9) ------------------
TARGET_LOW, TARGET_HIGH = 15.6e9, 20.0e9  # EUR, 2017 investment in data, databases, data science
OTHER_RATIO = 0.60  # published, CBS 2020 ch. 4.1
MARKUP = 0.03  # illustrative: CBS adds a profit rate whose value is not known; StatCan's 3 % borrowed
WAGE_YEAR = 2017  # compensation levels below are for this year
WAGE_GROWTH = 0.022  # illustrative nominal growth of compensation per person, per year

# --- industries (CL_ACTIVITY = SBI 2008 sections/divisions) ----------------------------------
INDUSTRIES = {
    "C": ("Manufacturing (SBI 2008 C, industrie)", "S11"),
    "G": ("Wholesale and retail trade (SBI 2008 G, handel)", "S11"),
    "J": ("Information and communication (SBI 2008 J, informatie en communicatie)", "S11"),
    "K": ("Financial services (SBI 2008 K, financiele dienstverlening)", "S12"),
    "M": ("Professional, scientific and technical activities (SBI 2008 M, specialistische zakelijke diensten)", "S11"),
    "O84": ("Public administration (SBI 2008 O, openbaar bestuur)", "S13"),
    "P85": ("Education (SBI 2008 P, onderwijs)", "S13"),
}

# --- occupations (ISCO-08 unit groups, methodology.md §8.3) ---------------------------------
# code: (label, split, (2017 share, of which published total), employment growth per year,
#        compensation in WAGE_YEAR (EUR), illustrative time shares before calibration: data low,
#        high, databases low, high, data R&D low, high)
# 2017 employment = share x a published CBS total: "ict" = BRC 2014 class 08 ICT occupations
# (347,000; the seven ICT unit groups listed take 59 % of it, the rest being web developers,
# system and network administrators and ICT technicians, not data occupations here), "all" =
# the employed labour force (8,579,000). The shares are illustrative.
OCCUPATIONS = {
    "1330": ("ICT services managers", "ict", (0.08, "ict"), 0.030, 95_000, (0.08, 0.10, 0.08, 0.10, 0.05, 0.06)),
    "2120": ("Mathematicians, actuaries and statisticians", "statistics", (0.0008, "all"), 0.040, 80_000, (0.20, 0.25, 0.06, 0.08, 0.40, 0.50)),
    "2413": ("Financial analysts", "finance", (0.0025, "all"), 0.025, 85_000, (0.16, 0.20, 0.03, 0.04, 0.15, 0.19)),
    "2431": ("Advertising and marketing professionals", "marketing", (0.0050, "all"), 0.030, 70_000, (0.15, 0.19, 0.03, 0.04, 0.12, 0.15)),
    "2511": ("Systems analysts", "ict", (0.16, "ict"), 0.040, 75_000, (0.13, 0.16, 0.20, 0.25, 0.07, 0.09)),
    "2512": ("Software developers", "ict", (0.15, "ict"), 0.045, 70_000, (0.07, 0.09, 0.12, 0.15, 0.05, 0.06)),
    "2514": ("Applications programmers", "ict", (0.08, "ict"), 0.030, 65_000, (0.07, 0.09, 0.12, 0.15, 0.05, 0.06)),
    "2519": ("Software and applications developers and analysts not elsewhere classified", "ict", (0.05, "ict"), 0.040, 68_000, (0.08, 0.10, 0.12, 0.15, 0.05, 0.06)),
    "2521": ("Database designers and administrators", "ict", (0.04, "ict"), 0.050, 72_000, (0.12, 0.15, 0.50, 0.64, 0.05, 0.06)),
    "2529": ("Database and network professionals not elsewhere classified", "ict", (0.03, "ict"), 0.050, 70_000, (0.10, 0.13, 0.35, 0.45, 0.05, 0.06)),
    "2621": ("Archivists and curators", "archives", (0.0004, "all"), 0.005, 60_000, (0.45, 0.57, 0.20, 0.25, 0.00, 0.00)),
    "2622": ("Librarians and related information professionals", "archives", (0.0006, "all"), 0.000, 55_000, (0.40, 0.50, 0.20, 0.25, 0.00, 0.00)),
    "2631": ("Economists", "statistics", (0.0010, "all"), 0.025, 85_000, (0.20, 0.25, 0.03, 0.04, 0.40, 0.50)),
    "3314": ("Statistical, mathematical and related associate professionals", "statistics", (0.0012, "all"), 0.020, 55_000, (0.45, 0.57, 0.10, 0.13, 0.12, 0.15)),
    "4132": ("Data entry clerks", "clerical", (0.0030, "all"), -0.020, 40_000, (0.60, 0.76, 0.05, 0.07, 0.00, 0.00)),
    "4227": ("Survey and market research interviewers", "statistics", (0.0010, "all"), 0.000, 35_000, (0.60, 0.76, 0.05, 0.07, 0.00, 0.00)),
    "4415": ("Filing and copying clerks", "clerical", (0.0018, "all"), -0.015, 38_000, (0.30, 0.38, 0.10, 0.13, 0.00, 0.00)),
}
TOTALS = {  # published CBS totals of 2017: key -> (reference series stem, persons per unit)
    "ict": ("NL_employment_ict_occupations_brc2014", 1000),
    "all": ("NL_employment_total_employed_labour_force", 1000),
}

# --- national accounts baseline: illustrative shares of GDP (Netherlands, 2000s-2010s) --------
NA_SHARES = {
    "P1": 1.95,  # gross output
    "D21X31": 0.10,  # taxes less subsidies on products
    "D1": 0.47,  # compensation of employees
    "D29X39": 0.01,  # other taxes less subsidies on production
    "P51C": 0.16,  # consumption of fixed capital
    "P3": 0.69,  # final consumption expenditure (households, NPISH, government)
    "P51G": 0.20,  # gross fixed capital formation
    "P52": 0.005,  # changes in inventories
    "P6": 0.78,  # exports
}


def employment(macro: Path) -> dict[str, dict[int, tuple[float, str]]]:
    """Employment (persons) by occupation and year, with the source of each value."""
    totals = {}
    for key, (stem, unit) in TOTALS.items():
        row = fb.read_series(macro, stem)[CAL_YEAR]
        source = re.search(r"CBS StatLine \w+", row["source"]).group(0)
        totals[key] = (float(row["value"]) * unit, f"{float(row['value']) * unit:,.0f} in {CAL_YEAR}, {source}")
    out = {}
    for code, (_, _, (share, key), growth, _, _) in OCCUPATIONS.items():
        total, origin = totals[key]
        anchor = share * total
        what = "BRC 2014 class 08 ICT occupations" if key == "ict" else "employed labour force"
        path = {}
        for year in YEARS:
            value = anchor * (1 + growth) ** (year - CAL_YEAR)
            note = f"share {share:g} of the published CBS {what} ({origin})"
            if year != CAL_YEAR:
                note += f", {growth:+.1%} a year"
            path[year] = (value, note)
        out[code] = path
    return out


COUNTRY = fb.Country(
    code="NL", script="build_nl_fixture.py", currency="EUR", adjective="Dutch", target_name="CBS",
    years=YEARS, cal_year=CAL_YEAR, target_low=TARGET_LOW, target_high=TARGET_HIGH,
    other_ratio=OTHER_RATIO, markup=MARKUP, wage_year=WAGE_YEAR, wage_growth=WAGE_GROWTH,
    industries=INDUSTRIES, na_shares=NA_SHARES,
    occupations={code: fb.Occupation(o[0], o[1], o[4], o[5]) for code, o in OCCUPATIONS.items()},
)


def main(argv: list[str]) -> int:
    out = fb.build(
        COUNTRY, argv, DEFAULT_OUT, employment, "x",
        "illustrative: time shares set for this fixture x calibration factors {f_low:g} (low) and {f_high:g} (high); the CBS annex table of time shares is not available",
        "other_ratio published: CBS 2020 ch. 4.1, other costs 60 % of labour costs (not split into capital and intermediate consumption) | markup illustrative: CBS adds a profit rate of unknown value; StatCan's 3 % is borrowed",
    )
    for (bound, asset), value in (fb.net_stocks(COUNTRY, out) or {}).items():  # the stock needs the PIM
        print(f"{CAL_YEAR} net stock {asset} {bound} (illustrative; CBS estimated no stock): EUR {value / 1e3:,.1f} bn")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
