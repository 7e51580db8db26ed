"""Builds the dramatiq broker named by TAOLUN_BROKER_URL."""

from __future__ import annotations

import dramatiq
from dramatiq.middleware import Middleware


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
        from dramatiq.brokers.redis import RedisBroker

        broker = RedisBroker(url=url)
    elif url.startswith(("amqp://", "amqps://")):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        broker = RabbitmqBroker(url=url)
    else:
        raise ValueError(f"unsupported broker URL {url!r}")
    broker.add_middleware(CloseDjangoConnections())
    return broker


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
