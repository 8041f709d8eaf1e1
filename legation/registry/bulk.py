"""A large JSON Lines import on every core: worker processes read, validate and prepare the records.

Validating a record and making its canonical text and derived rows is Python work that holds the
interpreter's lock, and it is most of an import's time. So for a large file, forked workers each
take every n-th block of about 1 MiB of whole lines, validate its records exactly as one process
would (`imports.validate`, `imports.entry`) and send back plain tuples (`imports.Entry`). The
importing process reads the blocks' results in file order and does everything that needs the whole
import: repeated ids, person names, writing, the reference check, the one transaction. A block's
first bad line stops that block; the importing process raises it when it gets there in file order,
so the error is the one a single process would have raised first.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from legation.errors import InputError
from legation.registry import formats

BLOCK = 1 << 20  # bytes of whole lines per task: a few thousand records
MIN_BYTES = 4 << 20  # below this one process is about as quick: forking and the pipes cost ~0.1 s
ENV_WORKERS = "LEGATION_IMPORT_WORKERS"  # 0: never; a number: that many workers, whatever the size
Prepare = Callable[[str, int, bytes], tuple[Any, ...]]  # (file, first line, lines) -> (records, ...)


def workers(paths: list[str]) -> int:
    """How many worker processes to use for these JSON Lines files; 0 for none."""
    setting = os.environ.get(ENV_WORKERS, "").strip()
    if setting.isdigit():
        return int(setting)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    big = sum(Path(p).stat().st_size for p in paths) >= MIN_BYTES
    return cores if cores > 1 and big else 0


def blocks(paths: list[str]) -> Iterator[tuple[int, int, bytes]]:
    """(file index, first line number, bytes) of whole lines, at least one block per file. A line
    longer than formats.MAX_LINE is cut, so the block holding its start reports it."""
    for index, path in enumerate(paths):
        with open(path, "rb") as stream:
            line, data = 1, stream.read(BLOCK)
            yield_empty = not data
            while data or yield_empty:
                if not data.endswith(b"\n"):
                    data += stream.readline(formats.MAX_LINE + 1)
                yield index, line, data
                line += data.count(b"\n")
                data, yield_empty = stream.read(BLOCK), False


def _work(out: Connection, others: list[Connection], paths: list[str], part: int, parts: int, prepare: Prepare) -> None:
    """One worker: every `parts`-th block from the `part`-th, each sent as prepare's result. The
    read ends it inherited are closed first, so that when the importing process dies (even by
    SIGKILL) the next send fails and the worker ends instead of waiting for a reader forever.
    Ctrl-C is the importing process's to handle: it stops the workers, which print nothing."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for pipe in others:
        pipe.close()
    try:
        for n, (index, first, data) in enumerate(blocks(paths)):
            if n % parts == part:
                out.send((index, prepare(paths[index], first, data)))
        out.send(None)
    except BrokenPipeError:  # the importing process stopped reading: it raised, or it was killed
        pass
    except Exception as exc:  # a bug: the importing process raises it
        out.send(("failed", repr(exc)))
    finally:
        out.close()


class Workers:
    """`count` forked workers, started at once, preparing the blocks of `paths`: iterate for each
    block's (file index, prepare's result) in file order; `close` stops them. An empty file
    raises InputError where one process reading the files in turn would."""

    def __init__(self, paths: list[str], count: int, prepare: Prepare) -> None:
        self.paths = paths
        context = multiprocessing.get_context("fork")  # the workers share the loaded vocabularies
        self.pipes: list[Connection] = []
        self.procs: list[Any] = []
        try:
            for part in range(count):
                reader, writer = context.Pipe(duplex=False)
                self.pipes.append(reader)
                args = (writer, self.pipes, paths, part, count, prepare)
                proc = context.Process(target=_work, args=args, daemon=True)
                proc.start()
                writer.close()
                self.procs.append(proc)
        except BaseException:
            self.close()
            raise

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        current, seen = 0, False
        for n in range(1 << 62):
            message = self.pipes[n % len(self.pipes)].recv()
            if message is None:
                break
            if message[0] == "failed":
                raise RuntimeError(f"an import worker failed: {message[1]}")
            index, result = message
            if index != current:
                _check_seen(self.paths[current], seen)
                current, seen = index, False
            seen = seen or bool(result[0])
            yield index, result
        _check_seen(self.paths[current], seen)

    def close(self) -> None:
        for proc in self.procs:
            if proc.is_alive():
                proc.terminate()
            proc.join()
        for pipe in self.pipes:
            pipe.close()
        self.procs, self.pipes = [], []


def _check_seen(path: str, seen: bool) -> None:
    if not seen:
        raise InputError("the file is empty; expected JSON Lines records", file=path)
