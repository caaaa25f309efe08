"""SDMX codes used by the stages, in one place (architecture: no scattered literals).

STO codes are ESTAT:CL_NA_STO(1.16.0) unless marked; asset codes are looked up in the
project's extended CL_INSTR_ASSET (``codelists/CL_INSTR_ASSET_DATA.csv``) through
:mod:`compiler.accounts.classification`, never spelled out here.
"""

from __future__ import annotations

from typing import Final

#: The three data asset types of Wang et al. (2024), StatCan (2019) and CBS (2020).
ASSET_TYPES: Final = ("data", "databases", "data_rd")

# --- sum of costs (SNA 2008 §6.125: output for own final use valued at cost) -----
# Project codes (codelists/CL_NA_STO_DATA.csv): the official EMP and D1 are an industry's
# or sector's whole employment and compensation; these rows hold the data occupations'
# only, a subset no dimension of NA_MAIN expresses, so they may not carry those codes.
EMPLOYMENT: Final = "EMP_DOCC"  # project code: persons in data occupations (UNIT_MEASURE PS)
COMPENSATION: Final = "D1_DOCC"  # project code: labour cost of data occupations, before time shares
LABOUR: Final = "P5OA1"  # own-account capital formation, compensation of employees
INTERMEDIATE: Final = "P5OA2"  # ... intermediate consumption
CAPITAL: Final = "P5OA3"  # ... consumption of fixed capital (capital input)
OTHER_COSTS: Final = "P5OAX"  # project code: other costs not split (P5OA2 + P5OA3)
TAXES: Final = "P5OA4"  # ... other taxes less other subsidies on production (2008 SNA §6.125)
MARKUP: Final = "B2N"  # net operating surplus = net return on fixed capital
OUTPUT: Final = "P1"
GFCF: Final = "P51G"

# --- stocks and accounts -----------------------------------------------------------
CFC: Final = "P51C"
CLOSING_STOCK: Final = "LE"
REVALUATION: Final = "K7"
OTHER_VOLUME_CHANGES: Final = ("K1", "K2", "K3", "K4", "K5", "K6")

# --- accounting entries (IMF:CL_ACCOUNT_ENTRY) -------------------------------------
USES: Final = "D"
RESOURCES: Final = "C"
BALANCE: Final = "B"
NOT_APPLICABLE: Final = "_Z"

# --- other dimensions ----------------------------------------------------------------
TOTAL_ACTIVITY: Final = "_T"
TOTAL_ECONOMY: Final = "S1"
CURRENT_PRICES: Final = "V"
CONSTANT_PRICES: Final = "Q"
DOMESTIC_CURRENCY: Final = "XDC"
PERSONS: Final = "PS"
#: Project code (codelists/CL_UNIT_DATA.csv): percent of GDP. IMF:CL_UNIT's XDC_R_B1GQ is a
#: *ratio* to GDP and has no percent counterpart, so shares × 100 may not carry it.
PERCENT_OF_GDP: Final = "PT_B1GQ"
RATIO_TO_GDP: Final = PERCENT_OF_GDP  # the name the stages use; values are percent of GDP
#: INSTR_ASSET of the published GFCF and CFC: fixed assets, as in NA_MAIN's own series
#: (P51G.N11G); the other published aggregates have no asset breakdown (``_Z``).
FIXED_ASSETS: Final = "N11G"

#: Producer types and the institutional sectors that imply them (2008 SNA §6.125 ff.).
MARKET: Final = "market"
NON_MARKET: Final = "non-market"
NON_MARKET_SECTORS: Final = frozenset({"S13", "S1311", "S1312", "S1313", "S1314", "S15"})
