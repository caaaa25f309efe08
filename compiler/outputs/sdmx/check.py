"""``check-sdmx``: what a registry checks beyond the XML schema.

XSD validation (sdmx.md §8) proves a message is well formed; a registry then checks
the data against the DSD and its codelists. This module does the latter for

* SDMX-ML 2.1 structure-specific and generic data messages (SDMX 2.1 section 3A,
  SDMX-ML: "Schematic Schema" §3 structure-specific data, §4 generic data),
* SDMX-ML 3.0 structure-specific data messages (SDMX 3.0 section 3A),
* SDMX-CSV 1.0 (``DATAFLOW`` first column) and 2.0 (``STRUCTURE``, ``STRUCTURE_ID``,
  ``ACTION``; sdmx.md §9.1-9.2),

given a structure: an SDMX-ML 2.1 or 3.0 structure message holding the DSD and its
codelists (read with sdmx1), or the name of a shipped official NA_MAIN version
(``"1.9"``, ``"NA_MAIN-1.11"``; :func:`compiler.outputs.sdmx.official.load_na_main`).

Data is streamed: XML with ``lxml.etree.iterparse`` (elements cleared as they are
consumed; line numbers from ``sourceline``), CSV with pandas in chunks and vectorised
checks, so a message of a million observations is checked in bounded memory. Per
data set the checker keeps the time periods seen per series (interned strings; CSV:
64-bit hashes of key and period) and the series-level attribute values per series.

Finding codes (stable; also in ``docs/check-sdmx.md``)
------------------------------------------------------

=============================  ========  ==============================================
code                           severity  meaning
=============================  ========  ==============================================
CODE_NOT_IN_CODELIST           error     a dimension or coded attribute value is not a
                                         code of the codelist the DSD references
MISSING_DIMENSION              error     a series / observation / CSV row (or the CSV
                                         header) lacks a dimension, or its value is empty
UNKNOWN_COMPONENT              error     an XML attribute / component id / CSV column
                                         that the DSD does not define
MISSING_MANDATORY_ATTRIBUTE    error     a Mandatory attribute is absent at its
                                         attachment level (series attribute on a series,
                                         observation attribute on an observation, data
                                         set attribute on the data set; CSV: column
                                         missing or cell empty)
DUPLICATE_KEY                  error     the same series key and time period twice in
                                         one data set
CONFLICTING_ATTRIBUTE          error     one series with different values of a
                                         series-level attribute
NON_NUMERIC_VALUE              error     OBS_VALUE is not an ``xs:double`` (``NaN``,
                                         ``INF``, ``-INF`` are; an empty CSV cell is a
                                         missing value and allowed)
BAD_TIME_PERIOD                error     TIME_PERIOD missing or not in the format of the
                                         series' TIME_FORMAT (else FREQ): annual
                                         ``2020`` (or ``2020-A1``), half-year
                                         ``2020-S1``, quarter ``2020-Q1``, month
                                         ``2020-01``/``2020-M01``, week ``2020-W01``,
                                         day ``2020-01-31``
WRONG_DIMENSION_ORDER          error     CSV: the dimension columns are not in DSD order
CODELIST_UNAVAILABLE           info      the structure references a codelist it does not
                                         contain: its codes are not checked
APPROXIMATE_CODELIST           info      shipped NA_MAIN extract: a pinned codelist
                                         version was not available (NOTES.md)
FINDINGS_TRUNCATED             info      more than ``max_per_code`` findings of a code;
                                         the rest were counted, not listed
=============================  ========  ==============================================

A message is clean when it has no ``error`` or ``warning`` finding. ``main`` (the
``datasat check-sdmx`` command) exits 0 when clean; 2 with findings, when the message or
the structure cannot be read, or on bad usage; 1 on an internal error.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from lxml import etree

from compiler.outputs.sdmx.check_facets import decimals_problem, facet_problem
from compiler.outputs.sdmx.official import (
    DATASET,
    GROUP,
    OBSERVATION,
    SERIES,
    Component,
    OfficialDsd,
    UnknownVersionError,
    load_na_main,
)

ERROR, WARNING, INFO = "error", "warning", "info"
CODES: Mapping[str, str] = {
    "CODE_NOT_IN_CODELIST": ERROR,
    "MISSING_DIMENSION": ERROR,
    "UNKNOWN_COMPONENT": ERROR,
    "MISSING_MANDATORY_ATTRIBUTE": ERROR,
    "DUPLICATE_KEY": ERROR,
    "CONFLICTING_ATTRIBUTE": ERROR,
    "NON_NUMERIC_VALUE": ERROR,
    "BAD_TIME_PERIOD": ERROR,
    "WRONG_DIMENSION_ORDER": ERROR,
    "STRUCTURE_MISMATCH": ERROR,
    "NAMESPACE_MISMATCH": ERROR,
    "BAD_NAMESPACE": ERROR,
    "FACET_VIOLATION": ERROR,
    "ATTRIBUTE_WRONG_LEVEL": ERROR,
    "EMPTY_DATASET": ERROR,
    "BAD_ACTION": ERROR,
    "BAD_CSV_STRUCTURE": ERROR,
    "NOT_UTF8": ERROR,
    "VALUE_PRECISION": WARNING,
    "CODELIST_UNAVAILABLE": INFO,
    "APPROXIMATE_CODELIST": INFO,
    "FINDINGS_TRUNCATED": INFO,
}
MAX_PER_CODE = 1000
CSV_CHUNK = 200_000

#: xs:double lexical space (XML Schema Part 2, §3.2.5), NaN and infinities included.
DOUBLE = re.compile(r"\s*([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|NaN|[+-]?INF)\s*")
_DOUBLE_PATTERN = DOUBLE.pattern
#: Reporting-period formats of SDMX 2.1 section 6 (Technical Notes) §4.2, by frequency.
TIME_PATTERNS: Mapping[str, str] = {
    "A": r"\d{4}(-A1)?",
    "S": r"\d{4}-S[12]",
    "Q": r"\d{4}-Q[1-4]",
    "M": r"\d{4}-(0[1-9]|1[0-2]|M(0[1-9]|1[0-2]))",
    "W": r"\d{4}-W(0[1-9]|[1-4]\d|5[0-3])",
    "D": r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])|\d{4}-D(00[1-9]|0[1-9]\d|[12]\d\d|3[0-5]\d|36[0-6])",
}
#: Any ObservationalTimePeriod (used when neither TIME_FORMAT nor FREQ tells the format).
ANY_TIME = "|".join(f"(?:{p})" for p in TIME_PATTERNS.values()) + (
    r"|\d{4}(-\d{2}(-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?)?)?(/P[0-9YMWDTHS.]+)?"
    r"|\d{4}-T[1-3]|\d{4}-R[1-2]|\d{4}"
)
TIME_FORMAT_FREQ: Mapping[str, str] = {"P1Y": "A", "P6M": "S", "P3M": "Q", "P1M": "M", "P7D": "W", "P1D": "D"}
FREQ_ALIASES: Mapping[str, str] = {"B": "D"}
_TIME_RE = {f: re.compile(p) for f, p in TIME_PATTERNS.items()}
_ANY_TIME_RE = re.compile(ANY_TIME)
_URN = re.compile(r"\.(?P<class>\w+)=(?P<agency>[^:]+):(?P<id>[^(]+)\((?P<version>[^)]+)\)")


class CheckError(Exception):
    """The message or the structure cannot be read (``datasat check-sdmx`` exit code 2)."""


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    series_key: str = ""
    line: int | None = None
    component: str = ""
    value: str = ""


@dataclass
class CheckReport:
    path: str
    structure: str
    format: str
    findings: list[Finding] = field(default_factory=list)
    observations: int = 0
    series: int = 0
    suppressed: dict[str, int] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not any(f.severity in (ERROR, WARNING) for f in self.findings)

    def counts(self) -> dict[str, int]:
        listed = Counter(f.code for f in self.findings)
        for code, n in self.suppressed.items():
            listed[code] += n
        return dict(sorted(listed.items()))


# --------------------------------------------------------------------------- sink ---
class _Sink:
    """Collects findings, at most ``max_per_code`` of each code (the rest are counted)."""

    def __init__(self, max_per_code: int | None) -> None:
        self.findings: list[Finding] = []
        self.counts: Counter[str] = Counter()
        self.suppressed: Counter[str] = Counter()
        self.limit = max_per_code

    def add(self, code: str, message: str, key: str = "", line: int | None = None, component: str = "", value: str = "") -> None:
        self.counts[code] += 1
        if self.limit is not None and self.counts[code] > self.limit:
            self.suppressed[code] += 1
            return
        self.findings.append(Finding(code, CODES[code], message, key, line, component, value))


# ---------------------------------------------------------------------- structure ---
def _ref_of(obj: Any) -> str:
    maintainer = getattr(getattr(obj, "maintainer", None), "id", "") or ""
    return f"{maintainer}:{obj.id}({obj.version})"


def _attachment(attribute: Any, n_dims: int) -> str:
    rel = getattr(attribute, "related_to", None)
    kind = type(rel).__name__
    if kind in ("PrimaryMeasureRelationship", "ObservationRelationship", "MeasureRelationship"):
        return OBSERVATION
    if kind in ("NoSpecifiedRelationship", "DataflowRelationship") or rel is None:
        return DATASET
    if kind == "GroupRelationship":
        return GROUP
    if kind == "DimensionRelationship":
        ids = [d.id for d in getattr(rel, "dimensions", [])]
        if any(type(d).__name__ == "TimeDimension" for d in getattr(rel, "dimensions", [])):
            return OBSERVATION
        return SERIES if ids else DATASET
    return SERIES


def _status(attribute: Any) -> str:
    status = getattr(attribute, "usage_status", None)
    if status is not None:
        return "Mandatory" if status.name == "mandatory" else "Conditional"
    return "Mandatory" if (getattr(attribute, "min_occurs", 0) or 0) >= 1 else "Conditional"


def dsd_from_sdmx(dsd: Any, msg: Any) -> OfficialDsd:
    """An :class:`OfficialDsd` from an sdmx1 DSD and the structure message holding it."""
    codelists: dict[str, frozenset[str]] = {}
    missing: set[str] = set()

    def codelist_of(component: Any) -> str:
        rep = getattr(component, "local_representation", None)
        enum = getattr(rep, "enumerated", None)
        if enum is None:
            return ""
        ref = _ref_of(enum)
        if ref in codelists or ref in missing:
            return ref
        full = enum if len(enum) else None
        if full is None:
            for cl in msg.codelist.values():
                if cl.id == enum.id and len(cl) and (not enum.version or cl.version == enum.version):
                    full = cl
                    break
        if full is None:
            missing.add(ref)
        else:
            codelists[ref] = frozenset(code.id for code in full)
        return ref

    dims, time = [], None
    for i, d in enumerate(dsd.dimensions.components, start=1):
        if type(d).__name__ == "TimeDimension":
            time = Component(d.id, "time", i)
        else:
            dims.append(Component(d.id, "dimension", i, codelist_of(d)))
    measures = list(dsd.measures.components)
    measure = Component(measures[0].id if measures else "OBS_VALUE", "measure")
    n_dims = len(dims)
    attributes = tuple(
        Component(a.id, "attribute", None, codelist_of(a), *_facets(a)[:1], _status(a), _attachment(a, n_dims), *_facets(a)[1:])
        for a in dsd.attributes.components
    )
    measure = Component(measure.id, "measure", None, "", *_facets(measures[0])[:1], "", "", *_facets(measures[0])[1:]) if measures else measure
    flows = tuple(_ref_of(df) for df in getattr(msg, "dataflow", {}).values()
                  if df.structure is not None and df.structure.id == dsd.id and (df.structure.version or "") in ("", dsd.version or ""))
    return OfficialDsd(
        agency=getattr(dsd.maintainer, "id", "") or "",
        id=dsd.id,
        version=dsd.version or "",
        dimensions=tuple(dims),
        time_dimension=time or Component("TIME_PERIOD", "time"),
        measure=measure,
        attributes=attributes,
        codelists=codelists,
        missing=tuple(sorted(missing)),
        dataflows=flows,
    )


def _facets(component: Any) -> tuple[str, int | None, int | None, str]:
    """(textType, minLength, maxLength, pattern) of a non-enumerated representation."""
    rep = getattr(component, "local_representation", None)
    text_type, low, high, pattern = "", None, None, ""
    for facet in getattr(rep, "non_enumerated", None) or []:
        kind = getattr(facet, "type", None)
        low = getattr(kind, "min_length", None) if getattr(kind, "min_length", None) is not None else low
        high = getattr(kind, "max_length", None) if getattr(kind, "max_length", None) is not None else high
        pattern = getattr(kind, "pattern", None) or pattern
        value_type = getattr(facet, "value_type", None)
        if value_type is not None:
            text_type = {"double": "Double", "integer": "Integer", "string": "String", "decimal": "Decimal", "float": "Float",
                         "long": "Long", "short": "Short", "boolean": "Boolean", "big_integer": "BigInteger"}.get(value_type.name, text_type)
    return text_type, (int(low) if low is not None else None), (int(high) if high is not None else None), pattern


def _parse_ref(text: str) -> tuple[str, str, str]:
    m = re.fullmatch(r"(?:(?P<agency>[^:]+):)?(?P<id>[^(]+)(?:\((?P<version>[^)]+)\))?", text.strip())
    if not m:
        raise CheckError(f"not a structure reference AGENCY:ID(VERSION): {text!r}")
    return m["agency"] or "", m["id"], m["version"] or ""


def load_structure(structure: Path | str | OfficialDsd, ref: Mapping[str, str] | None = None, dsd: str | None = None) -> OfficialDsd:
    """The DSD to check against.

    ``structure`` is an :class:`OfficialDsd`, a shipped NA_MAIN version name, or an
    SDMX-ML structure file. In a file holding several DSDs, ``dsd``
    (``AGENCY:ID(VERSION)``) chooses; else the message's own reference (``ref``: the
    header's DSD or dataflow, the CSV ``DATAFLOW``/``STRUCTURE_ID``); else the only DSD.
    """
    if isinstance(structure, OfficialDsd):
        return structure
    path = Path(structure)
    if not path.is_file():
        if isinstance(structure, str) and not any(c in structure for c in "/\\") and not structure.endswith(".xml"):
            try:
                return load_na_main(structure)
            except UnknownVersionError as exc:
                raise CheckError(f"{structure!r} is neither a file nor a shipped NA_MAIN version: {exc}") from exc
        raise CheckError(f"structure file not found: {structure}")
    import sdmx  # noqa: PLC0415 (slow import, only for structure files)

    try:
        msg = sdmx.read_sdmx(path)
    except Exception as exc:  # noqa: BLE001 - sdmx1 raises many types
        raise CheckError(f"cannot read the structure message {path}: {exc}") from exc
    dsds = list(getattr(msg, "structure", {}).values())
    if not dsds:
        raise CheckError(f"{path} holds no data structure definition")
    chosen = None
    if dsd:
        agency, ident, version = _parse_ref(dsd)
        chosen = [d for d in dsds if d.id == ident and (not version or d.version == version)
                  and (not agency or getattr(d.maintainer, "id", "") == agency)]
    elif ref and ref.get("id"):
        ident, version = ref["id"], ref.get("version", "")
        if ref.get("class", "").lower() in ("dataflow", "structureusage"):
            for df in getattr(msg, "dataflow", {}).values():
                if df.id == ident and (not version or df.version == version) and df.structure is not None:
                    ident, version = df.structure.id, df.structure.version or ""
                    break
        chosen = [d for d in dsds if d.id == ident and (not version or d.version == version)]
    if not chosen:
        if len(dsds) == 1:
            chosen = dsds
        else:
            names = ", ".join(_ref_of(d) for d in dsds)
            wanted = dsd or (f"{ref.get('id')}({ref.get('version')})" if ref else "none")
            raise CheckError(f"{path} holds several DSDs ({names}); the message's reference ({wanted}) "
                             "matches none: choose one with --dsd AGENCY:ID(VERSION)")
    return dsd_from_sdmx(chosen[0], msg)


# ------------------------------------------------------------------ shared checks ---
def _local(tag: Any) -> str:
    return tag[tag.rfind("}") + 1 :] if isinstance(tag, str) else ""


class _Checker:
    """Checks normalised series / observation records against one DSD."""

    def __init__(self, dsd: OfficialDsd, sink: _Sink, dim_at_obs: str = "") -> None:
        self.dsd = dsd
        self.sink = sink
        self.dims = dsd.dimension_ids
        self.time = dsd.time_dimension.id
        self.measure = dsd.measure.id
        self.components = dsd.components
        self.codes = {c.id: dsd.codelists.get(c.codelist) for c in self.components.values() if c.codelist}
        self.cl_ref = {c.id: c.codelist for c in self.components.values() if c.codelist}
        attrs = dsd.attributes
        self.series_attrs = tuple(a.id for a in attrs if a.attachment in (SERIES, GROUP))
        self.mandatory = {
            level: tuple(a.id for a in attrs if a.mandatory and a.attachment == level)
            for level in (OBSERVATION, SERIES, DATASET)
        }
        self.flat = dim_at_obs == "AllDimensions"
        self.dim_at_obs = dim_at_obs if dim_at_obs in self.dims else ""
        self.series_dims = tuple(d for d in self.dims if d != self.dim_at_obs)
        self.new_dataset()

    def new_dataset(self) -> None:
        self.times: dict[str, set[str]] = {}
        self.series_values: dict[str, dict[str, str]] = {}
        self.dataset_values: dict[str, str] = {}
        self.observations = 0
        self.series_count = 0

    # --- helpers ---
    def key(self, values: Mapping[str, str], dims: Sequence[str] | None = None) -> str:
        return ".".join(values.get(d, "") for d in (dims or self.dims))

    def _codes(self, values: Mapping[str, str], key: str, line: int | None) -> None:
        for cid, value in values.items():
            codes = self.codes.get(cid)
            if codes is None or value in codes:
                continue
            if value == "" and cid not in self.dims:
                continue
            note = f" ({self.dsd.approximations[self.cl_ref[cid]]})" if self.cl_ref[cid] in self.dsd.approximations else ""
            self.sink.add("CODE_NOT_IN_CODELIST", f"{cid} {value!r} is not in {self.cl_ref[cid]}{note}", key, line, cid, value)

    def _unknown(self, values: Iterable[str], key: str, line: int | None, where: str) -> None:
        for cid in values:
            if cid not in self.components:
                self.sink.add("UNKNOWN_COMPONENT", f"{where} has {cid!r}, which is not a component of {self.dsd.urn_ref}", key, line, cid)

    def _missing(self, values: Mapping[str, str], ids: Iterable[str], key: str, line: int | None, where: str) -> None:
        for cid in ids:
            if values.get(cid, "") == "":
                self.sink.add("MISSING_MANDATORY_ATTRIBUTE", f"mandatory {where} attribute {cid} is missing", key, line, cid)

    def _facets(self, values: Mapping[str, str], key: str, line: int | None) -> None:
        """FACET_VIOLATION: text-format facets of non-coded values (length, type, pattern)."""
        for cid, value in values.items():
            component = self.components.get(cid)
            if component is None or component.codelist or (cid == self.measure and not DOUBLE.fullmatch(value)):
                continue  # codes are checked against codelists; a non-number is NON_NUMERIC_VALUE
            problem = facet_problem(component, value)
            if problem:
                self.sink.add("FACET_VIOLATION", problem, key, line, cid, value)

    def _level(self, values: Iterable[str], allowed: set[str], key: str, line: int | None, where: str) -> None:
        """ATTRIBUTE_WRONG_LEVEL: an attribute of the DSD given where its attachment is not."""
        for cid in values:
            component = self.components.get(cid)
            if component is not None and component.kind == "attribute" and component.attachment not in allowed:
                self.sink.add("ATTRIBUTE_WRONG_LEVEL", f"{cid} is attached at {component.attachment} level in "
                              f"{self.dsd.urn_ref}, but {where} carries it", key, line, cid)

    def _conflicts(self, key: str, values: Mapping[str, str], line: int | None) -> None:
        present = {a: values[a] for a in self.series_attrs if values.get(a, "") != ""}
        known = self.series_values.get(key)
        if known is None:
            self.series_values[key] = present
            return
        for attr, value in present.items():
            before = known.setdefault(attr, value)
            if before != value:
                self.sink.add("CONFLICTING_ATTRIBUTE", f"series attribute {attr} is {value!r} here but {before!r} earlier in the data set", key, line, attr, value)

    # --- records ---
    def dataset(self, values: Mapping[str, str], line: int | None) -> None:
        self.dataset_values.update(values)
        self._unknown(values, "", line, "the data set")
        self._level(values, {DATASET}, "", line, "the data set")
        self._codes(values, "", line)
        self._facets(values, "", line)

    def end_dataset(self, line: int | None) -> None:
        self._missing(self.dataset_values, self.mandatory[DATASET], "", line, "data set")
        if self.observations == 0:
            self.sink.add("EMPTY_DATASET", "the data set holds no observation", "", line)

    def group(self, values: Mapping[str, str], line: int | None) -> None:
        self._unknown(values, "", line, "the group")
        self._codes(values, self.key(values), line)

    def series(self, values: Mapping[str, str], line: int | None) -> dict[str, str]:
        self.series_count += 1
        key = self.key(values)
        self._unknown(values, key, line, "the series")
        self._level(values, {SERIES, GROUP}, key, line, "the series")
        self._facets(values, key, line)
        for d in self.series_dims:
            if values.get(d, "") == "":
                self.sink.add("MISSING_DIMENSION", f"the series lacks dimension {d}", key, line, d)
        self._codes(values, key, line)
        self._missing(values, self.mandatory[SERIES], key, line, "series")
        self._conflicts(key, values, line)
        return dict(values)

    def obs(self, series: Mapping[str, str] | None, values: Mapping[str, str], line: int | None) -> None:
        self.observations += 1
        if series is None:  # flat observation: carries the whole key and series attributes
            full = values
            key = self.key(full)
            self._unknown(values, key, line, "the observation")
            self._level(values, {OBSERVATION, SERIES, GROUP}, key, line, "the observation")
            for d in self.dims:
                if values.get(d, "") == "":
                    self.sink.add("MISSING_DIMENSION", f"the observation lacks dimension {d}", key, line, d)
            self._codes(values, key, line)
            self._missing(values, self.mandatory[SERIES], key, line, "series")
            self._conflicts(key, values, line)
        else:
            full = {**series, **values}
            key = self.key(full)
            self._unknown(values, key, line, "the observation")
            self._level(values, {OBSERVATION}, key, line, "the observation")
            self._codes(values, key, line)
            if self.dim_at_obs and values.get(self.dim_at_obs, "") == "":
                self.sink.add("MISSING_DIMENSION", f"the observation lacks dimension {self.dim_at_obs}", key, line, self.dim_at_obs)
        self._missing(values, self.mandatory[OBSERVATION], key, line, "observation")
        period = full.get(self.time)
        if period is None or not _time_ok(period, full.get("TIME_FORMAT", ""), full.get("FREQ", "")):
            self.sink.add("BAD_TIME_PERIOD", _time_message(period, full.get("TIME_FORMAT", ""), full.get("FREQ", "")), key, line, self.time, period or "")
        value = values.get(self.measure)
        if value is not None and not DOUBLE.fullmatch(value):
            self.sink.add("NON_NUMERIC_VALUE", f"{self.measure} {value!r} is not an xs:double", key, line, self.measure, value)
        self._facets(values, key, line)
        if value is not None and (problem := decimals_problem(value, full.get("DECIMALS", ""))):
            self.sink.add("VALUE_PRECISION", problem, key, line, self.measure, value)
        if period is not None:
            seen = self.times.setdefault(key, set())
            period = sys.intern(period)
            if period in seen:
                self.sink.add("DUPLICATE_KEY", f"series {key} has period {period} twice in the data set", key, line, self.time, period)
            else:
                seen.add(period)


def _freq_of(time_format: str, freq: str) -> str:
    if time_format in TIME_FORMAT_FREQ:
        return TIME_FORMAT_FREQ[time_format]
    freq = FREQ_ALIASES.get(freq, freq)
    return freq if freq in TIME_PATTERNS else ""


def _time_ok(period: str, time_format: str, freq: str) -> bool:
    f = _freq_of(time_format, freq)
    return bool((_TIME_RE[f] if f else _ANY_TIME_RE).fullmatch(period))


def _time_message(period: str | None, time_format: str, freq: str) -> str:
    if period is None or period == "":
        return "the observation has no TIME_PERIOD"
    f = _freq_of(time_format, freq)
    basis = f"TIME_FORMAT {time_format}" if time_format in TIME_FORMAT_FREQ else (f"FREQ {freq}" if f else "ObservationalTimePeriod")
    return f"TIME_PERIOD {period!r} is not in the format of {basis}"


# ---------------------------------------------------------------------------- XML ---
def _attrs(el: Any) -> dict[str, str]:
    """The component values of a structure-specific element: its unqualified attributes."""
    return {k: v for k, v in el.attrib.items() if not k.startswith("{")}


def peek(path: Path) -> tuple[str, dict[str, str]]:
    """The message format and its structure reference (class, agency, id, version, dim_at_obs)."""
    with open(path, "rb") as f:
        head = f.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise CheckError(f"{path} is empty")
    if not head.startswith(b"<"):
        return _peek_csv(path)
    ref: dict[str, str] = {}
    fmt = ""
    try:
        for event, el in etree.iterparse(str(path), events=("start", "end"), huge_tree=True):
            name = _local(el.tag)
            if not fmt:
                ns = el.tag[1 : el.tag.find("}")] if el.tag.startswith("{") else ""
                fmt = _format_of(name, ns, path)
                ref["root_ns"], ref["root_line"] = ns, str(el.sourceline or 1)
            if event == "start" and name == "DataSet":
                break
            if event == "end" and name == "Structure" and _local(el.getparent().tag) == "Header":
                ref["dim_at_obs"] = el.get("dimensionAtObservation", "")
                ref["namespace"], ref["line"] = el.get("namespace", ""), str(el.sourceline or "")
                for child in el.iter():
                    if _local(child.tag) == "Ref" and child.get("id"):
                        ref.update({"class": child.get("class", ""), "agency": child.get("agencyID", ""), "id": child.get("id", ""), "version": child.get("version", "")})
                        ref["class"] = ref["class"] or ("Dataflow" if _local(child.getparent().tag) == "StructureUsage" else "DataStructure")
                        break
                    text = (child.text or "").strip()
                    m = _URN.search(text) if text.startswith("urn:") else None
                    if m:
                        ref.update(m.groupdict())
                        break
                break
    except etree.XMLSyntaxError as exc:
        raise CheckError(f"{path} is not well-formed XML: {exc}") from exc
    return fmt, ref


MESSAGE_NS = {
    "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message": "2.1",
    "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message": "3.0",
}


def _reference_findings(model: OfficialDsd, ref: Mapping[str, str], fmt: str, sink: _Sink) -> None:
    """STRUCTURE_MISMATCH, NAMESPACE_MISMATCH and BAD_NAMESPACE: the message must name
    the structure it is checked against (the DSD, or a dataflow known to use it), its
    structure-specific namespace must be that structure's (or its DSD's), and the root
    element must be in an SDMX-ML message namespace."""
    line = int(ref["line"]) if ref.get("line", "").isdigit() else None
    if fmt.startswith("SDMX-ML") and ref.get("root_ns", "") not in MESSAGE_NS:
        sink.add("BAD_NAMESPACE", f"the root element's namespace {ref.get('root_ns', '')!r} is not an SDMX-ML message namespace "
                 f"({', '.join(MESSAGE_NS)})", "", int(ref.get("root_line", "1")), "", ref.get("root_ns", ""))
    if not ref.get("id"):
        if fmt.startswith("SDMX-ML"):
            sink.add("STRUCTURE_MISMATCH", "the header names no structure (mes:Structure with a DSD or dataflow reference)", "", line)
        return
    named = f"{ref.get('agency', '')}:{ref['id']}({ref.get('version', '')})"
    if ref.get("class", "").lower() in ("dataflow", "structureusage", "dataprovision"):
        known = [f for f in model.dataflows if _same(f, ref)]
        if not known:
            sink.add("STRUCTURE_MISMATCH", f"the message references dataflow {named}, which the structure does not define "
                     f"as a dataflow of {model.urn_ref} (known: {', '.join(model.dataflows) or 'none'})", "", line, "", named)
    elif not _same(model.urn_ref, ref):
        sink.add("STRUCTURE_MISMATCH", f"the message references DSD {named}, not {model.urn_ref}", "", line, "", named)
    namespace = ref.get("namespace", "")
    if fmt.endswith("structure-specific") and namespace:
        dim = ref.get("dim_at_obs", "") or "TIME_PERIOD"
        kind = "Dataflow" if ref.get("class", "").lower() == "dataflow" else "DataStructure"
        level = "AllDimensions" if dim == "AllDimensions" else f"ObsLevelDim:{dim}"
        allowed = {f"urn:sdmx:org.sdmx.infomodel.datastructure.{kind}={named}:{level}",
                   f"urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure={model.urn_ref}:{level}"}
        if namespace not in allowed:
            sink.add("NAMESPACE_MISMATCH", f"the structure-specific namespace {namespace!r} names neither the referenced "
                     f"structure nor its DSD (expected one of {sorted(allowed)})", "", line, "", namespace)


def _same(urn_ref: str, ref: Mapping[str, str]) -> bool:
    """Whether ``AGENCY:ID(VERSION)`` is the structure ``ref`` names (agency and version
    compared when the reference gives them)."""
    agency, ident, version = _parse_ref(urn_ref)
    return (ident == ref.get("id") and (not ref.get("version") or version == ref.get("version"))
            and (not ref.get("agency") or agency == ref.get("agency")))


def _format_of(root: str, ns: str, path: Path) -> str:
    if root in ("StructureSpecificData", "StructureSpecificTimeSeriesData"):
        return "SDMX-ML 3.0 structure-specific" if "/v3_0/" in ns else "SDMX-ML 2.1 structure-specific"
    if root in ("GenericData", "GenericTimeSeriesData"):
        return "SDMX-ML 2.1 generic"
    if root == "Structure":
        raise CheckError(f"{path} is a structure message, not a data message")
    raise CheckError(f"{path} is not an SDMX-ML data message (root element {root!r})")


def _check_xml(path: Path, fmt: str, checker: _Checker) -> None:
    generic = fmt.endswith("generic")
    series: dict[str, str] | None = None
    in_series = False
    buckets: dict[str, dict[str, str]] = {}
    series_line: int | None = None
    dataset_line: int | None = None
    datasets = 0
    try:
        for event, el in etree.iterparse(str(path), events=("start", "end"), huge_tree=True, remove_comments=True, remove_pis=True):
            name = _local(el.tag)
            if event == "start":
                if name == "DataSet":
                    checker.new_dataset()
                    dataset_line = el.sourceline
                    datasets += 1
                    if not generic:
                        checker.dataset(_attrs(el), el.sourceline)
                elif name == "Series":
                    in_series, series, series_line = True, None, el.sourceline
                    if generic:
                        buckets = {"key": {}, "attrs": {}}
                    else:
                        series = checker.series(_attrs(el), el.sourceline)
                elif name == "Obs":
                    if generic:
                        if in_series and series is None:
                            series = checker.series({**buckets["key"], **buckets["attrs"]}, series_line)
                        buckets["obs"], buckets["obs_attrs"] = {}, {}
                    else:
                        checker.obs(series if in_series else None, _attrs(el), el.sourceline)
                elif name == "Group" and not generic:
                    checker.group(_attrs(el), el.sourceline)
                continue
            # end events
            if generic:
                if name == "Value":
                    parent = _local(el.getparent().tag)
                    item = el.get("id", "")
                    if parent in ("SeriesKey", "ObsKey"):
                        buckets.setdefault("obs" if parent == "ObsKey" else "key", {})[item] = el.get("value", "")
                    elif parent == "Attributes":
                        owner = _local(el.getparent().getparent().tag)
                        if owner == "Series":
                            buckets.setdefault("attrs", {})[item] = el.get("value", "")
                        elif owner == "Obs":
                            buckets.setdefault("obs_attrs", {})[item] = el.get("value", "")
                        elif owner == "DataSet":
                            checker.dataset({item: el.get("value", "")}, el.sourceline)
                    continue
                if name == "ObsDimension":
                    buckets.setdefault("obs", {})[el.get("id") or checker.dim_at_obs or checker.time] = el.get("value", "")
                elif name == "ObsValue":
                    buckets.setdefault("obs", {})[checker.measure] = el.get("value", "")
                elif name == "Obs":
                    checker.obs(series if in_series else None, {**buckets.get("obs", {}), **buckets.get("obs_attrs", {})}, el.sourceline)
            if name == "Obs":
                _release(el)
            elif name == "Series":
                if generic and series is None:
                    series = checker.series({**buckets.get("key", {}), **buckets.get("attrs", {})}, series_line)
                in_series, series = False, None
                _release(el)
            elif name == "Group":
                _release(el)
            elif name == "DataSet":
                checker.end_dataset(dataset_line)
                checker_totals(checker)
                _release(el)
    except etree.XMLSyntaxError as exc:
        raise CheckError(f"{path} is not well-formed XML: {exc}") from exc
    if not datasets:
        checker.sink.add("EMPTY_DATASET", "the message holds no data set", "", None)


def checker_totals(checker: _Checker) -> None:
    checker.total_obs = getattr(checker, "total_obs", 0) + checker.observations
    checker.total_series = getattr(checker, "total_series", 0) + checker.series_count
    checker.observations = checker.series_count = 0


def _release(el: Any) -> None:
    """Free a consumed element and the siblings before it (bounded memory)."""
    el.clear()
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


# ---------------------------------------------------------------------------- CSV ---
_CSV_META = {"DATAFLOW", "STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION", "SERIES_KEY", "OBS_KEY"}


def _csv_layout(path: Path) -> tuple[str, str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        first = f.readline()
    if first.startswith("DATAFLOW") and len(first) > 8:
        return "SDMX-CSV 1.0", first[8]
    if first.startswith("STRUCTURE") and len(first) > 9:
        sep = first[first.index("]") + 1] if first[9] == "[" else first[9]
        return "SDMX-CSV 2.0", sep
    raise CheckError(f"{path} is neither SDMX-ML nor SDMX-CSV (first column must be DATAFLOW or STRUCTURE)")


def _peek_csv(path: Path) -> tuple[str, dict[str, str]]:
    fmt, sep = _csv_layout(path)
    try:
        head = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, nrows=1, encoding="utf-8-sig")
    except Exception as exc:  # noqa: BLE001
        raise CheckError(f"cannot read {path} as {fmt}: {exc}") from exc
    ref: dict[str, str] = {"dim_at_obs": "AllDimensions"}
    if len(head):
        columns = [_strip_label(c) for c in head.columns]
        row = dict(zip(columns, head.iloc[0].tolist(), strict=False))
        text = row.get("DATAFLOW") or row.get("STRUCTURE_ID") or ""
        if text:
            agency, ident, version = _parse_ref(text)
            kind = row.get("STRUCTURE", "dataflow" if "DATAFLOW" in row else "")
            ref.update({"class": "Dataflow" if kind.lower() in ("dataflow", "") else "DataStructure" if kind.lower() == "datastructure" else kind, "agency": agency, "id": ident, "version": version})
    return fmt, ref


def _strip_label(column: str) -> str:
    """``"FREQ: Frequency"`` (SDMX-CSV labels=both) -> ``"FREQ"``; ``STRUCTURE[;]`` -> ``STRUCTURE``."""
    column = column.split(": ", 1)[0]
    return "STRUCTURE" if column.startswith("STRUCTURE[") else column


def _check_csv(path: Path, fmt: str, checker: _Checker) -> None:
    _, sep = _csv_layout(path)
    dsd, sink = checker.dsd, checker.sink
    try:
        reader = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, chunksize=CSV_CHUNK, encoding="utf-8-sig")
        chunks = iter(reader)
        first = next(chunks, None)
    except Exception as exc:  # noqa: BLE001
        raise CheckError(f"cannot read {path} as {fmt}: {exc}") from exc
    if first is None:
        raise CheckError(f"{path} has no header")
    raw_columns = list(first.columns)
    columns = [_strip_label(c) for c in raw_columns]
    labelled = [r != c and not r.startswith("STRUCTURE") for r, c in zip(raw_columns, columns, strict=True)]
    # header checks (line 1)
    comps = checker.components
    for c in columns:
        if c not in _CSV_META and c not in comps:
            sink.add("UNKNOWN_COMPONENT", f"column {c!r} is not a component of {dsd.urn_ref}", "", 1, c)
    order = [*checker.dims, checker.time]
    for d in order:
        if d not in columns:
            sink.add("MISSING_DIMENSION", f"the header lacks the dimension column {d}", "", 1, d)
    present = [c for c in columns if c in order]
    if fmt == "SDMX-CSV 1.0" and present != sorted(present, key=order.index):  # 2.0: any column order
        sink.add("WRONG_DIMENSION_ORDER", f"dimension columns are {present}, expected DSD order {[d for d in order if d in present]}", "", 1)
    for level in (SERIES, OBSERVATION, DATASET):
        for a in checker.mandatory[level]:
            if a not in columns:
                sink.add("MISSING_MANDATORY_ATTRIBUTE", f"the header lacks the mandatory {level.lower()} attribute column {a}", "", 1, a)
    state = _CsvState()
    line = 2
    for chunk in _chain(first, chunks, path, fmt):
        if chunk.empty:
            continue
        chunk.columns = columns
        for c, lab in zip(columns, labelled, strict=True):
            if lab:
                chunk[c] = chunk[c].str.split(": ", n=1).str[0]
        line = _check_csv_chunk(chunk.loc[:, ~chunk.columns.duplicated()], line, checker, state)
    if state.rows == 0:
        sink.add("EMPTY_DATASET", "the file holds a header and no observation", "", 1)
    checker.total_obs = state.rows
    checker.total_series = len(state.series)


def _chain(first: pd.DataFrame, rest: Iterator[pd.DataFrame], path: Path, fmt: str) -> Iterator[pd.DataFrame]:
    yield first
    try:
        yield from rest
    except Exception as exc:  # noqa: BLE001
        raise CheckError(f"cannot read {path} as {fmt}: {exc}") from exc


@dataclass
class _CsvState:
    rows: int = 0
    seen: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64))
    series: set[str] = field(default_factory=set)
    first_values: dict[str, dict[str, str]] = field(default_factory=dict)
    reported: set[tuple[str, str, str, str]] = field(default_factory=set)


#: SDMX-CSV 2.0.0: STRUCTURE values (any letter case accepted: .Stat Suite writes
#: ``DATAFLOW``) and ACTION values (I information, A append, R replace, D delete).
CSV_STRUCTURES = ("dataflow", "datastructure", "dataprovision")
CSV_ACTIONS = ("I", "A", "R", "D")


def _csv_lead_checks(chunk: pd.DataFrame, lines: np.ndarray, checker: _Checker) -> None:
    """BAD_CSV_STRUCTURE, STRUCTURE_MISMATCH and BAD_ACTION on the leading columns, once
    per distinct value (first row that has it)."""
    sink, model = checker.sink, checker.dsd

    def first(column: str, value: str) -> int:
        return int(lines[int(np.flatnonzero((chunk[column] == value).to_numpy())[0])])

    if "STRUCTURE" in chunk.columns:
        for value in chunk["STRUCTURE"].unique().tolist():
            if value.lower() not in CSV_STRUCTURES:
                sink.add("BAD_CSV_STRUCTURE", f"STRUCTURE {value!r} is not one of {', '.join(CSV_STRUCTURES)}", "", first("STRUCTURE", value), "STRUCTURE", value)
    column = "STRUCTURE_ID" if "STRUCTURE_ID" in chunk.columns else "DATAFLOW" if "DATAFLOW" in chunk.columns else None
    if column:
        kinds = chunk["STRUCTURE"].str.lower() if "STRUCTURE" in chunk.columns else pd.Series("dataflow", index=chunk.index)
        pairs = pd.DataFrame({"id": chunk[column], "kind": kinds}).drop_duplicates()
        for value, kind in pairs.itertuples(index=False):
            match = re.fullmatch(r"(?P<agency>[A-Za-z][\w.\-]*):(?P<id>[\w@$\-]+)\((?P<version>[\w.\-+]+)\)", value)
            if not match:
                sink.add("BAD_CSV_STRUCTURE", f"{column} {value!r} is not AGENCY:ID(VERSION)", "", first(column, value), column, value)
                continue
            ref = match.groupdict()
            # SDMX-CSV 1.0 DATAFLOW: a dataflow, though producers (UNdata) also put the DSD there
            known = ((*model.dataflows, model.urn_ref) if column == "DATAFLOW" else
                     model.dataflows if kind in ("dataflow", "dataprovision") else (model.urn_ref,))
            if not any(_same(k, ref) for k in known):
                sink.add("STRUCTURE_MISMATCH", f"{column} {value!r} is not {'a dataflow of ' if kind != 'datastructure' else ''}"
                         f"{model.urn_ref} (known: {', '.join(known) or 'none'})", "", first(column, value), column, value)
    if "ACTION" in chunk.columns:
        for value in chunk["ACTION"].unique().tolist():
            if value not in CSV_ACTIONS:
                sink.add("BAD_ACTION", f"ACTION {value!r} is not one of {', '.join(CSV_ACTIONS)} (SDMX-CSV 2.0.0)", "", first("ACTION", value), "ACTION", value)


@dataclass
class _Chunk:
    """One chunk of an SDMX-CSV file with what every row check needs: each row's
    line number, series key, data-set scope, period and whether it is a deletion."""

    frame: pd.DataFrame
    lines: np.ndarray
    keys: np.ndarray
    scope: pd.Series
    times: pd.Series
    active: np.ndarray
    checker: _Checker
    state: _CsvState

    def column(self, name: str) -> pd.Series:
        """Column ``name``, or empty strings where the file has no such column."""
        return self.frame[name] if name in self.frame.columns else pd.Series("", index=self.frame.index)

    def report(self, mask: np.ndarray, code: str, component: str, message: Any, per_series: bool) -> None:
        """Add a finding for each row of ``mask``; ``per_series``: once per (code,
        component, series, value) across chunks; ``message``: text or value → text."""
        idx = np.flatnonzero(mask)
        values = self.frame[component].to_numpy() if component in self.frame.columns else None
        if per_series and len(idx):
            sub = pd.DataFrame({"k": self.keys[idx], "v": values[idx] if values is not None else ""})
            idx = idx[~sub.duplicated().to_numpy()]
        for i in idx:
            value = str(values[i]) if values is not None else ""
            tag = (code, component, str(self.keys[i]), value)
            if per_series:
                if tag in self.state.reported:
                    continue
                self.state.reported.add(tag)
            text = message(value) if callable(message) else message
            self.checker.sink.add(code, text, str(self.keys[i]), int(self.lines[i]), component, value)


def _check_csv_chunk(chunk: pd.DataFrame, line0: int, checker: _Checker, state: _CsvState) -> int:
    """Vectorised checks of one chunk; returns the line number of the next chunk's first row."""
    n = len(chunk)
    newlines = np.zeros(n, dtype=np.int64)
    for c in chunk.columns:
        has = chunk[c].str.contains("\n", regex=False)
        if has.any():
            newlines += chunk[c].str.count("\n").to_numpy()
    lines = line0 + np.arange(n) + np.concatenate(([0], np.cumsum(newlines)[:-1]))
    state.rows += n
    empty = pd.Series("", index=chunk.index)
    key = chunk[checker.dims[0]] if checker.dims[0] in chunk.columns else empty
    for d in checker.dims[1:]:
        key = key + "." + (chunk[d] if d in chunk.columns else empty)
    state.series.update(key.unique().tolist())
    active = (chunk["ACTION"] != "D").to_numpy() if "ACTION" in chunk.columns else np.ones(n, dtype=bool)
    # each dataflow of the file is its own data set (SDMX-CSV: DATAFLOW / STRUCTURE_ID column)
    scope_column = next((c for c in ("DATAFLOW", "STRUCTURE_ID") if c in chunk.columns), None)
    scope = chunk[scope_column] if scope_column else empty
    times = chunk[checker.time] if checker.time in chunk.columns else empty
    part = _Chunk(chunk, lines, key.to_numpy(), scope, times, active, checker, state)
    _csv_lead_checks(chunk, lines, checker)
    _check_csv_facets(part)
    _check_csv_codes(part)
    _check_csv_times(part)
    _check_csv_values(part)
    _check_csv_duplicates(part)
    _check_csv_series_attributes(part)
    return int(line0 + n + newlines.sum())


