"""Many schools' term-end rendered on a LocalCluster of two worker processes: the same
documents and manifests as local rendering, a worker killed mid-run, a broken school."""

from __future__ import annotations

import json
import operator
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import pyzipper
from click.testing import CliRunner
from dask_schools import EPOCH, PASSWORD, TERM
from distributed import Client, LocalCluster

from archiver.bundle import verify_bundle
from archiver.cli import main_group
from archiver.config import load_config
from archiver.executor import DaskExecutor, SerialExecutor
from archiver.jobs.term_end_many import ManyRequest, ManyResult, run_term_end_many
from archiver.passwords import Password


@pytest.fixture(autouse=True)
def _reproducible_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def _archive(schools: list[Path], root: Path, executor, progress=None,
             at_once: int = 1) -> ManyResult:
    root.mkdir(parents=True, exist_ok=True)
    password_file = root / "pw.txt"
    password_file.write_text(PASSWORD + "\n")
    request = ManyRequest(sources=schools, term=TERM, out_dir=root / "out",
                          operator="CUW Lipowo", password_file=password_file,
                          state_dir=root / "state", schools_at_once=at_once)
    result = run_term_end_many(request, load_config(None), executor, progress=progress)
    assert not result.failed, [o.problem for o in result.failed]
    return result


def _bag(bundle: Path, password: str = PASSWORD) -> dict[str, bytes]:
    """Documents and the SHA-256 manifest inside a bundle, by their path in the bag."""
    with pyzipper.AESZipFile(bundle) as zf:
        zf.setpassword(password.encode())
        return {name.split("/", 1)[1]: zf.read(name) for name in zf.namelist()
                if "/data/dokumenty/" in name or name.endswith("/manifest-sha256.txt")}


def _bundles(result: ManyResult) -> dict[str, Path]:
    return {o.school_id: o.result.pack.bundle.path for o in result.succeeded}


@pytest.fixture(scope="module")
def local_bags(schools, tmp_path_factory) -> dict[str, dict[str, bytes]]:
    """Both schools rendered by the local (serial) executor."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        result = _archive(schools, tmp_path_factory.mktemp("local"), SerialExecutor())
    return {school: _bag(path) for school, path in _bundles(result).items()}


def test_cluster_renders_the_same_documents_and_manifests_as_local(
        local_bags, schools, client: Client, tmp_path: Path) -> None:
    result = _archive(schools, tmp_path, DaskExecutor(client))
    bundles = _bundles(result)
    assert set(bundles) == {"sp3-lipowo-demo", "sp7-jodlowo-demo"}
    for school, path in bundles.items():
        assert verify_bundle(path, Password(PASSWORD)).complete
        bag = _bag(path)
        assert sorted(bag) == sorted(local_bags[school])
        assert len([n for n in bag if "/dokumenty/" in n]) >= 3
        for name, data in bag.items():
            assert data == local_bags[school][name], f"{school}: {name} differs"
    # Two schools, two different sets of documents (not one school twice).
    first, second = (local_bags[s]["manifest-sha256.txt"] for s in sorted(local_bags))
    assert first != second


def _worker_pids(client: Client) -> dict[str, int]:
    return client.run(os.getpid)


def test_a_worker_killed_mid_run_and_the_bundles_still_complete(
        local_bags, schools, client: Client, tmp_path: Path) -> None:
    client.wait_for_workers(2, timeout=120)
    before = _worker_pids(client)
    killed: list[int] = []
    once = threading.Lock()

    def kill_a_busy_worker(done: int, _total: int, _doc) -> None:
        with once:
            if killed:
                return
            killed.append(0)
        # The first document is back: kill (SIGKILL) a worker that has tasks in hand.
        busy = [addr for addr, keys in client.processing().items() if keys] or list(before)
        killed[0] = before[busy[0]]
        os.kill(killed[0], signal.SIGKILL)

    # Both schools at once, as the CLI runs them on a cluster.
    result = _archive(schools, tmp_path, DaskExecutor(client), progress=kill_a_busy_worker,
                      at_once=2)
    assert killed and killed[0] not in _worker_pids(client).values()
    for school, path in _bundles(result).items():
        report = verify_bundle(path, Password(PASSWORD))
        assert report.complete, report.problems
        assert _bag(path) == local_bags[school]


def _invoke(args: list[str]):
    return CliRunner().invoke(main_group, args, catch_exceptions=False)


@pytest.fixture
def cli_run(schools, invalid_school, cluster: LocalCluster, tmp_path: Path) -> Iterator:
    broken, _name = invalid_school
    result = _invoke(["term-end", str(schools[0]), str(broken), str(schools[1]),
                      "--term", TERM, "--create-out", "--out", str(tmp_path / "out"),
                      "--slip-out", str(tmp_path / "slips"),
                      "--state-dir", str(tmp_path / "state"), "--operator", "CUW Lipowo",
                      "--executor", "dask", "--scheduler", cluster.scheduler_address])
    yield result, tmp_path


def test_cli_skips_an_invalid_school_archives_the_others_and_exits_6(
        cli_run, invalid_school) -> None:
    result, root = cli_run
    broken, last_name = invalid_school
    assert result.exit_code == 6, result.output
    skipped = [line for line in result.output.splitlines() if "skipped" in line]
    assert len(skipped) == 1 and broken.name in skipped[0]
    assert last_name not in result.output
    assert "Schools archived: 2 of 3" in result.output
    bundles = sorted((root / "out").glob("*.zip"))
    assert [b.name.split("_")[0] for b in bundles] == ["sp3-lipowo-demo", "sp7-jodlowo-demo"]


def test_cli_generated_passwords_one_slip_per_school_each_opens_its_bundle(cli_run) -> None:
    _result, root = cli_run
    for bundle in sorted((root / "out").glob("*.zip")):
        slip = root / "slips" / (bundle.name.removesuffix(".zip") + "-haslo.txt")
        text = slip.read_text()
        assert bundle.name in text
        password = next(line.split(":", 1)[1].strip() for line in text.splitlines()
                        if line.startswith("Hasło:"))
        assert verify_bundle(bundle, Password(password)).complete


def test_cli_records_each_school_as_its_own_term_end_entry(cli_run) -> None:
    _result, root = cli_run
    shown = _invoke(["audit", "show", "--json", "--state-dir", str(root / "state")])
    entries = [e for e in json.loads(shown.output) if e["command"] == "term-end"]
    assert sorted(e["scope"]["school_id"] for e in entries) == ["sp3-lipowo-demo",
                                                                 "sp7-jodlowo-demo"]
    assert all(e["result"] == "ok" for e in entries)
    assert _invoke(["audit", "verify", "--state-dir", str(root / "state")]).exit_code == 0


def test_shared_data_lost_with_every_worker_is_sent_again(client: Client) -> None:
    client.wait_for_workers(2, timeout=120)
    executor = DaskExecutor(client, window=4)
    results = executor.map(operator.add, range(12), 100)
    got = [next(results)]
    for pid in _worker_pids(client).values():  # every copy of the shared data dies
        os.kill(pid, signal.SIGKILL)
    got += list(results)
    assert got == [100 + i for i in range(12)]


def test_a_password_in_the_shared_data_never_reaches_a_worker(client: Client) -> None:
    with pytest.raises(TypeError, match="Could not serialize") as raised:
        list(DaskExecutor(client).map(operator.add, range(3), Password(PASSWORD)))
    causes = []
    error: BaseException | None = raised.value
    while error is not None:
        causes.append(str(error))
        error = error.__cause__
    assert any("never pickled" in text for text in causes)
    assert not any(PASSWORD in text for text in causes)
    assert not any(client.has_what().values())
