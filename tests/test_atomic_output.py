"""OUT is replaced whole: kill -9 at every step, concurrent compiles, stale files, bad OUT, disk full.

The kill tests run a small writer in a subprocess that SIGKILLs itself just before its
N-th file-system call of the publication (rename, replace, symlink, unlink, rmdir, rmtree),
for every N, and then check that OUT is wholly the old or wholly the new output.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from compiler.outputs.publish import OutputFolder, control_folder
from compiler.cli.main import EXIT_INPUT, EXIT_TERMINATED, EXIT_WRITE, main

SYNTHETIC = Path(__file__).resolve().parent / "packages" / "synthetic"
ROOT = Path(__file__).resolve().parents[1]

# Writes the output {"report.json": tag, "a.txt": tag, "sub/b.txt": tag} into OUT; with
# KILL_AT=N it SIGKILLs itself before its N-th file-system call after staging began.
WRITER = textwrap.dedent(
    """
    import os, shutil, signal, sys, time
    from pathlib import Path
    from compiler.outputs.publish import OutputFolder
    out, tag, kill_at, pause = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    calls = [0]
    def counted(function):
        def wrapper(*args, **kwargs):
            calls[0] += 1
            if calls[0] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return function(*args, **kwargs)
        return wrapper
    with OutputFolder(out, on_wait=lambda m: print(m, file=sys.stderr, flush=True)) as folder:
        for name in ("rename", "replace", "symlink", "unlink", "rmdir"):
            setattr(os, name, counted(getattr(os, name)))
        shutil.rmtree = counted(shutil.rmtree)
        with folder.staging() as stage:
            for name in ("a.txt", "sub/b.txt", "report.json"):
                (stage / name).parent.mkdir(exist_ok=True)
                (stage / name).write_text(tag)
                time.sleep(pause)
    print("calls", calls[0])
    """
)


def write(out: Path, tag: str, kill_at: int = 0, pause: float = 0.0, wait: bool = True) -> subprocess.Popen | subprocess.CompletedProcess:
    command = [sys.executable, "-c", WRITER, str(out), tag, str(kill_at), str(pause)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if not wait:
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def content(out: Path) -> str | None:
    """The tag of a complete output; fails on a mixture or a partial output; None if absent."""
    if not os.path.lexists(out):
        return None
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == ["a.txt", "report.json", "sub/b.txt"], files
    tags = {(out / f).read_text() for f in files}
    assert len(tags) == 1, f"mixed output: {tags}"
    return tags.pop()


def test_kill_9_at_every_step_leaves_old_or_new(tmp_path):
    """Every N: kill before the N-th call; OUT must be wholly 'old' or wholly 'new'."""
    out = tmp_path / "out"
    assert write(out, "old").returncode == 0
    seen = set()
    for kill_at in range(1, 30):
        result = write(out, "new", kill_at)
        state = content(out)
        assert state in ("old", "new"), (kill_at, state)
        seen.add(state)
        if result.returncode == 0:  # no N-th call: every step has been interrupted once
            assert kill_at > 2 and state == "new"
            break
        assert result.returncode == -signal.SIGKILL
        # the next compile recovers: removes leftovers, then publishes; OUT again old or new
        assert write(out, "old").returncode == 0 and content(out) == "old"
        leftovers = sorted(p.name for p in control_folder(out).iterdir())
        assert len(leftovers) <= 3 and not any(n.endswith(".partial") for n in leftovers), leftovers  # lock, current, previous
    else:
        pytest.fail("the writer never completed")
    assert seen == {"old", "new"}


def test_kill_9_while_migrating_a_plain_folder(tmp_path):
    """An older datasat's plain OUT folder: killed between moving it aside and linking, the next run links it back."""
    for kill_at in range(1, 30):
        out = tmp_path / f"out{kill_at}"
        out.mkdir()
        for name in ("a.txt", "sub/b.txt", "report.json"):
            (out / name).parent.mkdir(exist_ok=True)
            (out / name).write_text("old")
        result = write(out, "new", kill_at)
        if result.returncode == 0:
            assert content(out) == "new"
            break
        state = content(out)
        if state is None:  # killed between the two renames: recovered by the next lock holder
            with OutputFolder(out):
                pass
            state = content(out)
        assert state in ("old", "new"), (kill_at, state)


