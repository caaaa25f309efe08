"""The official-codes-only ESTAT:NA_MAIN data message.

The project's own structure extends CL_INSTR_ASSET and CL_NA_STO with codes for data
(N11733G/N), data R&D (N11711G/N), all data assets (N117DG/N) and STO P5OAX (sdmx.md
§7: "data" has no official code yet). A message meant for a registry that only knows
ESTAT:NA_MAIN must hold nothing else, and NA_MAIN pins exact codelist versions
(sdmx.md §3.1-3.2), so a code added in a newer codelist is invalid under an older DSD.

:func:`select_for_na_main` keeps the rows of one bound whose every dimension code and
coded attribute value is in the codelists the chosen NA_MAIN version pins (shipped
extracts, :func:`compiler.sdmx.official.load_na_main`) and reports the others with the
reason. Official rows such as databases (N11732G) stay; project-code rows leave.

**Default bound: "low".** NA_MAIN has no bound dimension, so the message can carry one
scenario only. The low bound (smaller time-use shares of data occupations, CBS 2020
ch. 4.1; StatCan 2019) is the conservative figure: it does not overstate own-account
capital formation in the official aggregates the receiver may add it to, which is the
prudent choice for an experimental (OBS_STATUS G) estimate. The high bound stays in
the project's own messages (two dataflows).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from compiler import table as canon
from compiler.sdmx.official import OfficialDsd, load_na_main

DEFAULT_BOUND = "low"
DEFAULT_VERSION = "1.9"
SERIES_KEY = "SERIES_KEY"
REASON = "REASON"


def coded_columns(dsd: OfficialDsd, columns: Any) -> list[tuple[str, str, bool]]:
    """``(column, codelist ref, mandatory)`` for each coded DSD component in the table."""
    out = []
    for component in (*dsd.dimensions, *dsd.attributes):
        if component.codelist and component.id in columns:
            out.append((component.id, component.codelist, component.kind == "dimension" or component.mandatory))
    return out


def select_for_na_main(
    table: pd.DataFrame, version: str = DEFAULT_VERSION, bound: str = DEFAULT_BOUND
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split the canonical rows of ``bound`` into (kept, left_out) for NA_MAIN ``version``.

    ``kept`` holds canonical rows whose dimension codes and coded attribute values
    (OBS_STATUS, CONF_STATUS, UNIT_MULT, DECIMALS; an empty conditional attribute is
    absent, hence fine) are all in the pinned codelists. ``left_out`` holds the key
    columns of the other rows plus ``SERIES_KEY`` and ``REASON`` (each failing
    component, e.g. ``INSTR_ASSET 'N11733G' not in ESTAT:CL_INSTR_ASSET(1.7)``, joined
    by ``"; "``). Vectorised: one ``isin`` per column.
    """
    if bound not in canon.BOUNDS:
        raise ValueError(f"bound must be one of {canon.BOUNDS}, not {bound!r}")
    dsd = load_na_main(version)
    rows = table.loc[table[canon.BOUND].to_numpy() == bound].reset_index(drop=True)
    rows = rescale_unit_mult(rows, _unit_mult_codes(dsd))
    reasons = pd.Series("", index=rows.index, dtype=object)
    texts = reasons.to_numpy(dtype=object, copy=True)
    for column, ref, mandatory in coded_columns(dsd, rows.columns):
        values = rows[column].astype(str)
        bad = ~values.isin(dsd.codelists.get(ref, frozenset()))
        if not mandatory:
            bad &= values != ""
        if ref in dsd.approximations and bad.any():
            note = f" (approximate: {dsd.approximations[ref]})"
        else:
            note = ""
        where = np.flatnonzero(bad.to_numpy(dtype=bool))
        if len(where):  # the reason text is built for the failing rows only
            text = (column + " '" + values.iloc[where] + f"' not in {ref}{note}").to_numpy(dtype=object)
            before = texts[where]
            texts[where] = np.where(before == "", text, before + "; " + text)
    reasons = pd.Series(texts, index=rows.index, dtype=object)
    out = reasons != ""
    kept = rows.loc[~out].reset_index(drop=True)
    left = rows.loc[out, list(canon.KEY)].reset_index(drop=True)
    key = left[canon.DIMENSIONS[0]].astype(str)
    for dimension in canon.DIMENSIONS[1:]:
        key = key + "." + left[dimension].astype(str)
    left.insert(0, SERIES_KEY, key)
    left[REASON] = reasons[out].to_numpy()
    return kept, left


def _unit_mult_codes(dsd: OfficialDsd) -> frozenset[str]:
    refs = [ref for column, ref, _ in coded_columns(dsd, ["UNIT_MULT"]) if column == "UNIT_MULT"]
    return dsd.codelists.get(refs[0], frozenset()) if refs else frozenset()


