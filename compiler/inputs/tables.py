"""The schema of every CSV table of an input package (documented in docs/inputs.md).

Money is in units of the package currency (not multiplied); employment in persons;
shares and ratios as fractions (0.5 = 50 %).
"""

from __future__ import annotations

from compiler.inputs.microdata.spec import MAX_COMPENSATION, MAX_HOURS, MAX_WEIGHT, MIN_FTE_HOURS, MIN_WEIGHT
from compiler.inputs.schema import Column, TableSchema

#: Plausibility bounds (docs/inputs.md): beyond them an input is a unit or typing mistake.
MAX_PERSONS = 1e10  # more than the world's population
MAX_RATIO = 10.0  # a cost ten times the labour input (published ratios are 0.5 to 1.3)
#: Price indices, exchange rates and PPPs divide: bounded away from 0 (a Kuwaiti dinar is
#: 0.3 per USD, a dong 25 000) so that no quotient overflows.
MIN_PRICE, MAX_PRICE = 1e-6, 1e9

_YEAR = Column("year", "year", "reference year (calendar year)")

OCCUPATIONS = TableSchema(
    name="occupations.csv",
    description="Data occupations and the share of their working time spent producing each data asset, "
    "low and high (StatCan 2019; CBS 2020 ch. 4.1). For each occupation the shares of the three assets "
    "sum to at most 1 in each bound.",
    columns=(
        Column("occupation", "text", "occupation code in the package's classification (NOC, ISCO-08, national)"),
        Column("label", "text", "occupation title"),
        *(
            Column(f"{asset}_{bound}", "number", f"share of working time producing {text}, {bound} bound", "fraction", minimum=0, maximum=1)
            for asset, text in (("data", "data"), ("databases", "databases"), ("data_rd", "data R&D (data science)"))
            for bound in ("low", "high")
        ),
        Column(
            "counted_in_software", "code", "yes: the occupation's time is already counted in own-account software in the published "
            "accounts (as BEA does for software occupations), so its data output changes no published aggregate; it stays in the "
            "satellite (docs/method.md §4.2)", required=False, default="", codes="YES_NO",
        ),
    ),
    key=("occupation",),
    example="occupation,label,data_low,data_high,databases_low,databases_high,data_rd_low,data_rd_high\n"
    "2172,Database analysts and data administrators,0.05,0.10,0.50,0.75,0.00,0.05",
)

INDUSTRIES = TableSchema(
    name="industries.csv",
    description="Industries that employ data occupations, with the institutional sector of their producers. "
    "Producers in non-market sectors (package.toml method.non_market_sectors, by default S13 and S15) get no "
    "mark-up (2008 SNA §6.125 ff.); the optional producer column overrides that.",
    columns=(
        Column("industry", "code", "industry code", codes="CL_ACTIVITY"),
        Column("label", "text", "industry name as in national statistics"),
        Column("sector", "code", "institutional sector of the producers", codes="CL_SECTOR"),
        Column("producer", "code", "market or non-market (default: from the sector)", required=False, default="", codes="PRODUCER"),
    ),
    key=("industry",),
    example="industry,label,sector\nJ,\"Information transmission, software and IT services\",S11\nO84,Official statistics,S13",
)

EMPLOYMENT = TableSchema(
    name="employment.csv",
    description="Employment and average compensation per employee by occupation, industry and year "
    "(package.toml labour_input = \"occupations\").",
    columns=(
        _YEAR,
        Column("occupation", "code", "occupation code from occupations.csv", codes="occupations"),
        Column("industry", "code", "industry code from industries.csv", codes="industries"),
        Column("employment", "number", "persons employed (annual average)", "persons", minimum=0, maximum=MAX_PERSONS),
        Column("compensation", "number", "compensation of employees per person employed, per year", "currency units", minimum=0, maximum=MAX_COMPENSATION),
    ),
    key=("year", "occupation", "industry"),
    complete_years_by=("occupation", "industry"),
    example="year,occupation,industry,employment,compensation\n2018,2172,J,12500,84000",
)

INDUSTRY_EMPLOYMENT = TableSchema(
    name="industry_employment.csv",
    description="Employment and average compensation per employee by industry and year, as in Wang et al. (2024) "
    "(package.toml labour_input = \"industry_shares\"); combined with occupation_shares.csv.",
    columns=(
        _YEAR,
        Column("industry", "code", "industry code from industries.csv", codes="industries"),
        Column("employment", "number", "persons employed in the industry", "persons", minimum=0, maximum=MAX_PERSONS),
        Column("compensation", "number", "average compensation per person employed, per year", "currency units", minimum=0, maximum=MAX_COMPENSATION),
    ),
    key=("year", "industry"),
    complete_years_by=("industry",),
    example="year,industry,employment,compensation\n2020,J,4870000,177544",
)