def test_concurrent_writers_never_mix_and_the_second_waits_naming_the_first(tmp_path):
    out = tmp_path / "out"
    first = write(out, "first", pause=0.5, wait=False)
    time.sleep(0.3)
    second = write(out, "second", pause=0.0, wait=False)
    mid = content(out) if os.path.lexists(out) else None
    first_out, first_err = first.communicate(timeout=60)
    second_out, second_err = second.communicate(timeout=60)
    assert first.returncode == 0 and second.returncode == 0, (first_err, second_err)
    assert mid in (None, "first")
    assert f"is being written by pid {first.pid}" in second_err
    assert content(out) == "second"


def test_a_second_compile_with_fewer_outputs_leaves_no_stale_file(tmp_path):
    """Issue 13: compile all, then --no-sdmx: no sdmx/ (and no other package's files) survive."""
    out = tmp_path / "out"
    assert main(["compile", str(SYNTHETIC), "-o", str(out), "-q", "--no-html"]) == 0
    assert (out / "sdmx").is_dir()
    assert main(["compile", str(SYNTHETIC), "-o", str(out), "-q", "--no-html", "--no-sdmx"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["observations.csv", "report.json"]


@pytest.mark.parametrize("case", ["file", "foreign folder", "foreign link", "under a file"])
def test_unusable_out_is_refused_before_computing(tmp_path, capsys, monkeypatch, case):
    from compiler.cli import main as cli

    def never(*args, **kwargs):
        raise AssertionError("computed before checking OUT")

    monkeypatch.setattr(cli, "compile_many", never)
    out = tmp_path / "out"
    if case == "file":
        out.write_text("x")
    elif case == "foreign folder":
        out.mkdir()
        (out / "thesis.tex").write_text("keep me")
    elif case == "foreign link":
        (tmp_path / "elsewhere").mkdir()
        out.symlink_to(tmp_path / "elsewhere")
    else:
        (tmp_path / "afile").write_text("x")
        out = tmp_path / "afile" / "out"
    assert main(["compile", str(SYNTHETIC), "-o", str(out), "-q"]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert f"cannot write the output: {out}" in err and "Traceback" not in err
    if case == "foreign folder":
        assert (out / "thesis.tex").read_text() == "keep me"


def test_plain_folder_of_an_older_datasat_is_replaced(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.json").write_text("{}")
    (out / "stale.csv").write_text("old")
    assert main(["compile", str(SYNTHETIC), "-o", str(out), "-q", "--no-html", "--no-sdmx"]) == 0
    assert out.is_symlink() and not (out / "stale.csv").exists()
    assert json.loads((out / "report.json").read_text())["rows"] > 0


def test_disk_full_keeps_the_old_output_and_exits_3(tmp_path, monkeypatch, capsys):
    from compiler.cli import main as cli

    out = tmp_path / "out"
    assert main(["compile", str(SYNTHETIC), "-o", str(out), "-q", "--no-html", "--no-sdmx"]) == 0
    before = (out / "observations.csv").read_bytes()

    def full(data, path):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(cli, "write_json", full)
    assert main(["compile", str(SYNTHETIC), "-o", str(out), "-q", "--no-html", "--no-sdmx"]) == EXIT_WRITE
    err = capsys.readouterr().err
    assert "writing the output failed: No space left on device (the disk is full)" in err
    assert "report.json" in err and "Traceback" not in err
    assert (out / "observations.csv").read_bytes() == before
    assert not [p for p in control_folder(out).iterdir() if p.name.endswith(".partial")]


def test_sigterm_while_staging_cleans_up_like_ctrl_c(tmp_path):
    out = tmp_path / "out"
    assert main(["compile", str(SYNTHETIC), "-o", str(out), "-q", "--no-html", "--no-sdmx"]) == 0
    before = (out / "observations.csv").read_bytes()
    script = textwrap.dedent(
        f"""
        import sys, time
        from compiler.cli import main as cli
        def slow(table, path):
            path.write_text("partial")
            print("staging", flush=True)
            time.sleep(60)
        cli.write_observations = slow
        sys.exit(cli.main(["compile", {str(SYNTHETIC)!r}, "-o", {str(out)!r}, "-q", "--no-html", "--no-sdmx"]))
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "staging"
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == EXIT_TERMINATED, err
    assert "terminated" in err and "Traceback" not in err
    assert (out / "observations.csv").read_bytes() == before
    assert not [p for p in control_folder(out).iterdir() if p.name.endswith(".partial")]

