"""Every section and key of package.toml, described once, for docs/inputs.md.

The parsers own what a key may hold (each section's declaration, collected by
:func:`compiler.inputs.manifest.section_keys`); this module says what each key means,
so that the documentation is generated, not written twice. tests/test_docs.py checks
that every key a parser accepts is described here and nothing else is.
"""

from __future__ import annotations

from dataclasses import dataclass

REQUIRED = "required"


@dataclass(frozen=True)
class Key:
    name: str
    kind: str
    default: str  # REQUIRED, or the default in words
    description: str


@dataclass(frozen=True)
class Section:
    name: str  # as written in package.toml, e.g. "pim.<asset>"
    description: str
    keys: tuple[Key, ...]
    example: str = ""


ASSETS = "`data`, `databases`, `data_rd`"

PACKAGE = Section("package", "The country, its units and years.", (
    Key("ref_area", "text", REQUIRED, "IMF:CL_AREA code of the country (REF_AREA), e.g. \"CN\""),
    Key("name", "text", REQUIRED, "the country's name on the pages"),
    Key("currency", "text", REQUIRED, "ISO 4217 code, e.g. \"CNY\""),
    Key("unit_mult", "whole number 0–12", "0", "outputs in 10^unit_mult currency units (UNIT_MULT); inputs are in units"),
    Key("decimals", "whole number 0–6", "1", "DECIMALS of money series"),
    Key("first_year", "year", REQUIRED, "first year compiled; every table covers first_year..last_year"),
    Key("last_year", "year", REQUIRED, "last year compiled"),
    Key("base_year", "year", REQUIRED, "reference year of constant prices, within first_year..last_year"),
    Key("agency", "text", "\"DATASAT\"", "SDMX agency of the structures"),
    Key("labour_input", "text", "\"occupations\"", "\"occupations\" (employment.csv), \"industry_shares\" (industry_employment.csv + occupation_shares.csv) or \"microdata\" (job records, [microdata])"),
), '''[package]
ref_area = "CN"
name = "China"
currency = "CNY"
unit_mult = 8
decimals = 1
first_year = 2010
last_year = 2022
base_year = 2015
labour_input = "industry_shares"''')

METHOD = Section("method", "How the sum of costs is formed.", (
    Key("markup_base", "text", "\"costs\"", "mark-up on labour and other costs (\"costs\") or on labour input only (\"labour\")"),
    Key("non_market_sectors", "list of CL_SECTOR codes", "[\"S13\", \"S15\"]", "producers valued at cost, without mark-up (2008 SNA §6.125 ff.)"),
), '''[method]
markup_base = "costs"
non_market_sectors = ["S13", "S15"]''')

CAPITALISATION = Section("capitalisation.<asset>", f"How much output becomes GFCF, one table per asset type ({ASSETS}).", (
    Key("own_account_share", "number 0–1", "1", "share of output kept for own use: own-account GFCF"),
    Key("purchased_capitalised_share", "number 0–1", "0", "share of the sold output that domestic buyers capitalise"),
    Key("export_share", "number 0–1", "0", "share of the sold output exported"),
    Key("imported_capitalised_share", "number 0–1", "0", "share of the imports of the product (imports.csv) that buyers capitalise (docs/method.md §4.3)"),
), '''[capitalisation.databases]
own_account_share = 0.8
purchased_capitalised_share = 0.5''')

CLASSIFICATION = Section("classification", "The provisional asset codes (stems without the G/N suffix); replace them once the 2025 SNA codes are published.", (
    Key("data", "code stem", "\"N11733\"", "data"),
    Key("databases", "code stem", "\"N11732\"", "databases"),
    Key("data_rd", "code stem", "\"N11711\"", "data R&D"),
    Key("all_data", "code stem", "\"N117D\"", "all data assets"),
))

