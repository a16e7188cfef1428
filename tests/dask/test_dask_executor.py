"""DaskExecutor on an in-process cluster: order, shared data, refusals, and what it sends."""

from __future__ import annotations

import os
import pickle
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import dask
import pytest
from click.testing import CliRunner
from distributed import Client, LocalCluster, Security
from tls_certs import make_tls_files

from archiver.cli import main_group
from archiver.config import load_config
from archiver.errors import ArchiverError, RefusedError
from archiver.executor import ClusterError, DaskExecutor, SerialExecutor
from archiver.executor.cluster import is_encrypted
from archiver.jobs.term_end_many import ManyRequest, run_term_end_many

NO_SPILL = {"distributed.worker.memory.target": False,
            "distributed.worker.memory.spill": False}
PASSWORD = "tarcza-Wrzos-kompas-Lipa-93-zegar-Pstrag"


def _threaded_cluster(**kwargs: object) -> LocalCluster:
    return LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                        dashboard_address=":0", **kwargs)


@pytest.fixture(scope="module")
def threaded_client() -> Iterator[Client]:
    with dask.config.set(NO_SPILL):
        cluster = _threaded_cluster()
    with cluster, Client(cluster, set_as_default=False) as client:
        yield client


def _tagged_power(exponent: int, n: int) -> tuple[int, int]:
    # Later items finish first, so the order must come from the executor.
    threading.Event().wait(0.01 * (5 - n % 5))
    return n**exponent, threading.get_ident()


def test_results_come_in_input_order_with_a_small_window(threaded_client: Client) -> None:
    items = list(range(23))
    executor = DaskExecutor(threaded_client, window=3)
    got = [value for value, _ in executor.map(_tagged_power, items, 3)]
    assert got == [value for value, _ in SerialExecutor().map(_tagged_power, items, 3)]
    assert executor.jobs == 2


def _shared_identity(shared: dict, _item: int) -> int:
    return id(shared)


def test_shared_data_is_sent_once_per_worker_not_per_item(threaded_client: Client) -> None:
    executor = DaskExecutor(threaded_client)
    seen = set(executor.map(_shared_identity, range(20), {"dataset": list(range(1000))}))
    assert 1 <= len(seen) <= 2  # one copy on each worker at most


def _cluster_holds_nothing(client: Client, seconds: float = 10.0) -> bool:
    # Releasing is asynchronous: give the scheduler a moment to hear of it.
    deadline = time.monotonic() + seconds
    while any(client.has_what().values()):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_nothing_is_left_on_the_cluster_after_a_run(threaded_client: Client) -> None:
    results = DaskExecutor(threaded_client).map(_tagged_power, range(6), 2)
    assert len(list(results)) == 6
    assert _cluster_holds_nothing(threaded_client)


def test_a_worker_that_spills_to_disk_gets_no_data(tmp_path: Path) -> None:
    # Dask's defaults: a memory limit with target/spill fractions, i.e. a spill buffer.
    with _threaded_cluster(memory_limit="2GiB", local_directory=str(tmp_path)) as cluster, \
            Client(cluster, set_as_default=False) as client:
        executor = DaskExecutor(client)
        with pytest.raises(RefusedError, match="spills memory to disk"):
            list(executor.map(_tagged_power, range(3), 2))
        assert _cluster_holds_nothing(client, seconds=0)


def test_a_worker_with_other_rendering_software_is_refused(threaded_client: Client) -> None:
    executor = DaskExecutor(threaded_client)
    executor.versions = {**executor.versions, "weasyprint": "0.1"}  # as if this host differed
    with pytest.raises(RefusedError, match="weasyprint"):
        list(executor.map(_tagged_power, range(3), 2))


class _Capture(SerialExecutor):
    """Keeps what a job hands its executor (shared data and every item), then stops it."""

    sent: tuple = ()

    def map(self, fn, items, shared):  # type: ignore[override]
        type(self).sent = (fn, shared, list(items))
        raise ArchiverError("stopped by the test after capturing what would be sent")


