"""Build the CSV tables of ``fixtures/CN/`` (China 2010-2022, after Wang et al. (2024)).

A maintainer's tool, run by hand when the reference series change:

    python scripts/build_cn_fixture.py [MACRO_DIR] [OUT_DIR]

``MACRO_DIR`` defaults to ``../shared/reference/macro`` beside the project root (the published series, one
CSV per series with columns ``year,value,unit,source``); ``OUT_DIR`` to ``fixtures/CN``
beside this script. The generated CSVs are committed, so datasat works without the
reference folder; ``package.toml`` and ``README.md`` are written by hand.

What is published and what is illustrative (fixtures/CN/README.md has the full table):

* published: GDP (WDI), exchange rate (FRED), PPP (WDI), the NBS fixed-asset investment
  price index 2010-2011, the GDP deflator used as its substitute from 2012, and the NBS
  average wages by sector in the years the reference folder has them; Wang et al. (2024)'s
  averages (capital/labour ratio 1.0061, mark-up 4.76 %), its 50 % rule for manufacturing
  and its 2020 results (RMB 1.76-1.97 trillion, 1.74-1.95 % of GDP).
* illustrative: employment by industry after 2008 (extrapolated from the last published
  NBS year at the growth rates of :data:`EMPLOYMENT_GROWTH`), wages in unpublished years
  (geometric interpolation), the occupation mix, the time shares, the yearly path of the
  cost ratios, the official-statistician headcount and the manufacturing split.

Calibration: one factor multiplies the illustrative occupation shares of the industries
in :data:`SCALED_INDUSTRIES` (J, K, G, M) so that the 2020 GFCF in all data assets hits
Wang et al. (2024)'s level; the factor is solved here and printed with the achieved figures.
The manufacturing shares (Wang et al. (2024)'s 50 %) and the official statisticians (a
headcount, all of whom are data professionals) are not scaled.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixture_build import read_series, write  # noqa: E402  (shared with the CA and NL scripts)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MACRO = Path(__file__).resolve().parents[2] / "shared" / "reference" / "macro"
DEFAULT_OUT = ROOT / "fixtures" / "CN"
YEARS = range(2010, 2023)
CAL_YEAR = 2020

# --- Wang et al. (2024) targets (published, Wang et al. (2024) §5.2.1) ------------------------------------
TARGET_LOW, TARGET_HIGH = 1.76e12, 1.97e12  # RMB, 2020 data capital formation
TARGET_PCT_LOW, TARGET_PCT_HIGH = 1.74, 1.95  # percent of 2020 GDP
PAPER_CAPITAL_RATIO, PAPER_MARKUP = 1.0061, 0.0476  # averages over the years of its Table 7

# --- industries ---------------------------------------------------------------------------
# code: (label, sector, macro series stem or None, note)
INDUSTRIES = {
    "J": ("Information transmission, software and information technology services", "S11", "information_software_it"),
    "C": ("Manufacturing: selected data-intensive sub-industries", "S11", "manufacturing"),
    "K": ("Finance", "S12", "finance"),
    "G": ("Wholesale and retail trade", "S11", "wholesale_retail"),
    "M": ("Scientific research and technical services", "S11", "scientific_research_technical"),
    "O84": ("Public administration: official statisticians", "S13", "public_management"),
}

#: Illustrative employment growth after the last published year (2008), per industry:
#: a list of (last year of the segment, annual growth rate).
EMPLOYMENT_GROWTH = {
    "J": [(2022, 0.097)],
    "C": [(2013, 0.060), (2022, -0.027)],
    "K": [(2022, 0.062)],
    "G": [(2014, 0.060), (2022, 0.015)],
    "M": [(2016, 0.060), (2022, 0.015)],
}
#: Share of the selected data-intensive sub-industries (computer, communication and
#: electronic equipment, electrical machinery, instruments ...) in manufacturing
#: employment: Wang et al. (2024)'s economic-census split coefficients are not in our text.
MANUFACTURING_SPLIT = 0.40
#: Wang et al. (2024) §5.1.3: 50 % of employment in the selected manufacturing industries are
#: data professionals.
MANUFACTURING_DATA_SHARE = 0.50
#: Official statisticians (NBS, its survey teams, local statistical bureaus and the
#: statistical staff of other departments): illustrative headcount and growth.
STATISTICIANS_2010, STATISTICIANS_GROWTH = 120_000, 0.01

# --- occupations (ISCO-08, methodology.md §8.3) and time shares ----------------------------
# Illustrative; each occupation's high total is about 1.12 x its low total so that the
# high/low ratio of output matches Wang et al. (2024)'s narrow band (1.97 / 1.76 = 1.119).
# code: (label, data low, high, databases low, high, data R&D low, high)
OCCUPATIONS = {
    "2120": ("Mathematicians, actuaries and statisticians", 0.12, 0.135, 0.05, 0.055, 0.50, 0.560),
    "2413": ("Financial analysts", 0.08, 0.090, 0.04, 0.045, 0.18, 0.200),
    "2431": ("Advertising and marketing professionals", 0.10, 0.112, 0.04, 0.045, 0.06, 0.067),
    "2511": ("Systems analysts", 0.10, 0.112, 0.12, 0.134, 0.08, 0.090),
    "2512": ("Software developers", 0.05, 0.056, 0.06, 0.067, 0.04, 0.045),
    "2521": ("Database designers and administrators", 0.08, 0.090, 0.55, 0.615, 0.04, 0.045),
    "2631": ("Economists", 0.08, 0.090, 0.03, 0.034, 0.25, 0.280),
    "3314": ("Statistical, mathematical and related associate professionals", 0.40, 0.448, 0.10, 0.112, 0.12, 0.134),
    "4132": ("Data entry clerks", 0.70, 0.784, 0.05, 0.056, 0.00, 0.000),
    "4227": ("Survey and market research interviewers", 0.60, 0.672, 0.00, 0.000, 0.00, 0.000),
}

#: Illustrative share of each industry's employment in each data occupation, before
#: calibration. C sums to Wang et al. (2024)'s 50 %; O84's employment is already the
#: headcount of official statisticians, so its shares are their occupational mix.
OCCUPATION_SHARES = {
    "J": {"2512": 0.25, "2511": 0.08, "2521": 0.04, "2120": 0.01, "3314": 0.02, "4132": 0.03, "2413": 0.01},
    "C": {"2512": 0.08, "2511": 0.04, "2521": 0.03, "3314": 0.05, "4132": 0.25, "2413": 0.05},
    "K": {"2413": 0.08, "2511": 0.04, "2521": 0.02, "2120": 0.02, "3314": 0.03, "4132": 0.05, "2631": 0.01},
    "G": {"2431": 0.02, "4132": 0.03, "4227": 0.005, "2511": 0.01, "2521": 0.005, "2413": 0.02},
    "M": {"2120": 0.03, "2631": 0.02, "3314": 0.04, "2511": 0.02, "2521": 0.01, "4132": 0.02},
    "O84": {"2120": 0.30, "3314": 0.45, "4132": 0.15, "2521": 0.10},
}
SCALED_INDUSTRIES = ("J", "K", "G", "M")

# --- cost ratios: illustrative yearly path with Wang et al. (2024)'s averages ------------------
# 2021-2022 rise (Wang et al. (2024) §5.2.1: "affected by change in the value of capital/labor
# ratio and the proportion of total mark-up"); 2020 closes the average.
CAPITAL_PATH = {2010: 0.951, 2011: 0.958, 2012: 0.966, 2013: 0.972, 2014: 0.960, 2015: 0.955, 2016: 0.962, 2017: 0.968, 2018: 0.970, 2019: 0.966, 2021: 1.200, 2022: 1.280}
MARKUP_PATH = {2010: 0.047, 2011: 0.046, 2012: 0.044, 2013: 0.045, 2014: 0.046, 2015: 0.045, 2016: 0.044, 2017: 0.046, 2018: 0.047, 2019: 0.045, 2021: 0.056, 2022: 0.060}
MARKUP_BASE = "costs"  # must agree with package.toml method.markup_base


def close_average(path: dict[int, float], average: float) -> dict[int, float]:
    """Fill the missing year of ``path`` so that the mean over YEARS is ``average``."""
    (missing,) = [y for y in YEARS if y not in path]
    out = dict(path)
    out[missing] = round(average * len(YEARS) - sum(path.values()), 4)
    return dict(sorted(out.items()))


def wages(macro: Path, stem: str) -> dict[int, tuple[int, str]]:
    """Average wage by year: published where given, else geometric interpolation."""
    series = read_series(macro, f"CN_avg_wage_urban_{stem}")
    published = {y: float(r["value"]) for y, r in series.items()}
    out = {}
    for year in YEARS:
        if year in series:
            r = series[year]
            out[year] = (int(published[year]), f"published: {r['source']} ({r['unit']})")
            continue
        before = max(y for y in published if y < year)
        after = min(y for y in published if y > year)
        value = published[before] * (published[after] / published[before]) ** ((year - before) / (after - before))
        note = (
            f"illustrative: geometric interpolation between the published NBS average wages {before} "
            f"({published[before]:.0f}) and {after} ({published[after]:.0f})"
        )
        if before <= 2011 < 2017 <= after:
            note += " across the break from urban units (GB/T 4754-2002) to urban non-private units (GB/T 4754-2017)"
        out[year] = (round(value), note)
    return out


def employment(macro: Path, code: str, stem: str) -> dict[int, tuple[int, str]]:
    """Employment by year, extrapolated from the last published year at stated growth rates."""
    if code == "O84":
        return {
            y: (round(STATISTICIANS_2010 * (1 + STATISTICIANS_GROWTH) ** (y - 2010)), f"illustrative: headcount of official statisticians, {STATISTICIANS_2010:,} in 2010 growing {STATISTICIANS_GROWTH:.0%} a year")
            for y in YEARS
        }
    series = read_series(macro, f"CN_employment_urban_{stem}")
    base_year = max(series)
    value = float(series[base_year]["value"]) * 10_000  # 10,000 persons -> persons
    segments = EMPLOYMENT_GROWTH[code]
    path = {}
    year = base_year
    for last, rate in segments:
        while year < last:
            year += 1
            value *= 1 + rate
            path[year] = value
    rates = ", ".join(f"{rate:+.1%} a year to {last}" for last, rate in segments)
    how = f"extrapolated from the published NBS year-end urban-unit employment {base_year} ({series[base_year]['value']} x 10,000; China Statistical Yearbook 2009, table 4-7) at {rates}"
    out = {}
    for y in YEARS:
        if code == "C":
            out[y] = (round(path[y] * MANUFACTURING_SPLIT), f"illustrative: {MANUFACTURING_SPLIT:.0%} (selected data-intensive sub-industries) of manufacturing employment {how}")
        else:
            out[y] = (round(path[y]), f"illustrative: {how}")
    return out


def gfcf(emp, wage, shares, capital, markup, scale: float, year: int) -> tuple[float, float]:
    """2020-style total GFCF (low, high) in RMB by the compiler's formula (own account = 1)."""
    totals = []
    for bound in (0, 1):
        total = 0.0
        for ind, (_, sector, _) in INDUSTRIES.items():
            labour = 0.0
            for occ, share in shares[ind].items():
                s = share * (scale if ind in SCALED_INDUSTRIES else 1.0)
                t = OCCUPATIONS[occ][1:]
                time = t[0 + bound] + t[2 + bound] + t[4 + bound]
                labour += emp[ind][year][0] * s * wage[ind][year][0] * time
            costs = labour * (1 + capital[year])
            market = sector not in ("S13", "S15")
            base = costs if MARKUP_BASE == "costs" else labour
            total += costs + (base * markup[year] if market else 0.0)
        totals.append(total)
    return totals[0], totals[1]


