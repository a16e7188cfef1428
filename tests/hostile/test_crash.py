"""term-end and disclose killed with SIGKILL at exact steps (killpoint.py): no bundle under
its final name unless it verifies, nothing readable left anywhere (--out, TMPDIR, the
state directory), the audit log still verifies and a re-run completes.

(tests/jobs/test_term_end_interrupt.py kills term-end at moments in time; these kill it
and disclose at named steps of the bundle's life: mid-write, before verification,
before publishing, after publishing, before the audit entry.)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from minimal_export import minimal_tables, write_minimal

from archiver.bundle import verify_bundle
from archiver.cli import main_group

HERE = Path(__file__).resolve().parent
PASSWORD = "kaczka-Rower-93-lampa-Wisla-Herbata-sowa"
EPOCH = "1782570600"
SURNAMES = {str(s) for s in minimal_tables()["students"]["last_name"]}
# Outside copies meant to be read (the protocol; the recipient's cover letter, which names
# the disclosed pupil in its compressed text only): no surname in their bytes.
READABLE_COPIES = ("-protokol.pdf", "-pismo.pdf")


def command(kind: str, export: Path, root: Path) -> list[str]:
    common = ["--create-out", "--out", str(root / "out"), "--password-file",
              str(root / "pw.txt"),
              "--state-dir", str(root / "state"), "-j", "1"]
    if kind == "term-end":
        return ["term-end", str(export), *common]
    return ["disclose", str(export), "--student", "st1", "--recipient", "Sąd Rejonowy",
            "--legal-basis", "art. 1", "--case-ref", "III RC 1/26", "--approved-by", "d1",
            *common]


def leftovers(root: Path) -> list[str]:
    """Files that hold a PDF or a pupil's surname in clear, outside the bundles."""
    found = []
    for path in root.rglob("*"):
        if not path.is_file() or path.name == "pw.txt" or path.parent.name == "export":
            continue
        if path.suffix == ".zip":  # a bundle: verified below, every entry AES-encrypted;
            continue  # its random bytes may hold a short surname by chance
        data = path.read_bytes()
        if any(s.encode() in data for s in SURNAMES):
            found.append(f"{path.relative_to(root)} (a surname)")
        elif b"%PDF-" in data and not path.name.endswith(READABLE_COPIES):
            found.append(f"{path.relative_to(root)} (a PDF)")
    return found


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "tmp").mkdir()
    (tmp_path / "pw.txt").write_text(PASSWORD + "\n")
    write_minimal(tmp_path / "export", "zip")
    return tmp_path


def killed_run(kind: str, point: str, nth: int, root: Path) -> None:
    env = {**os.environ, "TMPDIR": str(root / "tmp"), "SOURCE_DATE_EPOCH": EPOCH}
    env.pop("ARCHIVER_PASSWORD", None)
    run = subprocess.run([sys.executable, str(HERE / "killpoint.py"), point, str(nth),
                          *command(kind, root / "export" / "export.zip", root)],
                         env=env, capture_output=True, cwd=root, timeout=600)
    assert run.returncode == -signal.SIGKILL, (
        f"the run was not killed at {point} #{nth}: exit {run.returncode}\n"
        + run.stderr.decode(errors="replace"))


def check_after_crash_and_rerun(kind: str, root: Path, monkeypatch) -> None:
    out = root / "out"
    for bundle in out.glob("*.zip") if out.exists() else []:
        assert verify_bundle(bundle, PASSWORD).ok, f"{bundle.name} under a final name"
    assert leftovers(root) == []
    monkeypatch.setenv("TMPDIR", str(root / "tmp"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.delenv("ARCHIVER_PASSWORD", raising=False)
    runner = CliRunner()
    rerun = runner.invoke(main_group, command(kind, root / "export" / "export.zip", root))
    # 4: the killed run had already published this very bundle; it is never overwritten.
    assert rerun.exit_code in (0, 4), rerun.output
    if rerun.exit_code == 4:
        assert "never overwritten" in rerun.output
    assert not [p.name for p in out.iterdir() if ".partial" in p.name]
    assert [verify_bundle(b, PASSWORD).ok for b in out.glob("*.zip")] == [True]
    assert leftovers(root) == []
    audit = runner.invoke(main_group, ["audit", "verify", "--state-dir", str(root / "state")])
    assert audit.exit_code == 0, audit.output


@pytest.mark.parametrize(("kind", "point", "nth"), [
    ("disclose", "entry", 3),
    ("disclose", "letter", 1),
    ("term-end", "publish", 1),
    pytest.param("disclose", "verify", 1, marks=pytest.mark.slow),
    pytest.param("disclose", "publish", 1, marks=pytest.mark.slow),
    pytest.param("disclose", "protocol", 1, marks=pytest.mark.slow),
    pytest.param("disclose", "audit", 1, marks=pytest.mark.slow),
    pytest.param("term-end", "entry", 2, marks=pytest.mark.slow),
    pytest.param("term-end", "entry", 6, marks=pytest.mark.slow),
    pytest.param("term-end", "verify", 1, marks=pytest.mark.slow),
    pytest.param("term-end", "protocol", 1, marks=pytest.mark.slow),
    pytest.param("term-end", "audit", 1, marks=pytest.mark.slow),
])
def test_a_killed_run_leaves_nothing_readable_and_a_rerun_completes(
        root: Path, monkeypatch: pytest.MonkeyPatch, kind: str, point: str, nth: int) -> None:
    killed_run(kind, point, nth, root)
    check_after_crash_and_rerun(kind, root, monkeypatch)