def test_what_a_term_end_sends_to_workers_holds_no_password(tmp_path: Path, schools) -> None:
    pw = tmp_path / "pw.txt"
    pw.write_text(PASSWORD + "\n")
    request = ManyRequest(sources=schools[:1], term="1", out_dir=tmp_path / "out",
                          operator="Sekretariat", password_file=pw,
                          state_dir=tmp_path / "state")
    result = run_term_end_many(request, load_config(None), _Capture())
    assert result.failed and "stopped by the test" in (result.failed[0].problem or "")
    _fn, _shared, items = _Capture.sent
    assert items  # the documents' parts, each to be laid out on a worker
    sent = pickle.dumps(_Capture.sent)  # what Dask would serialise for the workers
    assert PASSWORD.encode() not in sent and b"Password" not in sent
    assert "ARCHIVER_PASSWORD" not in os.environ


@pytest.mark.parametrize(("address", "encrypted"), [
    ("tls://scheduler.cuw.local:8786", True), ("tcp://127.0.0.1:8786", True),
    ("tcp://localhost:8786", True), ("tcp://10.1.2.3:8786", False),
    ("scheduler.cuw.local:8786", False),
])
def test_plain_tcp_to_another_machine_counts_as_unencrypted(address, encrypted) -> None:
    assert is_encrypted(address) is encrypted


def _invoke(args: list[str]):
    return CliRunner().invoke(main_group, args, catch_exceptions=False)


