"""The ``[accounts]`` section of package.toml and the NA_MAIN keys of the accounts stages.

``[accounts]`` is free-form in :mod:`compiler.inputs.manifest`; the keys used by
:mod:`compiler.accounts.gdp` and :mod:`compiler.accounts.supply_use` are read and checked here::

    [accounts]
    baseline_tolerance = 1e-6          # relative tolerance of the baseline identities (GDP and SUT)
    final_consumption_share = 0.0      # share of the domestic, non-capitalised use of data products
                                       # that is final consumption (P3); a number or a table by asset
    sut_data_hidden_in = []            # products of use_table.csv whose supply held the sold data
                                       # before capitalisation (default: every product)

    [accounts.overlap]                 # share (0-1) of the satellite's GFCF in each asset that the
    data = 0.0                         # published accounts already hold (docs/method.md §4.2);
    databases = 1.0                    # data defaults to 0, databases and data_rd must be declared
    data_rd = 1.0                      # when the package gives national accounts (no silent default)

Other keys are input errors: the allowed ones are ``ACCOUNTS_KEYS`` (add a new key there). ``non_market_cfc_in_output``
was removed: the non-market rule of docs/method.md §4.1 always applies.

Key conventions (sdmx.md §5; ESTAT:NA_MAIN)
-------------------------------------------
ACCOUNTING_ENTRY follows the account in which the item is recorded for the total
economy: the goods and services account has resources P1, P7 and D21X31 (taxes less
subsidies on products, which turn output at basic prices into supply at purchasers'
prices) → ``C``, and uses P2, P3, P51G, P52, P6 → ``D``; the generation of income
account has uses D1, D29X39 and P51C → ``D``; balancing items B1G, B1GQ, B2A3N → ``B``
with COUNTERPART_AREA ``W2`` (domestic). The items of the income approach paid by
resident producers, D1, D29X39 and D21X31, are domestic-concept totals and take ``W2``
too; this also keeps the total-economy D1 apart from the cost stage's D1 rows (labour
cost of data occupations, INSTR_ASSET ``_Z``, ``W0``). Exports and imports take
COUNTERPART_AREA ``W1`` (rest of the world), everything else ``W0``. P3 takes EXPENDITURE ``_T`` (all
purposes, as in real NA_MAIN keys), everything else ``_Z``. A change due to capitalisation,
STO ``<official STO>_DCAP`` (project codes, codelists/CL_NA_STO_DATA.csv), takes the key of
its official STO.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from compiler import codes
from compiler.inputs import InputError, InputErrors
from compiler.inputs.manifest import FILE, Manifest

#: STO -> (ACCOUNTING_ENTRY, COUNTERPART_AREA, EXPENDITURE)
KEY_OF: Mapping[str, tuple[str, str, str]] = {
    "P1": (codes.RESOURCES, "W0", "_Z"),
    "P2": (codes.USES, "W0", "_Z"),
    "B1G": (codes.BALANCE, "W2", "_Z"),
    "D21X31": (codes.RESOURCES, "W2", "_Z"),
    "D1": (codes.USES, "W2", "_Z"),
    "D29X39": (codes.USES, "W2", "_Z"),
    "P51C": (codes.USES, "W0", "_Z"),
    "B2A3N": (codes.BALANCE, "W2", "_Z"),
    "P3": (codes.USES, "W0", "_T"),
    "P51G": (codes.USES, "W0", "_Z"),
    "P52": (codes.USES, "W0", "_Z"),
    "P6": (codes.USES, "W1", "_Z"),
    "P7": (codes.RESOURCES, "W1", "_Z"),
    "B1GQ": (codes.BALANCE, "W2", "_Z"),
}


#: Suffix of the project's STO codes for a change due to capitalising data assets (after minus before).
CHANGE_SUFFIX = "_DCAP"


def key_columns(sto: str) -> dict[str, str]:
    """The dimension values that depend on the STO (see the module docstring); a change
    code ``<STO>_DCAP`` takes the entry, counterpart area and expenditure of ``<STO>``."""
    entry, counterpart, expenditure = KEY_OF[sto.removesuffix(CHANGE_SUFFIX)]
    return {"STO": sto, "ACCOUNTING_ENTRY": entry, "COUNTERPART_AREA": counterpart, "EXPENDITURE": expenditure}


#: Why the overlap of databases and data R&D must be declared (docs/method.md §4.2).
OVERLAP_WHY = {
    "databases": "databases (N11732) are produced assets under the 2008 SNA (§10.112) and many countries already capitalise "
    "own-account databases with software: declare the share of their GFCF already in the published accounts (0 to 1)",
    "data_rd": "R&D (N1171) is capitalised under the 2008 SNA (§10.103), so data R&D may already be inside published R&D: "
    "declare the share of its GFCF already in the published accounts (0 to 1)",
}


@dataclass(frozen=True)
class AccountsSettings:
    baseline_tolerance: float = 1e-6
    final_consumption_share: Mapping[str, float] | None = None  # asset type -> share (None: all 0)
    sut_data_hidden_in: tuple[str, ...] = ()  # empty: every product of the baseline use table
    overlap: Mapping[str, float] | None = None  # asset type -> share already in the published accounts (declared only)

    def final_consumption(self, asset: str) -> float:
        return (self.final_consumption_share or {}).get(asset, 0.0)

    def overlap_share(self, asset: str) -> float:
        """Share of the asset's satellite GFCF already in the published accounts (data: 0 unless declared)."""
        return (self.overlap or {}).get(asset, 0.0)

    def undeclared_overlaps(self) -> list[InputError]:
        """Errors for databases and data R&D without a declared overlap (needed with a baseline)."""
        return [
            InputError(FILE, None, f"accounts.overlap.{asset}", None, f"a declared share: {why}")
            for asset, why in OVERLAP_WHY.items() if asset not in (self.overlap or {})
        ]


