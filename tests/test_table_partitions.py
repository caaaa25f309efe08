"""The writers' interface to the combined table: :func:`compiler.table.partitions` and
:func:`compiler.table.decode` (issue 15: the writers read the table country by country)."""

from __future__ import annotations

import pandas as pd
import pandas.testing as pdt

from compiler import table as tbl
from compiler.pipeline import combine, compile_package
from compiler.resources import fixtures_dir


def _rows(area: str, sto: str, time: str, bound: str, value: float) -> pd.DataFrame:
    return tbl.make_rows(pd.DataFrame({tbl.TIME: [time], tbl.BOUND: [bound], tbl.VALUE: [value]}),
                         REF_AREA=area, STO=sto, UNIT_MULT=6, DECIMALS=1)


def test_partitions_by_area_sorted_and_decoded():
    """Hand-made rows out of order: each country comes once, in REF_AREA order, its rows sorted
    (series, bound, time), in canonical dtypes; categorical columns decode to the same rows."""
    table = tbl.concat([
        _rows("NL", "P1", "2021", "low", 3.0), _rows("CA", "P51G", "2020", "low", 1.0),
        _rows("CA", "P1", "2021", "high", 2.0), _rows("CA", "P1", "2020", "high", 4.0),
        _rows("NL", "P1", "2020", "low", 5.0),
    ])
    parts = list(tbl.partitions(table))
    assert [area for area, _ in parts] == ["CA", "NL"]
    ca = parts[0][1]
    assert list(ca[tbl.VALUE]) == [4.0, 2.0, 1.0]  # P1 high 2020, P1 high 2021, P51G low 2020
    assert list(parts[1][1][tbl.TIME]) == ["2020", "2021"]
    assert list(ca.columns) == list(tbl.COLUMNS) and ca["STO"].dtype == "str" and ca["UNIT_MULT"].dtype == "int64"
    encoded = table.astype({c: "category" for c in tbl._STRING_COLUMNS})
    for (area, part), (area2, part2) in zip(parts, tbl.partitions(encoded)):
        assert area == area2
        pdt.assert_frame_equal(part, part2)


def test_partitions_of_the_fixtures_are_the_sorted_table():
    """The partitions of CN + NL put together are the combined, sorted table (combine's order)."""
    results = [compile_package(fixtures_dir() / name) for name in ("NL", "CN")]
    table = combine(results)
    parts = pd.concat([part for _, part in tbl.partitions(table)], ignore_index=True)
    expected = pd.concat([table[table["REF_AREA"] == a] for a in ("CN", "NL")], ignore_index=True)
    pdt.assert_frame_equal(parts, tbl.decode(expected))


def test_combine_encoded_decodes_to_the_sorted_table():
    """combine(encoded=True) holds the same rows as the decoded table (categorical strings),
    which is the table sort() orders; partitions read both alike."""
    results = [compile_package(fixtures_dir() / name) for name in ("NL", "CN")]
    encoded = combine(results, encoded=True)
    assert isinstance(encoded["COMMENT_OBS"].dtype, pd.CategoricalDtype)
    decoded = combine(results)
    pdt.assert_frame_equal(tbl.decode(encoded), decoded)
    pdt.assert_frame_equal(decoded, tbl.sort(tbl.coerce(pd.concat([r.table for r in results], ignore_index=True))))
    for (a, one), (b, other) in zip(tbl.partitions(encoded), tbl.partitions(decoded)):
        assert a == b
        pdt.assert_frame_equal(one, other)


def test_encoded_rows_decode_to_make_rows():
    """The cost stage builds its rows dictionary-encoded (tbl.encoded_rows): decoded, they are
    the rows make_rows gives (defaults, constants, per-row texts and numbers alike)."""
    frame = pd.DataFrame({tbl.TIME: ["2020", "2021", "2020"], tbl.BOUND: ["low", "high", "high"], tbl.VALUE: [1.0, 2.5, 3.0],
                          "ACTIVITY": pd.Categorical(["J", "K", "J"]), "REF_AREA": ["NL", "NL", "NL"], "UNIT_MULT": [6, 6, 6]})
    fixed = {"STO": "P1", "DECIMALS": 1, "COMMENT_OBS": "output"}
    encoded = tbl.encoded_rows(frame, **fixed)
    assert all(isinstance(encoded[c].dtype, pd.CategoricalDtype) for c in ("STO", "ACTIVITY", "FREQ", tbl.TIME))
    plain = tbl.make_rows(frame.assign(ACTIVITY=frame["ACTIVITY"].astype(str)), **fixed)
    pdt.assert_frame_equal(tbl.decode(encoded), plain)
    codes, k = tbl.factorize([encoded["ACTIVITY"]])
    assert list(codes) == [0, 1, 0] and k == 2
