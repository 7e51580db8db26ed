"""Builds the dramatiq broker named by TAOLUN_BROKER_URL."""

from __future__ import annotations

import dramatiq
from dramatiq.middleware import Middleware


REDIS_HEARTBEAT_TIMEOUT_MS = 20_000
REDIS_MAINTENANCE_CHANCE = 100_000  # per million commands


class CloseDjangoConnections(Middleware):
    """Worker threads must not keep a connection that the database has dropped."""

    def _close(self, *_: object, **__: object) -> None:
        from django.db import close_old_connections

        close_old_connections()

    before_process_message = _close
    after_process_message = _close


def build_broker(url: str) -> dramatiq.Broker:
    if url.startswith("memory://"):
        from dramatiq.brokers.stub import StubBroker

        broker: dramatiq.Broker = StubBroker()
    elif url.startswith(("redis://", "rediss://")):
        import redis
        from dramatiq.brokers.redis import RedisBroker

        # A worker killed while holding messages: its heartbeat stops and the next
        # maintenance pass (run on 10% of commands; an idle worker polls every 200 ms)
        # puts them back after 20 s instead of the library's 60 s at 0.1%. Short socket
        # timeouts: a Redis outage fails a send quickly instead of hanging a request.
        broker = RedisBroker(
            client=redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5),
            heartbeat_timeout=REDIS_HEARTBEAT_TIMEOUT_MS,
            maintenance_chance=REDIS_MAINTENANCE_CHANCE,
        )
    elif url.startswith(("amqp://", "amqps://")):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        broker = RabbitmqBroker(url=url)
    else:
        raise ValueError(f"unsupported broker URL {url!r}")
    broker.add_middleware(CloseDjangoConnections())
    return broker


def is_in_process(broker: dramatiq.Broker) -> bool:
    """memory://: its queue dies with the process that holds it."""
    from dramatiq.brokers.stub import StubBroker

    return isinstance(broker, StubBroker)


def broker_is_reachable(broker: dramatiq.Broker) -> bool:
    """A cheap round trip for /readyz."""
    try:
        client = getattr(broker, "client", None)  # Redis
        if client is not None:
            return bool(client.ping())
        if hasattr(broker, "connection"):  # RabbitMQ: opening a channel proves the link
            broker.connection  # noqa: B018
        return True
    except Exception:
        return False
