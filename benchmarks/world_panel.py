"""Generate a synthetic world panel of datasat input packages (and microdata) for benchmarks.

N countries × Y years × I industries × O occupations: one valid input package per country
(package.toml + CSV tables, docs/inputs.md) with ``labour_input = "occupations"``, so
``employment.csv`` holds Y × I × O rows. Every figure is synthetic but of a realistic
magnitude (values in US dollars): a country's population, GDP per head, employment in data
occupations (about 3 % of employment), compensation (about half of GDP per head, with an
occupational premium), cost ratios near Wang et al. (2024)'s (capital/labour ~1, mark-up ~5 %),
a baseline national accounts table whose three approaches agree exactly (integers), and,
for the SUT benchmark years (every 5th year by default), a use and a supply table that
balance product by product. Country codes are the first N two-letter country codes of
``codelists/official/CL_AREA.csv`` (dissolved and uninhabited territories left out);
industries are ISIC sections (up to 21) or divisions (up to 88) of CL_ACTIVITY.

On request it also writes microdata: M job records as Parquet (columns ``year``,
``occupation``, ``industry``, ``sector``, ``weight``, ``compensation``, ``hours``),
generated and written in chunks with pyarrow so that 100 M records never sit in memory at
once (about 70 MB of RAM per million records in a chunk).

Everything is deterministic for a given random-number seed (``Panel.seed``).

Run: ``python benchmarks/world_panel.py OUT [--countries 200 --years 30 --industries 20
--occupations 50] [--records 100000000 --microdata-country US]``
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CODELISTS = ROOT / "codelists" / "official"

#: two-letter CL_AREA codes that are not (current, inhabited) countries
NOT_COUNTRIES = frozenset({"AN", "AQ", "BV", "CS", "HM", "TF", "UM", "XG", "XI", "XU", "IO", "GS", "PN", "SJ", "CC", "CX", "NF", "BQ", "AX", "EH"})
#: institutional sector by ISIC section (anything else: non-financial corporations S11)
SECTOR_OF_SECTION = {"K": "S12", "O": "S13", "P": "S13", "Q": "S13", "T": "S14", "U": "S13"}
PRODUCTS = ("CPA_A", "CPA_B_E", "CPA_F", "CPA_G_I", "CPA_J", "CPA_K", "CPA_L", "CPA_M_N", "CPA_O_Q", "CPA_R_U")
FINAL_USES = ("P3", "P51G", "P52", "P6")
#: ISCO-08 minor and unit groups of data work, cycled with a numeric suffix beyond their number
DATA_OCCUPATIONS = (
    ("2120", "Mathematicians, actuaries and statisticians"), ("2511", "Systems analysts"), ("2512", "Software developers"),
    ("2513", "Web and multimedia developers"), ("2514", "Applications programmers"), ("2519", "Software and applications developers n.e.c."),
    ("2521", "Database designers and administrators"), ("2522", "Systems administrators"), ("2523", "Computer network professionals"),
    ("2529", "Database and network professionals n.e.c."), ("2413", "Financial analysts"), ("2431", "Advertising and marketing professionals"),
    ("2621", "Archivists and curators"), ("2622", "Librarians and related information professionals"), ("3314", "Statistical, mathematical and related associate professionals"),
    ("3511", "ICT operations technicians"), ("3512", "ICT user support technicians"), ("3514", "Web technicians"), ("4132", "Data entry clerks"),
    ("4415", "Filing and copying clerks"), ("1330", "ICT service managers"), ("2422", "Policy administration professionals"),
)
MICRODATA_COLUMNS = ("year", "occupation", "industry", "sector", "weight", "compensation", "hours")


def country_codes(n: int) -> list[tuple[str, str]]:
    """The first ``n`` two-letter country codes of CL_AREA (code, name), alphabetically."""
    with open(CODELISTS / "CL_AREA.csv", encoding="utf-8", newline="") as f:
        rows = [(r["id"], r["name"]) for r in csv.DictReader(f) if re.fullmatch(r"[A-Z]{2}", r["id"]) and r["id"] not in NOT_COUNTRIES]
    if n > len(rows):
        raise SystemExit(f"world_panel: at most {len(rows)} countries (two-letter CL_AREA codes), not {n}")
    return rows[:n]


def industry_codes(n: int) -> list[tuple[str, str]]:
    """``n`` industries of CL_ACTIVITY: ISIC sections A.. (n <= 21) or divisions (n <= 88)."""
    with open(CODELISTS / "CL_ACTIVITY.csv", encoding="utf-8", newline="") as f:
        rows = [(r["id"], r["name"]) for r in csv.DictReader(f)]
    sections = [r for r in rows if re.fullmatch(r"[A-Z]", r[0])]
    divisions = [r for r in rows if re.fullmatch(r"[A-Z]\d\d", r[0])]
    pool = sections if n <= len(sections) else divisions
    if n > len(pool):
        raise SystemExit(f"world_panel: at most {len(divisions)} industries (ISIC divisions), not {n}")
    if pool is divisions:  # spread over the sections rather than taking agriculture first
        pool = [pool[i] for i in np.linspace(0, len(pool) - 1, n).round().astype(int)]
    return pool[:n]


def occupation_codes(n: int) -> list[tuple[str, str]]:
    out = []
    for i in range(n):
        code, label = DATA_OCCUPATIONS[i % len(DATA_OCCUPATIONS)]
        k = i // len(DATA_OCCUPATIONS)
        out.append((code if k == 0 else f"{code}_{k}", label if k == 0 else f"{label} ({k + 1})"))
    return out


def sector_of(industry: str) -> str:
    return SECTOR_OF_SECTION.get(industry[0], "S11")


@dataclass(frozen=True)
class Panel:
    countries: int = 200
    years: int = 30
    industries: int = 20
    occupations: int = 50
    last_year: int = 2024
    sut_every: int = 5  # a use and supply table every k-th year (0: none)
    seed: int = 2026

    @property
    def first_year(self) -> int:
        return self.last_year - self.years + 1

    @property
    def base_year(self) -> int:
        return max(self.first_year, min(self.last_year, 2015))

    @property
    def employment_rows(self) -> int:
        return self.countries * self.years * self.industries * self.occupations


def _fmt(values: np.ndarray, decimals: int | None = None) -> np.ndarray:
    """Numbers as CSV text: integers without a decimal point, else ``decimals`` places."""
    if decimals is None:
        return np.char.mod("%d", np.rint(values).astype(np.int64))
    return np.char.mod(f"%.{decimals}f", values)


def _write_csv(path: Path, header: tuple[str, ...], columns: list[np.ndarray]) -> None:
    lines = columns[0].astype(str)
    for column in columns[1:]:
        lines = np.char.add(np.char.add(lines, ","), column.astype(str))
    path.write_text(",".join(header) + "\n" + "\n".join(lines.tolist()) + "\n", encoding="utf-8")


def _quote(text: str) -> str:
    return f'"{text}"' if "," in text or '"' in text else text


def write_country(folder: Path, code: str, name: str, panel: Panel, index: int) -> Path:
    """One package for country ``code``; the numbers depend on (random-number seed, index) only (the
    parts below draw from one generator in a fixed order)."""
    rng = np.random.default_rng([panel.seed, index])
    folder.mkdir(parents=True, exist_ok=True)
    years = np.arange(panel.first_year, panel.last_year + 1)
    inds, occs = industry_codes(panel.industries), occupation_codes(panel.occupations)
    population, gdp = _write_macro(folder, rng, years, panel)
    _write_employment(folder, rng, years, inds, occs, population, gdp)
    _write_occupations_industries_ratios(folder, rng, years, inds, occs)
    g = _write_national_accounts(folder, rng, years, gdp)
    _write_supply_use(folder, rng, years, panel, inds, g)
    _write_package_toml(folder, rng, code, name, panel)
    return folder


def _write_macro(folder: Path, rng: np.random.Generator, years: np.ndarray, panel: Panel) -> tuple[np.ndarray, np.ndarray]:
    """macro.csv: population, GDP (integer dollars), prices; returns population and GDP."""
    n_years = len(years)
    population0 = float(np.exp(rng.normal(np.log(8e6), 1.6)))
    pop_growth = rng.normal(0.01, 0.008)
    population = population0 * (1 + pop_growth) ** np.arange(n_years)
    gdp_head0 = float(np.exp(rng.normal(np.log(6000), 1.0)))
    real_growth = 1 + np.clip(rng.normal(0.025, 0.02, n_years), -0.08, 0.12)
    inflation = 1 + np.clip(rng.normal(0.025, 0.01, n_years), -0.01, 0.1)
    nominal = np.cumprod(real_growth * inflation) / (real_growth[0] * inflation[0])
    gdp = np.rint(population * gdp_head0 * nominal)  # integer dollars
    price = 100 * np.cumprod(1 + np.clip(rng.normal(0.012, 0.02, n_years), -0.05, 0.08))
    price = price / price[list(years).index(panel.base_year)] * 100
    macro_cols = [years.astype(str), _fmt(gdp), _fmt(price, 4), _fmt(np.ones(n_years), 4), _fmt(rng.uniform(0.3, 1.0) * np.ones(n_years), 4), _fmt(population)]
    _write_csv(folder / "macro.csv", ("year", "gdp", "investment_price_index", "usd_exchange_rate", "ppp", "population"), macro_cols)
    return population, gdp


def _write_employment(folder: Path, rng: np.random.Generator, years: np.ndarray, inds: list, occs: list,
                      population: np.ndarray, gdp: np.ndarray) -> None:
    """employment.csv: data occupations by year x industry x occupation."""
    n_years, n_i, n_o = len(years), len(inds), len(occs)
    data_workers = 0.45 * population * rng.uniform(0.015, 0.045) * np.cumprod(1 + np.clip(rng.normal(0.03, 0.02, n_years), -0.05, 0.12))
    weights = rng.gamma(0.7, 1.0, (n_i, n_o))
    weights /= weights.sum()
    # year x industry x occupation, with a little noise around the structure
    emp = data_workers[:, None, None] * weights[None] * rng.lognormal(0, 0.05, (n_years, n_i, n_o))
    premium = rng.uniform(0.9, 2.6, n_o)[None, None, :] * rng.uniform(0.8, 1.4, n_i)[None, :, None]
    comp = 0.5 * (gdp / population)[:, None, None] * premium * rng.lognormal(0, 0.03, (n_years, n_i, n_o))
    grid_y, grid_i, grid_o = (a.reshape(-1) for a in np.meshgrid(np.arange(n_years), np.arange(n_i), np.arange(n_o), indexing="ij"))
    ind_codes, occ_codes = np.array([c for c, _ in inds]), np.array([c for c, _ in occs])
    _write_csv(
        folder / "employment.csv", ("year", "occupation", "industry", "employment", "compensation"),
        [years[grid_y].astype(str), occ_codes[grid_o], ind_codes[grid_i], _fmt(emp.reshape(-1)), _fmt(comp.reshape(-1))],
    )


def _write_occupations_industries_ratios(folder: Path, rng: np.random.Generator, years: np.ndarray, inds: list, occs: list) -> None:
    """occupations.csv (time shares by bound), industries.csv, cost_ratios.csv."""
    n_years = len(years)
    lines = ["occupation,label,data_low,data_high,databases_low,databases_high,data_rd_low,data_rd_high"]
    for o, label in occs:
        low = rng.dirichlet([2.0, 1.2, 0.6]) * rng.uniform(0.15, 0.6)
        high = np.minimum(low * rng.uniform(1.1, 1.5, 3), 1.0)
        high = high / max(1.0, high.sum()) if high.sum() > 1 else high
        low = np.minimum(low, high)
        lines.append(",".join([o, _quote(label), *(f"{x:.4f}" for pair in zip(low, high) for x in pair)]))
    (folder / "occupations.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "industries.csv").write_text(
        "industry,label,sector\n" + "".join(f"{c},{_quote(label)},{sector_of(c)}\n" for c, label in inds), encoding="utf-8"
    )
    capital = np.clip(rng.normal(1.0, 0.05, n_years), 0.7, 1.3)
    interm = np.clip(rng.normal(0.3, 0.03, n_years), 0.1, 0.5)
    markup = np.clip(rng.normal(0.05, 0.01, n_years), 0.0, 0.2)
    ratio_lines = ["year,industry,capital_ratio,intermediate_ratio,other_ratio,markup"]
    for k, year in enumerate(years):
        ratio_lines.append(f"{year},_T,{capital[k]:.4f},{interm[k]:.4f},0,{markup[k]:.4f}")
    special = inds[min(len(inds) - 1, 9)][0]  # one industry with its own ratios (J among sections)
    for k, year in enumerate(years):
        ratio_lines.append(f"{year},{special},{capital[k] * 0.8:.4f},{interm[k] * 1.2:.4f},0,{markup[k] * 1.5:.4f}")
    (folder / "cost_ratios.csv").write_text("\n".join(ratio_lines) + "\n", encoding="utf-8")


def _write_national_accounts(folder: Path, rng: np.random.Generator, years: np.ndarray, gdp: np.ndarray) -> np.ndarray:
    """national_accounts.csv in integers, so that the three approaches agree exactly; returns GDP."""
    g = gdp.astype(np.int64)

    def part(share: float) -> np.ndarray:
        return np.rint(g * share * rng.uniform(0.95, 1.05)).astype(np.int64)

    p3, p51g, p52, p6 = part(0.62), part(0.22), part(0.005), part(0.3)
    p7 = p3 + p51g + p52 + p6 - g
    d21 = part(0.1)
    p1 = part(1.85)
    p2 = p1 + d21 - g
    b1g = p1 - p2
    d1, d29, p51c = part(0.5), part(0.01), part(0.15)
    b2a3n = g - d1 - d29 - p51c - d21
    na = {"P1": p1, "P2": p2, "B1G": b1g, "D21X31": d21, "D1": d1, "D29X39": d29, "P51C": p51c, "B2A3N": b2a3n,
          "P3": p3, "P51G": p51g, "P52": p52, "P6": p6, "P7": p7, "B1GQ": g}
    na_lines = ["year,sto,value"] + [f"{year},{sto},{values[k]}" for k, year in enumerate(years) for sto, values in na.items()]
    (folder / "national_accounts.csv").write_text("\n".join(na_lines) + "\n", encoding="utf-8")
    return g


def _write_supply_use(folder: Path, rng: np.random.Generator, years: np.ndarray, panel: Panel, inds: list, g: np.ndarray) -> None:
    """use_table.csv and supply_table.csv for the benchmark years, balanced product by product."""
    n_i = len(inds)
    sut_years = [int(y) for y in years if panel.sut_every and y % panel.sut_every == 0]
    if sut_years:
        users = [c for c, _ in inds] + list(FINAL_USES)
        use_lines, supply_lines = ["year,product,user,value"], ["year,product,supplier,value"]
        for year in sut_years:
            k = list(years).index(year)
            use = rng.gamma(1.5, 1.0, (len(PRODUCTS), len(users)))
            use[:, -2] *= 0.02  # changes in inventories are small
            use *= (g[k] * 2.2) / use.sum()
            use = np.rint(use).astype(np.int64)
            total = use.sum(axis=1)
            split = rng.dirichlet(np.ones(n_i + 1), len(PRODUCTS))  # industries + imports
            split[:, -1] *= 0.3
            split /= split.sum(axis=1, keepdims=True)
            supply = np.rint(split * total[:, None]).astype(np.int64)
            supply[:, 0] += total - supply.sum(axis=1)  # exact balance
            for p, product in enumerate(PRODUCTS):
                use_lines += [f"{year},{product},{u},{use[p, j]}" for j, u in enumerate(users)]
                supply_lines += [f"{year},{product},{s},{supply[p, j]}" for j, s in enumerate([c for c, _ in inds] + ["P7"])]
        (folder / "use_table.csv").write_text("\n".join(use_lines) + "\n", encoding="utf-8")
        (folder / "supply_table.csv").write_text("\n".join(supply_lines) + "\n", encoding="utf-8")


def _write_package_toml(folder: Path, rng: np.random.Generator, code: str, name: str, panel: Panel) -> None:
    """package.toml: settings of the synthetic package."""
    own = rng.uniform(0.6, 0.95, 3)
    (folder / "package.toml").write_text(
        f"""# Synthetic benchmark package (benchmarks/world_panel.py, seed {panel.seed}): not real data.
