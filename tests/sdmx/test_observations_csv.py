"""observations.csv: the columnar writer against pandas, the reference it replaces for speed."""

from __future__ import annotations

import numpy as np

from compiler import table as tbl
from compiler.outputs.csv_safety import neutralise
from compiler.outputs.observations import write_observations


def test_observations_csv_bytes_are_those_of_pandas(table, tmp_path):
    """pandas ``to_csv`` of the neutralised table gives the same bytes (NaN, infinities,
    extremes, quotes, newlines, a formula-like text, series of one and of many rows)."""
    table = table.copy()
    table.loc[3, tbl.VALUE], table.loc[4, tbl.VALUE] = np.inf, -np.inf
    table.loc[5, "COMMENT_OBS"] = '=HYPERLINK("x")'
    table = tbl.sort(table)
    write_observations(table, tmp_path / "ours.csv")
    text = table.select_dtypes(include=["object", "string"]).columns
    reference = table.assign(**{c: table[c].map(neutralise) for c in text})
    reference.to_csv(tmp_path / "pandas.csv", index=False, float_format=None, na_rep="NaN", lineterminator="\n", encoding="utf-8")
    ours = (tmp_path / "ours.csv").read_bytes()
    assert ours == (tmp_path / "pandas.csv").read_bytes()
    assert b"'=HYPERLINK" in ours and b",inf," in ours and b",NaN," in ours