def _check_csv_facets(part: _Chunk) -> None:
    """FACET_VIOLATION (text-format facets of non-coded components, per distinct value)
    and VALUE_PRECISION (more digits after the point than DECIMALS)."""
    chunk, checker = part.frame, part.checker
    for cid in chunk.columns:
        component = checker.components.get(cid)
        if component is None or component.codelist or not (component.max_length or component.min_length or component.text_type or component.pattern):
            continue
        values = chunk[cid]
        for value in values.unique().tolist():
            if cid == checker.measure and (value == "" or not DOUBLE.fullmatch(value)):
                continue
            problem = facet_problem(component, value)
            if problem:
                part.report((values == value).to_numpy(), "FACET_VIOLATION", cid, problem, cid not in (checker.measure, *checker.mandatory[OBSERVATION]))
    if checker.measure in chunk.columns and "DECIMALS" in chunk.columns:
        text = chunk[checker.measure]
        digits = text.str.partition(".")[2].str.len().where(text.str.contains(".", regex=False) & ~text.str.contains("[eE]"), 0)
        allowed = pd.to_numeric(chunk["DECIMALS"], errors="coerce")
        over = (digits > allowed).to_numpy()
        part.report(over, "VALUE_PRECISION", checker.measure, lambda v: f"OBS_VALUE {v!r} has more digits after the point than its DECIMALS", False)


