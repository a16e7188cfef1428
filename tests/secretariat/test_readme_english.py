"""README's English examples ("Then, for example:" after `make demo`), run verbatim in a
shell after what `make demo` does (same command, read from the Makefile): each succeeds."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def english_examples() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start: two commands", 1)[1].split("\n## ", 1)[0]
    after = section.split("Then, for example:", 1)[1]
    block = re.search(r"```sh\n(.*?)```", after, re.S)
    assert block, "README's English quick start has no example block"
    return [line.split("  #")[0].strip() for line in block.group(1).splitlines()
            if line.strip()]


def make_demo_command() -> str:
    """`make demo`'s recipe with the Makefile's variables filled in (make -n prints it)."""
    shown = subprocess.run(["make", "-n", "--no-print-directory", "demo"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout
    lines = [line for line in shown.splitlines() if "term-end" in line]
    assert len(lines) == 1, shown
    return lines[0].replace(str(ROOT / ".venv" / "bin") + "/", ".venv/bin/")


@pytest.mark.slow
def test_readmes_english_examples_run_after_make_demo(tmp_path) -> None:
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_")}
    env.update({"LANG": "en_US.UTF-8", "ARCHIVER_STATE_DIR": str(tmp_path / "state")})
    demo = make_demo_command()
    slip_folder = re.search(r"--slip-out (\S+)", demo)
    assert slip_folder
    (tmp_path / Path(slip_folder.group(1)).parent).mkdir(parents=True, exist_ok=True)
    script = "\n".join(["set -e", demo, *english_examples()])
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "VERDICT: OK, the bundle is complete and unchanged" in done.stdout
    assert list((tmp_path / "wydruki").glob("*.pdf"))


def test_readmes_english_examples_name_what_the_demo_has(demo_export) -> None:
    """Fast half: each example is a real command and option of the CLI, and the class it
    names is in the default demo (the slow test runs them all)."""
    from click.testing import CliRunner

    from archiver.cli import main_group

    examples = [line for line in english_examples() if line.startswith("archiver ")]
    assert examples
    for line in examples:
        words = line.split()
        result = CliRunner().invoke(main_group, [words[1], "--help"], env={"ARCHIVER_LANG": "en"})
        assert result.exit_code == 0, line
        for option in (w for w in words if w.startswith("--")):
            assert option in result.output, (line, option)
    render = next(line for line in examples if line.startswith("archiver render"))
    named = re.search(r"--class (\S+)", render)
    assert named
    listed = CliRunner().invoke(main_group, ["list", str(demo_export), "classes"],
                                env={"ARCHIVER_LANG": "en"})
    assert listed.exit_code == 0, listed.output
    assert named.group(1) in listed.output.split(), listed.output
