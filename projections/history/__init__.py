"""The event history an auditor reads: one row per notification of the log (its position,
time, type, aggregate, unit and actor, and its data as JSON), filled by
:class:`~taolun.projections.history.projection.HistoryProjection` and read through
:mod:`~taolun.projections.history.query` (filters, a cursor bound to its query, export).

A Django app of its own (label ``history``) so that its tables and migrations stand apart
from the other read models'.
"""
