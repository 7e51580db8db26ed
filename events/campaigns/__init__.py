"""The campaign context (write side): campaigns and derived plans, activities, suggestions,
problems and rectifications.

- :mod:`.rules` — vocabularies (activity kinds, problem categories) and validation functions.
- :mod:`.diff` — structured diffs between released plan versions; merging them into children.
- :mod:`.domainmodel` — the aggregates ``Plan``, ``Activity``, ``Suggestion``, ``Problem``.
- :mod:`.application` — ``Campaigns``, the application service (commands and queries).
"""