#: The keys of package.toml [accounts], read by accounts_settings below; any other key is an
#: input error (compiler.inputs.manifest.section_keys). Add a new key here.
ACCOUNTS_KEYS = (
    "baseline_tolerance", "final_consumption_share", "sut_data_hidden_in", "overlap",
    "non_market_cfc_in_output",  # removed: accounts_settings says why
)


def accounts_settings(manifest: Manifest) -> AccountsSettings:
    """Read the keys of ``[accounts]`` used here; raise :class:`InputErrors` on bad values."""
    raw: Mapping[str, Any] = manifest.accounts
    errors: list[InputError] = []

    def error(key: str, value: Any, expected: str) -> None:
        errors.append(InputError(FILE, None, f"accounts.{key}", str(value), expected))

    if "non_market_cfc_in_output" in raw:
        error("non_market_cfc_in_output", raw["non_market_cfc_in_output"],
              "no such key: it was removed, non-market producers' data always add only their CFC to GDP (docs/method.md §4.1)")
    tolerance = raw.get("baseline_tolerance", 1e-6)
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or not 0 <= tolerance < 1:
        error("baseline_tolerance", tolerance, "a relative tolerance from 0 to below 1, e.g. 1e-6")
        tolerance = 1e-6
    share = raw.get("final_consumption_share", 0.0)
    shares: dict[str, float] = {}
    if isinstance(share, dict):
        shares = _asset_shares(share, "final_consumption_share", "a share from 0 to 1", error)
    elif isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
        error("final_consumption_share", share, "a share from 0 to 1, or a table of shares by asset type")
    else:
        shares = {asset: float(share) for asset in codes.ASSET_TYPES}
    hidden = raw.get("sut_data_hidden_in", [])
    if not isinstance(hidden, list) or not all(isinstance(h, str) for h in hidden):
        error("sut_data_hidden_in", hidden, "a list of product codes of use_table.csv")
        hidden = []
    for asset, cap in manifest.capitalisation.items():
        if cap.purchased_capitalised_share + cap.export_share > 1 + 1e-12:
            errors.append(
                InputError(
                    FILE, None, f"capitalisation.{asset}", f"{cap.purchased_capitalised_share:g} + {cap.export_share:g}",
                    "purchased_capitalised_share + export_share <= 1 (both are shares of the sold output)",
                )
            )
    overlap = _overlap(raw.get("overlap", {}), error)
    if errors:
        raise InputErrors(errors)
    return AccountsSettings(float(tolerance), shares, tuple(hidden), overlap)


def _overlap(table: Any, error: Any) -> dict[str, float]:
    """``[accounts.overlap]``: asset type -> share from 0 to 1 (docs/method.md §4.2)."""
    if not isinstance(table, dict):
        error("overlap", table, "a table [accounts.overlap] with a share (0 to 1) per asset type: data, databases, data_rd")
        return {}
    return _asset_shares(table, "overlap", "a share from 0 to 1 of the asset's GFCF already in the published accounts", error)


def _asset_shares(table: dict, key: str, expected: str, error: Any) -> dict[str, float]:
    """A table of shares by asset type (``key.<asset>``), each from 0 to 1; errors reported."""
    shares = {}
    for asset, value in table.items():
        if asset not in codes.ASSET_TYPES:
            error(f"{key}.{asset}", asset, f"one of {', '.join(codes.ASSET_TYPES)}")
        elif isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            error(f"{key}.{asset}", value, expected)
        else:
            shares[asset] = float(value)
    return shares