def _check_csv_codes(part: _Chunk) -> None:
    """MISSING_DIMENSION (empty values), CODE_NOT_IN_CODELIST and MISSING_MANDATORY_ATTRIBUTE."""
    chunk, checker = part.frame, part.checker
    for d in [d for d in checker.dims if d in chunk.columns]:
        part.report((chunk[d] == "").to_numpy(), "MISSING_DIMENSION", d, f"the row lacks dimension {d}", True)
    series_level = set(checker.series_attrs) | set(checker.dims)
    for cid, codes in checker.codes.items():
        if cid not in chunk.columns or codes is None:
            continue
        values = chunk[cid]
        bad = (~values.isin(codes) & (values != "")).to_numpy()
        if bad.any():
            ref = checker.cl_ref[cid]
            note = f" ({checker.dsd.approximations[ref]})" if ref in checker.dsd.approximations else ""
            part.report(bad, "CODE_NOT_IN_CODELIST", cid, lambda v, cid=cid, ref=ref, note=note: f"{cid} {v!r} is not in {ref}{note}", cid in series_level)
    for level in (SERIES, OBSERVATION, DATASET):
        for a in checker.mandatory[level]:
            if a in chunk.columns:
                part.report(((chunk[a] == "").to_numpy() & part.active), "MISSING_MANDATORY_ATTRIBUTE", a, f"mandatory {level.lower()} attribute {a} is missing", level != OBSERVATION)