PIM = Section("pim.<asset>", f"The perpetual inventory of each asset type ({ASSETS}); `[pim.default]` applies to every asset a section of its own does not override (docs/method.md §3).", (
    Key("retirement", "text", REQUIRED, "retirement distribution: \"normal\", \"gamma\", \"lognormal\", \"weibull\", \"linear\", \"simultaneous\", \"table\" or \"none\""),
    Key("value_profile", "text", "\"geometric\"", "age–price profile: \"geometric\", \"linear\" or \"hyperbolic\""),
    Key("mean_life", "years", "none", "mean service life"),
    Key("cov", "number", "none", "coefficient of variation of service lives (normal, gamma, lognormal)"),
    Key("min_life", "years", "from the distribution", "shortest service life (truncation)"),
    Key("max_life", "years", "from the distribution", "longest service life (truncation)"),
    Key("truncation", "text", "\"both\"", "truncate the retirement distribution on the \"left\" only or on \"both\" sides"),
    Key("offset", "number", "0.5", "timing of retirements within the year (0.5: mid-year)"),
    Key("weibull_shape", "number", "none", "shape of a Weibull retirement"),
    Key("depreciation_rate", "number 0–1", "none", "geometric rate δ"),
    Key("declining_balance", "number", "none", "declining-balance rate R: δ = R / mean_life (OECD 2009, §7.5); not with depreciation_rate"),
    Key("beta", "number", "0.5", "hyperbolic efficiency parameter"),
    Key("real_rate", "number", "0.04", "real rate of return, for the value profile derived from efficiency"),
    Key("combination", "text", "\"product\"", "how retirement and the value profile combine: \"product\", \"weighted_average\", \"weighted_average_at_exit\" or \"fixed\""),
    Key("efficiency_profile", "text", "none", "age–efficiency profile for the productive stock: \"geometric\", \"linear\", \"hyperbolic\" or \"one_hoss_shay\""),
    Key("value_offset", "number", "0", "timing of the value profile within the year"),
    Key("initial_stock", "text", "\"none\"", "the stock before the first year: \"none\", \"opening\", \"closing\", \"backcast\" or \"given\" (with opening_stock)"),
    Key("growth_years", "whole number", "5", "years of real GFCF growth that estimate the initial stock"),
    Key("growth_rate", "number", "from growth_years", "growth rate of the initial stock's past investment, instead of growth_years"),
    Key("survival", "list of numbers, or a CSV file", "none", "retirement \"table\": S(0), S(1), … or a file with columns age,survival"),
    Key("price_index", "text", "\"investment_price_index\"", "deflator: the macro.csv index, or \"input_cost\" (an index of the costs of data production)"),
    Key("other_costs_index", "text", "none", "with price_index = \"input_cost\": the macro.csv column pricing non-labour costs (gdp_deflator or investment_price_index)"),
    Key("opening_stock", "table", "none", "with initial_stock = \"given\": {low = …, high = …} at constant prices, or per sector {S11 = {low = …, high = …}, …}"),
), '''[pim.default]
retirement = "normal"
mean_life = 5
cov = 0.25
value_profile = "geometric"
declining_balance = 1.65
initial_stock = "opening"''')

ACCOUNTS = Section("accounts", "The GDP effect and the supply and use of data products (docs/method.md §4–5).", (
    Key("baseline_tolerance", "number", "1e-6", "relative tolerance of the baseline national accounts and supply and use tables"),
    Key("final_consumption_share", "number 0–1, or a table by asset", "0", "share of domestic, non-capitalised use of data that is final consumption"),
    Key("sut_data_hidden_in", "list of products", "every product", "products of use_table.csv whose supply held the sold data before capitalisation"),
    Key("overlap", "table by asset", "data 0", "share (0–1) of each asset's GFCF that the published accounts already hold; only the rest changes GDP (with national accounts, databases and data_rd must be declared)"),
    Key("non_market_cfc_in_output", "removed", "—", "removed: an input error says what replaces it"),
), '''[accounts]
final_consumption_share = 0.0

[accounts.overlap]
data = 0.0
databases = 0.0
data_rd = 1.0''')

