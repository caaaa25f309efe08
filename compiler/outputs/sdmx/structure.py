"""The satellite data structure: codelists, concepts, DSD and the two dataflows.

Built with the sdmx1 information model (SDMX 2.1 section 2, Information Model:
§3.5 item schemes, §4.4 concept schemes, §5.3 data structure definition, §5.2
dataflow) and written as an SDMX-ML 2.1 structure message by ``sdmx.to_xml``. sdmx1
2.28 writes SDMX-ML 2.1 only, so the SDMX-ML 3.0 structure message is written from
the same objects with lxml (:func:`structure_30_xml`).

Design (see ``docs/sdmx.md``):

* **Dimensions** are ESTAT:NA_MAIN's 14, in NA_MAIN order, then ``TIME_PERIOD``; the
  primary measure is ``OBS_VALUE``; attributes follow NA_MAIN (sdmx.md §3.3).
* **Bounds.** ``BOUND`` is *not* a dimension (the key must stay NA_MAIN's). One DSD,
  two dataflows ``<dataflow_id>_LOW`` and ``<dataflow_id>_HIGH``: the dataflow names
  the bound. Data messages carry one data set per bound, each referencing its own
  dataflow; SDMX-CSV carries the dataflow in ``DATAFLOW`` / ``STRUCTURE_ID``.
* **Codelists** are the project's copies, maintained by the project agency (the
  official ones cannot be restricted or extended under their owner's id): the full
  official extracts of ``codelists/official/`` (origin in an ``ORIGIN`` annotation),
  except INSTR_ASSET = official CL_INSTR_ASSET extended with the project codes of
  ``CL_INSTR_ASSET_DATA.csv`` (``parent`` as the code hierarchy) and STO = official
  CL_NA_STO plus ``CL_NA_STO_DATA.csv`` (P5OAX). The structure therefore does not
  depend on the table, and :func:`code_problems` reports table codes outside it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import sdmx
from lxml import etree
from sdmx import message
from sdmx.model import common, v21

from compiler import table as canon
from compiler.resources import codelists_dir
from compiler.outputs.sdmx.settings import SdmxSettings

#: Codelist of each coded component (file stem in ``codelists/official``, or the
#: project's extended list).
DIMENSION_CODELISTS: Mapping[str, str] = {
    "FREQ": "CL_FREQ",
    "ADJUSTMENT": "CL_ADJUSTMENT",
    "REF_AREA": "CL_AREA",
    "COUNTERPART_AREA": "CL_AREA",
    "REF_SECTOR": "CL_SECTOR",
    "COUNTERPART_SECTOR": "CL_SECTOR",
    "ACCOUNTING_ENTRY": "CL_ACCOUNT_ENTRY",
    "STO": "CL_NA_STO_DATA",
    "INSTR_ASSET": "CL_INSTR_ASSET_DATA",
    "ACTIVITY": "CL_ACTIVITY",
    "EXPENDITURE": "CL_COICOP",
    "UNIT_MEASURE": "CL_UNIT_DATA",
    "PRICES": "CL_NA_PRICES",
    "TRANSFORMATION": "CL_TRANSFORMATION",
}


@dataclass(frozen=True)
class AttributeSpec:
    """An attribute of the DSD: NA_MAIN(1.11) status and attachment (sdmx.md §3.3)."""

    id: str
    mandatory: bool
    level: str  # "observation" | "series"
    codelist: str | None = None
    text_type: str = "String"  # when not coded
    max_length: int | None = None
    min_length: int | None = None


#: In NA_MAIN order. TITLE is declared (optional) but not filled by datasat.
ATTRIBUTES: tuple[AttributeSpec, ...] = (
    AttributeSpec("OBS_STATUS", True, "observation", "CL_OBS_STATUS"),
    AttributeSpec("CONF_STATUS", True, "observation", "CL_CONF_STATUS"),
    AttributeSpec("COMMENT_OBS", False, "observation", max_length=4000),
    AttributeSpec("TIME_FORMAT", True, "series", "CL_TIME_FORMAT"),
    AttributeSpec("REF_YEAR_PRICE", False, "series", text_type="Integer", min_length=4, max_length=4),
    AttributeSpec("DECIMALS", True, "series", "CL_DECIMALS"),
    AttributeSpec("TITLE", False, "series", max_length=200),
    AttributeSpec("UNIT_MULT", True, "series", "CL_UNIT_MULT"),
)
ATTRIBUTE_SPECS: Mapping[str, AttributeSpec] = {a.id: a for a in ATTRIBUTES}
SERIES_ATTRIBUTES: tuple[str, ...] = tuple(a.id for a in ATTRIBUTES if a.level == "series")
OBS_ATTRIBUTES: tuple[str, ...] = tuple(a.id for a in ATTRIBUTES if a.level == "observation")

CONCEPT_NAMES: Mapping[str, str] = {
    "FREQ": "Frequency",
    "ADJUSTMENT": "Adjustment indicator",
    "REF_AREA": "Reference area",
    "COUNTERPART_AREA": "Counterpart area",
    "REF_SECTOR": "Reference sector",
    "COUNTERPART_SECTOR": "Counterpart sector",
    "ACCOUNTING_ENTRY": "Accounting entry",
    "STO": "Stocks, transactions, other flows",
    "INSTR_ASSET": "Instrument and assets classification",
    "ACTIVITY": "Activity classification",
    "EXPENDITURE": "Expenditure classification",
    "UNIT_MEASURE": "Unit of measure",
    "PRICES": "Prices",
    "TRANSFORMATION": "Transformation",
    "TIME_PERIOD": "Time period",
    "OBS_VALUE": "Observation value",
    "OBS_STATUS": "Observation status",
    "CONF_STATUS": "Confidentiality status",
    "COMMENT_OBS": "Observation comment",
    "TIME_FORMAT": "Time format",
    "REF_YEAR_PRICE": "Price reference year",
    "DECIMALS": "Decimals",
    "TITLE": "Title",
    "UNIT_MULT": "Unit multiplier",
}
CODELIST_NAMES: Mapping[str, str] = {
    "CL_FREQ": "Frequency",
    "CL_ADJUSTMENT": "Adjustment indicator",
    "CL_AREA": "Areas",
    "CL_SECTOR": "Institutional sectors",
    "CL_ACCOUNT_ENTRY": "Accounting entries",
    "CL_NA_STO_DATA": "Stocks, transactions and other flows, with datasat codes",
    "CL_INSTR_ASSET_DATA": "Instruments and assets, extended with data assets",
    "CL_ACTIVITY": "Activities",
    "CL_COICOP": "Expenditure (COICOP)",
    "CL_UNIT_DATA": "Units of measure, with datasat codes",
    "CL_NA_PRICES": "Prices",
    "CL_TRANSFORMATION": "Transformations",
    "CL_OBS_STATUS": "Observation status",
    "CL_CONF_STATUS": "Confidentiality status",
    "CL_TIME_FORMAT": "Time format",
    "CL_DECIMALS": "Decimals",
    "CL_UNIT_MULT": "Unit multiplier",
}
#: The official codelist each project codelist starts from.
BASE_CODELIST: Mapping[str, str] = {"CL_NA_STO_DATA": "CL_NA_STO", "CL_INSTR_ASSET_DATA": "CL_INSTR_ASSET", "CL_UNIT_DATA": "CL_UNIT"}
#: TIME_FORMAT from FREQ (SDMX:CL_TIME_FORMAT(1.0)).
TIME_FORMATS: Mapping[str, str] = {"A": "P1Y", "S": "P6M", "Q": "P3M", "M": "P1M", "W": "P7D", "D": "P1D"}
CONCEPT_SCHEME_ID = "CS_DATA_ASSETS"
BOUND_NAMES: Mapping[str, str] = {"low": "low bound", "high": "high bound"}


# --- codelists as data -----------------------------------------------------------------
@dataclass(frozen=True)
class CodeRow:
    id: str
    name: str
    parent: str = ""
    origin: str = ""


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def _manifest() -> Mapping[str, str]:
    rows = _read_csv(codelists_dir() / "official" / "MANIFEST.csv")
    return {r["id"]: f"{r['agency']}:{r['id']}({r['version']})" for r in rows}


@cache
def codelist_rows(codelist_id: str) -> tuple[CodeRow, ...]:
    """The codes of a project codelist, official extract first, project codes after."""
    official = BASE_CODELIST.get(codelist_id, codelist_id)
    origin = _manifest()[official]
    rows = {r["id"]: CodeRow(r["id"], r["name"], "", origin) for r in _read_csv(codelists_dir() / "official" / f"{official}.csv")}
    if codelist_id != official:
        for r in _read_csv(codelists_dir() / f"{codelist_id}.csv"):
            rows[r["id"]] = CodeRow(r["id"], r["name"], r.get("parent", "") or "", r.get("origin", "") or origin)
    return tuple(rows.values())


@cache
def codelist_ids(codelist_id: str) -> frozenset[str]:
    return frozenset(r.id for r in codelist_rows(codelist_id))


def component_codelists() -> dict[str, str]:
    """Codelist id of every coded component (dimensions and attributes)."""
    return {**DIMENSION_CODELISTS, **{a.id: a.codelist for a in ATTRIBUTES if a.codelist}}


def time_formats(freq: pd.Series) -> pd.Series:
    """TIME_FORMAT of each row from its FREQ (P1Y for A, P3M for Q, P1M for M)."""
    return freq.map(TIME_FORMATS).fillna("")


# --- checks --------------------------------------------------------------------------
def code_problems(table: pd.DataFrame, limit: int = 20) -> list[str]:
    """Codes of ``table`` missing from the project codelists, naming code and series."""
    problems: list[str] = []
    columns = {**DIMENSION_CODELISTS, **{a.id: a.codelist for a in ATTRIBUTES if a.codelist and a.id in table}}
    for column, codelist_id in columns.items():
        text = table[column].astype(str)
        if isinstance(text.array, pd.arrays.ArrowStringArray):  # distinct values first: one pass in pyarrow
            unique = text.array.__arrow_array__().unique().to_pylist()  # in order of first appearance, as pd.unique
        else:
            unique = pd.unique(text.to_numpy())
        bad = [v for v in unique if v not in codelist_ids(codelist_id)]
        values = text.to_numpy() if bad else None
        for value in bad:
            rows = table.loc[values == value]
            first = rows.iloc[0]
            problems.append(
                f"{column} code {value!r} is not in {codelist_id} "
                f"({rows.shape[0]} observations, e.g. series {canon.series_key(first)} bound {first[canon.BOUND]})"
            )
            if len(problems) >= limit:
                return problems
    return problems


# --- sdmx1 objects -------------------------------------------------------------------
@dataclass(frozen=True)
class Structures:
    """The artefacts of the structure message."""

    settings: SdmxSettings
    codelists: tuple[common.Codelist, ...]
    concept_scheme: common.ConceptScheme
    dsd: v21.DataStructureDefinition
    dataflows: Mapping[str, v21.DataflowDefinition]  # by bound

    def message(self) -> message.StructureMessage:
        msg = message.StructureMessage(header=_header(self.settings, f"{self.settings.dsd_id}_STRUCTURE"))
        for cl in self.codelists:
            msg.add(cl)
        msg.add(self.concept_scheme)
        msg.add(self.dsd)
        for df in self.dataflows.values():
            msg.add(df)
        return msg


def _header(settings: SdmxSettings, ident: str) -> message.Header:
    return message.Header(
        id=ident, test=False, prepared=settings.prepared.replace(tzinfo=None),
        sender=common.Agency(id=settings.sender),
    )


def _origin_annotation(origin: str) -> common.Annotation:
    return v21.Annotation(id="ORIGIN", type="ORIGIN", text={"en": origin})


def _codelist(codelist_id: str, agency: common.Agency, version: str) -> common.Codelist:
    official = BASE_CODELIST.get(codelist_id, codelist_id)
    cl = common.Codelist(
        id=codelist_id, maintainer=agency, version=version, is_final=True, is_external_reference=False,
        name={"en": CODELIST_NAMES.get(codelist_id, codelist_id)},
        annotations=[_origin_annotation(_manifest()[official])],
    )
    codes: dict[str, common.Code] = {}
    rows = codelist_rows(codelist_id)
    for row in rows:
        code = common.Code(id=row.id, name={"en": row.name})
        if row.origin and row.origin != _manifest()[official]:
            code.annotations.append(_origin_annotation(row.origin))
        codes[row.id] = code
        cl.append(code)
    for row in rows:
        if row.parent:
            if row.parent not in codes:
                raise ValueError(f"{codelist_id}: parent {row.parent!r} of code {row.id!r} is not in the codelist")
            codes[row.parent].append_child(codes[row.id])
    return cl


def build_structures(settings: SdmxSettings) -> Structures:
    """Codelists, concept scheme, DSD and the two dataflows for ``settings``."""
    agency = common.Agency(id=settings.agency)
    version = settings.version
    cl_by_id = {i: _codelist(i, agency, version) for i in dict.fromkeys(component_codelists().values())}

    cs = common.ConceptScheme(
        id=CONCEPT_SCHEME_ID, maintainer=agency, version=version, is_final=True, is_external_reference=False,
        name={"en": "Concepts of the data-asset satellite accounts"},
    )
    for cid, name in CONCEPT_NAMES.items():
        cs.append(common.Concept(id=cid, name={"en": name}))

    dsd = v21.DataStructureDefinition(
        id=settings.dsd_id, maintainer=agency, version=version, is_final=True, is_external_reference=False,
        name={"en": "Data-asset satellite accounts (ESTAT:NA_MAIN dimensions)"},
    )
    dsd.dimensions.id, dsd.attributes.id, dsd.measures.id = "DimensionDescriptor", "AttributeDescriptor", "MeasureDescriptor"
    for order, dim in enumerate(canon.DIMENSIONS, start=1):
        dsd.dimensions.append(common.Dimension(
            id=dim, order=order, concept_identity=cs[dim],
            local_representation=common.Representation(enumerated=cl_by_id[DIMENSION_CODELISTS[dim]]),
        ))
    dsd.dimensions.append(common.TimeDimension(
        id=canon.TIME, order=len(canon.DIMENSIONS) + 1, concept_identity=cs[canon.TIME],
        local_representation=common.Representation(
            non_enumerated=[common.Facet(value_type=common.FacetValueType.observationalTimePeriod)]),
    ))
    measure = v21.PrimaryMeasure(
        id=canon.VALUE, concept_identity=cs[canon.VALUE],
        local_representation=common.Representation(non_enumerated=[common.Facet(value_type=common.FacetValueType.double)]),
    )
    dsd.measures.append(measure)
    series_dims = [dsd.dimensions.get(d) for d in canon.DIMENSIONS]
    for spec in ATTRIBUTES:
        if spec.codelist:
            rep = common.Representation(enumerated=cl_by_id[spec.codelist])
        else:
            rep = common.Representation(non_enumerated=[common.Facet(value_type=getattr(common.FacetValueType, spec.text_type[0].lower() + spec.text_type[1:]))])
        related = (v21.PrimaryMeasureRelationship() if spec.level == "observation"
                   else common.DimensionRelationship(dimensions=series_dims))
        dsd.attributes.append(common.DataAttribute(
            id=spec.id, concept_identity=cs[spec.id], local_representation=rep, related_to=related,
            usage_status=common.UsageStatus.mandatory if spec.mandatory else common.UsageStatus.conditional,
        ))
    dataflows = {
        bound: v21.DataflowDefinition(
            id=settings.dataflow(bound), maintainer=agency, version=version, is_final=True, is_external_reference=False,
            name={"en": f"Data-asset satellite accounts, {BOUND_NAMES[bound]}"}, structure=dsd,
        )
        for bound in canon.BOUNDS
    }
    return Structures(settings, tuple(cl_by_id.values()), cs, dsd, dataflows)


# --- SDMX-ML 2.1 --------------------------------------------------------------------
def _facet_lengths(root: etree._Element) -> None:
    """Add minLength/maxLength to text formats (sdmx1 writes textType only)."""
    ns = {"str": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure",
          "com": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"}
    for attr in root.iterfind(".//str:DataStructure/str:DataStructureComponents/str:AttributeList/str:Attribute", ns):
        spec = ATTRIBUTE_SPECS.get(attr.get("id", ""))
        text_format = attr.find("str:LocalRepresentation/str:TextFormat", ns)
        if spec is None or text_format is None:
            continue
        if spec.min_length is not None:
            text_format.set("minLength", str(spec.min_length))
        if spec.max_length is not None:
            text_format.set("maxLength", str(spec.max_length))


def structure_21_xml(structures: Structures) -> bytes:
    """SDMX-ML 2.1 structure message (``sdmx.to_xml`` plus text-format lengths)."""
    from sdmx.writer.xml import writer

    root = writer.recurse(structures.message())
    _facet_lengths(root)
    prepared = root.find("{*}Header/{*}Prepared")
    prepared.text = structures.settings.prepared_text
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)


# --- SDMX-ML 3.0 --------------------------------------------------------------------
NS30 = {
    "mes": "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message",
    "str": "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/structure",
    "com": "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def urn(kind: str, agency: str, ident: str, version: str, item: str | None = None) -> str:
    """SDMX URN, e.g. ``urn:sdmx:org.sdmx.infomodel.codelist.Codelist=A:CL(1.0.0)``."""
    tail = f".{item}" if item else ""
    return f"urn:sdmx:org.sdmx.infomodel.{kind}={agency}:{ident}({version}){tail}"


def _q(prefix: str, tag: str) -> str:
    return f"{{{NS30[prefix]}}}{tag}"


def _sub(parent: etree._Element, prefix: str, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    elem = etree.SubElement(parent, _q(prefix, tag), {k: v for k, v in attrib.items() if v is not None})
    if text is not None:
        elem.text = text
    return elem


def _names(elem: etree._Element, names: Mapping[str, str]) -> None:
    for lang, text in names.items():
        _sub(elem, "com", "Name", text).set(XML_LANG, lang)


def _annotations(elem: etree._Element, annotations: Iterable[common.Annotation]) -> None:
    annotations = list(annotations)
    if not annotations:
        return
    box = _sub(elem, "com", "Annotations")
    for a in annotations:
        ann = _sub(box, "com", "Annotation", id=a.id)
        if a.type:
            _sub(ann, "com", "AnnotationType", a.type)
        for lang, text in a.text.localizations.items():
            _sub(ann, "com", "AnnotationText", text).set(XML_LANG, lang)


def _maintainable(parent: etree._Element, tag: str, kind: str, obj: common.MaintainableArtefact) -> etree._Element:
    elem = _sub(parent, "str", tag, id=obj.id, urn=urn(kind, obj.maintainer.id, obj.id, str(obj.version)),
                agencyID=obj.maintainer.id, version=str(obj.version), isExternalReference="false")
    _annotations(elem, obj.annotations)
    _names(elem, obj.name.localizations)
    return elem


def structure_30_xml(structures: Structures) -> bytes:
    """SDMX-ML 3.0 structure message (SDMX 3.0 section 3A), written with lxml.

    Header, then the structures in the order of the schema: codelists, concept
    scheme, the data structure (dimensions, attributes, measure), dataflows.
    """
    s = structures.settings
    root = etree.Element(_q("mes", "Structure"), nsmap=NS30)
    header = _sub(root, "mes", "Header")
    _sub(header, "mes", "ID", f"{s.dsd_id}_STRUCTURE")
    _sub(header, "mes", "Test", "false")
    _sub(header, "mes", "Prepared", s.prepared_text)
    _sub(header, "mes", "Sender", id=s.sender)
    body = _sub(root, "mes", "Structures")
    _codelists_30(body, structures)
    _concept_scheme_30(body, structures)
    _data_structure_30(body, structures)
    flows = _sub(body, "str", "Dataflows")
    dsd = structures.dsd
    for df in structures.dataflows.values():
        elem = _maintainable(flows, "Dataflow", "datastructure.Dataflow", df)
        _sub(elem, "str", "Structure", urn("datastructure.DataStructure", dsd.maintainer.id, dsd.id, str(dsd.version)))
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)


def _codelists_30(body: etree._Element, structures: Structures) -> None:
    """str:Codelists: every code with its annotations, names and parent."""
    codelists = _sub(body, "str", "Codelists")
    for cl in structures.codelists:
        elem = _maintainable(codelists, "Codelist", "codelist.Codelist", cl)
        for code in cl.items.values():
            item = _sub(elem, "str", "Code", id=code.id, urn=urn("codelist.Code", cl.maintainer.id, cl.id, str(cl.version), code.id))
            _annotations(item, code.annotations)
            _names(item, code.name.localizations)
            if isinstance(code.parent, common.Code):
                _sub(item, "str", "Parent", code.parent.id)


def _concept_scheme_30(body: etree._Element, structures: Structures) -> None:
    """str:ConceptSchemes: the one concept scheme and its concepts."""
    concepts = _sub(body, "str", "ConceptSchemes")
    cs = structures.concept_scheme
    elem = _maintainable(concepts, "ConceptScheme", "conceptscheme.ConceptScheme", cs)
    for concept in cs.items.values():
        item = _sub(elem, "str", "Concept", id=concept.id,
                    urn=urn("conceptscheme.Concept", cs.maintainer.id, cs.id, str(cs.version), concept.id))
        _names(item, concept.name.localizations)


def _concept_ref_30(parent: etree._Element, structures: Structures, cid: str) -> None:
    """str:ConceptIdentity: the URN of concept ``cid`` of the concept scheme."""
    cs = structures.concept_scheme
    _sub(parent, "str", "ConceptIdentity", urn("conceptscheme.Concept", cs.maintainer.id, cs.id, str(cs.version), cid))


def _enumeration_30(parent: etree._Element, cl: common.Codelist) -> None:
    """str:LocalRepresentation enumerated by codelist ``cl``."""
    rep = _sub(parent, "str", "LocalRepresentation")
    _sub(rep, "str", "Enumeration", urn("codelist.Codelist", cl.maintainer.id, cl.id, str(cl.version)))


def _data_structure_30(body: etree._Element, structures: Structures) -> None:
    """str:DataStructures: dimensions (time last), attributes and the measure."""
    dsd = structures.dsd
    structures_elem = _sub(body, "str", "DataStructures")
    elem = _maintainable(structures_elem, "DataStructure", "datastructure.DataStructure", dsd)
    comps = _sub(elem, "str", "DataStructureComponents")
    dims = _sub(comps, "str", "DimensionList", id="DimensionDescriptor")
    for dim in dsd.dimensions.components:
        if isinstance(dim, common.TimeDimension):
            time = _sub(dims, "str", "TimeDimension", id=dim.id)
            _concept_ref_30(time, structures, dim.id)
            rep = _sub(time, "str", "LocalRepresentation")
            _sub(rep, "str", "TextFormat", textType="ObservationalTimePeriod")
        else:
            d = _sub(dims, "str", "Dimension", id=dim.id, position=str(dim.order))
            _concept_ref_30(d, structures, dim.id)
            _enumeration_30(d, dim.local_representation.enumerated)
    attrs = _sub(comps, "str", "AttributeList", id="AttributeDescriptor")
    for attr in dsd.attributes.components:
        _attribute_30(attrs, structures, attr)
    measures = _sub(comps, "str", "MeasureList", id="MeasureDescriptor")
    m = _sub(measures, "str", "Measure", id=canon.VALUE, usage="mandatory")
    _concept_ref_30(m, structures, canon.VALUE)
    rep = _sub(m, "str", "LocalRepresentation")
    _sub(rep, "str", "TextFormat", textType="Double")


def _attribute_30(attrs: etree._Element, structures: Structures, attr: common.DataAttribute) -> None:
    """One str:Attribute: usage, representation (codelist or text format) and relationship."""
    spec = ATTRIBUTE_SPECS[attr.id]
    a = _sub(attrs, "str", "Attribute", id=attr.id, usage="mandatory" if spec.mandatory else "optional")
    _concept_ref_30(a, structures, attr.id)
    if spec.codelist:
        _enumeration_30(a, attr.local_representation.enumerated)
    else:
        rep = _sub(a, "str", "LocalRepresentation")
        _sub(rep, "str", "TextFormat", textType=spec.text_type,
             minLength=None if spec.min_length is None else str(spec.min_length),
             maxLength=None if spec.max_length is None else str(spec.max_length))
    rel = _sub(a, "str", "AttributeRelationship")
    if spec.level == "observation":
        _sub(rel, "str", "Observation")
    else:
        for dim in canon.DIMENSIONS:
            _sub(rel, "str", "Dimension", dim)


def read_dsd(path: Path) -> tuple[v21.DataStructureDefinition, dict[str, v21.DataflowDefinition]]:
    """Read a written ``structure.xml`` back with sdmx1: the DSD and dataflows by id."""
    msg = sdmx.read_sdmx(path)
    (dsd,) = msg.structure.values()
    return dsd, dict(msg.dataflow.items())


__all__ = [
    "ATTRIBUTES", "DIMENSION_CODELISTS", "OBS_ATTRIBUTES", "SERIES_ATTRIBUTES", "Structures",
    "build_structures", "code_problems", "codelist_ids", "read_dsd", "structure_21_xml",
    "structure_30_xml", "time_formats", "urn",
]