def _check_csv_times(part: _Chunk) -> None:
    """BAD_TIME_PERIOD: each period against the format its row's TIME_FORMAT / FREQ implies."""
    chunk, checker = part.frame, part.checker
    if checker.time not in chunk.columns:
        return
    tf, fq = part.column("TIME_FORMAT"), part.column("FREQ")
    aliased = fq.map(lambda f: FREQ_ALIASES.get(f, f))
    freq = tf.map(TIME_FORMAT_FREQ).fillna(aliased.where(aliased.isin(list(TIME_PATTERNS)), ""))
    ok = np.zeros(len(chunk), dtype=bool)
    for f in freq.unique():
        rows = (freq == f).to_numpy()
        pattern = TIME_PATTERNS.get(f, ANY_TIME)
        ok[rows] = part.times[rows].str.fullmatch(pattern).to_numpy()
    part.report(~ok, "BAD_TIME_PERIOD", checker.time, lambda v: _time_message(v, "", "") if v == "" else f"TIME_PERIOD {v!r} does not match the series' TIME_FORMAT / FREQ", False)


def _check_csv_values(part: _Chunk) -> None:
    """NON_NUMERIC_VALUE: observation values that are not xs:double (deletions exempt)."""
    measure = part.checker.measure
    if measure in part.frame.columns:
        values = part.frame[measure]
        bad = ((values != "") & ~values.str.fullmatch(_DOUBLE_PATTERN)).to_numpy() & part.active
        part.report(bad, "NON_NUMERIC_VALUE", measure, lambda v: f"{measure} {v!r} is not an xs:double", False)


