"""The ESTAT:NA_MAIN data messages: ``na_main-low.xml`` and ``na_main-high.xml``.

What goes in, and why everything else stays out, is
:mod:`compiler.outputs.sdmx.na_main_select`: the main aggregates after capitalising data
assets, as levels, under the key of the published series. This module writes them:

* one SDMX-ML 2.1 structure-specific message per bound (NA_MAIN has no bound
  dimension), each saying its bound in the data set attribute COMMENT_DSET (NA_MAIN,
  Conditional, DataSet level, String ≤ 1050);
* the header's Sender and Receiver from ``[sdmx]`` (``sender``, default the agency;
  ``receiver``, default ``ESTAT``); the structure is the dataflow of the international
  data cooperation, ``ESTAT:NAMAIN_IDC_N(1.9)`` (the SDMX Global Registry's dataflow on
  NA_MAIN 1.9), or the DSD itself for a version without a known dataflow (1.11); the
  DSD-specific namespace follows the referenced structure;
* every code in the codelists that version pins (a row that is not is left out with
  reason ``project_code``), UNIT_MULT rescaled exactly where the pinned
  SDMX:CL_UNIT_MULT lacks the table's (:func:`rescale_unit_mult`), values at DECIMALS
  digits and within OBS_VALUE's ``maxLength`` 15: a series whose values would be
  longer has its DECIMALS lowered until they fit (:func:`fit_length`).

The low bound (smaller time-use shares of data occupations, CBS 2020 ch. 4.1;
Statistics Canada 2019) is the conservative figure; both are written so that the
receiver chooses, knowing which is which.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from compiler import table as canon
from compiler.outputs.sdmx import prepare
from compiler.outputs.sdmx.decimals import decimal_text
from compiler.outputs.sdmx.na_main_select import REASONS, PackageFacts, after_capitalisation, after_capitalisation_rows, reasons_left_out
from compiler.outputs.sdmx import official
from compiler.outputs.sdmx.official import OfficialDsd, load_na_main
from compiler.outputs.sdmx.prepare import VALUE_TEXT, xml_attr

DEFAULT_VERSION = "1.9"
#: NA_MAIN version -> the dataflow exchanges use for it (SDMX Global Registry, 2020-07-30:
#: ESTAT:NAMAIN_IDC_N(1.9) on ESTAT:NA_MAIN(1.9), the international data cooperation flow).
DATAFLOWS = official.DATAFLOWS
#: ESTAT:NA_MAIN OBS_VALUE facet (TextFormat maxLength, registry file of 2020-07-30).
MAX_VALUE_LENGTH = 15
SERIES_KEY = "SERIES_KEY"
REASON = "REASON"
#: The per-series list of what the NA_MAIN messages leave out (bound, series key,
#: reason key of :data:`~compiler.outputs.sdmx.na_main_select.REASONS`, observations).
LEFT_OUT_FILE = "na_main-left-out.csv"
NS = {
    "mes": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
    "ss": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific",
    "com": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
}


def coded_columns(dsd: OfficialDsd, columns: Any) -> list[tuple[str, str, bool]]:
    """``(column, codelist ref, mandatory)`` for each coded DSD component in the table."""
    out = []
    for component in (*dsd.dimensions, *dsd.attributes):
        if component.codelist and component.id in columns:
            out.append((component.id, component.codelist, component.kind == "dimension" or component.mandatory))
    return out


def _unit_mult_codes(dsd: OfficialDsd) -> frozenset[str]:
    refs = [ref for column, ref, _ in coded_columns(dsd, ["UNIT_MULT"]) if column == "UNIT_MULT"]
    return dsd.codelists.get(refs[0], frozenset()) if refs else frozenset()


SHIFT = "_SHIFT"


def rescale_unit_mult(rows: pd.DataFrame, allowed: frozenset[str]) -> pd.DataFrame:
    """Send values whose UNIT_MULT the pinned codelist lacks in the next allowed lower one.

    E.g. NA_MAIN 1.9 pins SDMX:CL_UNIT_MULT(1.0), which has no 8 (hundred millions):
    such values are sent with UNIT_MULT 6 (millions). The rows keep their figure and
    DECIMALS and get the decimal shift (``_SHIFT``, here 2) and the new UNIT_MULT;
    :func:`fit_length` writes the text: the figure rounded to its own DECIMALS, then its
    decimal point moved, exactly (:func:`compiler.outputs.sdmx.decimals.decimal_text`), with
    DECIMALS lower by the same number of places, not below 0.
    """
    out = rows.copy()
    mult = out["UNIT_MULT"].to_numpy()
    target = mult.copy()
    allowed_ints = sorted(int(a) for a in allowed if a.lstrip("-").isdigit())
    for value in np.unique(mult):
        lower = [a for a in allowed_ints if a < value]
        if allowed_ints and str(value) not in allowed and lower:
            target[mult == value] = lower[-1]
    out[SHIFT] = mult - target
    out["UNIT_MULT"] = target
    return out


def fit_length(rows: pd.DataFrame, limit: int = MAX_VALUE_LENGTH) -> tuple[pd.DataFrame, np.ndarray]:
    """OBS_VALUE text of each row (:data:`~compiler.outputs.sdmx.prepare.VALUE_TEXT`) at most
    ``limit`` characters long; DECIMALS as written.

    Each figure is rounded to its DECIMALS and shifted by ``_SHIFT`` places (0 when
    absent), exactly. A series (the 14 dimensions) whose longest text is ``k``
    characters too long is written with ``k`` fewer decimal places (as far as it has
    them), rounded again from the figure. Returns the rows and a mask of those still
    too long with no decimal places left.
    """
    rows = rows.reset_index(drop=True).copy()
    values = rows[canon.VALUE].to_numpy()
    source = rows["DECIMALS"].to_numpy(dtype=np.int64)
    shift = rows[SHIFT].to_numpy(dtype=np.int64) if SHIFT in rows.columns else np.zeros(len(rows), dtype=np.int64)
    written = np.maximum(source - shift, 0)
    text = decimal_text(values, source, shift).to_numpy(zero_copy_only=False)
    length = pd.Series(text, dtype=object).str.len().to_numpy()
    series = canon.key_codes([rows], list(canon.DIMENSIONS)) if len(rows) else np.zeros(0, dtype=np.int64)
    excess = pd.Series(np.maximum(length - limit, 0)).groupby(series).transform("max").to_numpy() if len(rows) else length
    cut = np.minimum(excess, written)
    if cut.any():
        text = decimal_text(values, source - cut, shift).to_numpy(zero_copy_only=False)
        written = written - cut
        length = pd.Series(text, dtype=object).str.len().to_numpy()
    rows[VALUE_TEXT] = text
    rows["DECIMALS"] = written
    return rows.drop(columns=[SHIFT], errors="ignore"), length > limit


def _series_report(rows: pd.DataFrame, reasons: np.ndarray) -> pd.DataFrame:
    """One line per left-out series and reason: SERIES_KEY, REASON, observations, sorted
    by key and reason. The key text is built once per series, not per row."""
    if not len(rows):
        return pd.DataFrame({SERIES_KEY: pd.Series([], dtype=object), REASON: pd.Series([], dtype=object),
                             "observations": pd.Series([], dtype=np.int64)})
    reason_codes, reason_values = pd.factorize(np.asarray(reasons, dtype=object))
    pair = canon.key_codes([rows], canon.DIMENSIONS) * len(reason_values) + reason_codes
    _, first, counts = np.unique(pair, return_index=True, return_counts=True)
    firsts = rows.iloc[first]
    key = firsts[canon.DIMENSIONS[0]].astype(str)
    for dimension in canon.DIMENSIONS[1:]:
        key = key + "." + firsts[dimension].astype(str)
    frame = pd.DataFrame({SERIES_KEY: key.to_numpy(dtype=object), REASON: np.asarray(reason_values, dtype=object)[reason_codes[first]],
                          "observations": counts.astype(np.int64)})
    return frame.sort_values([SERIES_KEY, REASON], kind="stable").reset_index(drop=True)


def select(table: pd.DataFrame, packages: Sequence[PackageFacts], version: str, bound: str,
           after: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows to send, per-series report of what is left out) for one bound (``after``: the
    levels after capitalisation, both bounds, if already computed)."""
    from compiler.accounts.gdp import BASELINE_STO  # noqa: PLC0415

    dsd = load_na_main(version)
    official = {column: dsd.codelists.get(ref, frozenset()) for column, ref, _ in coded_columns(dsd, canon.COLUMNS)}
    rows = table.loc[table[canon.BOUND].to_numpy() == bound].reset_index(drop=True)
    send = after_capitalisation_rows(table, packages, bound, after)
    left = reasons_left_out(rows, official, set(send["REF_AREA"]), BASELINE_STO)
    send = rescale_unit_mult(send, _unit_mult_codes(dsd))
    bad = np.zeros(len(send), dtype=bool)
    for column, allowed in official.items():
        values = send[column].astype(str)
        bad |= (~values.isin(sorted(allowed)) & ((values != "") | (column in canon.DIMENSIONS))).to_numpy()
    send, too_long = fit_length(send)
    reports = [_series_report(rows, left)]
    for mask, reason in ((bad, "project_code"), (too_long & ~bad, "value_too_long")):
        if mask.any():
            reports.append(_series_report(send.loc[mask], np.full(int(mask.sum()), reason, dtype=object)))
    send = send.loc[~bad & ~too_long].reset_index(drop=True)
    return send, pd.concat(reports, ignore_index=True)


