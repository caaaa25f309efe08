"""The bundled fixtures compile to the same bytes as the release before the columnar redesign.

Issue 15 reorganised every stage for speed and memory (columnar costs across packages,
a dictionary-encoded table, chunked PIM, partitioned writers) and was to change no figure.
``tests/expected/bundled-outputs.sha256`` holds the SHA-256 of observations.csv, every file
under sdmx/ and every table CSV under html/ as release 352196e (the per-package pandas
path) wrote them for ``datasat compile --prepared 2026-01-01T00:00:00Z`` of the three
bundled fixtures (CN, CA, NL); ``sha256sum -c`` in the output folder gives the same verdict.

These are frozen expectations, not a proof of the method (the hand-computed tests are):
they show that the redesign changed nothing. A deliberate change of an output (a new
figure, a corrected code) updates this file in the same commit, and says so.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from compiler.cli.main import main

EXPECTED = Path(__file__).resolve().parent / "expected" / "bundled-outputs.sha256"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_bundled_fixtures_compile_to_the_release_bytes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["compile", "-o", str(out), "-q", "--prepared", "2026-01-01T00:00:00Z"]) == 0
    expected = dict(reversed(line.split(maxsplit=1)) for line in EXPECTED.read_text().splitlines())
    assert len(expected) > 60, "the manifest lists every pinned file"
    missing = sorted(name for name in expected if not (out / name).is_file())
    changed = sorted(name for name, digest in expected.items() if (out / name).is_file() and _sha256(out / name) != digest)
    assert not missing, f"files the release wrote and this compile did not: {missing}"
    assert not changed, f"files whose bytes changed since release 352196e: {changed}"
