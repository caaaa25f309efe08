"""What the pages say about a package besides its numbers: names, units and method notes.

Everything here comes from the checked :class:`compiler.package.Inputs` (package.toml,
industries.csv and the SHA-256 of the files read); the figures come from the canonical
table only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..package import Inputs

#: Names of powers of ten, for unit notes ("CNY 100 million").
MULTIPLIERS: Mapping[int, str] = {0: "", 1: "10", 2: "100", 3: "thousand", 4: "10 thousand", 5: "100 thousand", 6: "million", 7: "10 million", 8: "100 million", 9: "billion", 10: "10 billion", 11: "100 billion", 12: "trillion"}


def multiplier_name(unit_mult: int) -> str:
    """``8`` → ``"100 million"``; ``0`` → ``""``."""
    return MULTIPLIERS.get(unit_mult, f"10^{unit_mult}")


@dataclass(frozen=True)
class PackageMeta:
    """The metadata of one compiled package that the HTML pages show."""

    ref_area: str
    name: str
    currency: str
    unit_mult: int
    decimals: int
    first_year: int
    last_year: int
    base_year: int
    folder: str = ""
    labour_input: str = "occupations"
    markup_base: str = "costs"
    non_market_sectors: tuple[str, ...] = ("S13", "S15")
    classification: Mapping[str, str] = field(default_factory=dict)  # asset type -> code stem
    capitalisation: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    pim: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    industries: Mapping[str, str] = field(default_factory=dict)  # code -> label, package order
    industry_sectors: Mapping[str, str] = field(default_factory=dict)  # code -> institutional sector
    files: Mapping[str, str] = field(default_factory=dict)  # file -> sha256
    has_population: bool = False

    @classmethod
    def from_inputs(cls, inputs: Inputs) -> PackageMeta:
        m = inputs.manifest
        population = inputs.macro.get("population")
        return cls(
            ref_area=m.ref_area,
            name=m.name,
            currency=m.currency,
            unit_mult=m.unit_mult,
            decimals=m.decimals,
            first_year=m.first_year,
            last_year=m.last_year,
            base_year=m.base_year,
            folder=inputs.folder.name,
            labour_input=m.labour_input,
            markup_base=m.markup_base,
            non_market_sectors=tuple(sorted(m.non_market_sectors)),
            classification=dict(m.classification),
            capitalisation={a: vars(c) for a, c in m.capitalisation.items()},
            pim={k: dict(v) for k, v in m.pim.items()},
            industries=dict(zip(inputs.industries["industry"].astype(str), inputs.industries["label"].astype(str))),
            industry_sectors=dict(zip(inputs.industries["industry"].astype(str), inputs.industries["sector"].astype(str))),
            files=dict(inputs.files),
            has_population=population is not None and bool(population.notna().any()),
        )

    def money_unit(self, unit_mult: int | None = None) -> str:
        """E.g. ``"CNY 100 million"`` or ``"XXX"``."""
        name = multiplier_name(self.unit_mult if unit_mult is None else unit_mult)
        return f"{self.currency} {name}".strip()


def as_meta(package: Inputs | PackageMeta) -> PackageMeta:
    return package if isinstance(package, PackageMeta) else PackageMeta.from_inputs(package)