def test_cli_dask_needs_a_scheduler_and_a_scheduler_needs_dask(tmp_path, schools) -> None:
    common = ["term-end", *map(str, schools), "--create-out", "--out", str(tmp_path / "out")]
    result = CliRunner(env={"ARCHIVER_DASK_SCHEDULER": ""}).invoke(
        main_group, [*common, "--executor", "dask"])
    assert result.exit_code == 2 and "--scheduler" in result.output
    result = _invoke([*common, "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 2 and "--executor dask" in result.output
    assert not (tmp_path / "out").exists()


def test_cli_unreachable_scheduler_is_one_line_error(tmp_path, schools) -> None:
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = _invoke(["term-end", *map(str, schools),
                          "--create-out", "--out", str(tmp_path / "out"),
                          "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 5  # the machine the run depends on is not there (issue 13)
    assert "cannot connect to the Dask scheduler at tcp://127.0.0.1:9" in result.output
    assert "Traceback" not in result.output


@pytest.fixture(scope="module")
def tls_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalCluster, dict]]:
    files = make_tls_files(tmp_path_factory.mktemp("tls"))
    security = Security(tls_ca_file=str(files["ca"]), require_encryption=True,
                        tls_scheduler_cert=str(files["cert"]),
                        tls_scheduler_key=str(files["key"]),
                        tls_worker_cert=str(files["cert"]), tls_worker_key=str(files["key"]),
                        tls_client_cert=str(files["cert"]), tls_client_key=str(files["key"]))
    with dask.config.set(NO_SPILL):
        cluster = _threaded_cluster(protocol="tls", security=security, host="127.0.0.1")
    with cluster:
        yield cluster, files


def test_tls_scheduler_with_credentials_from_dask_config(tls_cluster) -> None:
    cluster, files = tls_cluster
    address = cluster.scheduler_address
    assert address.startswith("tls://")
    with pytest.raises(ClusterError, match="needs TLS credentials"):
        DaskExecutor(address)
    with dask.config.set({"distributed.comm.tls.ca-file": str(files["ca"]),
                          "distributed.comm.tls.client.cert": str(files["cert"]),
                          "distributed.comm.tls.client.key": str(files["key"]),
                          "distributed.comm.require-encryption": True}):
        with DaskExecutor(address) as executor:
            assert executor.encrypted
            assert [v for v, _ in executor.map(_tagged_power, range(5), 2)] == [0, 1, 4, 9, 16]


def _slow_power(exponent: int, n: int) -> int:
    threading.Event().wait(0.2)
    return n**exponent


def test_a_lost_scheduler_stops_the_run_with_one_cluster_error_exit_5() -> None:
    """The scheduler gone mid-run gave two asyncio.CancelledError tracebacks and exit 1
    ('bad input'); now one ClusterError saying the scheduler was lost, exit 5 (issue 13,
    finding 11)."""
    with dask.config.set(NO_SPILL):
        cluster = _threaded_cluster()
    client = Client(cluster, set_as_default=False, timeout=3)
    try:
        results = DaskExecutor(client, window=2).map(_slow_power, range(30), 2)
        assert next(results) == 0
        cluster.close()  # the scheduler and its workers gone
        started = time.monotonic()
        with pytest.raises(ClusterError, match="lost") as caught:
            list(results)
        assert time.monotonic() - started < 20
        assert caught.value.exit_code == 5
        assert "Traceback" not in str(caught.value)
    finally:
        client.close()
        cluster.close()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_cli_scheduler_killed_mid_run_is_one_line_exit_5(tmp_path: Path, schools) -> None:
    """A real scheduler and worker in their own processes; the scheduler SIGKILLed while
    term-end renders: one error line, exit 5, no traceback, nothing left in --out."""
    import signal
    import subprocess
    import sys

    bin_dir = Path(sys.executable).parent
    port = _free_port()
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__MEMORY__TARGET": "False",
           "DASK_DISTRIBUTED__WORKER__MEMORY__SPILL": "False", "ARCHIVER_LANG": "en"}
    scheduler = subprocess.Popen([bin_dir / "dask", "scheduler", "--host", "127.0.0.1",
                                  "--port", str(port), "--no-dashboard"], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([bin_dir / "dask", "worker", f"tcp://127.0.0.1:{port}",
                               "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
                               "--memory-limit", "0"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    (tmp_path / "pw.txt").write_text(PASSWORD + "\n")
    out = tmp_path / "out"
    out.mkdir()
    try:
        run = subprocess.Popen(
            [bin_dir / "archiver", "term-end", str(schools[0]), "--term", "year", "--out",
             str(out), "--state-dir", str(tmp_path / "state"), "--password-file",
             str(tmp_path / "pw.txt"), "--executor", "dask", "--scheduler",
             f"tcp://127.0.0.1:{port}", "--no-cache"], env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        assert run.stderr is not None
        seen = []
        for line in run.stderr:  # progress lines: kill once the workers render
            seen.append(line)
            if "document 1/" in line:
                scheduler.send_signal(signal.SIGKILL)
                break
        rest = run.stderr.read()
        code = run.wait(timeout=120)
    finally:
        for process in (scheduler, worker):
            process.kill()
            process.wait()
    shown = "".join(seen) + rest
    assert code == 5, shown
    assert "Traceback" not in shown and "CancelledError" not in shown, shown
    errors = [ln for ln in shown.splitlines() if ln.startswith("archiver: error:")]
    assert len(errors) == 1 and "Dask scheduler" in errors[0] and "lost" in errors[0], shown
    assert [p.name for p in out.iterdir()] == []


def test_a_lost_worker_set_stops_the_run_with_one_cluster_error_exit_5() -> None:
    """Every worker gone (the scheduler still there): after no_workers_timeout, one
    ClusterError, exit 5 (issue 13, finding 11)."""
    with dask.config.set(NO_SPILL):
        cluster = _threaded_cluster()
    client = Client(cluster, set_as_default=False, timeout=3)
    try:
        executor = DaskExecutor(client, window=2, no_workers_timeout=2)
        results = executor.map(_slow_power, range(30), 2)
        assert next(results) == 0
        cluster.scale(0)  # the worker set lost
        with pytest.raises(ClusterError, match="no Dask worker left") as caught:
            list(results)
        assert caught.value.exit_code == 5
    finally:
        client.close()
        cluster.close()
