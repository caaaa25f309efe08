"""Build the CSV tables of ``fixtures/CA/`` (Canada 2005-2018, after Statistics Canada 2019).

A maintainer's tool, run by hand when the reference series change:

    python scripts/build_ca_fixture.py [MACRO_DIR] [OUT_DIR]

``MACRO_DIR`` defaults to ``../shared/reference/macro`` beside the project root (the
published series, one CSV per series with columns ``year,value,unit,source``); ``OUT_DIR``
to ``fixtures/CA`` beside this script. The generated CSVs are committed, so datasat works
without the reference folder; ``package.toml`` and ``README.md`` are written by hand.
The output is deterministic: the same reference series give byte-identical CSVs.

What is published and what is illustrative (fixtures/CA/README.md has the full table):

* published: GDP at current prices (WDI NY.GDP.MKTP.CN), the GDP deflator (WDI current ÷
  constant GDP, 2015 = 100) used as a stated substitute for the investment price index,
  the exchange rate (FRED AEXCAUS), PPP (WDI PA.NUS.PPP); three ESDC COPS employment
  counts (NOC 1422+1423 in 2016, NOC 2161 and 2172 in 2021); StatCan's global parameters
  as quoted by Wang et al. (2024) (other costs 50 % of labour, mark-up 3 %) and its 2018
  results (investment CA$29.455-40.025 bn, net stock CA$157-218 bn).
* illustrative: employment of the other occupations and every year other than the
  published ones (constant growth rates of :data:`OCCUPATIONS`), compensation, the split
  of each occupation over industries, the time shares, the national-accounts split.

Calibration: two factors multiply the illustrative time shares, one the low and one the
high bound (all assets and occupations alike), so that the 2018 GFCF in all data assets
equals StatCan's CA$29.455 bn (low) and CA$40.025 bn (high). They are solved here in
closed form (output is linear in the shares) and printed with the achieved figures. The
net stock is not calibrated by a factor: the mix of assets in the illustrative time shares
and the PIM settings of package.toml were chosen so that the 2018 net stock falls within
10 % of CA$157-218 bn (printed below when the compiler is importable).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixture_build as fb  # noqa: E402  (the shared code, beside this script)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "fixtures" / "CA"
YEARS = range(2005, 2019)
CAL_YEAR = 2018

# --- StatCan 2019 (secondary source: Wang et al. (2024); methodology.md §1.1, §10) -----------------
TARGET_LOW, TARGET_HIGH = 29.455e9, 40.025e9  # CAD, 2018 investment in data, databases, data science
STOCK_LOW, STOCK_HIGH = 157e9, 218e9  # CAD, 2018 net stock
OTHER_RATIO, MARKUP = 0.50, 0.03
WAGE_YEAR = 2016  # compensation levels below are for this year
WAGE_GROWTH = 0.025  # illustrative nominal growth of compensation per person, per year

# --- industries (CL_ACTIVITY; Canadian NAICS 2017 in the label) -----------------------------
INDUSTRIES = {
    "C": ("Manufacturing (NAICS 31-33)", "S11"),
    "G": ("Wholesale and retail trade (NAICS 41, 44-45)", "S11"),
    "J": ("Information and cultural industries; computer systems design (NAICS 51, 5415)", "S11"),
    "K": ("Finance and insurance (NAICS 52)", "S12"),
    "M": ("Professional, scientific and technical services except computer systems design (NAICS 54 excl. 5415)", "S11"),
    "O84": ("Public administration (NAICS 91)", "S13"),
    "P85": ("Educational services (NAICS 61)", "S13"),
}

# --- occupations (NOC 2016 unit groups, methodology.md §8.1) --------------------------------
# code: (label, split, (anchor year, persons), published source file stem or None,
#        employment growth per year, compensation in WAGE_YEAR (CAD),
#        illustrative time shares before calibration: data low, high, databases low, high,
#        data R&D low, high)
# The anchor is published where a source stem is given, else illustrative. Time shares are
# illustrative (StatCan's table of NOC time shares is not available); their mix of assets
# (about 45 % of GFCF in data, the 25-year asset) sets the net stock/GFCF ratio.
OCCUPATIONS = {
    "0213": ("Computer and information systems managers", "ict", (2016, 62_000), None, 0.035, 125_000, (0.07, 0.10, 0.07, 0.10, 0.04, 0.06)),
    "1112": ("Financial and investment analysts", "finance", (2016, 55_000), None, 0.030, 95_000, (0.16, 0.22, 0.03, 0.04, 0.14, 0.19)),
    "1253": ("Records management technicians", "archives", (2016, 12_000), None, 0.010, 55_000, (0.45, 0.60, 0.20, 0.28, 0.00, 0.00)),
    "1254": ("Statistical officers and related research support occupations", "statistics", (2016, 11_000), None, 0.020, 65_000, (0.45, 0.60, 0.10, 0.14, 0.10, 0.14)),
    "1422": ("Data entry clerks (COPS grouping with 1423 desktop publishing operators)", "clerical", (2016, None), "CA_employment_noc1422_1423_data_entry_desktop_publishing", -0.020, 45_000, (0.70, 0.90, 0.05, 0.08, 0.00, 0.00)),
    "1454": ("Survey interviewers and statistical clerks", "statistics", (2016, 17_000), None, 0.000, 45_000, (0.70, 0.90, 0.05, 0.08, 0.00, 0.00)),
    "2161": ("Mathematicians, statisticians and actuaries", "statistics", (2021, None), "CA_employment_noc2161_mathematicians_statisticians_actuaries", 0.045, 100_000, (0.18, 0.24, 0.05, 0.07, 0.37, 0.50)),
    "2171": ("Information systems analysts and consultants", "ict", (2016, 180_000), None, 0.040, 90_000, (0.08, 0.11, 0.13, 0.18, 0.05, 0.07)),
    "2172": ("Database analysts and data administrators", "ict", (2021, None), "CA_employment_noc2172_database_analysts", 0.050, 88_000, (0.10, 0.13, 0.52, 0.70, 0.05, 0.07)),
    "2173": ("Software engineers and designers", "ict", (2016, 55_000), None, 0.055, 95_000, (0.04, 0.05, 0.07, 0.09, 0.03, 0.04)),
    "2174": ("Computer programmers and interactive media developers", "ict", (2016, 110_000), None, 0.035, 80_000, (0.04, 0.05, 0.07, 0.09, 0.03, 0.04)),
    "4162": ("Economists and economic policy researchers and analysts", "statistics", (2016, 14_000), None, 0.020, 95_000, (0.20, 0.27, 0.03, 0.04, 0.35, 0.48)),
    "4163": ("Business development officers and marketing researchers and consultants", "marketing", (2016, 85_000), None, 0.035, 80_000, (0.15, 0.20, 0.03, 0.04, 0.12, 0.16)),
    "5211": ("Library and public archive technicians", "archives", (2016, 10_000), None, 0.000, 50_000, (0.45, 0.60, 0.20, 0.28, 0.00, 0.00)),
}

# --- national accounts baseline: illustrative shares of GDP (Canada, late 2010s) -------------
NA_SHARES = {
    "P1": 1.85,  # gross output
    "D21X31": 0.07,  # taxes less subsidies on products
    "D1": 0.51,  # compensation of employees
    "D29X39": 0.04,  # other taxes less subsidies on production
    "P51C": 0.16,  # consumption of fixed capital
    "P3": 0.77,  # final consumption expenditure (households, NPISH, government)
    "P51G": 0.23,  # gross fixed capital formation
    "P52": 0.005,  # changes in inventories
    "P6": 0.31,  # exports
}


def short_source(row: dict[str, str]) -> str:
    """Publisher and address of a reference row (README.md cites the full title)."""
    parts = [p.strip() for p in row["source"].split(",")]
    return ", ".join([parts[0], *[p for p in parts[1:] if p.startswith("http")]])


def employment(macro: Path) -> dict[str, dict[int, tuple[float, str, bool]]]:
    """Employment (persons) by occupation and year: value, source and whether it is published."""
    out = {}
    for code, (_, _, (anchor_year, anchor), stem, growth, _, _) in OCCUPATIONS.items():
        if stem is not None:
            row = fb.read_series(macro, stem)[anchor_year]
            anchor = float(row["value"])
            origin = f"published ESDC COPS count {anchor:,.0f} in {anchor_year} ({short_source(row)})"
        else:
            origin = f"illustrative level {anchor:,.0f} in {anchor_year}"
        path = {}
        for year in YEARS:
            value = anchor * (1 + growth) ** (year - anchor_year)
            note = origin if year == anchor_year else f"{origin}, {growth:+.1%} a year (illustrative)"
            path[year] = (value, note, stem is not None and year == anchor_year)
        out[code] = path
    return out


COUNTRY = fb.Country(
    code="CA", script="build_ca_fixture.py", currency="CAD", adjective="Canadian", target_name="StatCan",
    years=YEARS, cal_year=CAL_YEAR, target_low=TARGET_LOW, target_high=TARGET_HIGH,
    other_ratio=OTHER_RATIO, markup=MARKUP, wage_year=WAGE_YEAR, wage_growth=WAGE_GROWTH,
    industries=INDUSTRIES, na_shares=NA_SHARES,
    occupations={code: fb.Occupation(o[0], o[1], o[5], o[6]) for code, o in OCCUPATIONS.items()},
)


def main(argv: list[str]) -> int:
    out = fb.build(
        COUNTRY, argv, DEFAULT_OUT, employment, "of the occupation's",
        "illustrative: time shares set for this fixture x calibration factors {f_low:g} (low) and {f_high:g} (high); StatCan's table of NOC time shares is not available",
        "published (secondary source: Wang et al. (2024), quoting StatCan 2019): other costs 50 % of labour cost, mark-up 3 %; not split into capital and intermediate consumption",
    )
    for (bound, asset), value in (fb.net_stocks(COUNTRY, out) or {}).items():  # the stock needs the PIM
        target = STOCK_LOW if bound == "low" else STOCK_HIGH
        extra = f"  vs StatCan {value * 1e6 / target - 1:+.2%} (tolerance 10 %)" if asset == "N117DN" else ""
        print(f"{CAL_YEAR} net stock {asset} {bound}: CAD {value / 1e3:,.1f} bn{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