def _check_csv_duplicates(part: _Chunk) -> None:
    """DUPLICATE_KEY: 64-bit hashes of (data set, series key, period), across chunks."""
    state = part.state
    frame = pd.DataFrame({"s": part.scope.to_numpy(), "k": part.keys, "t": part.times.to_numpy()})
    hashes = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    dup = pd.Series(hashes).duplicated().to_numpy() | np.isin(hashes, state.seen)
    part.report(dup, "DUPLICATE_KEY", part.checker.time, lambda v: f"series key and period {v} appear twice", False)
    state.seen = np.union1d(state.seen, hashes)


def _check_csv_series_attributes(part: _Chunk) -> None:
    """CONFLICTING_ATTRIBUTE: a series attribute with two values in one series
    (distinct (series, value) pairs only, across chunks)."""
    chunk, checker, state = part.frame, part.checker, part.state
    for a in checker.series_attrs:
        if a not in chunk.columns:
            continue
        pairs = pd.DataFrame({"s": part.scope.to_numpy(), "k": part.keys, "v": chunk[a].to_numpy(), "line": part.lines})
        pairs = pairs.loc[pairs["v"] != ""].drop_duplicates(["s", "k", "v"])
        known = state.first_values.setdefault(a, {})
        for sc, k, v, ln in pairs.itertuples(index=False):
            before = known.setdefault(f"{sc} {k}", v)
            if before != v:
                checker.sink.add("CONFLICTING_ATTRIBUTE", f"series attribute {a} is {v!r} here but {before!r} earlier", k, int(ln), a, v)


