"""The composition root: wires the write side, the projections and the broker together.

Built lazily on first use (no I/O at import time), one per process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import dramatiq

from taolun.infra.broker import build_broker, is_in_process
from taolun.infra.config import Config
from taolun.infra.eventstore import Applications
from taolun.projections.runner import ProjectionRunner

log = logging.getLogger("taolun")

# How long a write waits for its projection before answering anyway (header says so).
READ_YOUR_WRITES_SECONDS = 10.0


# The projections whose tables an "as of" replays (the others keep outboxes and jobs).
AS_OF_VIEWS = ("org", "campaigns")


def build_projections() -> list:
    from taolun.notifications.reports.projection import ReportsProjection
    from taolun.projections.campaigns import CampaignProjection
    from taolun.projections.history.projection import HistoryProjection
    from taolun.projections.notices import NoticesProjection
    from taolun.projections.org_tree import OrgTreeProjection
    from taolun.projections.workflow_notices import WorkflowNoticesProjection

    # Order matters: the campaign projection reads the org tree of the same batch.
    return [OrgTreeProjection(), NoticesProjection(), CampaignProjection(), WorkflowNoticesProjection(), ReportsProjection(),
            HistoryProjection()]


@dataclass
class Runtime:
    config: Config
    apps: Applications
    runner: ProjectionRunner
    broker: dramatiq.Broker
    actors: dict[str, dramatiq.Actor]
    effects: dict[str, Callable[[str, dict[str, Any]], None]]  # what the outbox actors run
    stop_event: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    worker: dramatiq.Worker | None = None
    outbox_ready: threading.Event = field(default_factory=threading.Event)
    chain: Any = None  # the audit chain's keeper (projections/chain/keeper.py)
    signer: Any = None  # the key that signs its checkpoints (infra/signing.py)

    @property
    def tenancy(self):
        return self.apps.tenancy

    @property
    def campaigns(self):
        return self.apps.campaigns

    @property
    def time_machine(self):
        """The read models at a past moment (projections/as_of): the org tree and the
        campaigns' views, replayed by the same projections over the log up to it."""
        from taolun.projections.as_of.machine import TimeMachine

        def views() -> list:
            return [p for p in build_projections() if p.name in AS_OF_VIEWS]

        return TimeMachine(self.apps.recorder, self.apps.mapper, views, self.config.as_of_checkpoint_every)

    def wait_for(self, notification_id: int) -> bool:
        return self.runner.wait_for(notification_id, READ_YOUR_WRITES_SECONDS)

    def after_command(self, notification_id: int) -> bool:
        """Read-your-writes: the write is answered once its projections have applied it."""
        caught_up = self.wait_for(notification_id)
        self.outbox_ready.set()
        return caught_up

    def run_outbox_now(self, rows) -> bool:
        """Read-your-writes for a policy: perform the outbox ``rows`` a command's projection
        just wrote now, in this thread, through the path the workers take (``perform``: once
        per row, confirmed in the effect's transaction; a row a worker has done is skipped),
        then wait for the events they appended to be projected. A row whose effect fails is
        left to the workers: the command has committed, its answer must not fail."""
        from taolun.notifications.dispatch import perform

        for row in rows:
            try:
                perform(row.key, row.payload, self.effects[row.actor_name])
            except Exception:
                log.warning("outbox row %s left to the workers", row.key, exc_info=True)
        return self.wait_for(self.apps.recorder.max_notification_id() or 0)

    # -- background services -------------------------------------------------------------

    def start_projections(self) -> None:
        wait = None
        if self.config.database.is_postgres:
            from taolun.infra.listen import EventListener

            channel = self.apps.recorder.channel_name  # type: ignore[attr-defined]
            wait = EventListener(self.config, channel).wait
        self._spawn("projections", self.runner.run_forever, self.stop_event, wait)
        # The audit chain links the same log in its own loop (and its own transactions).
        self._spawn("chain", self.chain.run_forever, self.stop_event)

    def start_dispatcher(self) -> None:
        self._spawn("outbox", self._dispatch_loop)

    def start_worker(self, threads: int = 2) -> None:
        self.worker = dramatiq.Worker(self.broker, worker_threads=threads, worker_timeout=200)
        self.worker.start()

    def start_scheduler(self) -> None:
        from taolun.notifications.scheduler import run_scheduler

        self._spawn("scheduler", run_scheduler, self)

    def _dispatch_loop(self) -> None:
        from django.db import close_old_connections

        from taolun.notifications.dispatch import dispatch_pending, release_leases

        # An in-process broker's queue died with the previous process: resend at once.
        leases_to_release = is_in_process(self.broker)
        while not self.stop_event.is_set():
            try:
                if leases_to_release:
                    released = release_leases()
                    leases_to_release = False
                    if released:
                        log.info("outbox: %d unconfirmed rows of an earlier process sent again", released)
                if dispatch_pending(self.actors, lease_seconds=self.config.outbox_lease_seconds):
                    continue
            except Exception:
                log.exception("outbox dispatcher failed; retrying")
                close_old_connections()
            self.outbox_ready.wait(0.5)
            self.outbox_ready.clear()

    def _spawn(self, name, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, name=f"taolun-{name}", daemon=True)
        thread.start()
        self.threads.append(thread)

    def stop(self) -> None:
        self.stop_event.set()
        self.outbox_ready.set()
        self.runner.poke()
        if self.chain is not None:
            self.chain.poke()
        if self.worker is not None:
            self.worker.stop()
        for thread in self.threads:
            thread.join(timeout=5)
        self.apps.close()


