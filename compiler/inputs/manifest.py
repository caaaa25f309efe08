"""``package.toml``: the settings of an input package, parsed and checked.

Sections: ``[package]`` (country, currency, units, years), ``[method]`` (how the sum of
costs is formed), ``[capitalisation.<asset>]`` (how much output becomes GFCF),
``[classification]`` (the provisional asset codes), ``[microdata]`` (job records, with
``labour_input = "microdata"``), and the free-form ``[pim.<asset>]``, ``[sdmx]`` and
``[accounts]`` sections checked by the stages that use them.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compiler import codes
from compiler.accounts.classification import DEFAULT_STEMS
from compiler.inputs.microdata.spec import COLUMNS as MICRODATA_COLUMNS
from compiler.inputs.microdata.spec import MAX_HOURS, OTHER_OCCUPATIONS
from compiler.inputs.confine import outside_error
from compiler.inputs.errors import InputError
from compiler.inputs.provenance import Provenance, parse_provenance
from compiler.inputs.publication import KEYS as PUBLICATION_KEYS
from compiler.inputs.publication import Publication, parse_publication
from compiler.inputs.tables import ALL_TABLES, OPTIONAL_TABLES

FILE = "package.toml"


@dataclass(frozen=True)
class Capitalisation:
    """Share of output that becomes GFCF (SNA 2008 §10.100 ff.).

    ``own_account_share``: output kept for own final use = own-account GFCF (P.51g);
    the rest is sold, of which ``purchased_capitalised_share`` is bought outright by
    domestic producers and capitalised; ``export_share`` of the sold part goes abroad;
    ``imported_capitalised_share`` of the imports of the product (imports.csv) is bought
    for use over more than a year and capitalised by the buyers (docs/method.md §4.3).
    """

    own_account_share: float = 1.0
    purchased_capitalised_share: float = 0.0
    export_share: float = 0.0
    imported_capitalised_share: float = 0.0


@dataclass(frozen=True)
class MicrodataSettings:
    """``[microdata]``: job records that replace employment.csv (compiler.inputs.microdata).

    ``files``: globs relative to the package (``.parquet`` or ``.csv``); ``columns``:
    record column -> column name in the files, for names that differ; ``employment``:
    ``"persons"`` (Σ weight) or ``"fte"`` (Σ weight × hours / ``full_time_hours``);
    ``max_rejected_share``: share of records that may be rejected and dropped (default
    0: any rejected record is an input error); ``other_occupations``: a record whose
    occupation is not in occupations.csv is ``"reject"``-ed (default) or ``"out_of_scope"``:
    counted (with its Σ weight) and not used, unless it breaks another rule.
    """

    files: tuple[str, ...]
    columns: Mapping[str, str] = field(default_factory=dict)
    employment: str = "persons"
    full_time_hours: float | None = None
    max_rejected_share: float = 0.0
    other_occupations: str = "reject"  # one of OTHER_OCCUPATIONS


@dataclass(frozen=True)
class Manifest:
    ref_area: str
    name: str
    currency: str
    unit_mult: int
    decimals: int
    first_year: int
    last_year: int
    base_year: int
    agency: str
    labour_input: str  # "occupations" | "industry_shares" | "microdata"
    markup_base: str  # "costs" | "labour"
    non_market_sectors: frozenset[str]
    capitalisation: Mapping[str, Capitalisation]
    classification: Mapping[str, str]  # asset type (+ "all_data") -> code stem, e.g. "N11733"
    pim: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    sdmx: Mapping[str, Any] = field(default_factory=dict)
    accounts: Mapping[str, Any] = field(default_factory=dict)
    microdata: MicrodataSettings | None = None  # with labour_input = "microdata"
    provenance: Provenance = field(default_factory=Provenance)  # [provenance]
    publication: Publication = field(default_factory=Publication)  # [publication]: notes and references of the pages

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    @property
    def unit_factor(self) -> float:
        """Divide currency units by this to get output units (10^unit_mult)."""
        return 10.0**self.unit_mult


DEFAULT_CLASSIFICATION = DEFAULT_STEMS
#: Keys of the sections parsed in this module (the parsers below).
PACKAGE_KEYS = ("ref_area", "name", "currency", "unit_mult", "decimals", "first_year", "last_year", "base_year", "agency", "labour_input")
METHOD_KEYS = ("markup_base", "non_market_sectors")
MICRODATA_KEYS = ("files", "columns", "employment", "full_time_hours", "max_rejected_share", "other_occupations")


def section_keys() -> dict[str, tuple[str, ...] | None]:
    """The keys allowed in each package.toml section; any other key or section is an input error.

    One declaration per section, beside the code that parses the section; this function
    only collects them. To add a key, add it to that declaration (e.g. ``ACCOUNTS_KEYS``
    in compiler/accounts/settings.py for ``[accounts]``); to add a section, add one line here naming
    its declaration. ``None``: the section's parser checks every key itself. For sections
    of sub-tables (``[capitalisation.<asset>]``, ``[pim.<asset>]``) the declaration lists the
    sub-tables; their keys are checked by their parsers (``Capitalisation`` fields here,
    ``compiler.accounts.pim.PimParameters.from_mapping``). Imported here, not at module level, to
    keep the package reader free of the stages' imports.
    """
    from compiler.accounts.settings import ACCOUNTS_KEYS
    from compiler.outputs.sdmx.settings import SDMX_KEYS

    return {
        "package": PACKAGE_KEYS,
        "method": METHOD_KEYS,
        "capitalisation": tuple(codes.ASSET_TYPES),  # keys: Capitalisation fields (_capitalisation)
        "classification": tuple(DEFAULT_CLASSIFICATION),
        "pim": (*codes.ASSET_TYPES, "default"),  # keys: compiler.accounts.pim.PimParameters.from_mapping
        "sdmx": SDMX_KEYS,  # compiler/outputs/sdmx/settings.py
        "accounts": ACCOUNTS_KEYS,  # compiler/accounts/settings.py
        "provenance": None,  # compiler/inputs/provenance.py: table stems and columns
        "publication": tuple(PUBLICATION_KEYS),  # compiler/inputs/publication.py; [publication.notes]: checked by its parser
        "microdata": MICRODATA_KEYS,  # [microdata.columns]: checked by _microdata
    }


LABOUR_INPUTS = ("occupations", "industry_shares", "microdata")
_OTHER_OCCUPATIONS = (
    "one of " + ", ".join(f'"{v}"' for v in OTHER_OCCUPATIONS) + ": a job record in an occupation not in occupations.csv "
    "is rejected (\"reject\", the default) or counted as out of scope and not used (\"out_of_scope\")"
)


def read_manifest(folder: Path, areas: frozenset[str], sectors: frozenset[str]) -> tuple[Manifest | None, list[InputError]]:
    """Parse and check ``folder/package.toml``; return the manifest or every error."""
    path = folder / FILE
    outside = outside_error(path, folder, FILE)
    if outside is not None:
        return None, [outside]
    if not path.is_file():
        return None, [InputError(FILE, None, None, None, "a package.toml file in the package folder (it is missing)")]
    return parse_manifest(path.read_bytes(), areas, sectors)


def parse_manifest(raw: bytes, areas: frozenset[str], sectors: frozenset[str]) -> tuple[Manifest | None, list[InputError]]:
    """Parse and check the bytes of a ``package.toml`` (from a file or a workbook sheet)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, [InputError(FILE, 1, None, "\\xef\\xbb\\xbf", "UTF-8 text without a byte-order mark")]
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, [InputError(FILE, None, None, None, "UTF-8 text (the file is in another encoding)")]
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+), column (\d+)", str(exc))
        row = int(match.group(1)) if match else None
        return None, [InputError(FILE, row, None, None, f"valid TOML ({exc})")]
    return _Checker(data, areas, sectors).manifest()