# --------------------------------------------------------------------------- API ---
def _utf8_problem(path: Path, block: int = 1 << 20) -> tuple[int, str] | None:
    """(line, message) of the first byte sequence that is not UTF-8 (or a NUL: binary
    data), streamed; ``None`` when the file is UTF-8 text. An XML message declaring
    another encoding is left to the XML parser."""
    import codecs

    with open(path, "rb") as f:
        head = f.read(200)
        if head.startswith(b"<?xml") and re.search(rb"encoding=[\"'](?![Uu][Tt][Ff]-?8)", head.split(b"?>")[0]):
            return None
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        line, offset = 1, 0
        while chunk := f.read(block):
            nul = chunk.find(b"\0")
            try:
                decoder.decode(chunk if nul < 0 else chunk[:nul])
            except UnicodeDecodeError as exc:
                at = exc.start
                return line + chunk[:at].count(b"\n"), f"byte {offset + at} is not UTF-8 ({exc.reason}): SDMX-ML and SDMX-CSV are read as UTF-8"
            if nul >= 0:
                return line + chunk[:nul].count(b"\n"), f"byte {offset + nul} is NUL: binary data, not an SDMX message"
            line += chunk.count(b"\n")
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return line, f"the file ends inside a UTF-8 sequence ({exc.reason})"
    return None