def header_xml(settings: Any, version: str) -> str:
    """``mes:Header``: ID, Test, Prepared, Sender, Receiver and the structure (dataflow
    ``ESTAT:NAMAIN_IDC_N(1.9)``, or the DSD for a version without a known dataflow)."""
    flow = DATAFLOWS.get(version)
    if flow:
        ident, flow_version = flow
        usage = (f'<com:StructureUsage><Ref agencyID="ESTAT" id="{ident}" version="{flow_version}" '
                 'class="Dataflow" package="datastructure"/></com:StructureUsage>')
    else:
        ident = f"ESTAT_NA_MAIN_{version.replace('.', '_')}"
        usage = (f'<com:Structure><Ref agencyID="ESTAT" id="NA_MAIN" version="{version}" '
                 'class="DataStructure" package="datastructure"/></com:Structure>')
    return (
        "<mes:Header>\n"
        f"<mes:ID>NA_MAIN_{settings.prepared:%Y%m%dT%H%M%S}</mes:ID>\n<mes:Test>false</mes:Test>\n"
        f"<mes:Prepared>{settings.prepared_text}</mes:Prepared>\n"
        f'<mes:Sender id="{xml_attr(settings.sender)}"/>\n<mes:Receiver id="{xml_attr(settings.receiver)}"/>\n'
        f'<mes:Structure structureID="{ident}" namespace="{na_main_namespace(version)}" '
        f'dimensionAtObservation="{canon.TIME}">{usage}</mes:Structure>\n'
        "</mes:Header>\n"
    )


