"""Worker processes: chunks of files out, results back in input order, dying with the build."""

from __future__ import annotations

import ctypes
import gc
import hashlib
import multiprocessing
import os
import queue
import signal
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from newsarchive.ingest import Pipeline, Processed
from newsarchive.inputs import InputFile

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
CHUNK_FILES = 16  # files sent to a worker at once: fewer round trips than one by one
CHUNK_BYTES = 4 * 1024 * 1024
# Read ahead of the writer: enough chunks that no worker waits, never more than this many bytes.
CHUNKS_PER_WORKER = 16
IN_FLIGHT_BYTES = 64 * 1024 * 1024
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class WorkerDied(Exception):
    """A worker process was killed (out of memory, a signal): the build cannot know which file did it."""


def default_jobs() -> int:
    """One worker per core this process may run on."""
    return len(os.sched_getaffinity(0)) or 1


def process(pipeline: Pipeline, item: InputFile) -> Processed:
    """One file's rows; entries that are not article files are recorded with the reason, not parsed."""
    if item.skipped:
        return Processed(item.input, item.path, EMPTY_SHA256, item.size, "skipped", item.error)
    return pipeline.process(item)


@contextmanager
def processing(files: Iterator[InputFile], pipeline: Pipeline, jobs: int, lock_fd: int
               ) -> Iterator[Iterator[Processed]]:
    """Start processing ``files`` and give an iterator over the results, in input order.

    With more than one job the workers start at once, so they work while the caller prepares the
    database. ``lock_fd`` is the build's lock, which workers must not keep alive.
    """
    if jobs <= 1:
        yield (process(pipeline, item) for item in files)
        return
    global _worker_pipeline
    _worker_pipeline = pipeline  # forked workers inherit it: the gazetteer is loaded once per build
    # The pipeline's objects (gazetteer, rules: some 360,000 tracked by the garbage collector) live as
    # long as the build: frozen, the full collections of the workers and of this process skip them (a
    # third of a second each) and the workers do not copy the memory pages holding them by touching them.
    gc.freeze()
    executor = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_start_worker, initargs=(os.getpid(), lock_fd))
    try:
        chunks = _read_ahead(_chunks(files), jobs * CHUNKS_PER_WORKER)
        submitted = _InOrder(executor, chunks, jobs * CHUNKS_PER_WORKER)
        submitted.fill()
        yield submitted.results()
    finally:
        chunks.close()
        executor.shutdown(wait=True, cancel_futures=True)
        _worker_pipeline = None
        gc.unfreeze()  # a process that goes on (tests, benchmarks) collects them again


def _chunks(files: Iterator[InputFile]) -> Iterator[list[InputFile]]:
    chunk: list[InputFile] = []
    size = 0
    for item in files:
        chunk.append(item)
        size += len(item.data or b"")
        if len(chunk) >= CHUNK_FILES or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _read_ahead(chunks: Iterator[list[InputFile]], depth: int) -> Iterator[list[InputFile]]:
    """The chunks, read in a thread of their own: reading, decompressing and hashing the inputs (which
    release the GIL) go on while this thread writes, instead of taking turns with it."""
    ready: queue.Queue[tuple[list[InputFile] | None, BaseException | None]] = queue.Queue(depth)
    stop = threading.Event()

    def hand_over(chunk: list[InputFile] | None, error: BaseException | None = None) -> bool:
        while not stop.is_set():
            try:
                ready.put((chunk, error), timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for chunk in chunks:
                if not hand_over(chunk):
                    return
        except Exception as error:  # raised again in the thread that takes the chunks
            hand_over(None, error)
            return
        hand_over(None)

    reader = threading.Thread(target=read, name="read-inputs", daemon=True)
    reader.start()
    try:
        while True:
            chunk, error = ready.get()
            if error is not None:
                raise error
            if chunk is None:
                return
            yield chunk
    finally:
        stop.set()
        reader.join()


class _InOrder:
    """Chunks submitted ahead of the writer, at most ``max_chunks`` and IN_FLIGHT_BYTES (or one chunk)."""

    def __init__(self, executor: ProcessPoolExecutor, chunks: Iterator[list[InputFile]], max_chunks: int
                 ) -> None:
        self.executor, self.chunks, self.max_chunks = executor, chunks, max_chunks
        self.pending: deque[tuple[Future[list[Processed]], int, str]] = deque()
        self.in_flight = 0

    def fill(self) -> None:
        while len(self.pending) < self.max_chunks and self.in_flight < IN_FLIGHT_BYTES:
            chunk = next(self.chunks, None)
            if chunk is None:
                return
            size = sum(len(item.data or b"") for item in chunk)
            first = f"{chunk[0].input}/{chunk[0].path}"
            self.pending.append((self.executor.submit(_process_chunk, chunk), size, first))
            self.in_flight += size

    def results(self) -> Iterator[Processed]:
        self.fill()
        while self.pending:
            future, size, first = self.pending.popleft()
            self.in_flight -= size
            try:
                results = future.result()
            except BrokenProcessPool as error:
                raise WorkerDied(f"a worker process died while processing the files from {first} on"
                                 ) from error
            self.fill()  # the workers get more before this chunk is written
            yield from results


_worker_pipeline: Pipeline | None = None


def _start_worker(parent: int, lock_fd: int) -> None:
    """Workers die with the build (SIGKILL when the parent dies) and do not hold its lock."""
    os.close(lock_fd)  # the lock is the parent's alone: a killed build's lock must not outlive it
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the parent, which stops the workers


def _process_chunk(chunk: list[InputFile]) -> list[Processed]:
    assert _worker_pipeline is not None
    return [process(_worker_pipeline, item) for item in chunk]
