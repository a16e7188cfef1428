"""Two demo schools, a broken third, and a Dask LocalCluster of two worker processes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dask
import pytest
from dask_schools import write_invalid_school, write_school
from distributed import Client, LocalCluster

# Workers as operators must start them: nothing spilled to disk (docs/dask.md).
NO_SPILL = {"distributed.worker.memory.target": False,
            "distributed.worker.memory.spill": False}


@pytest.fixture(scope="session")
def schools(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("schools")
    return [write_school(folder, "sp3-lipowo-demo", 2026),
            write_school(folder, "sp7-jodlowo-demo", 2027)]


@pytest.fixture(scope="session")
def invalid_school(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return write_invalid_school(tmp_path_factory.mktemp("broken"), 2028)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """Two single-threaded worker processes (each under a nanny that restarts it).

    The settings stay in force while the cluster lives: a nanny restarting a killed
    worker hands it the configuration of that moment (as a config file would)."""
    with dask.config.set(NO_SPILL), LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
            host="127.0.0.1", local_directory=str(tmp_path_factory.mktemp("dask-workers")),
    ) as local:
        yield local


@pytest.fixture(scope="module")
def client(cluster: LocalCluster) -> Iterator[Client]:
    with Client(cluster, set_as_default=False) as connected:
        connected.wait_for_workers(2, timeout=120)
        yield connected
