"""Where tile and province tasks run: in this process, or on a Dask cluster (``--scheduler``).

Scheduling is Dask's (``distributed``): nothing here queues, retries or balances work. The
embedded run and a cluster run call the same pure task functions through the same
``mapper(function, tasks, **kwargs)``; only who executes them differs.

Scheduler specifications:

- ``""`` (default): in this process, one task after the other;
- ``"local"`` or ``"local:N"``: a Dask ``LocalCluster`` of N worker processes (default: the
  machine's cores), one thread each, started for the run and closed after it;
- ``"tcp://host:8786"`` (or ``host:8786``): an existing Dask scheduler.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from territorio.errors import SaidError
from territorio.network.tiles import embedded_map

EMBEDDED = ""
CONNECT_TIMEOUT = "15s"
"""How long to wait for a remote scheduler before saying it cannot be reached."""
_LOCAL = re.compile(r"^local(?::(\d+))?$")
_ADDRESS = re.compile(r"^(tcp|tls|inproc|ucx)://\S+$|^[\w.-]+:\d+$")


@dataclass(frozen=True)
class Scheduler:
    """An open scheduler: ``map`` runs tasks, ``workers`` says how many run at once.

    Examples
    --------
    >>> with open_scheduler("") as scheduler:
    ...     scheduler.map(pow, [1, 2, 3], exp=2), scheduler.workers, scheduler.label
    ([1, 4, 9], 1, 'in questo processo')
    """

    map: Callable[..., list]
    workers: int
    label: str


def parse_scheduler(spec: str) -> tuple[str, int | str]:
    """``("embedded", 1)``, ``("local", N)`` or ``("address", address)`` of a specification.

    Raises
    ------
    SaidError
        If the specification is none of the accepted forms (the message lists them).

    Examples
    --------
    >>> parse_scheduler("local:2"), parse_scheduler("tcp://10.0.0.5:8786")
    (('local', 2), ('address', 'tcp://10.0.0.5:8786'))
    """
    text = (spec or "").strip()
    if text == EMBEDDED:
        return ("embedded", 1)
    local = _LOCAL.match(text)
    if local:
        workers = int(local.group(1) or (os.cpu_count() or 1))
        if workers < 1:
            raise _bad(text)
        return ("local", workers)
    if _ADDRESS.match(text):
        return ("address", text)
    raise _bad(text)


def _bad(text: str) -> SaidError:
    return SaidError(
        f"scheduler {text!r}: expected 'local', 'local:N' (N worker processes) or the address "
        "of a Dask scheduler such as tcp://host:8786",
        f"scheduler {text!r}: atteso 'local', 'local:N' (N processi di calcolo) o l'indirizzo "
        "di uno scheduler Dask come tcp://host:8786",
    )


@contextmanager
def open_scheduler(spec: str) -> Iterator[Scheduler]:
    """Open the scheduler of ``spec`` for the duration of a run (a local cluster is closed after).

    Raises
    ------
    SaidError
        For a malformed specification, or a scheduler that cannot be reached.
    """
    kind, value = parse_scheduler(spec)
    if kind == "embedded":
        yield Scheduler(embedded_map, 1, "in questo processo")
        return
    from distributed import Client, LocalCluster

    cluster = None
    try:
        if kind == "local":
            cluster = LocalCluster(
                n_workers=int(value),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,
            )
            client = Client(cluster)
        else:
            client = Client(str(value), timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise SaidError(
            f"cannot reach the Dask scheduler {spec!r}: {exc}",
            f"scheduler Dask {spec!r} non raggiungibile: {exc}",
        ) from exc
    try:
        workers = len(client.scheduler_info().get("workers", {})) or 1
        label = f"Dask, {workers} processi" if kind == "local" else f"Dask {value}"
        yield Scheduler(_dask_map(client), workers, label)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _dask_map(client) -> Callable[..., list]:
    def run(function: Callable, tasks: Iterable, **kwargs) -> list:
        # what every task reads (a graph, a table) goes once to each worker, not into every
        # task
        shared = {
            key: value if isinstance(value, (bool, int, float, str)) else _broadcast(value)
            for key, value in kwargs.items()
        }
        # the tasks go to the workers as data too (their index arrays add up to the graph's)
        futures = client.map(function, client.scatter(list(tasks)), pure=False, **shared)
        return client.gather(futures)

    def _broadcast(value):
        return client.scatter(value, broadcast=True, hash=False)

    return run


#: tile side when a scheduler is set and ``[run] tile_km`` is 0
DEFAULT_TILE_KM = 10.0


def tile_size_km(run) -> float:
    """Tile side of the street searches: ``[run] tile_km``, else 10 km with a scheduler.

    Examples
    --------
    >>> from territorio.settings import RunSection
    >>> tile_size_km(RunSection()), tile_size_km(RunSection(scheduler="local:2"))
    (0.0, 10.0)
    """
    if run.tile_km > 0:
        return float(run.tile_km)
    return DEFAULT_TILE_KM if run.scheduler else 0.0
