"""Rendering on a Dask distributed cluster: `DaskExecutor`, the cluster kind of Executor.

Imported lazily through `archiver.executor.DaskExecutor`, so that nothing else pays for
importing `distributed`. The shared data (dataset, configuration, run context) is
scattered once per map() to every worker; items are submitted with unique keys, at
most a window of them in flight, and results come back to the client in input order.

Workers hold personal data in memory, so before anything is sent the executor checks
every worker: it must not spill to disk and must render with the same software as this
machine (documents are byte-identical only then). Passwords never travel: the shared
data is only what the renderer needs, and a `Password` refuses to be pickled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError
from dataclasses import dataclass
from importlib import metadata
from typing import Any, TypeVar
from urllib.parse import urlsplit

import dask.config
from dask.utils import parse_timedelta
from distributed import Client, Future, KilledWorker, Security, get_worker
from distributed.client import ClosedClientError
from distributed.spill import SpillBuffer

from archiver import __version__
from archiver.errors import ClusterError, RefusedError
from archiver.i18n import _

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")

ENV_SCHEDULER = "ARCHIVER_DASK_SCHEDULER"

# Packages whose versions decide the bytes of a rendered PDF.
RENDER_PACKAGES = ("weasyprint", "pydyf", "pikepdf", "fonttools", "pillow")

_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", ""}
# Loggers of a client whose scheduler is gone (silenced as it is closed).
_CLIENT_LOGGERS = ("distributed.client", "distributed.core", "distributed.comm",
                   "distributed.utils")
# What a client raises, at one moment or another, when its scheduler is gone.
_CONNECTION_LOST = (OSError, TimeoutError, CancelledError, asyncio.CancelledError,
                    ClosedClientError)


class SharedData:
    """The data every task of one map() shares, under a repr that shows none of it:
    Dask writes a failed task's arguments into the worker's log."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "SharedData(<hidden>)"


def render_versions() -> dict[str, str]:
    """archiver, Python and the rendering packages, as installed in this process."""
    versions = {"archiver": __version__, "python": f"{sys.version_info[0]}.{sys.version_info[1]}"}
    for name in RENDER_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "-"
    return versions


def worker_facts(dask_worker: Any) -> dict[str, Any]:
    """What the client checks on each worker (run there by Client.run)."""
    return {"spills": isinstance(dask_worker.data, SpillBuffer), "versions": render_versions()}


def run_on_worker(fn: Callable[[Any, T], R], shared: SharedData, item: T,
                  allow_spilling: bool = False) -> R:
    """The task: refuse on a worker that spills to disk, else fn(shared, item)."""
    if not allow_spilling and isinstance(get_worker().data, SpillBuffer):
        raise RefusedError(_("this Dask worker spills memory to disk; archiver does "
                             "not render personal data there (start it with spilling "
                             "off)"))
    return fn(shared.value, item)


def is_encrypted(address: str) -> bool:
    """True for a tls:// scheduler, or one on this machine (nothing crosses a network)."""
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    return parts.scheme == "tls" or parts.scheme == "inproc" or (
        parts.hostname or "") in _LOOPBACK_HOSTS or (parts.hostname or "").startswith("127.")


@dataclass
class _Task:
    index: int
    item: Any
    future: Future
    attempts: int = 1


def connect(address: str, timeout: float) -> Client:
    """A client of the scheduler at `address` (tcp:// or tls://, TLS from Dask's config)."""
    if address.startswith("tls://") and Security().get_connection_args(
            "client").get("ssl_context") is None:
        raise ClusterError(
            _("{address} needs TLS credentials for the client").format(address=address),
            hint=_("set distributed.comm.tls.ca-file, distributed.comm.tls.client.cert "
                   "and .client.key in Dask's configuration (or the "
                   "DASK_DISTRIBUTED__COMM__TLS__* variables); see docs/dask.md"))
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise ClusterError(
            _("cannot connect to the Dask scheduler at {address} ({name})").format(
                address=address, name=type(exc).__name__),
            hint=_("check the address and that `dask scheduler` runs there; for tls:// "
                   "set Dask's distributed.comm.tls.* settings (see docs/dask.md)"),
        ) from None


