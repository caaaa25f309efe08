"""check-sdmx: hand-made messages with one defect each -> exactly that finding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compiler.outputs.sdmx.check import CheckError, check_message, format_json, format_text, main

SHARED = Path(__file__).resolve().parents[1].parent.parent / "shared"
NA_MAIN_19_FILE = SHARED / "sdmx" / "structures" / "ESTAT+NAMAIN_IDC_N+1.9+with-descendants+GlobalRegistry-2020-07-30.xml"

KEY = "A.N.NL.W0.S1.S1.D.P51G.N11732G._T._Z.XDC.V.N"
DIMS = dict(zip(
    "FREQ ADJUSTMENT REF_AREA COUNTERPART_AREA REF_SECTOR COUNTERPART_SECTOR ACCOUNTING_ENTRY STO INSTR_ASSET "
    "ACTIVITY EXPENDITURE UNIT_MEASURE PRICES TRANSFORMATION".split(),
    KEY.split("."), strict=True))
SERIES_ATTRS = {"TIME_FORMAT": "P1Y", "DECIMALS": "1", "UNIT_MULT": "6"}
OBS_ATTRS = {"OBS_STATUS": "G", "CONF_STATUS": "F"}

SS21 = {
    "mes": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
    "ss": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific",
    "com": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
}
SS30 = {k: v.replace("v2_1", "v3_0") for k, v in SS21.items()}
GENERIC = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic"


def attrs(values: dict[str, str]) -> str:
    return " ".join(f'{k}="{v}"' for k, v in values.items())


def ss_message(body: list[str], version: str = "2.1", dim_at_obs: str = "TIME_PERIOD") -> str:
    ns = SS21 if version == "2.1" else SS30
    if version == "2.1":
        ref = '<com:Structure><Ref agencyID="ESTAT" id="NA_MAIN" version="1.9" class="DataStructure"/></com:Structure>'
    else:
        ref = "<com:Structure>urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=ESTAT:NA_MAIN(1.9)</com:Structure>"
    lines = [
        "<?xml version='1.0' encoding='UTF-8'?>",
        f'<mes:StructureSpecificData xmlns:mes="{ns["mes"]}" xmlns:ss="{ns["ss"]}" xmlns:com="{ns["com"]}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:ns1="urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=ESTAT:NA_MAIN(1.9):ObsLevelDim:TIME_PERIOD">',
        "<mes:Header><mes:ID>T1</mes:ID><mes:Test>true</mes:Test><mes:Prepared>2024-01-01T00:00:00Z</mes:Prepared>",
        '<mes:Sender id="DATASAT"/>',
        f'<mes:Structure structureID="NA" dimensionAtObservation="{dim_at_obs}">{ref}</mes:Structure>',
        "</mes:Header>",
        '<mes:DataSet ss:structureRef="NA" xsi:type="ns1:DataSetType">',
        *body,
        "</mes:DataSet>",
        "</mes:StructureSpecificData>",
    ]
    return "\n".join(lines) + "\n"


def series(dims: dict[str, str] | None = None, extra: dict[str, str] | None = None, drop: tuple[str, ...] = ()) -> str:
    values = {**(dims or DIMS), **SERIES_ATTRS, **(extra or {})}
    return f"<Series {attrs({k: v for k, v in values.items() if k not in drop})}>"


def obs(period: str = "2020", value: str = "1.5", extra: dict[str, str] | None = None, drop: tuple[str, ...] = ()) -> str:
    values = {"TIME_PERIOD": period, "OBS_VALUE": value, **OBS_ATTRS, **(extra or {})}
    return f"<Obs {attrs({k: v for k, v in values.items() if k not in drop})}/>"


CLEAN = [series(), obs("2020"), obs("2021", "NaN"), "</Series>"]


def write(tmp_path: Path, text: str, name: str = "msg.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, marker: str, nth: int = 1) -> int:
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if marker in line]
    return hits[nth - 1]


def errors(report):
    return [f for f in report.findings if f.severity != "info"]


# --------------------------------------------------------------- clean messages ---
def test_clean_structure_specific_21(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, ss_message(CLEAN))
    report = check_message(path, "1.9")
    assert report.findings == []
    assert (report.observations, report.series, report.format) == (2, 1, "SDMX-ML 2.1 structure-specific")
    assert main([str(path), "--structure", "1.9"]) == 0
    assert "clean" in capsys.readouterr().out


def test_clean_structure_specific_30(tmp_path: Path) -> None:
    report = check_message(write(tmp_path, ss_message(CLEAN, "3.0")), "NA_MAIN-1.9")
    assert report.findings == [] and report.format == "SDMX-ML 3.0 structure-specific"
    assert report.observations == 2


# ------------------------------------------------------------- one defect each ---
DEFECTS = {
    "CODE_NOT_IN_CODELIST": ([series({**DIMS, "INSTR_ASSET": "N11733G"}), obs(), "</Series>"], "<Series", 1,
                             KEY.replace("N11732G", "N11733G"), "INSTR_ASSET", "N11733G"),
    "MISSING_MANDATORY_ATTRIBUTE": ([series(drop=("UNIT_MULT",)), obs(), "</Series>"], "<Series", 1, KEY, "UNIT_MULT", ""),
    "DUPLICATE_KEY": ([series(), obs("2020"), obs("2020", "2.5"), "</Series>"], "<Obs", 2, KEY, "TIME_PERIOD", "2020"),
    "CONFLICTING_ATTRIBUTE": ([series(), obs("2020"), "</Series>", series(extra={"UNIT_MULT": "3"}), obs("2021"),
                               "</Series>"], "<Series", 2, KEY, "UNIT_MULT", "3"),
    "NON_NUMERIC_VALUE": ([series(), obs("2020", "1,5"), "</Series>"], "<Obs", 1, KEY, "OBS_VALUE", "1,5"),
    "BAD_TIME_PERIOD": ([series(), obs("2020"), obs("2021-Q1"), "</Series>"], "<Obs", 2, KEY, "TIME_PERIOD", "2021-Q1"),
    "UNKNOWN_COMPONENT": ([series(), obs(extra={"BOUND": "low"}), "</Series>"], "<Obs", 1, KEY, "BOUND", ""),
    "MISSING_DIMENSION": ([series(drop=("PRICES",)), obs(), "</Series>"], "<Series", 1,
                          KEY.replace(".V.N", "..N"), "PRICES", ""),
}


@pytest.mark.parametrize("version", ["2.1", "3.0"])
@pytest.mark.parametrize("code", sorted(DEFECTS))
def test_each_defect_gives_exactly_its_finding(tmp_path: Path, code: str, version: str) -> None:
    body, marker, nth, key, component, value = DEFECTS[code]
    text = ss_message(body, version)
    report = check_message(write(tmp_path, text), "1.9")
    (finding,) = errors(report)
    assert (finding.code, finding.series_key, finding.line) == (code, key, line_of(text, marker, nth))
    assert (finding.component, finding.value) == (component, value)
    assert main([str(tmp_path / "msg.xml"), "--structure", "1.9"]) == 2


def test_missing_observation_attribute_is_reported_on_the_observation(tmp_path: Path) -> None:
    text = ss_message([series(), obs("2020"), obs("2021", drop=("CONF_STATUS",)), "</Series>"])
    (finding,) = errors(check_message(write(tmp_path, text), "1.9"))
    assert (finding.code, finding.line, finding.component) == ("MISSING_MANDATORY_ATTRIBUTE", line_of(text, "<Obs", 2), "CONF_STATUS")


def test_flat_observations_all_dimensions(tmp_path: Path) -> None:
    row = {**DIMS, **SERIES_ATTRS, "TIME_PERIOD": "2020", "OBS_VALUE": "1", **OBS_ATTRS}
    body = [f"<Obs {attrs(row)}/>", f"<Obs {attrs({**row, 'TIME_PERIOD': '2021', 'STO': 'P5OAX'})}/>"]
    text = ss_message(body, dim_at_obs="AllDimensions")
    (finding,) = errors(check_message(write(tmp_path, text), "1.9"))
    assert (finding.code, finding.line, finding.value) == ("CODE_NOT_IN_CODELIST", line_of(text, "<Obs", 2), "P5OAX")
    assert finding.series_key == KEY.replace("P51G", "P5OAX")


def test_same_key_in_two_data_sets_is_not_a_duplicate(tmp_path: Path) -> None:
    text = ss_message([*CLEAN, "</mes:DataSet>", '<mes:DataSet ss:structureRef="NA">', *CLEAN])
    report = check_message(write(tmp_path, text), "1.9")
    assert errors(report) == [] and report.observations == 4


def test_findings_are_capped_per_code(tmp_path: Path) -> None:
    body = [series(), *(obs(str(2000 + i), "x") for i in range(12)), "</Series>"]
    report = check_message(write(tmp_path, ss_message(body)), "1.9", max_per_code=5)
    codes = [f.code for f in report.findings]
    assert codes.count("NON_NUMERIC_VALUE") == 5 and codes[-1] == "FINDINGS_TRUNCATED"
    assert report.counts()["NON_NUMERIC_VALUE"] == 12 and report.suppressed == {"NON_NUMERIC_VALUE": 7}


# ------------------------------------------------------------------- generic ---
def generic_message(series_attrs: dict[str, str], periods: list[str]) -> str:
    key = "".join(f'<g:Value id="{k}" value="{v}"/>' for k, v in DIMS.items())
    sattrs = "".join(f'<g:Value id="{k}" value="{v}"/>' for k, v in series_attrs.items())
    oattrs = "".join(f'<g:Value id="{k}" value="{v}"/>' for k, v in OBS_ATTRS.items())
    lines = [
        "<?xml version='1.0' encoding='UTF-8'?>",
        f'<mes:GenericData xmlns:mes="{SS21["mes"]}" xmlns:g="{GENERIC}" xmlns:com="{SS21["com"]}">',
        "<mes:Header><mes:ID>G</mes:ID><mes:Test>true</mes:Test><mes:Prepared>2024-01-01T00:00:00Z</mes:Prepared>",
        '<mes:Sender id="DATASAT"/><mes:Structure structureID="NA" dimensionAtObservation="TIME_PERIOD">'
        '<com:Structure><Ref agencyID="ESTAT" id="NA_MAIN" version="1.9"/></com:Structure></mes:Structure></mes:Header>',
        '<mes:DataSet structureRef="NA">',
        "<g:Series>",
        f"<g:SeriesKey>{key}</g:SeriesKey>",
        f"<g:Attributes>{sattrs}</g:Attributes>",
    ]
    for p in periods:
        lines += ["<g:Obs>", f'<g:ObsDimension value="{p}"/><g:ObsValue value="2.5"/>', f"<g:Attributes>{oattrs}</g:Attributes>", "</g:Obs>"]
    lines += ["</g:Series>", "</mes:DataSet>", "</mes:GenericData>"]
    return "\n".join(lines) + "\n"


def test_generic_clean_and_defects(tmp_path: Path) -> None:
    clean = check_message(write(tmp_path, generic_message(SERIES_ATTRS, ["2020", "2021"])), "1.9")
    assert clean.findings == [] and clean.format == "SDMX-ML 2.1 generic" and clean.observations == 2
    text = generic_message({"TIME_FORMAT": "P1Y", "DECIMALS": "1"}, ["2020", "2020"])
    report = check_message(write(tmp_path, text, "bad.xml"), "1.9")
    found = {(f.code, f.line, f.series_key) for f in errors(report)}
    assert found == {
        ("MISSING_MANDATORY_ATTRIBUTE", line_of(text, "<g:Series>"), KEY),
        ("DUPLICATE_KEY", line_of(text, "<g:Obs>", 2), KEY),
    }


# ----------------------------------------------------------------------- CSV ---
CSV_COLUMNS = [*DIMS, "TIME_PERIOD", "OBS_VALUE", "OBS_STATUS", "CONF_STATUS", "COMMENT_OBS", "TIME_FORMAT", "DECIMALS", "UNIT_MULT"]


def csv_row(period: str, value: str = "1.5", comment: str = "", **changes: str) -> list[str]:
    values = {**DIMS, "TIME_PERIOD": period, "OBS_VALUE": value, **OBS_ATTRS, "COMMENT_OBS": comment, **SERIES_ATTRS, **changes}
    return [values[c] for c in CSV_COLUMNS]


def csv_text(rows: list[list[str]], version: str = "1.0", columns: list[str] | None = None) -> str:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if version == "1.0":
        writer.writerow(["DATAFLOW", *(columns or CSV_COLUMNS)])
        writer.writerows(["ESTAT:NA_MAIN(1.9)", *r] for r in rows)
    else:
        writer.writerow(["STRUCTURE", "STRUCTURE_ID", "ACTION", *(columns or CSV_COLUMNS)])
        writer.writerows(["datastructure", "ESTAT:NA_MAIN(1.9)", "I", *r] for r in rows)
    return buf.getvalue()


@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_csv_clean(tmp_path: Path, version: str) -> None:
    text = csv_text([csv_row("2020", comment='a, "quoted"\nmultiline <&>'), csv_row("2021", "")], version)
    report = check_message(write(tmp_path, text, "data.csv"), "1.9")
    assert report.findings == [] and report.format == f"SDMX-CSV {version}"
    assert (report.observations, report.series) == (2, 1)


@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_csv_defects_with_line_numbers(tmp_path: Path, version: str) -> None:
    rows = [
        csv_row("2019", comment="two\nlines"),  # line 2-3
        csv_row("2020"),  # line 4
        csv_row("2020", "7"),  # line 5: duplicate
        csv_row("2021", "n/a"),  # line 6: non-numeric
        csv_row("2022", UNIT_MULT="3"),  # line 7: conflicting series attribute
        csv_row("2023", STO="P5OAX"),  # line 8: project code
        csv_row("2024-Q1"),  # line 9: bad period
        csv_row("2025", CONF_STATUS=""),  # line 10: missing observation attribute
    ]
    report = check_message(write(tmp_path, csv_text(rows, version), "data.csv"), "1.9")
    found = sorted((f.line, f.code, f.series_key, f.value) for f in errors(report))
    assert found == [
        (5, "DUPLICATE_KEY", KEY, "2020"),
        (6, "NON_NUMERIC_VALUE", KEY, "n/a"),
        (7, "CONFLICTING_ATTRIBUTE", KEY, "3"),
        (8, "CODE_NOT_IN_CODELIST", KEY.replace("P51G", "P5OAX"), "P5OAX"),
        (9, "BAD_TIME_PERIOD", KEY, "2024-Q1"),
        (10, "MISSING_MANDATORY_ATTRIBUTE", KEY, ""),
    ]


def test_csv_header_defects(tmp_path: Path) -> None:
    """SDMX-CSV 2.0 allows its columns in any order: ADJUSTMENT before FREQ is no finding
    (SDMX-CSV 1.0 keeps the DSD order: WRONG_DIMENSION_ORDER)."""
    columns = [c for c in CSV_COLUMNS if c not in ("PRICES", "UNIT_MULT")] + ["EXTRA"]
    columns[0], columns[1] = columns[1], columns[0]  # ADJUSTMENT before FREQ
    row = dict(zip(CSV_COLUMNS, csv_row("2020"), strict=True)) | {"EXTRA": "x"}
    text = csv_text([[row[c] for c in columns]], "2.0", columns)
    report = check_message(write(tmp_path, text, "data.csv"), "1.9")
    found = sorted((f.code, f.line, f.component) for f in errors(report))
    assert found == [
        ("MISSING_DIMENSION", 1, "PRICES"),
        ("MISSING_MANDATORY_ATTRIBUTE", 1, "UNIT_MULT"),
        ("UNKNOWN_COMPONENT", 1, "EXTRA"),
    ]
    one = csv_text([[row[c] for c in columns]], "1.0", columns)
    assert ("WRONG_DIMENSION_ORDER", 1) in [(f.code, f.line) for f in check_message(write(tmp_path, one, "data1.csv"), "1.9").findings]


# ---------------------------------------------------------------- output, CLI ---
def test_json_and_text_output(tmp_path: Path, capsys) -> None:
    text = ss_message([series(), obs("2020", "abc"), "</Series>"])
    path = write(tmp_path, text)
    assert main([str(path), "--structure", "1.9", "--format", "json"]) == 2
    payload = json.loads(capsys.readouterr().out)
    assert payload["counts"] == {"NON_NUMERIC_VALUE": 1} and payload["clean"] is False
    assert payload["findings"][0]["line"] == line_of(text, "<Obs") and payload["findings"][0]["series_key"] == KEY
    report = check_message(path, "1.9")
    first = format_text(report).splitlines()[0]
    assert first == f"{path}:{line_of(text, '<Obs')}: NON_NUMERIC_VALUE {KEY}: OBS_VALUE 'abc' is not an xs:double"
    assert json.loads(format_json(report))["observations"] == 1


def test_unreadable_inputs_exit_2(tmp_path: Path, capsys) -> None:
    """Bad input is exit 2 (README: bad input or bad usage); 1 is kept for internal errors."""
    assert main([str(tmp_path / "absent.xml"), "--structure", "1.9"]) == 2
    broken = write(tmp_path, ss_message(CLEAN).replace("</Series>", ""), "broken.xml")
    assert main([str(broken), "--structure", "1.9"]) == 2
    good = write(tmp_path, ss_message(CLEAN))
    assert main([str(good), "--structure", "9.99"]) == 2
    err = capsys.readouterr().err
    assert "available versions: 1.9, 1.11" in err and "not well-formed" in err
    with pytest.raises(CheckError, match="neither SDMX-ML nor SDMX-CSV"):
        check_message(write(tmp_path, "a,b\n1,2\n", "plain.csv"), "1.9")


def test_nine_eleven_extract_flags_approximate_codelists(tmp_path: Path) -> None:
    report = check_message(write(tmp_path, ss_message(CLEAN).replace("NA_MAIN(1.9)", "NA_MAIN(1.11)").replace('version="1.9"', 'version="1.11"')), "1.11")
    assert errors(report) == [] and report.clean, report.findings
    # the same message naming NA_MAIN 1.9 is checked against another DSD than it says
    mismatch = check_message(write(tmp_path, ss_message(CLEAN), "named19.xml"), "1.11")
    assert [f.code for f in errors(mismatch)] == ["STRUCTURE_MISMATCH"]
    approx = [f.message for f in report.findings if f.code == "APPROXIMATE_CODELIST"]
    assert len(approx) == 11 and any(m.startswith("ESTAT:CL_OBS_STATUS(2.2) checked against version 2.3 (newer") for m in approx)


def test_streaming_many_observations(tmp_path: Path) -> None:
    body = []
    for s in range(100):
        body.append(series({**DIMS, "REF_AREA": ["NL", "DE", "FR", "BE"][s % 4], "TRANSFORMATION": ["N", "G1"][s // 4 % 2],
                            "ADJUSTMENT": ["N", "S", "Y", "W"][s // 8 % 4], "PRICES": ["V", "Q", "Y", "L"][s // 32 % 4]}))
        body += [obs(f"{y}") for y in range(1500, 1800)] + ["</Series>"]
    report = check_message(write(tmp_path, ss_message(body)), "1.9")
    assert report.observations == 30_000 and report.series == 100
    assert report.findings == []  # 100 distinct keys out of 4 x 2 x 4 x 4 combinations


# --------------------------------------------------------- official structure ---
@pytest.mark.skipif(not NA_MAIN_19_FILE.is_file(), reason="../shared registry files absent")
def test_official_registry_file_as_structure(tmp_path: Path) -> None:
    clean = write(tmp_path, ss_message(CLEAN))
    assert main([str(clean), "--structure", str(NA_MAIN_19_FILE)]) == 0
    text = ss_message([series({**DIMS, "INSTR_ASSET": "N11733G"}), obs(), "</Series>"])
    report = check_message(write(tmp_path, text, "bad.xml"), NA_MAIN_19_FILE)
    (finding,) = errors(report)
    assert report.structure == "ESTAT:NA_MAIN(1.9)"
    assert (finding.code, finding.value, finding.line) == ("CODE_NOT_IN_CODELIST", "N11733G", line_of(text, "<Series"))
    assert "ESTAT:CL_INSTR_ASSET(1.7)" in finding.message
    csv_report = check_message(write(tmp_path, csv_text([csv_row("2020")]), "d.csv"), NA_MAIN_19_FILE)
    assert csv_report.findings == []