def wire_actors(broker: dramatiq.Broker, queue: str, apps: Applications, runner: ProjectionRunner):
    """The bootstrap of the workers: each effect and job gets what it needs from here
    (nothing in ``taolun.notifications`` imports the platform). Answers the actors and the
    outbox effects they run."""
    from taolun.notifications.actors import outbox_effects, periodic_jobs
    from taolun.notifications.dispatch import register_actors
    from taolun.platform.api.idempotency import purge_idempotency_records

    from taolun.notifications.reports.actors import report_effects
    from taolun.platform.api.routers.reports import report_sources

    effects = outbox_effects(apps.campaigns, runner.poke)
    reports = report_effects(apps.reports, report_sources(apps.campaigns), runner.poke)
    return register_actors(broker, queue, effects, periodic_jobs(purge_idempotency_records), reports), effects


def build_chain(config: Config, apps: Applications):
    """The audit chain's signer (its key outside the database) and keeper."""
    from taolun.infra.signing import load_signer
    from taolun.projections.chain.keeper import ChainKeeper

    signer = load_signer(config)
    keeper = ChainKeeper(apps.recorder, signer, checkpoint_events=config.audit_checkpoint_events,
                         checkpoint_seconds=config.audit_checkpoint_seconds)
    return signer, keeper


_runtime: Runtime | None = None
_runtime_lock = threading.Lock()


def move_today(day: str) -> None:
    """A test installation's "today" (``TAOLUN_FAKE_TODAY``): both clocks of the campaigns —
    the write side's (how far ahead an activity may be entered) and the read models' (what
    is due, overdue, silent; the reminder scan's)."""
    from datetime import date

    from taolun.events.campaigns import rules
    from taolun.projections import progress

    fixed = date.fromisoformat(day)
    rules.today = lambda: fixed
    progress.today = lambda tz="Asia/Shanghai": fixed


def get_runtime() -> Runtime:
    global _runtime
    with _runtime_lock:
        if _runtime is None:
            from django.conf import settings

            from taolun.platform.evidence import EvidenceCitations

            config: Config = settings.CONFIG
            if config.fake_today:
                move_today(config.fake_today)
            apps = Applications(config, evidence=EvidenceCitations())
            runner = ProjectionRunner(apps.recorder, apps.mapper, build_projections())
            broker = build_broker(config.broker_url)
            dramatiq.set_broker(broker)
            _runtime = Runtime(config, apps, runner, broker, *wire_actors(broker, config.queue, apps, runner))
            _runtime.signer, _runtime.chain = build_chain(config, apps)
        return _runtime


def reset_runtime() -> None:
    """Tests: forget the process's runtime (after stopping it)."""
    global _runtime
    with _runtime_lock:
        if _runtime is not None:
            _runtime.stop()
        _runtime = None