class DaskExecutor:
    """Runs fn(shared, item) on the workers of a Dask cluster, results in input order.

    `scheduler`: an address (tcp://HOST:PORT, tls://HOST:PORT) or a connected Client
    (which the executor then leaves open). `window`: items in flight at most (default
    twice the workers' threads). `retries`: re-runs of a task that raised. A task lost
    with a dead worker is rescheduled by the scheduler itself (up to its
    `distributed.scheduler.allowed-failures`); if every copy of the shared data is lost,
    it is scattered again and the tasks resubmitted, up to `resubmits` times. `timeout`
    (default Dask's distributed.comm.timeouts.connect) bounds connecting and waiting
    for a first worker.
    """

    def __init__(self, scheduler: str | Client, *, window: int | None = None,
                 retries: int = 1, resubmits: int = 2, timeout: float | None = None,
                 no_workers_timeout: float = 300.0, allow_spilling: bool = False) -> None:
        if timeout is None:
            timeout = parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"))
        self._owns_client = not isinstance(scheduler, Client)
        self.client = connect(scheduler, timeout) if self._owns_client else scheduler
        self.address = str(self.client.scheduler.address)
        self.window = window
        self.retries = retries
        self.resubmits = resubmits
        self.timeout = timeout
        self.no_workers_timeout = no_workers_timeout
        self.allow_spilling = allow_spilling
        self.versions = render_versions()  # what every worker must render with
        self.jobs = max(1, sum(self.client.nthreads().values()))

    @property
    def encrypted(self) -> bool:
        """Whether data to and from the cluster is encrypted (TLS) or stays on this host."""
        return is_encrypted(self.address)

    def connected(self) -> bool:
        """Whether the client still talks to its scheduler."""
        return self.client.status == "running"

    def lost(self) -> ClusterError:
        """The one error of a scheduler gone (killed, its machine down, the network cut)."""
        return ClusterError(
            _("the connection to the Dask scheduler at {address} was lost; the run was "
              "stopped").format(address=self.address),
            hint=_("start the scheduler and its workers again, then run again"))

    def check_workers(self) -> None:
        """Refuse workers that spill to disk or render with other software than here."""
        try:
            self.client.wait_for_workers(1, timeout=self.timeout)
            facts = self.client.run(worker_facts)
        except _CONNECTION_LOST as exc:
            if not self.connected():
                raise self.lost() from None
            if isinstance(exc, TimeoutError):
                raise ClusterError(_("no Dask worker joined the scheduler at {address} "
                                     "within {timeout:.0f} s").format(
                                       address=self.address, timeout=self.timeout)) from None
            raise ClusterError(
                _("the Dask workers could not run archiver's check ({name})").format(
                    name=type(exc).__name__),
                hint=_("install archiver {version} on every worker").format(
                         version=__version__)) from None
        except Exception as exc:  # a worker without archiver fails to unpickle the check
            raise ClusterError(
                _("the Dask workers could not run archiver's check ({name})").format(
                    name=type(exc).__name__),
                hint=_("install archiver {version} on every worker").format(
                         version=__version__)) from None
        mine = self.versions
        for address, fact in sorted(facts.items()):
            if fact["spills"] and not self.allow_spilling:
                raise RefusedError(
                    _("the Dask worker {address} spills memory to disk; archiver sends "
                      "no personal data to it").format(address=address),
                    hint=_("start workers with spilling off (see docs/dask.md: "
                           "--memory-limit 0, or "
                           "distributed.worker.memory.target/spill: false)"))
            other = {k: v for k, v in fact["versions"].items() if mine.get(k) != v}
            if other:
                found = ", ".join(f"{k} {v} (here {mine.get(k, '-')})"
                                  for k, v in sorted(other.items()))
                raise RefusedError(
                    _("the Dask worker {address} renders with other software: {found}").format(
                        address=address, found=found),
                    hint=_("install the same versions on every worker, or documents "
                           "would differ from those made on this machine"))
        self.jobs = max(1, sum(self.client.nthreads().values()))

    def _scatter(self, holder: SharedData) -> Future:
        try:
            return self.client.scatter(holder, broadcast=True, hash=False,
                                       timeout=self.no_workers_timeout)
        except _CONNECTION_LOST as exc:
            if not self.connected():
                raise self.lost() from None
            if isinstance(exc, TimeoutError) and not self.client.nthreads():
                raise self._no_workers() from None  # the worker set lost, none came back
            raise ClusterError(_("cannot send the work's data to the Dask workers "
                                 "({name})").format(name=type(exc).__name__)) from None

    def _no_workers(self) -> ClusterError:
        return ClusterError(
            _("no Dask worker left at {address} for {no_workers_timeout:.0f} s; the run "
              "was stopped").format(address=self.address,
                                    no_workers_timeout=self.no_workers_timeout))

    def map(self, fn: Callable[[S, T], R], items: Iterable[T], shared: S) -> Iterator[R]:
        """Yield fn(shared, item) for every item, in input order; a scheduler lost on the
        way is one ClusterError (self.lost()), never Dask's own exceptions."""
        try:
            yield from self._map(fn, items, shared)
        except _CONNECTION_LOST:
            if self.connected():
                raise
            raise self.lost() from None

    def _map(self, fn: Callable[[S, T], R], items: Iterable[T], shared: S) -> Iterator[R]:
        self.check_workers()
        holder = SharedData(shared)
        shared_future = self._scatter(holder)
        run = uuid.uuid4().hex[:16]
        window = self.window or max(2, 2 * self.jobs)
        queue: deque[_Task] = deque()
        pending = iter(enumerate(items))

        def submit(index: int, item: Any, attempts: int = 1) -> _Task:
            # Unique keys: the same spec of another school or run is never mistaken
            # for this one; the key holds no data, only counters.
            key = f"archiver-render-{run}-{index}-{attempts}"
            future = self.client.submit(run_on_worker, fn, shared_future, item,
                                        self.allow_spilling, key=key, pure=False,
                                        retries=self.retries)
            return _Task(index, item, future, attempts)

        try:
            while True:
                while len(queue) < window and (nxt := next(pending, None)) is not None:
                    queue.append(submit(*nxt))
                if not queue:
                    return
                head = queue[0]
                try:
                    result = self._result(head.future)
                except CancelledError:
                    if not self.connected():  # cancelled since the scheduler is gone
                        raise self.lost() from None
                    # Every worker holding the shared data died: scatter it again and
                    # resubmit what is queued.
                    if head.attempts > self.resubmits:
                        raise ClusterError(_("rendering tasks were lost with their "
                                             "workers {attempts} times; giving up").format(
                                               attempts=head.attempts)) from None
                    if shared_future.status != "finished":
                        shared_future = self._scatter(holder)
                    for i, task in enumerate(queue):
                        if task.future.status != "finished":
                            task.future.cancel()
                            queue[i] = submit(task.index, task.item, task.attempts + 1)
                    continue
                queue.popleft().future.release()  # the worker may drop its copy now
                yield result
        finally:
            futures = [task.future for task in queue]
            with contextlib.suppress(*_CONNECTION_LOST):  # nothing to cancel on a lost one
                if futures and self.connected():
                    self.client.cancel(futures)
                shared_future.release()

    def _result(self, future: Future) -> Any:
        """The future's result; ClusterError when its workers keep dying or none is left."""
        waited_without_workers = 0.0
        step = min(10.0, self.no_workers_timeout)
        while True:
            try:
                return future.result(timeout=step)
            except TimeoutError:
                if self.client.nthreads():
                    waited_without_workers = 0.0
                    continue
                waited_without_workers += step
                if waited_without_workers >= self.no_workers_timeout:
                    raise self._no_workers() from None
            except KilledWorker:
                raise ClusterError(
                    _("the workers running one rendering task died too many times "
                      "(distributed.scheduler.allowed-failures); giving up"),
                    hint=_("look for workers running out of memory")) from None

    def close(self) -> None:
        """Close the client if this executor opened it (quietly, when its scheduler is
        gone: Dask would log its own errors about it)."""
        if not self._owns_client:
            return
        if self.connected():
            with contextlib.suppress(*_CONNECTION_LOST):
                self.client.close(timeout=5)
            return
        # A lost scheduler: the client's reconnecting task, cancelled now, would log an
        # asyncio.CancelledError traceback; the run has said in one line what happened.
        quiet = [logging.getLogger(name) for name in _CLIENT_LOGGERS]
        were = [logger.disabled for logger in quiet]
        for logger in quiet:
            logger.disabled = True
        try:
            with contextlib.suppress(*_CONNECTION_LOST):
                self.client.close(timeout=2)
        finally:
            for logger, was in zip(quiet, were, strict=True):
                logger.disabled = was

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