OCCUPATION_SHARES = TableSchema(
    name="occupation_shares.csv",
    description="Share of each industry's employment that works in each data occupation (Wang et al. 2024: from the "
    "economic and population censuses). Shares of an industry sum to at most 1.",
    columns=(
        Column("industry", "code", "industry code from industries.csv", codes="industries"),
        Column("occupation", "code", "occupation code from occupations.csv", codes="occupations"),
        Column("share", "number", "share of the industry's employment in the occupation", "fraction", minimum=0, maximum=1),
    ),
    key=("industry", "occupation"),
    example="industry,occupation,share\nJ,DBA,0.12",
)

JOB_RECORDS = TableSchema(
    name="job records (microdata)",
    description="Worker or job records that datasat aggregates into the employment.csv table (package.toml "
    "labour_input = \"microdata\", files listed in [microdata] files): Parquet (.parquet) or CSV (.csv), one "
    "row per job (or worker) and year; the same year, occupation and industry repeat. Columns may have other "
    "names in the files ([microdata.columns]); other columns are ignored. A record that breaks a rule of "
    "this table is rejected: an input error, unless [microdata] max_rejected_share tolerates it. With "
    "[microdata] other_occupations = \"out_of_scope\" a record whose occupation is not in occupations.csv "
    "and that breaks no other rule is out of scope: counted, not used.",
    columns=(
        Column("year", "year", "reference year of the job (calendar year), from first_year to last_year"),
        Column(
            "occupation", "code", "occupation code from occupations.csv (with other_occupations = \"out_of_scope\", any code: "
            "records in other occupations are out of scope)", codes="occupations",
        ),
        Column("industry", "code", "industry code from industries.csv", codes="industries"),
        Column("sector", "code", "institutional sector of the employer: must be the industry's sector in industries.csv", required=False),
        Column("weight", "number", "persons the record stands for (grossing-up weight; 1 in a register)", "persons", minimum=MIN_WEIGHT, maximum=MAX_WEIGHT),
        Column("compensation", "number", "annual compensation of employees of the job", "currency units", minimum=0, maximum=MAX_COMPENSATION),
        Column(
            "hours", "number", f"hours worked in the year (required with employment = \"fte\", then >= {MIN_FTE_HOURS:g}); empty is allowed otherwise",
            "hours", required=False, minimum=0, maximum=MAX_HOURS,
        ),
    ),
    key=(),
    example="year,occupation,industry,sector,weight,compensation,hours\n2020,2172,J,S11,1,84250.50,1720\n2020,2172,J,S11,1,91000,1800",
)

COST_RATIOS = TableSchema(
    name="cost_ratios.csv",
    description="Other costs and mark-up relative to labour input, by year, for all industries (industry _T) or "
    "by industry (a row for an industry overrides _T). capital_ratio: capital input / labour (Wang et al. 2024 "
    "'capital/labour ratio', 1.0061 on average); intermediate_ratio: intermediate consumption / labour; "
    "other_ratio: other costs not split between the two (StatCan 50 %, CBS 60 %); markup: net return on "
    "capital as a fraction of the mark-up base (package.toml method.markup_base), market producers only; "
    "tax_ratio (optional): other taxes less subsidies on production / labour, a component of output at cost "
    "(2008 SNA §6.125), not given when the column is absent.",
    columns=(
        _YEAR,
        Column("industry", "code", "_T for all industries, or an industry code from industries.csv", codes="industries_or_total"),
        Column("capital_ratio", "number", "capital input per unit of labour input", "ratio", required=False, default=0.0, minimum=0, maximum=MAX_RATIO),
        Column("intermediate_ratio", "number", "intermediate consumption per unit of labour input", "ratio", required=False, default=0.0, minimum=0, maximum=MAX_RATIO),
        Column("other_ratio", "number", "other costs (not split) per unit of labour input", "ratio", required=False, default=0.0, minimum=0, maximum=MAX_RATIO),
        Column("markup", "number", "mark-up rate (net return on fixed capital)", "fraction", required=False, default=0.0, minimum=0, maximum=1),
        Column(
            "tax_ratio", "number", "other taxes less other subsidies on production per unit of labour input, a component of output "
            "at cost (2008 SNA §6.125; negative where subsidies exceed taxes); not given when the column is absent (counted as 0, "
            "no P5OA4 rows)", "ratio", required=False, default=None, minimum=-MAX_RATIO, maximum=MAX_RATIO,
        ),
    ),
    key=("year", "industry"),
    example="year,industry,capital_ratio,intermediate_ratio,other_ratio,markup\n2020,_T,1.0061,0,0,0.0476",
)