def main(argv: list[str]) -> int:
    macro = Path(argv[1]) if len(argv) > 1 else DEFAULT_MACRO
    out = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    out.mkdir(parents=True, exist_ok=True)

    gdp = read_series(macro, "CN_gdp_nominal_lcu")
    fai = read_series(macro, "CN_fai_price_index_1990base")
    deflator = read_series(macro, "CN_gdp_deflator_computed")
    fx = read_series(macro, "CN_fx_cny_per_usd")
    ppp = read_series(macro, "CN_ppp_gdp")

    capital = close_average(CAPITAL_PATH, PAPER_CAPITAL_RATIO)
    markup = close_average(MARKUP_PATH, PAPER_MARKUP)
    emp = {code: employment(macro, code, stem) for code, (_, _, stem) in INDUSTRIES.items()}
    wage = {code: wages(macro, stem) for code, (_, _, stem) in INDUSTRIES.items()}

    assert abs(sum(OCCUPATION_SHARES["C"].values()) - MANUFACTURING_DATA_SHARE) < 1e-12
    for code, (label, *t) in OCCUPATIONS.items():
        assert all(lo <= hi for lo, hi in zip(t[::2], t[1::2])) and sum(t[1::2]) <= 1, code

    # --- calibration: one factor on the shares of SCALED_INDUSTRIES ------------------------
    # Target: the geometric mean of low and high equals that of Wang et al. (2024)'s figures read
    # both as RMB (1.76, 1.97 trn) and as shares of the WDI GDP (1.74, 1.95 %), so that both
    # the levels and the GDP shares (to two decimals) are reproduced.
    gdp_cal = float(gdp[CAL_YEAR]["value"])
    target = (TARGET_LOW * TARGET_HIGH * TARGET_PCT_LOW / 100 * gdp_cal * TARGET_PCT_HIGH / 100 * gdp_cal) ** 0.25
    lo_s, hi_s = 0.0, 10.0
    for _ in range(200):
        mid = (lo_s + hi_s) / 2
        low, high = gfcf(emp, wage, OCCUPATION_SHARES, capital, markup, mid, CAL_YEAR)
        lo_s, hi_s = (mid, hi_s) if math.sqrt(low * high) < target else (lo_s, mid)
    scale = round((lo_s + hi_s) / 2, 4)
    shares = {
        ind: {occ: round(s * (scale if ind in SCALED_INDUSTRIES else 1.0), 6) for occ, s in occ_shares.items()}
        for ind, occ_shares in OCCUPATION_SHARES.items()
    }
    for ind, occ_shares in shares.items():
        assert sum(occ_shares.values()) <= 1, (ind, sum(occ_shares.values()))

    # --- write the tables ------------------------------------------------------------------
    write(
        out / "industries.csv",
        ["industry", "label", "sector"],
        [[code, label, sector] for code, (label, sector, _) in INDUSTRIES.items()],
    )
    write(
        out / "occupations.csv",
        ["occupation", "label", "data_low", "data_high", "databases_low", "databases_high", "data_rd_low", "data_rd_high", "source"],
        [[code, label, *t, "illustrative: time shares set for this fixture (Wang et al. (2024) Table 6 values are not in our text)"] for code, (label, *t) in OCCUPATIONS.items()],
    )
    rows = []
    for ind, occ_shares in shares.items():
        for occ, s in occ_shares.items():
            if ind in SCALED_INDUSTRIES:
                how = f"illustrative: {OCCUPATION_SHARES[ind][occ]:g} x calibration factor {scale:g}"
            elif ind == "C":
                how = "illustrative split of Wang et al. (2024)'s 50 % data professionals in selected manufacturing (not calibrated)"
            else:
                how = "illustrative: occupational mix of official statisticians (not calibrated)"
            rows.append([ind, occ, f"{s:.6f}".rstrip("0").rstrip("."), how])
    write(out / "occupation_shares.csv", ["industry", "occupation", "share", "source"], rows)
    rows = []
    for year in YEARS:
        for ind in INDUSTRIES:
            (e, e_src), (w, w_src) = emp[ind][year], wage[ind][year]
            rows.append([year, ind, e, w, f"employment {e_src} | compensation (average wage) {w_src}"])
    write(out / "industry_employment.csv", ["year", "industry", "employment", "compensation", "source"], rows)
    write(
        out / "cost_ratios.csv",
        ["year", "industry", "capital_ratio", "intermediate_ratio", "other_ratio", "markup", "source"],
        [
            [y, "_T", f"{capital[y]:.4f}", 0, 0, f"{markup[y]:.4f}",
             f"illustrative yearly path; its 2010-2022 means are Wang et al. (2024)'s published averages (capital/labour {PAPER_CAPITAL_RATIO}, mark-up {PAPER_MARKUP:.2%})"]
            for y in YEARS
        ],
    )
    chain = float(fai[2011]["value"]) / float(deflator[2011]["value"])
    rows = []
    for y in YEARS:
        if y in fai:
            index, src = float(fai[y]["value"]), f"published: {fai[y]['source']} (1990=100)"
        else:
            index = float(deflator[y]["value"]) * chain
            src = f"substitute: GDP deflator (WDI, computed; {deflator[y]['value']} at 2020=100) chained to the NBS fixed-asset investment price index at 2011 (x {chain:.6f}); the FAI index is not available here after 2011 and was discontinued after 2019"
        rows.append([
            y, gdp[y]["value"], f"{index:.4f}", fx[y]["value"], ppp[y]['value'],
            f"gdp published: {gdp[y]['source']} | investment_price_index {src} | usd_exchange_rate published: {fx[y]['source']} | ppp published: {ppp[y]['source']}",
        ])
    write(out / "macro.csv", ["year", "gdp", "investment_price_index", "usd_exchange_rate", "ppp", "source"], rows)

    # --- report ----------------------------------------------------------------------------
    print(f"calibration factor on the occupation shares of {', '.join(SCALED_INDUSTRIES)}: {scale}")
    print(f"  target geometric mean 2020: RMB {target / 1e8:,.0f} x 100 million")
    print("year  low(1e8 RMB)  high(1e8 RMB)  low%GDP  high%GDP  high/low")
    for y in YEARS:
        low, high = gfcf(emp, wage, shares, capital, markup, 1.0, y)
        g = float(gdp[y]["value"])
        print(f"{y}  {low / 1e8:12,.0f}  {high / 1e8:13,.0f}  {low / g * 100:7.3f}  {high / g * 100:8.3f}  {high / low:8.4f}")
    low, high = gfcf(emp, wage, shares, capital, markup, 1.0, CAL_YEAR)
    print(f"2020 vs Wang et al. (2024): low {low / TARGET_LOW - 1:+.2%}, high {high / TARGET_HIGH - 1:+.2%} (tolerance 2 %)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
