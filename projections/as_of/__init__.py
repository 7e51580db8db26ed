"""Time travel: the read models as they stood at a past moment (docs/audit.md, "Time travel").

* :mod:`.moments` — parsing an "as of" (naive times are Asia/Shanghai), the log position of
  a moment (binary search over the events' timestamps), the errors of bad moments;
* :mod:`.scratch` — a temporary, in-memory database in a thread of its own, where the same
  read code answers from replayed tables;
* :mod:`.checkpoints` — compressed dumps of the replayed tables at positions, stored in the
  live database, so that an "as of" replays only the tail after the nearest one;
* :mod:`.machine` — the time machine: the views at a position, built from a checkpoint and
  the projections' own runner over a log capped at that position;
* :mod:`.diffs` — the difference between two moments of a plan and of a subtree's progress.
"""
