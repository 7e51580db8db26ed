"""A scratch database: the read models' tables, empty, in memory, for one "as of".

The work runs in a thread of its own whose ``default`` connection is the scratch (Django's
connections are per thread), so the projections and the read code, unchanged, write and
read there: their ORM queries, their raw SQL (``connection.cursor()``) and their
transactions alike. The live database is never touched from that thread; the caller's
thread keeps its own connections (access checks, checkpoints). The scratch is SQLite in
memory on both backends: private to its thread, gone when the connection closes, and as
fast as a replay can write.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from typing import TypeVar

SCRATCH_ALIAS = "as_of"  # platform/settings.py: an in-memory SQLite database
T = TypeVar("T")


def view_models() -> list:
    """Every model of the read side the projections own (the ``projections`` app)."""
    from django.apps import apps

    return list(apps.get_app_config("projections").get_models())


def fingerprint() -> str:
    """The tables' names and columns: checkpoints of another schema are not loaded."""
    text = ";".join(
        f"{m._meta.db_table}:" + ",".join(f.column for f in m._meta.concrete_fields)
        for m in sorted(view_models(), key=lambda m: m._meta.db_table)
    )
    return hashlib.sha256(text.encode()).hexdigest()


def create_tables() -> None:
    """The read models' tables (and indexes) in the current thread's scratch."""
    from django.db import connection

    with connection.schema_editor() as editor:
        for model in view_models():
            editor.create_model(model)


def in_scratch(work: Callable[[], T]) -> T:
    """Run ``work`` in a new thread whose default database is a fresh, empty scratch with
    the read models' tables; answer its result (or raise its error here)."""
    from django.utils import translation

    outcome: dict[str, object] = {}
    language = translation.get_language()  # the caller's, for any text the read shows

    def run() -> None:
        from django.db import DEFAULT_DB_ALIAS, connections

        scratch = connections.create_connection(SCRATCH_ALIAS)
        connections[DEFAULT_DB_ALIAS] = scratch  # this thread only
        translation.activate(language)
        try:
            create_tables()
            outcome["value"] = work()
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error
        finally:
            translation.deactivate()
            scratch.close()

    thread = threading.Thread(target=run, name="as-of", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