[package]
ref_area = "{code}"
name = "Synthetic {name.replace('"', "'")}"
currency = "USD"
unit_mult = 6
decimals = 1
first_year = {panel.first_year}
last_year = {panel.last_year}
base_year = {panel.base_year}
labour_input = "occupations"

[method]
markup_base = "costs"
non_market_sectors = ["S13", "S15"]

[capitalisation.data]
own_account_share = {own[0]:.3f}
purchased_capitalised_share = 0.5
export_share = 0.1

[capitalisation.databases]
own_account_share = {own[1]:.3f}
purchased_capitalised_share = 0.4
export_share = 0.05

[capitalisation.data_rd]
own_account_share = {own[2]:.3f}
purchased_capitalised_share = 0.6

[pim.default]
retirement = "normal"
mean_life = {rng.uniform(4, 8):.1f}
cov = 0.25
value_profile = "geometric"
depreciation_rate = {rng.uniform(0.12, 0.25):.3f}
initial_stock = "opening"

# share of each asset's GFCF already in the (synthetic) published accounts (docs/method.md §4.2)
[accounts.overlap]
data = 0.0
databases = 1.0
data_rd = 1.0
""",
        encoding="utf-8",
    )


def write_panel(out: Path, panel: Panel, progress: bool = False) -> list[Path]:
    """Write one package per country into ``out/<code>``; return the folders in order."""
    out = Path(out)
    folders = []
    start = time.perf_counter()
    for i, (code, name) in enumerate(country_codes(panel.countries)):
        folders.append(write_country(out / code, code, name, panel, i))
        if progress and (i + 1) % 20 == 0:
            print(f"  {i + 1}/{panel.countries} packages written ({time.perf_counter() - start:.1f} s)", file=sys.stderr, flush=True)
    return folders


def write_microdata(
    out: Path, records: int, panel: Panel, *, country_index: int = 0, employment: Path | None = None,
    chunk: int = 4_000_000, per_file: int = 20_000_000, hours: bool = True,
) -> list[Path]:
    """``records`` job records as Parquet files ``out/part-00000.parquet``...; return them.

    One record is one job in one year: its occupation, industry, institutional sector,
    survey weight (persons it stands for), annual compensation (USD) and, with ``hours``,
    annual hours worked. With ``employment`` (an employment.csv of this panel) records are
    drawn in proportion to its employment by year x occupation x industry, weighted so
    that they sum to about its totals, with its compensation per person times noise; the
    first records cover every cell once. Generated ``chunk`` rows at a time.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([panel.seed, 10_000 + country_index])
    years = np.arange(panel.first_year, panel.last_year + 1, dtype=np.int16)
    inds = [c for c, _ in industry_codes(panel.industries)]
    occs = [c for c, _ in occupation_codes(panel.occupations)]
    sectors = [sector_of(c) for c in inds]
    n_cells = len(inds) * len(occs)  # cell = industry x occupation
    if employment is not None:
        import pandas as pd

        table = pd.read_csv(employment, dtype={"occupation": str, "industry": str})
        y = table["year"].to_numpy() - panel.first_year
        c = pd.Index(inds).get_indexer(table["industry"]) * len(occs) + pd.Index(occs).get_indexer(table["occupation"])
        emp, pay = np.zeros((len(years), n_cells)), np.zeros((len(years), n_cells))
        emp[y, c], pay[y, c] = table["employment"].to_numpy(float), table["compensation"].to_numpy(float)
        emp = np.maximum(emp, 1e-9)
    else:
        emp = np.tile(rng.gamma(0.7, 1.0, n_cells) + 0.1, (len(years), 1)) * 1.03 ** np.arange(len(years))[:, None]
        pay = 30_000 * (rng.uniform(0.9, 2.6, len(occs))[None, :] * rng.uniform(0.8, 1.4, len(inds))[:, None]).reshape(1, -1)
        pay = pay * 1.04 ** np.arange(len(years))[:, None]
        emp *= 200 * records / emp.sum()  # a mean weight of about 200 persons
    prob = (emp / emp.sum()).reshape(-1)
    weight = emp.sum() / records  # persons per record, on average
    flat_pay = pay.reshape(-1)
    noise = 0.35
    ind_dict, occ_dict, sec_dict = pa.array(inds, pa.string()), pa.array(occs, pa.string()), pa.array(sectors, pa.string())
    schema = pa.schema([("year", pa.int16()), ("occupation", pa.string()), ("industry", pa.string()), ("sector", pa.string()),
                        ("weight", pa.float64()), ("compensation", pa.float64())] + ([("hours", pa.float32())] if hours else []))
    files, writer, in_file, written = [], None, 0, 0
    try:
        while written < records:
            n = min(chunk, records - written)
            if writer is None or in_file >= per_file:
                if writer is not None:
                    writer.close()
                files.append(out / f"part-{len(files):05d}.parquet")
                writer, in_file = pq.ParquetWriter(files[-1], schema, compression="zstd"), 0
            cell = rng.choice(len(prob), n, p=prob)
            if written == 0:  # the first records cover every year x industry x occupation once
                k = min(n, len(prob))
                cell[:k] = np.arange(k)
            yc, c = cell // n_cells, cell % n_cells
            i, o = c // len(occs), c % len(occs)
            columns = [
                pa.array(years[yc]),
                pa.DictionaryArray.from_arrays(pa.array(o.astype(np.int32)), occ_dict).cast(pa.string()),
                pa.DictionaryArray.from_arrays(pa.array(i.astype(np.int32)), ind_dict).cast(pa.string()),
                pa.DictionaryArray.from_arrays(pa.array(i.astype(np.int32)), sec_dict).cast(pa.string()),
                pa.array(np.maximum(np.round(weight * rng.gamma(4.0, 0.25, n), 2), 0.01)),
                pa.array(np.round(flat_pay[cell] * rng.lognormal(-noise**2 / 2, noise, n), 0)),
            ]
            if hours:
                columns.append(pa.array(np.clip(rng.normal(1750, 300, n), 200, 3500).astype(np.float32).round()))
            writer.write_table(pa.Table.from_arrays(columns, schema=schema), row_group_size=1_000_000)
            written += n
            in_file += n
    finally:
        if writer is not None:
            writer.close()
    return files


