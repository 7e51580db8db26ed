"""Rich progress columns the ``taolun`` commands share."""

from __future__ import annotations

from rich.progress import ProgressColumn, Task
from rich.text import Text


class EventRateColumn(ProgressColumn):
    """How many events a second the task has gone through since it started."""

    def render(self, task: Task) -> Text:
        elapsed = task.finished_time if task.finished else task.elapsed
        speed = task.completed / elapsed if elapsed else 0.0
        return Text(f"{speed:,.0f} events/s", style="progress.data.speed")
