"""No environment value crashes archiver (issue 13, finding 10): a TZ that is no zone, an
output encoding without Polish letters, an account without HOME or passwd entry."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from minimal_export import write_minimal


def archiver(*args: str, env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archiver", *args], capture_output=True,
                          env=env, timeout=300, **kwargs)


def base_env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "ARCHIVER_STATE_DIR": str(tmp_path / "state"), "ARCHIVER_LANG": "pl"}
    env.pop("ARCHIVER_PASSWORD", None)
    return env


@pytest.mark.parametrize("tz", ["Europe", pytest.param("/tmp", marks=pytest.mark.slow),
                                "/etc/hostname",
                                pytest.param(":Nowhere/Land", marks=pytest.mark.slow)])
def test_a_tz_that_is_no_zone_breaks_nothing(tmp_path: Path, tz: str) -> None:
    write_minimal(tmp_path, "zip")
    env = {**base_env(tmp_path), "TZ": tz}
    version = archiver("--version", env=env, text=True)
    assert version.returncode == 0 and "0." in version.stdout, version.stderr[-2000:]
    checked = archiver("validate", str(tmp_path / "export.zip"), env=env, text=True)
    assert checked.returncode == 0, checked.stderr[-2000:]
    assert "Traceback" not in checked.stderr


@pytest.mark.parametrize("encoding", ["iso8859-2", pytest.param("latin-1", marks=pytest.mark.slow),
                                      pytest.param("ascii", marks=pytest.mark.slow)])
def test_any_output_encoding_shows_the_messages(tmp_path: Path, encoding: str) -> None:
    tables_dir = tmp_path / "zly"
    tables_dir.mkdir()
    write_minimal(tables_dir, "folder")
    export = next(tables_dir.iterdir())
    (export / "classes.csv").write_text("class_id,name,grade,homeroom_teacher_id\n"
                                        "0101,7a,siedem,t1\n", encoding="utf-8")
    env = {**base_env(tmp_path), "PYTHONIOENCODING": encoding}
    for args, code in ((["validate", str(export)], 1), (["render", "--help"], 0),
                       (["audit", "show"], 0)):
        run = archiver(*args, env=env)
        assert run.returncode == code, (args, run.stderr[-2000:])
        assert b"UnicodeEncodeError" not in run.stderr and b"Traceback" not in run.stderr


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="running as an account without a passwd entry needs root and "
                    "setpriv")
def test_an_account_without_home_or_passwd_entry_is_told_to_give_state_dir(
        tmp_path: Path) -> None:
    write_minimal(tmp_path, "zip")
    tmp_path.chmod(0o755)
    env = {k: v for k, v in os.environ.items()
           if k not in ("HOME", "XDG_STATE_HOME", "ARCHIVER_STATE_DIR", "ARCHIVER_PASSWORD")}
    env["ARCHIVER_LANG"] = "en"
    run = subprocess.run(["setpriv", "--reuid", "54321", "--regid", "54321",
                          "--clear-groups", sys.executable, "-m", "archiver", "audit",
                          "show"], capture_output=True, text=True, env=env, cwd=tmp_path,
                         timeout=300)
    assert run.returncode == 2, run.stderr[-2000:]
    errors = [ln for ln in run.stderr.splitlines() if ln.startswith("archiver: error:")]
    assert len(errors) == 1 and "home folder" in errors[0], run.stderr[-2000:]
    assert "--state-dir" in run.stderr and "Traceback" not in run.stderr