def write_microdata_package(folder: Path, records: int, panel: Panel, *, country_index: int = 0, **options: object) -> Path:
    """A package like country ``country_index``'s, with ``labour_input = "microdata"``:
    its employment comes from ``records`` job records in ``jobs/part-*.parquet``."""
    code, name = country_codes(country_index + 1)[country_index]
    write_country(folder, code, name, panel, country_index)
    write_microdata(folder / "jobs", records, panel, country_index=country_index, employment=folder / "employment.csv", **options)
    (folder / "employment.csv").unlink()
    toml = (folder / "package.toml").read_text(encoding="utf-8")
    toml = toml.replace('labour_input = "occupations"', 'labour_input = "microdata"', 1)
    toml = toml.replace("\n[method]", '\n[microdata]\nfiles = ["jobs/*.parquet"]\nemployment = "persons"\n\n[method]', 1)
    (folder / "package.toml").write_text(toml, encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="folder for the packages (one sub-folder per country)")
    parser.add_argument("--countries", type=int, default=200)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--industries", type=int, default=20)
    parser.add_argument("--occupations", type=int, default=50)
    parser.add_argument("--last-year", type=int, default=2024)
    parser.add_argument("--sut-every", type=int, default=5, help="a use and supply table every k-th year (0: none)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--records", type=int, default=0, help="also write a package OUT/<first country>-microdata whose employment comes from this many job records (Parquet)")
    args = parser.parse_args(argv)
    panel = Panel(args.countries, args.years, args.industries, args.occupations, args.last_year, args.sut_every, args.seed)
    start = time.perf_counter()
    folders = write_panel(args.out, panel, progress=True)
    print(f"{len(folders)} packages, {panel.employment_rows:,} employment rows in {time.perf_counter() - start:.1f} s -> {args.out}")
    if args.records:
        start = time.perf_counter()
        folder = args.out / f"{country_codes(1)[0][0]}-microdata"
        write_microdata_package(folder, args.records, panel)
        files = sorted((folder / "jobs").glob("*.parquet"))
        print(f"{args.records:,} job records in {len(files)} Parquet file(s) in {time.perf_counter() - start:.1f} s -> {folder}")


if __name__ == "__main__":
    main()
