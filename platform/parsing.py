"""Parsing uploaded documents away from the request threads.

A document is parsed in a small pool of worker processes (stdlib multiprocessing, spawned,
each under a memory rlimit); the request thread waits at most
``TAOLUN_IMPORT_TIMEOUT_SECONDS``, and at most ``2 × PROCESSES`` parses are in flight: the
next one answers 429 at once instead of holding a request thread. A parse that overruns is killed with its pool (a fresh one is
started for the next). So no document, however crafted, can take the memory, the CPU or
the threads that /healthz and every other request need.
"""

from __future__ import annotations

import atexit
import multiprocessing
import threading
from multiprocessing.pool import Pool
from typing import Any

from taolun.events.kernel import DomainError
from taolun.events.plan_import import ImportRejected, parse_plan, read_document

PROCESSES = 2
MEMORY_BYTES = 1024 * 1024 * 1024


class ParserBusy(DomainError):
    status = 429


class ParseTimeout(DomainError):
    status = 422


def _limit_memory(limit: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _parse(data: bytes, filename: str | None, campaign_year: int | None = None) -> tuple[str, Any]:
    """In a worker: the structure, or the refusal as plain data (a DomainError does not
    survive pickling with its code and details)."""
    try:
        return "ok", parse_plan(read_document(data, filename), campaign_year).to_dict()
    except ImportRejected as error:
        return "rejected", (error.code, error.message, error.details)
    except MemoryError:
        return "rejected", ("too_large", "文件内容过于复杂，超出解析内存上限", {})


class ParsingPool:
    def __init__(self, processes: int = PROCESSES, timeout: float | None = None,
                 memory_bytes: int = MEMORY_BYTES) -> None:
        if timeout is None:
            from django.conf import settings

            timeout = settings.CONFIG.import_timeout_seconds
        self.processes, self.timeout, self.memory_bytes = processes, timeout, memory_bytes
        self._lock = threading.Lock()
        self._pool: Pool | None = None
        self._slots = threading.BoundedSemaphore(processes * 2)

    def _current(self) -> Pool:
        with self._lock:
            if self._pool is None:
                context = multiprocessing.get_context("spawn")  # no forking of a threaded server
                self._pool = context.Pool(
                    self.processes, initializer=_limit_memory, initargs=(self.memory_bytes,),
                    maxtasksperchild=200,
                )
            return self._pool

    def _discard(self, pool: Pool) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.terminate()

    def extract(self, data: bytes, filename: str | None, campaign_year: int | None = None) -> dict[str, Any]:
        if not self._slots.acquire(blocking=False):
            raise ParserBusy("parser_busy", "正在解析的文件过多，请稍后再试")
        try:
            pool = self._current()
            pending = pool.apply_async(_parse, (data, filename, campaign_year))
            try:
                outcome, value = pending.get(self.timeout)
            except multiprocessing.TimeoutError:
                self._discard(pool)
                raise ParseTimeout(
                    "parse_timeout", f"文件解析超过 {self.timeout:.0f} 秒，已停止；请精简文件后再试",
                    limit_seconds=self.timeout,
                ) from None
        finally:
            self._slots.release()
        if outcome == "rejected":
            code, message, details = value
            raise ImportRejected(code, message, **details)
        return value

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.terminate()


_shared: ParsingPool | None = None
_shared_lock = threading.Lock()


def parsing_pool() -> ParsingPool:
    """The process-wide pool, started on first use (never at import)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ParsingPool()
            # Stopped while the interpreter can still do it: left to the pool's __del__ at
            # exit, its clean-up runs after the modules it needs are gone (an ignored error).
            atexit.register(_shared.close)
        return _shared