def check_message(
    message: Path | str,
    structure: Path | str | OfficialDsd,
    dsd: str | None = None,
    max_per_code: int | None = MAX_PER_CODE,
) -> CheckReport:
    """Check a data message against a structure; raise :class:`CheckError` if unreadable."""
    path = Path(message)
    if not path.is_file():
        raise CheckError(f"message not found: {path}")
    sink = _Sink(max_per_code)
    bad = _utf8_problem(path)
    if bad:
        sink.add("NOT_UTF8", bad[1], "", bad[0])
        return CheckReport(path=str(path), structure=str(structure), format="unreadable", findings=sink.findings)
    fmt, ref = peek(path)
    model = load_structure(structure, ref, dsd)
    if fmt.startswith("SDMX-ML"):
        _reference_findings(model, ref, fmt, sink)
    for ref_missing in model.missing:
        sink.add("CODELIST_UNAVAILABLE", f"the structure does not contain codelist {ref_missing}: its codes are not checked")
    for ref_approx, note in model.approximations.items():
        sink.add("APPROXIMATE_CODELIST", f"{ref_approx} {note}")
    checker = _Checker(model, sink, ref.get("dim_at_obs", ""))
    if fmt.startswith("SDMX-CSV"):
        _check_csv(path, fmt, checker)
    else:
        _check_xml(path, fmt, checker)
    for code, n in sorted(sink.suppressed.items()):
        sink.findings.append(Finding("FINDINGS_TRUNCATED", INFO, f"{n} more {code} findings not listed", component=code, value=str(n)))
    return CheckReport(
        path=str(path),
        structure=model.urn_ref,
        format=fmt,
        findings=sink.findings,
        observations=getattr(checker, "total_obs", 0),
        series=getattr(checker, "total_series", 0),
        suppressed=dict(sink.suppressed),
    )


