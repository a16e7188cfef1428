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
    assert result.exit_code == 1
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
