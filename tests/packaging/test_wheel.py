"""A wheel built from the repository works when installed without -e, as `pipx install .`
or `pip install .` gives it: templates and assets inside the package, every document kind
rendered by the installed `archiver`, `term-end --demo` archived.

Fast on purpose: the sdist is built with setuptools' PEP 517 hooks, the wheel from the
sdist (as `python -m build` does), both without build isolation; the fresh venv has no pip
and no dependencies of its own: a .pth lends it the project's installed ones, while
`archiver` itself comes only from the wheel (the commands run outside the source tree).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "report_templates"
FIXTURE = REPO / "tests" / "fixtures" / "school_small"
IGNORED = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "__pycache__",
                                 ".pytest_cache", ".ruff_cache", ".hypothesis")


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None,
         timeout: int = 300) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def _clean_copy(target: Path) -> Path:
    """The files a clean clone would have (tracked and new, not ignored), copied to target."""
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], cwd=REPO, capture_output=True)
    if listing.returncode != 0:  # not a git checkout: the tree minus what a build leaves
        shutil.copytree(REPO, target, ignore=IGNORED)
        return target
    for name in filter(None, listing.stdout.decode().split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _lend_dependencies(venv_python: Path) -> None:
    """A .pth in the fresh venv naming the project's site-packages (only archiver is new)."""
    query = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(_run(venv_python, "-c", query, cwd=venv_python.parent).stdout.strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "zz-archiver-test-deps.pth").write_text("\n".join(sorted(ours)) + "\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """sdist and wheel of a clean copy of the repository, the wheel made from the sdist."""
    base = tmp_path_factory.mktemp("wheel")
    source = _clean_copy(base / "source")
    dist = base / "dist"
    hooks = ("import sys; from setuptools import build_meta as b; "
             "print(b.build_sdist(sys.argv[1]))")
    sdist = dist / _run(sys.executable, "-c", hooks, dist, cwd=source).stdout.split()[-1]
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "--no-index", "-w", dist, sdist, cwd=base)
    return {"sdist": sdist, "wheel": next(dist.glob("archiver-*.whl")), "base": base}


@pytest.fixture(scope="module")
def installed(built) -> dict[str, object]:
    """A fresh venv with the wheel installed non-editable; env and cwd outside the repo."""
    base = built["base"]
    venv = base / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=base)
    python = venv / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps",
         "--no-index", built["wheel"], cwd=base)
    _lend_dependencies(python)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(SOURCE_DATE_EPOCH="1780000000",
               ARCHIVER_PASSWORD="kites-Lipowo-orange-7-sang-2026-quietly",
               XDG_STATE_HOME=str(base / "state"), PATH=f"{venv / 'bin'}:{env['PATH']}")
    work = base / "work"
    work.mkdir()
    return {"venv": venv, "python": python, "archiver": venv / "bin" / "archiver",
            "env": env, "cwd": work}


def _template_files() -> list[str]:
    return sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def test_sdist_and_wheel_carry_every_template_and_asset(built) -> None:
    with tarfile.open(built["sdist"]) as tar:
        in_sdist = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    with zipfile.ZipFile(built["wheel"]) as whl:
        in_wheel = set(whl.namelist())
    for name in _template_files():
        assert f"report_templates/{name}" in in_sdist, name
        assert f"archiver/report_templates/{name}" in in_wheel, name


def test_installed_archiver_is_the_wheel_not_the_source_tree(installed) -> None:
    where = _run(installed["python"], "-c", "import archiver.render.fetcher as f; "
                 "print(f.__file__); print(f.TEMPLATES_DIR)",
                 cwd=installed["cwd"], env=installed["env"]).stdout.split()
    assert all(Path(p).is_relative_to(installed["venv"]) for p in where), where


def test_installed_archiver_renders_every_document_kind(installed) -> None:
    out = installed["cwd"] / "wydruki"
    result = _run(installed["archiver"], "render", FIXTURE, "--out", out, "--operator", "test",
                  "--jobs", "1", cwd=installed["cwd"], env=installed["env"])
    for word in ("dziennik", "frekwencja", "wiadomosci"):
        made = list(out.glob(f"*_{word}_*.pdf"))
        assert made, f"no {word} PDF in {result.stdout}"
        assert all(p.read_bytes().startswith(b"%PDF-") for p in made)


def test_installed_archiver_runs_term_end_demo_disclose_and_the_register(installed) -> None:
    run = {"cwd": installed["cwd"], "env": installed["env"]}
    archiver = installed["archiver"]
    result = _run(archiver, "term-end", "--demo", "--create-out", "--out", "archiwum",
                  "--operator", "test",
                  "--jobs", "1", **run)
    assert "verified" in result.stdout
    assert list((installed["cwd"] / "archiwum").glob("*-protokol.pdf"))
    _run(archiver, "disclose", FIXTURE, "--student", "S1", "--recipient", "Sąd Rejonowy",
         "--legal-basis", "art. 1", "--case-ref", "III 1/26", "--approved-by", "T1",
         "--create-out", "--out", "udostepnienia", "--operator", "test", "--jobs", "1", **run)
    assert list((installed["cwd"] / "udostepnienia").glob("*-pismo.pdf"))
    _run(archiver, "audit", "disclosures", "--out", "rejestr.pdf", "--operator", "test", **run)
    assert (installed["cwd"] / "rejestr.pdf").read_bytes().startswith(b"%PDF-")