def format_text(report: CheckReport) -> str:
    """One line per finding: ``path:line: CODE series_key: message`` (``-`` for no key)."""
    out = []
    for f in report.findings:
        where = f"{report.path}:{f.line}" if f.line is not None else report.path
        out.append(f"{where}: {f.code} {f.series_key or '-'}: {f.message}")
    status = "clean" if report.clean else f"{sum(f.severity != INFO for f in report.findings) + sum(report.suppressed.values())} finding(s)"
    out.append(f"{report.path}: {report.format}, {report.observations} observation(s) in {report.series} series, against {report.structure}: {status}")
    return "\n".join(out) + "\n"


def format_json(report: CheckReport) -> str:
    payload = {
        "message": report.path,
        "structure": report.structure,
        "format": report.format,
        "clean": report.clean,
        "observations": report.observations,
        "series": report.series,
        "counts": report.counts(),
        "findings": [asdict(f) for f in report.findings],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


USAGE_EPILOG = """examples:
  datasat check-sdmx out/sdmx/data.xml --structure out/sdmx/structure.xml
  datasat check-sdmx out/sdmx/data.csv --structure out/sdmx/structure.xml --format json
  datasat check-sdmx out/sdmx/na_main-low.xml --structure NA_MAIN-1.9
  datasat check-sdmx message.xml --structure registry.xml --dsd ESTAT:NA_MAIN(1.9)

exit status:
  0  clean: no error or warning finding
  2  findings (listed on standard output), or the message or structure cannot be
     read (not UTF-8, not well-formed, not found), or bad usage
  1  internal error

finding codes: docs/check-sdmx.md"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="datasat check-sdmx",
        description="Check an SDMX-ML 2.1/3.0 or SDMX-CSV 1.0/2.0 data message against a structure as a registry "
        "would: the structure it names, codes in codelists, attributes at their attachment level, mandatory "
        "attributes, text-format facets, duplicate or conflicting keys, numeric values, time periods.",
        epilog=USAGE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("message", type=Path, help="SDMX-ML 2.1/3.0 data message or SDMX-CSV 1.0/2.0 file")
    parser.add_argument("--structure", required=True, help="SDMX-ML structure file, or a shipped NA_MAIN version (1.9, 1.11)")
    parser.add_argument("--dsd", help="AGENCY:ID(VERSION) of the DSD when the structure file holds several")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--max-per-code", type=int, default=MAX_PER_CODE, help="list at most N findings of each code (0: no limit)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``datasat check-sdmx MESSAGE --structure STRUCTURE [--dsd REF] [--format text|json]``;
    exit 0 clean, 2 findings, unreadable input or bad usage, 1 internal error."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code in (0, None) else 2
    try:
        report = check_message(args.message, args.structure, args.dsd, args.max_per_code or None)
    except CheckError as exc:
        print(f"datasat check-sdmx: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - report, never a traceback, for a CLI
        print(f"datasat check-sdmx: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(format_json(report) if args.format == "json" else format_text(report))
    return 0 if report.clean else 2


if __name__ == "__main__":
    raise SystemExit(main())
