"""The output plan: which files a compile writes and how the SDMX data are validated.

A compile of a few packages writes what it always wrote: ``observations.csv``, the five
SDMX data messages (validated in full against their schemas), the structures, the
NA_MAIN messages, HTML and report.json. A **bulk** run (``--bulk``, or
:data:`BULK_PACKAGES` packages or more compiled together) writes what an international
organisation exchanging the accounts of every country wants, in a size and time that
scale (docs/sdmx.md, "Bulk runs"):

* ``observations.parquet`` instead of ``observations.csv`` (columnar, dictionary-encoded,
  compressed: about a fortieth of the bytes, read back identical);
* SDMX-CSV 2.0 (``data.csv``) as the only data message: the format .Stat Suite imports
  (and the smallest of the five); structures and the NA_MAIN messages are always written;
* data messages validated by a sample (:mod:`compiler.outputs.sdmx.sample`) that covers
  every distinct code, attribute value and comment plus whole series of every country;
  structures always in full.

Every choice can be made explicitly (``--observations``, ``--formats``, ``--validate``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: observations table formats: name -> file
OBSERVATION_FILES: dict[str, str] = {"csv": "observations.csv", "parquet": "observations.parquet"}
#: SDMX data formats: name -> kind (key of :data:`compiler.outputs.sdmx.write.FILES`)
SDMX_FORMATS: dict[str, str] = {
    "ml21": "data",  # SDMX-ML 2.1 structure-specific, data.xml
    "generic": "data-generic",  # SDMX-ML 2.1 generic, data-generic.xml
    "ml30": "data-3.0",  # SDMX-ML 3.0 structure-specific, data-3.0.xml
    "csv20": "data-csv",  # SDMX-CSV 2.0, data.csv
    "csv10": "data-csv1",  # SDMX-CSV 1.0, data-csv1.csv
}
ALL_FORMATS: tuple[str, ...] = tuple(SDMX_FORMATS)
BULK_FORMATS: tuple[str, ...] = ("csv20",)
BULK_OBSERVATIONS: tuple[str, ...] = ("parquet",)
VALIDATION_MODES: tuple[str, ...] = ("full", "sample")
#: this many packages compiled together make a bulk run
BULK_PACKAGES = 10


@dataclass(frozen=True)
class OutputPlan:
    """What to write and how to validate it (see the module docstring)."""

    observations: tuple[str, ...] = ("csv",)
    formats: tuple[str, ...] = ALL_FORMATS
    validation: str = "full"
    bulk: bool = False

    @property
    def kinds(self) -> tuple[str, ...]:
        """The data message kinds of :data:`compiler.outputs.sdmx.write.FILES` to write."""
        return tuple(SDMX_FORMATS[f] for f in self.formats)

    def as_dict(self) -> dict[str, object]:
        return {"bulk": self.bulk, "observations": list(self.observations), "formats": list(self.formats),
                "validation": self.validation}


def resolve(packages: int, *, bulk: bool | None = None, observations: Iterable[str] | None = None,
            formats: Iterable[str] | None = None, validation: str | None = None) -> OutputPlan:
    """The plan for a compile of ``packages`` packages; explicit choices win over the defaults.

    ``bulk`` None: bulk when ``packages`` >= :data:`BULK_PACKAGES`.
    """
    bulk = packages >= BULK_PACKAGES if bulk is None else bulk
    return OutputPlan(
        observations=tuple(observations) if observations else (BULK_OBSERVATIONS if bulk else ("csv",)),
        formats=tuple(formats) if formats is not None else (BULK_FORMATS if bulk else ALL_FORMATS),
        validation=validation or ("sample" if bulk else "full"),
        bulk=bulk,
    )


def parse_list(text: str, allowed: Iterable[str], what: str, *, empty_ok: bool = False) -> tuple[str, ...]:
    """``"a,b"`` -> ``("a", "b")`` in the order of ``allowed``; ``all`` for all of them;
    ``none`` for none (if ``empty_ok``). Raises ValueError naming the value and what is allowed."""
    allowed = tuple(allowed)
    names = [n.strip() for n in text.split(",") if n.strip()]
    if names == ["all"]:
        return allowed
    if names == ["none"] and empty_ok:
        return ()
    unknown = [n for n in names if n not in allowed]
    if unknown or not names:
        extra = ", none" if empty_ok else ""
        raise ValueError(f"{what} {text!r}: expected a comma-separated list of {', '.join(allowed)} (or all{extra})")
    return tuple(n for n in allowed if n in names)
