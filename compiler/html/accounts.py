"""GDP before and after capitalisation for every country in one call.

:func:`compiler.gdp.after_capitalisation` (the GDP stage's helper for the writers)
works on one REF_AREA and groups by (TIME_PERIOD, BOUND). Its cost is fixed pandas
overhead (~60 ms), too much to pay per country in a world panel, so the rows it reads
are relabelled: the country goes into TIME_PERIOD (``"CN|2020"``), REF_AREA becomes
one placeholder and each country's all-data-assets code a common one. The helper's
grouping then keeps the countries apart, and the result is split back. Nothing is
computed here; the figures are the helper's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import codes
from .. import table as tbl
from ..gdp import after_capitalisation
from .meta import PackageMeta

PLACEHOLDER_AREA = "_Z"
COMMON_ASSET = "N117DG"
SEPARATOR = "|"


def after_by_country(rows: pd.DataFrame, metas: Sequence[PackageMeta]) -> dict[str, pd.DataFrame]:
    """REF_AREA → :func:`after_capitalisation` of that country (its all-data-assets code)."""
    by_code: dict[str, list[str]] = {}
    for m in metas:
        by_code.setdefault((m.classification or {}).get("all_data", "N117D") + "G", []).append(m.ref_area)
    asset, area = rows["INSTR_ASSET"], rows["REF_AREA"]
    chosen = (asset == "_Z") & area.isin([a for areas in by_code.values() for a in areas])
    for code, areas in by_code.items():
        chosen |= (asset == code) & area.isin(areas)
    keep = chosen & (rows["ACTIVITY"] == codes.TOTAL_ACTIVITY) & (rows["UNIT_MEASURE"] == codes.DOMESTIC_CURRENCY) & (rows["PRICES"] == codes.CURRENT_PRICES)
    subset = rows.take(np.flatnonzero(keep.to_numpy(dtype=bool)))
    if subset.empty:
        return {}
    subset[tbl.TIME] = subset["REF_AREA"] + SEPARATOR + subset[tbl.TIME]
    subset["INSTR_ASSET"] = subset["INSTR_ASSET"].where(subset["INSTR_ASSET"] == "_Z", COMMON_ASSET)
    subset["REF_AREA"] = PLACEHOLDER_AREA
    after = after_capitalisation(subset, PLACEHOLDER_AREA, COMMON_ASSET)
    if after.empty:
        return {}
    split = after[tbl.TIME].str.split(SEPARATOR, n=1, expand=True)
    after = after.assign(**{tbl.TIME: split[1].to_numpy()})
    return {str(k): v.reset_index(drop=True) for k, v in after.groupby(split[0].to_numpy(), sort=False)}
