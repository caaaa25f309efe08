"""What the pages say about a package besides its numbers: names, units and method notes.

Everything here comes from the checked :class:`compiler.inputs.Inputs` (package.toml,
industries.csv and the SHA-256 of the files read); the figures come from the canonical
table only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from compiler.inputs import Inputs
from compiler.inputs.manifest import Manifest

#: Names of powers of ten, for unit notes ("CNY 100 million").
MULTIPLIERS: Mapping[int, str] = {0: "", 1: "10", 2: "100", 3: "thousand", 4: "10 thousand", 5: "100 thousand", 6: "million", 7: "10 million", 8: "100 million", 9: "billion", 10: "10 billion", 11: "100 billion", 12: "trillion"}


def multiplier_name(unit_mult: int) -> str:
    """``8`` → ``"100 million"``; ``0`` → ``""``."""
    return MULTIPLIERS.get(unit_mult, f"10^{unit_mult}")


@dataclass(frozen=True)
class PackageMeta:
    """The metadata of one compiled package that the pages show: its manifest (every
    package.toml setting, read through this object: ``meta.ref_area``, ``meta.pim``, ...),
    the industry labels of industries.csv in package order, and the files read."""

    manifest: Manifest
    folder: str = ""
    industries: Mapping[str, str] = field(default_factory=dict)  # code -> label, package order
    files: Mapping[str, str] = field(default_factory=dict)  # file -> sha256
    #: occupations.csv: code, label and the low/high time share of each asset type
    occupations: tuple[dict[str, Any], ...] = ()
    #: cost_ratios.csv rows (year, industry and the four ratios), for the method text
    cost_ratios: tuple[dict[str, Any], ...] = ()

    @classmethod
    def from_inputs(cls, inputs: Inputs) -> PackageMeta:
        labels = dict(zip(inputs.industries["industry"].astype(str), inputs.industries["label"].astype(str)))
        shares = [c for c in inputs.occupations.columns if c.endswith(("_low", "_high"))]
        occupations = tuple(inputs.occupations[["occupation", "label", *shares]].astype({"occupation": str, "label": str}).to_dict("records"))
        ratios = [c for c in ("year", "industry", "capital_ratio", "intermediate_ratio", "other_ratio", "markup") if c in inputs.cost_ratios.columns]
        cost_ratios = tuple(inputs.cost_ratios[ratios].to_dict("records"))
        return cls(inputs.manifest, inputs.folder.name, labels, dict(inputs.files), occupations, cost_ratios)

    def __getattr__(self, name: str) -> Any:
        if name == "manifest":  # not yet set (copy, unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.manifest, name)

    @property
    def non_market_sectors(self) -> tuple[str, ...]:
        """Sorted, so that the notes read the same on every run."""
        return tuple(sorted(self.manifest.non_market_sectors))

    @property
    def all_data_code(self) -> str:
        """The INSTR_ASSET code of all data assets, gross (e.g. ``N117DG``)."""
        return self.manifest.classification["all_data"] + "G"

    def money_unit(self, unit_mult: int | None = None) -> str:
        """E.g. ``"CNY 100 million"`` or ``"XXX"``."""
        name = multiplier_name(self.unit_mult if unit_mult is None else unit_mult)
        return f"{self.currency} {name}".strip()


def as_meta(package: Inputs | PackageMeta) -> PackageMeta:
    return package if isinstance(package, PackageMeta) else PackageMeta.from_inputs(package)