def rescale_unit_mult(rows: pd.DataFrame, allowed: frozenset[str]) -> pd.DataFrame:
    """Express values whose UNIT_MULT the pinned codelist lacks in the next allowed lower one.

    E.g. NA_MAIN 1.9 pins SDMX:CL_UNIT_MULT(1.0), which has no 8 (hundred millions):
    such values are sent with UNIT_MULT 6 (millions). The figure is first rounded to its
    own DECIMALS, then its decimal point moves by the difference, exactly
    (:func:`compiler.sdmx.decimals.decimal_text`); DECIMALS drops by the same number of
    places, not below 0. The text is kept in :data:`compiler.sdmx.prepare.VALUE_TEXT`.
    """
    from compiler.sdmx.decimals import decimal_text  # noqa: PLC0415
    from compiler.sdmx.prepare import VALUE_TEXT  # noqa: PLC0415

    allowed_ints = sorted(int(a) for a in allowed if a.lstrip("-").isdigit())
    if not allowed_ints:
        return rows
    mult = rows["UNIT_MULT"].to_numpy()
    target = mult.copy()
    for value in np.unique(mult):
        if str(value) not in allowed:
            lower = [a for a in allowed_ints if a < value]
            if lower:
                target[mult == value] = lower[-1]
    shift = mult - target
    if not shift.any():
        return rows
    out = rows.copy()
    decimals = out["DECIMALS"].to_numpy()
    out[VALUE_TEXT] = decimal_text(out[canon.VALUE].to_numpy(), decimals, shift).to_numpy(zero_copy_only=False)
    out[canon.VALUE] = out[canon.VALUE].to_numpy() * 10.0 ** shift  # for readers of the frame; the text is exact
    out["UNIT_MULT"] = target
    out["DECIMALS"] = np.maximum(decimals - shift, 0)
    return out


def left_out_report(left_out: pd.DataFrame) -> list[dict[str, Any]]:
    """One entry per left-out series and reason: ``series_key``, ``reason``, ``observations``.

    Sorted by series key, for ``report.json``.
    """
    if not len(left_out):
        return []
    counts = left_out.groupby([SERIES_KEY, REASON], sort=True).size()
    return [
        {"series_key": key, "reason": reason, "observations": int(n)} for (key, reason), n in counts.items()
    ]


def na_main_namespace(version: str) -> str:
    """The DSD-specific namespace of a structure-specific NA_MAIN message (sdmx.md §8.5)."""
    return f"urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=ESTAT:NA_MAIN({version}):ObsLevelDim:TIME_PERIOD"


def header_xml(settings: Any, version: str) -> str:
    """``mes:Header`` referencing the DSD ESTAT:NA_MAIN(``version``) itself (no dataflow)."""
    structure_id = f"ESTAT_NA_MAIN_{version.replace('.', '_')}"
    return (
        "<mes:Header>\n"
        f"<mes:ID>{settings.message_id}</mes:ID>\n<mes:Test>false</mes:Test>\n"
        f"<mes:Prepared>{settings.prepared_text}</mes:Prepared>\n"
        f'<mes:Sender id="{_xml_attr(settings.sender)}"/>\n'
        f'<mes:Structure structureID="{structure_id}" namespace="{na_main_namespace(version)}" '
        f'dimensionAtObservation="{canon.TIME}"><com:Structure><Ref agencyID="ESTAT" id="NA_MAIN" '
        f'version="{version}" class="DataStructure" package="datastructure"/></com:Structure></mes:Structure>\n'
        "</mes:Header>\n"
    )


def _xml_attr(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def _default_body_writer() -> Callable[..., int]:
    """The other writer's streaming ``Series``/``Obs`` body (imported on first use)."""
    try:
        from compiler.sdmx.ml21 import structure_specific_body  # noqa: PLC0415
    except ImportError as exc:
        raise RuntimeError(f"the SDMX-ML 2.1 writer (compiler.sdmx.ml21) is not available: {exc}") from exc
    return structure_specific_body


def write_na_main(
    table: pd.DataFrame,
    path: Path,
    settings: Any,
    version: str = DEFAULT_VERSION,
    bound: str = DEFAULT_BOUND,
    body_writer: Callable[..., int] | None = None,
) -> list[dict[str, Any]]:
    """Write the official-codes-only SDMX-ML 2.1 structure-specific NA_MAIN message.

    The header references the DSD ESTAT:NA_MAIN(``version``) (SDMX 2.1 section 3B,
    ``mes:Structure`` with ``com:Structure``), the single data set holds the kept rows
    of ``bound``; ``Series``/``Obs`` are written by ``body_writer(BoundData, out)``
    (default :func:`compiler.sdmx.ml21.structure_specific_body`). ``settings`` is a
    :class:`compiler.sdmx.settings.SdmxSettings` (message id, prepared, sender).
    Written atomically (temp file + ``os.replace``). Returns :func:`left_out_report`.
    """
    from compiler.sdmx import prepare  # noqa: PLC0415 (the other writer's helpers)

    kept, left_out = select_for_na_main(table, version, bound)
    body = body_writer or _default_body_writer()
    ns = {
        "mes": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
        "ss": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific",
        "com": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
    }
    structure_id = f"ESTAT_NA_MAIN_{version.replace('.', '_')}"
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "wb", buffering=1 << 20) as out:
            out.write(b"<?xml version='1.0' encoding='UTF-8'?>\n")
            out.write(
                (f'<mes:StructureSpecificData xmlns:mes="{ns["mes"]}" xmlns:ss="{ns["ss"]}" xmlns:com="{ns["com"]}" '
                 f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ns1="{na_main_namespace(version)}">\n').encode()
            )
            out.write(header_xml(settings, version).encode())
            out.write(f'<mes:DataSet ss:structureRef="{structure_id}" ss:dataScope="DataStructure" '
                      'xsi:type="ns1:DataSetType">\n'.encode())
            for data in prepare.by_bound(kept):
                body(data, out)
            out.write(b"</mes:DataSet>\n</mes:StructureSpecificData>\n")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return left_out_report(left_out)