SDMX = Section("sdmx", "Identifiers of the SDMX output; packages compiled together must agree on them. The header's Prepared time comes from --prepared, not from here.", (
    Key("agency", "text", "\"DATASAT\"", "maintenance agency of the structures"),
    Key("dsd_id", "text", "\"DSD_DATA_ASSETS\"", "id of the data structure definition"),
    Key("dataflow_id", "text", "\"DF_DATA_ASSETS\"", "base of the two dataflow ids (…_LOW, …_HIGH)"),
    Key("version", "text", "\"1.0.0\"", "version of every structure"),
    Key("sender", "text", "the agency", "header Sender id: the compiling organisation's id"),
    Key("receiver", "text", "\"ESTAT\"", "header Receiver id of the NA_MAIN messages"),
))

PROVENANCE = Section("provenance", "Whether each input is published, calibrated or illustrative. Pages put a visible note on every table resting on an illustrative input. An input not declared is \"not declared\", never taken as published.", (
    Key("<table>", "\"published\", \"calibrated\" or \"illustrative\"", "not declared", "an input table by its file stem, e.g. macro, employment"),
    Key("\"<table>.<column>\"", "same", "the table's", "one column, overriding the table, e.g. \"macro.gdp\""),
    Key("\"package.<section>\"", "same", "not declared", "a settings section, e.g. \"package.pim\""),
), '''[provenance]
"macro.gdp" = "published"
occupations = "illustrative"
"package.pim" = "calibrated"''')

PUBLICATION = Section("publication", "What the pages say about the package besides its numbers; all keys optional. Notes are printed under the named table, never on another package's pages.", (
    Key("references", "list of text", "none", "full citations of the package's sources, printed under \"Sources\""),
    Key("data_intensive", "list of CL_ACTIVITY codes or prefixes", "none", "industries grouped as data-intensive in the industry-share table"),
    Key("notes", "table: table id = text or list of text", "none", "notes by table id (inputs, gfcf-asset, output-asset, industry, industry-gdp, industry-share, stock-constant, stock-current, stock-gdp, stock-asset, classification, supply-use, accumulation, gdp-approaches, gdp-change, international, method), or page for a note under the key figures"),
), '''[publication]
references = ["Statistics Canada (2019). The value of data in Canada: Experimental estimates. ..."]
data_intensive = ["J", "C", "K", "G"]

[publication.notes]
page = "Read with the package's README: most inputs are illustrative."
gfcf-asset = "Compare Statistics Canada (2019), table 1."''')

MICRODATA = Section("microdata", "Job records that replace employment.csv (with labour_input = \"microdata\"; see job records below).", (
    Key("files", "list of globs", REQUIRED, "files relative to the package: .parquet or .csv"),
    Key("columns", "table", "none", "record column = column name in the files, for names that differ"),
    Key("employment", "text", "\"persons\"", "\"persons\" (Σ weight) or \"fte\" (Σ weight × hours / full_time_hours)"),
    Key("full_time_hours", "number", "none", "required with employment = \"fte\""),
    Key("max_rejected_share", "number 0–1", "0", "share of records that may be rejected and dropped (0: any rejected record is an input error)"),
    Key("other_occupations", "text", "\"reject\"", "\"reject\" or \"out_of_scope\": records in occupations not in occupations.csv are counted and left out"),
), '''[microdata]
files = ["jobs/*.parquet"]
employment = "persons"''')

SECTIONS: tuple[Section, ...] = (PACKAGE, METHOD, CAPITALISATION, CLASSIFICATION, PIM, ACCOUNTS, SDMX, PROVENANCE, PUBLICATION, MICRODATA)


def render_sections() -> str:
    """The package.toml part of docs/inputs.md: one table of keys and an example per section."""
    parts = []
    for section in SECTIONS:
        parts.append(f"### [{section.name}]\n\n{section.description}\n")
        parts.append("| key | type | default | meaning |\n|---|---|---|---|")
        for key in section.keys:
            default = "**required**" if key.default == REQUIRED else key.default
            parts.append(f"| `{key.name}` | {key.kind} | {default} | {key.description} |")
        if section.example:
            parts.append(f"\n```toml\n{section.example}\n```")
        parts.append("")
    return "\n".join(parts)
