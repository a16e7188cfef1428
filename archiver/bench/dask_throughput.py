"""Rendering throughput of term-end documents on a Dask LocalCluster (issue 7).

Writes N demo schools (different seeds and school ids), plans every school's term-end
documents, then for each worker count starts a LocalCluster of that many
single-threaded worker processes (spilling off, as docs/dask.md asks), warms the
workers up, and renders every school's documents with render_documents on a
DaskExecutor (no render cache) exactly as `archiver term-end --executor dask` does:
views and HTML made here, pages laid out on the workers, parts merged here. Prints
per run: documents, pages, wall time, pages/s, the workers' CPU seconds, pages per
worker CPU second, the speed-up over the first run, and the load average (the machine
may be shared: compare CPU-based figures).
Then, on the same cluster, the whole multi-school term-end (run_term_end_many: render,
pack, encrypt, verify, audit), schools one by one and two at once (as the CLI runs them
on a cluster): beside the rendering's wall time it shows how long the workers wait for
the packing machine (which here shares the same 2 cores).

Usage: .venv/bin/python -m archiver.bench.dask_throughput [--size small] [--schools 2]
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
from archiver.executor.cluster import DaskExecutor
from archiver.jobs.term_end import KINDS, parse_term
from archiver.jobs.term_end_many import ManyRequest, run_term_end_many
from archiver.load import load
from archiver.render.batch import render_documents
from archiver.render.context import RunContext
from archiver.render.documents import DocumentSpec
from archiver.render.plan import plan_documents
from archiver.sources.write import write_export

NO_SPILL = {"distributed.worker.memory.target": False,
            "distributed.worker.memory.spill": False}


@dataclass
class School:
    path: Path
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
    term_end_one_by_one: float = 0.0
    term_end_overlapping: float = 0.0


def make_schools(folder: Path, size: str, count: int, term: str) -> list[School]:
    """`count` demo schools of `size`, validated, with their term-end document specs."""
    config, run_ctx, period = load_config(None), RunContext.create("bench"), parse_term(term)
    schools = []
    for n in range(count):
        tables, export = generate(size, 2026 + n)
        export["school"]["id"] = f"bench-school-{n + 1}"
        path = write_export(tables, export, folder / f"school-{n + 1}.zip", "zip")
        ds = load(path)
        schools.append(School(path, (ds, config, run_ctx),
                              plan_documents(ds, KINDS, None, None, period)))
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


def whole_term_end(schools: list[School], executor: DaskExecutor, folder: Path,
                   term: str, at_once: int) -> float:
    """Seconds of run_term_end_many for every school (a given password, fresh folders),
    `at_once` schools overlapping."""
    folder.mkdir()
    password = folder / "pw.txt"
    password.write_text("tarcza-Wrzos-kompas-Lipa-93-zegar-Pstrag\n")
    request = ManyRequest(sources=[s.path for s in schools], term=term, out_dir=folder / "out",
                          operator="bench", password_file=password, state_dir=folder / "st",
                          schools_at_once=at_once)
    started = time.perf_counter()
    result = run_term_end_many(request, load_config(None), executor)
    assert not result.failed, [o.problem for o in result.failed]
    return time.perf_counter() - started


def measure(schools: list[School], workers: int, local_directory: str, term: str) -> Run:
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
            ds, config, run_ctx = school.shared
            for doc in render_documents(school.specs, ds, config, run_ctx,
                                        executor=executor):
                documents += 1
                pages += doc.pages
        wall = time.perf_counter() - started
        cpu = sum(client.run(_cpu_seconds).values()) - cpu_before
        load_after = os.getloadavg()[0]
        folder = Path(local_directory)
        one_by_one = whole_term_end(schools, executor, folder / f"{workers}-1", term, 1)
        overlapping = whole_term_end(schools, executor, folder / f"{workers}-2", term, 2)
        return Run(workers, documents, pages, wall, cpu, (load_before, load_after),
                   one_by_one, overlapping)


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
              f"{'wrk CPU s':>9} {'pages/CPU s':>11} {'speed-up':>8} {'term-end s':>10}"
              f" {'2 at once':>9}  load avg (1 min)")
        first: Run | None = None
        for workers in (int(w) for w in args.workers.split(",")):
            run = measure(schools, workers, scratch, args.term)
            first = first or run
            print(f"{run.workers:>7} {run.documents:>5} {run.pages:>6} {run.wall:>7.1f} "
                  f"{run.pages / run.wall:>8.2f} {run.worker_cpu:>9.1f} "
                  f"{run.pages / run.worker_cpu:>11.2f} {first.wall / run.wall:>7.2f}x "
                  f"{run.term_end_one_by_one:>10.1f} {run.term_end_overlapping:>9.1f}  "
                  f"{run.load[0]:.1f} -> {run.load[1]:.1f}")


if __name__ == "__main__":
    main()
