"""The audit context (write side): what auditors did that must itself leave a trace.

- :mod:`.reads` — ``HistoryRead``: one read or export of a subtree's event history, with
  the filter it used (who, what, when: the event's actor, data and timestamp).
- :mod:`.application` — ``Audit``, the application service that records them.
"""
