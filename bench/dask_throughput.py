"""Rendering throughput of term-end documents on a Dask LocalCluster (issue 7).

Writes N demo schools (different seeds and school ids), plans every school's term-end
documents, then for each worker count starts a LocalCluster of that many
single-threaded worker processes (spilling off, as docs/dask.md asks), warms the
workers up, and renders every school through DaskExecutor exactly as
`archiver term-end --executor dask` does. Prints per run: documents, pages, wall time,
pages/s, the workers' CPU seconds, pages per worker CPU second, the speed-up over the
first run, and the load average (the machine may be shared: compare CPU-based figures).

Usage: .venv/bin/python bench/dask_throughput.py [--size small] [--schools 2]
       [--term year] [--workers 1,2]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import dask
import psutil
from distributed import Client, LocalCluster

from archiver.config import load_config
from archiver.demo import generate
from archiver.executor_dask import DaskExecutor
from archiver.jobs.common import load
from archiver.jobs.rendering import render_one
from archiver.jobs.term_end import KINDS, parse_term
from archiver.render.context import RunContext
from archiver.render.documents import DocumentSpec
from archiver.render.plan import plan_documents
from archiver.sources.write import write_export

NO_SPILL = {"distributed.worker.memory.target": False,
            "distributed.worker.memory.spill": False}


@dataclass
class School:
    shared: tuple
    specs: list[DocumentSpec]


@dataclass
class Run:
    workers: int
    documents: int
    pages: int
    wall: float
    worker_cpu: float
    load: tuple[float, float]


def make_schools(folder: Path, size: str, count: int, term: str) -> list[School]:
    """`count` demo schools of `size`, validated, with their term-end document specs."""
    config, run_ctx, period = load_config(None), RunContext.create("bench"), parse_term(term)
    schools = []
    for n in range(count):
        tables, export = generate(size, 2026 + n)
        export["school"]["id"] = f"bench-school-{n + 1}"
        ds = load(write_export(tables, export, folder / f"school-{n + 1}.zip", "zip"))
        schools.append(School((ds, config, run_ctx), plan_documents(ds, KINDS, None, None,
                                                                    period)))
    return schools


def _cpu_seconds() -> float:
    times = psutil.Process().cpu_times()
    return times.user + times.system


def _warm_up() -> int:
    # Import the renderer and lay out one page so the first timed task pays no start-up.
    from archiver.render.pdfa import html_to_pdfa

    html_to_pdfa("<html lang='pl'><body><p>rozgrzewka</p></body></html>", title="x",
                 run_ctx=RunContext.create("bench"))
    return os.getpid()


def measure(schools: list[School], workers: int, local_directory: str) -> Run:
    """Render every school on a fresh cluster of `workers` single-threaded processes."""
    with dask.config.set(NO_SPILL), LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
            host="127.0.0.1", local_directory=local_directory) as cluster, \
            Client(cluster, set_as_default=False) as client:
        client.wait_for_workers(workers, timeout=300)
        client.run(_warm_up)
        cpu_before = sum(client.run(_cpu_seconds).values())
        load_before = os.getloadavg()[0]
        executor = DaskExecutor(client)
        started = time.perf_counter()
        documents = pages = 0
        for school in schools:
            for doc in executor.map(render_one, school.specs, school.shared):
                documents += 1
                pages += doc.pages
        wall = time.perf_counter() - started
        cpu = sum(client.run(_cpu_seconds).values()) - cpu_before
        return Run(workers, documents, pages, wall, cpu, (load_before, os.getloadavg()[0]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="small", choices=["small", "school", "large"])
    parser.add_argument("--schools", type=int, default=2)
    parser.add_argument("--term", default="year")
    parser.add_argument("--workers", default="1,2", help="worker counts, comma separated")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="archiver-bench-") as scratch:
        schools = make_schools(Path(scratch), args.size, args.schools, args.term)
        print(f"{args.schools} {args.size} demo schools, term {args.term}, "
              f"{sum(len(s.specs) for s in schools)} documents; {os.cpu_count()} CPUs")
        print(f"{'workers':>7} {'docs':>5} {'pages':>6} {'wall s':>7} {'pages/s':>8} "
              f"{'wrk CPU s':>9} {'pages/CPU s':>11} {'speed-up':>8}  load avg (1 min)")
        first: Run | None = None
        for workers in (int(w) for w in args.workers.split(",")):
            run = measure(schools, workers, scratch)
            first = first or run
            print(f"{run.workers:>7} {run.documents:>5} {run.pages:>6} {run.wall:>7.1f} "
                  f"{run.pages / run.wall:>8.2f} {run.worker_cpu:>9.1f} "
                  f"{run.pages / run.worker_cpu:>11.2f} {first.wall / run.wall:>7.2f}x  "
                  f"{run.load[0]:.1f} -> {run.load[1]:.1f}")


if __name__ == "__main__":
    main()
