"""Issue 13: a package reads only files inside its folder; links out and loops are input errors.

The outside file holds a secret line; no message may show it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compiler.cli.main import main
from compiler.inputs import InputErrors, load_package
from compiler.inputs.confine import glob_files

HERE = Path(__file__).resolve().parent
MICRO = HERE / "packages" / "synthetic_micro"
SECRET = "root:x:0:0:SECRET-LINE-NOT-TO-BE-PRINTED"


def errors_of(folder: Path) -> list:
    with pytest.raises(InputErrors) as info:
        load_package(folder)
    return info.value.errors


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    path = tmp_path / "outside" / "passwd"
    path.parent.mkdir()
    path.write_text(f"{SECRET}\nline two\n")
    return path


def test_table_linked_outside_is_refused_without_its_content(synthetic, outside, capsys):
    (synthetic / "occupations.csv").unlink()
    (synthetic / "occupations.csv").symlink_to(outside)
    (error,) = [e for e in errors_of(synthetic) if e.file == "synthetic/occupations.csv"]
    assert error.expected == f"a file inside the package folder (this is a link to {outside}, outside it); copy the file into the package"
    assert main(["validate", str(synthetic)]) == 2
    err = capsys.readouterr().err
    assert "SECRET" not in err and "outside it" in err


def test_package_toml_linked_outside_is_refused(synthetic, outside):
    (synthetic / "package.toml").unlink()
    (synthetic / "package.toml").symlink_to(outside)
    (error,) = errors_of(synthetic)
    assert error.file == "synthetic/package.toml" and "outside it" in error.expected and SECRET not in str(error)


def test_link_through_an_outside_folder_is_refused(synthetic, outside):
    """A link to a folder outside, then the file in it: resolved, so refused too."""
    (synthetic / "data").symlink_to(outside.parent)
    (synthetic / "macro.csv").unlink()
    (synthetic / "macro.csv").symlink_to("data/passwd")
    (error,) = [e for e in errors_of(synthetic) if e.file == "synthetic/macro.csv"]
    assert error.expected.startswith("a file inside the package folder (this is a link to data/passwd, outside it)")


def test_loop_of_links_is_an_input_error(synthetic):
    (synthetic / "employment.csv").unlink()
    (synthetic / "employment.csv").symlink_to("loop.csv")
    (synthetic / "loop.csv").symlink_to("employment.csv")
    (error,) = [e for e in errors_of(synthetic) if e.file == "synthetic/employment.csv"]
    assert error.expected == "a file inside the package folder (this is a loop of links)"


def test_link_inside_the_package_is_followed(synthetic):
    (synthetic / "sources").mkdir()
    shutil.move(synthetic / "macro.csv", synthetic / "sources" / "macro.csv")
    (synthetic / "macro.csv").symlink_to("sources/macro.csv")
    assert len(load_package(synthetic).macro) == 3


def test_microdata_glob_does_not_follow_directory_links(tmp_path, outside):
    package = tmp_path / "micro"
    shutil.copytree(MICRO, package)
    (outside.parent / "more.csv").write_text(f"{SECRET}\n")
    (package / "jobs" / "out").symlink_to(outside.parent)  # a directory link: not followed by **
    (package / "jobs" / "loop").symlink_to("..")  # a loop: not followed either
    toml = package / "package.toml"
    toml.write_text(toml.read_text().replace('files = ["jobs/*.csv", "jobs/*.parquet"]', 'files = ["jobs/**/*.csv", "jobs/**/*.parquet"]'))
    direct = load_package(MICRO)
    assert load_package(package).employment.drop(columns="_line", errors="ignore").equals(direct.employment.drop(columns="_line", errors="ignore"))


def test_microdata_file_link_outside_is_refused(tmp_path, outside):
    package = tmp_path / "micro"
    shutil.copytree(MICRO, package)
    (package / "jobs" / "extra.csv").symlink_to(outside)
    errors = errors_of(package)
    (error,) = [e for e in errors if e.file == "micro/jobs/extra.csv"]
    assert "outside it" in error.expected and all(SECRET not in str(e) for e in errors)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("jobs/*.csv", ["jobs/a.csv"]),
        ("**/*.csv", ["jobs/a.csv", "jobs/deep/c.csv", "top.csv"]),
        ("jobs/**/*.csv", ["jobs/a.csv", "jobs/deep/c.csv"]),
        ("jobs/[ab].*", ["jobs/a.csv", "jobs/b.parquet"]),
        ("jobs/?.parquet", ["jobs/b.parquet"]),
    ],
)
def test_glob_matches_as_glob_does(tmp_path, pattern, expected):
    for name in ("jobs/a.csv", "jobs/b.parquet", "jobs/deep/c.csv", "top.csv"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    assert [p.relative_to(tmp_path).as_posix() for p in glob_files(tmp_path, pattern)] == expected