def _input_columns() -> dict[str, tuple[str, ...]]:
    """Every input table a package may have (file stem -> column names), for [provenance]."""
    schemas = {s.name: s for s in (*ALL_TABLES, *OPTIONAL_TABLES) if s.name.endswith(".csv")}
    return {name.removesuffix(".csv"): tuple(c.name for c in s.columns) for name, s in schemas.items()}


class _Checker:
    """Reads typed values out of the parsed TOML, collecting every error."""

    def __init__(self, data: Mapping[str, Any], areas: frozenset[str], sectors: frozenset[str]):
        self.data, self.areas, self.sectors = data, areas, sectors
        self.errors: list[InputError] = []

    def error(self, key: str, value: Any, expected: str) -> None:
        self.errors.append(InputError(FILE, None, key, None if value is None else str(value), expected))

    def get(self, section: str, key: str, kind: type | tuple[type, ...], default: Any = ..., expected: str = "") -> Any:
        table = self.data.get(section, {})
        if key not in table:
            if default is ...:
                self.error(f"{section}.{key}", None, f"a value: {expected}")
            return None if default is ... else default
        value = table[key]
        if not isinstance(value, kind) or isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            self.error(f"{section}.{key}", value, expected)
            return None if default is ... else default
        return value

    def manifest(self) -> tuple[Manifest | None, list[InputError]]:
        self._unknown_keys()
        g = self.get
        ref_area = g("package", "ref_area", str, expected="an ISO 3166 alpha-2 code of IMF:CL_AREA, e.g. \"CN\"")
        if ref_area is not None and ref_area not in self.areas:
            self.error("package.ref_area", ref_area, "an area code of IMF:CL_AREA(1.17.0), e.g. CN, CA, NL")
        currency = g("package", "currency", str, expected="an ISO 4217 currency code, e.g. \"CNY\"")
        if currency is not None and not re.fullmatch(r"[A-Z]{3}", currency):
            self.error("package.currency", currency, "an ISO 4217 currency code of three capital letters")
        unit_mult = g("package", "unit_mult", int, 0, "a power of ten 0..12 (6 = millions, 8 = hundred millions)")
        if unit_mult is not None and not 0 <= unit_mult <= 12:
            self.error("package.unit_mult", unit_mult, "a power of ten from 0 to 12")
        decimals = g("package", "decimals", int, 1, "the number of decimals to publish, 0..6")
        if decimals is not None and not 0 <= decimals <= 6:
            self.error("package.decimals", decimals, "a number of decimals from 0 to 6")
        first = g("package", "first_year", int, expected="the first year to compile, e.g. 2010")
        last = g("package", "last_year", int, expected="the last year to compile, e.g. 2022")
        base = g("package", "base_year", int, expected="the base year of constant prices, e.g. 2015")
        if first is not None and last is not None:
            if not 1900 <= first <= last <= 2100:
                self.error("package.first_year", f"{first}..{last}", "first_year <= last_year, both between 1900 and 2100")
            elif base is not None and not first <= base <= last:
                self.error("package.base_year", base, f"a year from first_year {first} to last_year {last}")
        labour_input = g("package", "labour_input", str, "occupations", "\"occupations\", \"industry_shares\" or \"microdata\"")
        if labour_input not in LABOUR_INPUTS:
            self.error(
                "package.labour_input",
                labour_input,
                "\"occupations\" (employment.csv), \"industry_shares\" (industry_employment.csv + occupation_shares.csv) "
                "or \"microdata\" (job records, [microdata])",
            )
        microdata = self._microdata(labour_input)
        markup_base = g("method", "markup_base", str, "costs", "\"costs\" or \"labour\"")
        if markup_base not in ("costs", "labour"):
            self.error("method.markup_base", markup_base, "\"costs\" (mark-up on labour + other costs) or \"labour\" (on labour only)")
        non_market = g("method", "non_market_sectors", list, sorted(codes.NON_MARKET_SECTORS & {"S13", "S15"}), "a list of sector codes")
        for sector in non_market or []:
            if sector not in self.sectors:
                self.error("method.non_market_sectors", sector, "sector codes of ESTAT:CL_SECTOR(1.14), e.g. S13, S15")
        capitalisation = {asset: self._capitalisation(asset) for asset in codes.ASSET_TYPES}
        classification = {**DEFAULT_CLASSIFICATION, **self.data.get("classification", {})}
        for key, value in classification.items():
            if not isinstance(value, str) or not re.fullmatch(r"N[0-9A-Z]+", value):
                self.error(f"classification.{key}", value, "an asset code stem without the G/N suffix, e.g. \"N11733\"")
        if len(set(classification.values())) != len(classification):
            self.error("classification", classification, "a different code for each asset type and the total")
        provenance, errors = parse_provenance(self.data.get("provenance"), _input_columns())
        self.errors.extend(errors)
        publication, errors = parse_publication(self.data.get("publication"))
        self.errors.extend(errors)
        if self.errors:
            return None, self.errors
        return (
            Manifest(
                ref_area=ref_area,
                name=g("package", "name", str, ref_area, "the country's name"),
                currency=currency,
                unit_mult=unit_mult,
                decimals=decimals,
                first_year=first,
                last_year=last,
                base_year=base,
                agency=g("package", "agency", str, "DATASAT", "an SDMX agency id"),
                labour_input=labour_input,
                markup_base=markup_base,
                non_market_sectors=frozenset(non_market),
                capitalisation=capitalisation,
                classification=classification,
                pim=dict(self.data.get("pim", {})),
                sdmx=dict(self.data.get("sdmx", {})),
                accounts=dict(self.data.get("accounts", {})),
                microdata=microdata,
                provenance=provenance,
                publication=publication,
            ),
            [],
        )

    def _microdata(self, labour_input: str | None) -> MicrodataSettings | None:
        table = self.data.get("microdata")
        if labour_input != "microdata":
            if table is not None:
                self.error("microdata", "[microdata]", "package.labour_input = \"microdata\" to use the [microdata] section")
            return None
        if not isinstance(table, dict):
            self.error("microdata", None, "a [microdata] table with files = [\"<glob>\", ...] (package.labour_input = \"microdata\")")
            return None
        g = self.get
        files = g("microdata", "files", (str, list), expected="a glob or a list of globs of job-record files, relative to the package")
        files = [files] if isinstance(files, str) else files
        if files is not None:
            if not files or not all(isinstance(f, str) and f for f in files):
                self.error("microdata.files", files, "a non-empty list of globs, e.g. [\"jobs/*.parquet\"]")
                files = None
            else:
                for pattern in files:
                    if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
                        self.error("microdata.files", pattern, "a glob relative to the package folder, inside it")
        columns = g("microdata", "columns", dict, {}, "a table: record column = \"column name in the files\"")
        for key, value in (columns or {}).items():
            if key not in MICRODATA_COLUMNS:
                self.error(f"microdata.columns.{key}", key, f"one of {', '.join(MICRODATA_COLUMNS)}")
            if not isinstance(value, str) or not value:
                self.error(f"microdata.columns.{key}", value, "a column name (text)")
        employment = g("microdata", "employment", str, "persons", "\"persons\" or \"fte\"")
        if employment not in ("persons", "fte"):
            self.error("microdata.employment", employment, "\"persons\" (sum of weights) or \"fte\" (sum of weight x hours / full_time_hours)")
        hours = g("microdata", "full_time_hours", (int, float), None, "hours of a full-time job in a year, e.g. 1800")
        if employment == "fte" and hours is None and "full_time_hours" not in table:
            self.error("microdata.full_time_hours", None, "hours of a full-time job in a year, e.g. 1800 (employment = \"fte\")")
        if hours is not None and not 0 < hours <= MAX_HOURS:
            self.error("microdata.full_time_hours", hours, f"a number of hours above 0, at most {MAX_HOURS:g}")
        share = g("microdata", "max_rejected_share", (int, float), 0.0, "a share from 0 to 1")
        if share is not None and not 0 <= share <= 1:
            self.error("microdata.max_rejected_share", share, "a share from 0 to 1")
        others = g("microdata", "other_occupations", str, "reject", _OTHER_OCCUPATIONS)
        if others is not None and others not in OTHER_OCCUPATIONS:
            self.error("microdata.other_occupations", others, _OTHER_OCCUPATIONS)
            others = None
        if files is None or others is None:
            return None
        return MicrodataSettings(
            files=tuple(files),
            columns=dict(columns or {}),
            employment=employment,
            full_time_hours=float(hours) if hours is not None else None,
            max_rejected_share=float(share or 0.0),
            other_occupations=others,
        )

    def _capitalisation(self, asset: str) -> Capitalisation:
        table = self.data.get("capitalisation", {}).get(asset, {})
        if not isinstance(table, dict):
            self.error(f"capitalisation.{asset}", table, "a table with own_account_share, purchased_capitalised_share, export_share, imported_capitalised_share")
            return Capitalisation()
        values = {}
        for key, default in vars(Capitalisation()).items():
            value = table.get(key, default)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                self.error(f"capitalisation.{asset}.{key}", value, "a share from 0 to 1")
                value = default
            values[key] = float(value)
        for key in set(table) - set(values):
            self.error(f"capitalisation.{asset}.{key}", key, f"one of {', '.join(values)}")
        return Capitalisation(**values)

    def _unknown_keys(self) -> None:
        known_sections = section_keys()
        for section, value in self.data.items():
            if section not in known_sections:
                self.error(section, section, f"sections {', '.join(known_sections)} only")
                continue
            known = known_sections[section]
            if known is None:
                continue
            if not isinstance(value, dict):
                self.error(section, value, f"a [{section}] table")
                continue
            for key in value:
                if key not in known:
                    self.error(f"{section}.{key}", key, f"keys {', '.join(sorted(known))} only{_did_you_mean(key, known)}")
        for key, value in _non_finite(self.data):
            self.error(key, value, "a finite number")


def _did_you_mean(key: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _non_finite(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, float]]:
    """Every float of the TOML that is nan or ±inf (TOML allows them), with its dotted key."""
    found = []
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, dict):
                found += _non_finite(item, f"{prefix}{key}.")
            elif isinstance(item, float) and not math.isfinite(item):
                found.append((f"{prefix}{key}", item))
    return found
