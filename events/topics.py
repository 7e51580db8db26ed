"""Topics of classes that moved to another module.

The library stores every event under its class's topic (``module:QualName``) and every
snapshot with its aggregate's topic. When an aggregate moves, the logs already written keep
the old topics, and history is never rewritten: :func:`moved` maps the old topic onto the
class with the library's own :func:`~eventsourcing.utils.register_topic` (events of the moved
aggregate resolve through it too: the library looks a nested name up by its prefix), and
:func:`every_topic` answers a class's topics old and new, for readers that select events by
topic before decoding them (the projection runner).
"""

from __future__ import annotations

from eventsourcing.utils import get_topic, register_topic

# The topic a class has now -> the topics it was stored under before it moved.
_earlier: dict[str, set[str]] = {}


def moved(old_module: str, *classes: type) -> None:
    """``classes`` used to live in ``old_module``: their old topics still resolve to them."""
    for cls in classes:
        old = f"{old_module}:{cls.__qualname__}"
        register_topic(old, cls)
        _earlier.setdefault(get_topic(cls), set()).add(old)


def every_topic(cls: type) -> frozenset[str]:
    """The topic of ``cls`` and those its events were stored under before a move (the class
    itself, or the aggregate it is nested in, moved)."""
    topic = get_topic(cls)
    topics = {topic}
    for now, before in _earlier.items():
        if topic == now or topic.startswith(now + "."):
            topics |= {old + topic[len(now):] for old in before}
    return frozenset(topics)
