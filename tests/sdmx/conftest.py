"""Shared fixtures for the SDMX writer tests."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from compiler import table as canon
from compiler.outputs.sdmx.settings import SdmxSettings

COMMENT = 'Sum of costs: "labour" × 0.25, <data> & R&D; Ünïcode, commas\nsecond line'


def sample_table() -> pd.DataFrame:
    """Two assets × two STO × two bounds × 3 years, with NaN, extremes and comments."""
    parts = []
    values = iter([0.1, 1 / 3, 1e-300, 123456789.123456789, -0.0, np.nan, 2.5e16, 7.0, 42.0, 0.30000000000000004,
                   5e-324, 1.7976931348623157e308] * 4)
    for asset in ("N11733G", "N11732G"):
        for sto, mult in (("P51G", 6), ("P5OAX", 6)):
            for bound in canon.BOUNDS:
                frame = pd.DataFrame({"TIME_PERIOD": ["2019", "2020", "2021"], "BOUND": bound,
                                      "OBS_VALUE": [next(values) for _ in range(3)]})
                frame["COMMENT_OBS"] = [COMMENT, "", f"plain {asset}"]
                parts.append(canon.make_rows(frame, REF_AREA="NL", STO=sto, INSTR_ASSET=asset,
                                             UNIT_MULT=mult, DECIMALS=1))
    constant = pd.DataFrame({"TIME_PERIOD": ["2020"], "BOUND": "low", "OBS_VALUE": [3.25]})
    parts.append(canon.make_rows(constant, REF_AREA="NL", STO="P51G", INSTR_ASSET="N117DG", PRICES="Q",
                                 REF_YEAR_PRICE="2015", UNIT_MULT=6, DECIMALS=1, OBS_STATUS="E", CONF_STATUS="F"))
    return canon.concat(parts)


@pytest.fixture
def table() -> pd.DataFrame:
    return sample_table()


@pytest.fixture
def settings() -> SdmxSettings:
    return SdmxSettings(prepared=datetime(2024, 5, 1, 12, 0, tzinfo=UTC))