def na_main_namespace(version: str) -> str:
    """The structure-specific namespace of the referenced structure (SDMX 2.1 section
    3B: the URN of the dataflow or DSD the schema is built for, then ``:ObsLevelDim:``)."""
    flow = DATAFLOWS.get(version)
    if flow:
        return f"urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=ESTAT:{flow[0]}({flow[1]}):ObsLevelDim:TIME_PERIOD"
    return f"urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=ESTAT:NA_MAIN({version}):ObsLevelDim:TIME_PERIOD"


def dataset_comment(bound: str) -> str:
    """COMMENT_DSET: which bound the data set holds, and what its figures are."""
    return (f"{bound.upper()} BOUND of the data-asset satellite account (datasat). Main aggregates after capitalising "
            "data assets (own-account data, databases, data R&D) as in the 2025 SNA: published level plus the change "
            "due to capitalisation; GFCF and CFC on fixed assets N11G. OBS_STATUS E: rests on inputs the package "
            f"declares illustrative; G: experimental. The other bound is in na_main-{'high' if bound == 'low' else 'low'}.xml.")


def write_message(rows: pd.DataFrame, path: Path, settings: Any, version: str, bound: str) -> int:
    """Write one bound's NA_MAIN message atomically; the number of observations."""
    from compiler.outputs.sdmx.ml21 import structure_specific_body  # noqa: PLC0415

    scope = "Dataflow" if version in DATAFLOWS else "DataStructure"
    ident = DATAFLOWS[version][0] if version in DATAFLOWS else f"ESTAT_NA_MAIN_{version.replace('.', '_')}"
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    count = 0
    try:
        with open(tmp, "wb", buffering=1 << 20) as out:
            out.write(b"<?xml version='1.0' encoding='UTF-8'?>\n")
            out.write((f'<mes:StructureSpecificData xmlns:mes="{NS["mes"]}" xmlns:ss="{NS["ss"]}" xmlns:com="{NS["com"]}" '
                       f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ns1="{na_main_namespace(version)}">\n').encode())
            out.write(header_xml(settings, version).encode())
            out.write(f'<mes:DataSet ss:structureRef="{ident}" ss:dataScope="{scope}" xsi:type="ns1:DataSetType" '
                      f'COMMENT_DSET="{xml_attr(dataset_comment(bound))}">\n'.encode())
            for data in prepare.by_bound(rows):
                count += structure_specific_body(data, out)
            out.write(b"</mes:DataSet>\n</mes:StructureSpecificData>\n")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def write_na_main(table: pd.DataFrame, folder: Path, settings: Any, packages: Sequence[PackageFacts],
                  version: str = DEFAULT_VERSION, bounds: Sequence[str] = canon.BOUNDS) -> dict[str, Any]:
    """Write ``na_main-<bound>.xml`` for each bound into ``folder``; what report.json says.

    The report gives, per bound, the file, observations sent, and what was left out by
    reason (series and observations); the per-series list is written to
    :data:`LEFT_OUT_FILE` beside the messages.
    """
    out: dict[str, Any] = {"version": version, "receiver": settings.receiver, "sender": settings.sender,
                           "structure": (f"ESTAT:{DATAFLOWS[version][0]}({DATAFLOWS[version][1]})" if version in DATAFLOWS
                                         else f"ESTAT:NA_MAIN({version})"), "bounds": {}}
    lists = []
    after = after_capitalisation(table, packages)  # both bounds in one pass
    for bound in bounds:
        send, left = select(table, packages, version, bound, after)
        name = f"na_main-{bound}.xml"
        count = write_message(send, Path(folder) / name, settings, version, bound)
        by_reason = {
            reason: {"why": REASONS[reason], "series": int((left[REASON] == reason).sum()),
                     "observations": int(left.loc[left[REASON] == reason, "observations"].sum())}
            for reason in REASONS if (left[REASON] == reason).any()
        }
        out["bounds"][bound] = {"file": name, "observations": count, "left_out_by_reason": by_reason}
        lists.append(left.assign(BOUND=bound))
    both = pd.concat(lists, ignore_index=True) if lists else pd.DataFrame(columns=["BOUND", SERIES_KEY, REASON, "observations"])
    both[["BOUND", SERIES_KEY, REASON, "observations"]].rename(columns=str.lower).to_csv(
        Path(folder) / LEFT_OUT_FILE, index=False, lineterminator="\r\n")
    out["left_out_file"] = LEFT_OUT_FILE
    return out