MACRO = TableSchema(
    name="macro.csv",
    description="Macro-economic series: GDP at current prices (for shares of GDP) and the investment price "
    "index used to deflate GFCF in the perpetual inventory (any reference year; datasat rebases it to the "
    "package's base_year). Exchange rate, PPP and population are optional (cross-country comparison). A row for "
    "first_year - 1 may give the prices and rates of the year before the first (they value the opening stock).",
    columns=(
        _YEAR,
        Column("gdp", "number", "gross domestic product at current market prices", "currency units", minimum=1),
        Column("investment_price_index", "number", "price index of GFCF in data assets (or its stated substitute), annual average: deflates the flows", "index", required=False, default=None, minimum=MIN_PRICE, maximum=MAX_PRICE),
        Column("investment_price_index_end", "number", "the same index at the end of the year (same reference as investment_price_index): values the stocks; "
               "absent: approximated as the geometric mean of this and next year's averages (docs/method.md §3)", "index", required=False, default=None, minimum=MIN_PRICE, maximum=MAX_PRICE),
        Column("gdp_deflator", "number", "GDP deflator (any reference year): may price the non-labour costs of an input-cost price index ([pim] other_costs_index)",
               "index", required=False, default=None, minimum=MIN_PRICE, maximum=MAX_PRICE),
        Column("usd_exchange_rate", "number", "market exchange rate, currency units per US dollar (annual average: converts flows)", "currency per USD", required=False, default=None, minimum=MIN_PRICE, maximum=MAX_PRICE),
        Column("usd_exchange_rate_end", "number", "market exchange rate at the end of the year (converts stocks); absent: approximated as for the price index",
               "currency per USD", required=False, default=None, minimum=MIN_PRICE, maximum=MAX_PRICE),
        Column("ppp", "number", "purchasing power parity for GDP, currency units per international dollar", "currency per int. $", required=False, default=None, minimum=MIN_PRICE, maximum=MAX_PRICE),
        Column("ppp_end", "number", "purchasing power parity for the end of the year (converts stocks); absent: approximated as for the price index",
               "currency per int. $", required=False, default=None, minimum=MIN_PRICE, maximum=MAX_PRICE),
        Column("population", "number", "population (annual average)", "persons", required=False, default=None, minimum=1, maximum=MAX_PERSONS),
    ),
    key=("year",),
    complete_years_by=(),
    year_before_allowed=True,
    example="year,gdp,investment_price_index,usd_exchange_rate,ppp,population\n2020,101356700000000,104.2,6.9,4.19,1411100000",
)

OTHER_VOLUME_CHANGES = TableSchema(
    name="other_volume_changes.csv",
    description="Optional. Other changes in the volume of data assets (K1-K6), at current prices, by asset type and "
    "year and producing sector; absent rows are 0. They enter the perpetual inventory as flows at constant prices (OCV / P).",
    columns=(
        _YEAR,
        Column("asset", "code", "asset type", codes="ASSET_TYPES"),
        Column("sto", "code", "K1 appearance, K2 disappearance, K3 catastrophic losses, K4 seizures, K5 other, K6 reclassification", codes="OCV_STO"),
        Column("value", "number", "change in the stock (negative for losses)", "currency units"),
        Column("sector", "code", "institutional sector of the producers whose stock changes (one of industries.csv); "
               "may be left empty only when industries.csv has a single sector", required=False, default="", codes="CL_SECTOR"),
    ),
    key=("year", "asset", "sto", "sector"),
    example="year,asset,sto,value\n2019,databases,K3,-12000000",
)

#: Required tables (labour input tables depend on package.toml labour_input).
ALL_TABLES: tuple[TableSchema, ...] = (
    OCCUPATIONS, INDUSTRIES, EMPLOYMENT, INDUSTRY_EMPLOYMENT, OCCUPATION_SHARES, JOB_RECORDS, COST_RATIOS, MACRO,
)
#: Optional tables: read when the file exists, into ``Inputs.optional[name]``.
OPTIONAL_TABLES: list[TableSchema] = [OTHER_VOLUME_CHANGES]

# --- national accounts, supply and use (compiler.accounts.gdp, compiler.accounts.supply_use) -------------------

#: STOs of the baseline national accounts (national_accounts.csv / .xml); P52 may be absent (0).
NATIONAL_ACCOUNTS_STO: tuple[str, ...] = (
    "P1", "P2", "B1G", "D21X31", "D1", "D29X39", "P51C", "B2A3N", "P3", "P51G", "P52", "P6", "P7", "B1GQ",
)
#: Final-use columns of use_table.csv; the supply table's import column.
FINAL_USE_COLUMNS: tuple[str, ...] = ("P3", "P51G", "P52", "P6")
IMPORTS_COLUMN = "P7"

NATIONAL_ACCOUNTS = TableSchema(
    name="national_accounts.csv",
    description="Optional. The national accounts before data are capitalised (the baseline of the GDP "
    "effect, docs/method.md §4): total economy (S1), current prices, one row per year and transaction. "
    "Give P1, P2, B1G, D21X31 (taxes less subsidies on products), D1, D29X39, P51C, B2A3N, P3, P51G, P6, "
    "P7 and B1GQ for every year; P52 (changes in inventories, plus acquisitions less disposals of "
    "valuables if recorded) is 0 when absent. The three approaches must give B1GQ to package.toml "
    "accounts.baseline_tolerance (default 1e-6, relative): P1 - P2 + D21X31 = D1 + D29X39 + P51C + "
    "B2A3N + D21X31 = P3 + P51G + P52 + P6 - P7 = B1GQ, and B1G = P1 - P2; B1GQ must equal macro.csv gdp. "
    "Instead of this file a package may hold national_accounts.xml, an SDMX-ML 2.1 data message in the "
    "ESTAT:NA_MAIN structure (annual, S1, current prices V, XDC, the package's REF_AREA; UNIT_MULT applied).",
    columns=(
        _YEAR,
        Column("sto", "code", "transaction or balancing item (ESTAT:CL_NA_STO)", codes="NATIONAL_ACCOUNTS_STO"),
        Column("value", "number", "value at current prices", "currency units"),
    ),
    key=("year", "sto"),
    example="year,sto,value\n2020,B1GQ,101356700000000\n2020,P1,245000000000000",
)

IMPORTS = TableSchema(
    name="imports.csv",
    description="Optional. Imports of data products (P7) by asset type and year at current prices; absent rows "
    "are 0. The share package.toml capitalisation.<asset>.imported_capitalised_share of them is bought for use "
    "over more than a year: in the effect on GDP it is GFCF of the buyers and leaves their intermediate "
    "consumption (docs/method.md §4.3). The satellite's GFCF and stocks are measured from domestic output and "
    "leave imports out; the supply and use of data products records all imports as used at home "
    "(intermediate use and final consumption, not re-exported).",
    columns=(
        _YEAR,
        Column("asset", "code", "asset type", codes="ASSET_TYPES"),
        Column("value", "number", "imports", "currency units", minimum=0),
    ),
    key=("year", "asset"),
    example="year,asset,value\n2020,databases,1200000",
)

USE_TABLE = TableSchema(
    name="use_table.csv",
    description="Optional. Baseline use table at basic prices (before data are capitalised), for the "
    "benchmark years it covers: products in rows (any product code, e.g. CPA), users in columns: "
    "industries (ESTAT:CL_ACTIVITY codes, intermediate consumption) and final uses P3, P51G, P52, P6. "
    "Cells absent are 0. With supply_table.csv, datasat inserts the data products and rebalances the "
    "table by GRAS (compiler.accounts.supply_use). For each product total use must equal total supply.",
    columns=(
        _YEAR,
        Column("product", "text", "product code (e.g. CPA 2.1), not a data asset type"),
        Column("user", "code", "using industry (CL_ACTIVITY) or final use P3, P51G, P52, P6", codes="USE_COLUMNS"),
        Column("value", "number", "use at basic prices (may be negative, e.g. P52)", "currency units"),
    ),
    key=("year", "product", "user"),
    example="year,product,user,value\n2020,CPA_J62_63,K,120000000\n2020,CPA_J62_63,P3,15000000",
)

SUPPLY_TABLE = TableSchema(
    name="supply_table.csv",
    description="Optional. Baseline supply table at basic prices, matching use_table.csv: output of each "
    "product by industry (ESTAT:CL_ACTIVITY) and imports (P7). Cells absent are 0.",
    columns=(
        _YEAR,
        Column("product", "text", "product code, as in use_table.csv"),
        Column("supplier", "code", "producing industry (CL_ACTIVITY) or P7 for imports", codes="SUPPLY_COLUMNS"),
        Column("value", "number", "supply at basic prices", "currency units"),
    ),
    key=("year", "product", "supplier"),
    example="year,product,supplier,value\n2020,CPA_J62_63,J,130000000\n2020,CPA_J62_63,P7,5000000",
)

OPTIONAL_TABLES.extend([NATIONAL_ACCOUNTS, IMPORTS, USE_TABLE, SUPPLY_TABLE])
