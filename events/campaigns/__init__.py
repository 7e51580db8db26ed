"""The campaign context (write side): campaigns and derived plans, activities, suggestions,
problems and rectifications. One module per aggregate:

- :mod:`.plan` — ``Plan`` (a campaign or a derived 实施方案: one consistency boundary).
- :mod:`.activity`, :mod:`.suggestion`, :mod:`.problem` — the units' records.
- :mod:`.unit_plan` — ``UnitPlan``, the index aggregate "one plan per unit per campaign".
- :mod:`.rules` — vocabularies and validation functions, by concern.
- :mod:`.diff` — structured diffs between released plan versions; merging them into children.
- :mod:`.items` — the names of a plan's items and the error for a missing one.
- :mod:`.ports` — what the rules need from outside the context (the organisation tree, the
  evidence store), implemented where those live and handed in by the composition root.
- :mod:`.application` — ``Campaigns``, the application service (commands and queries).

The four aggregates lived in one module, ``domainmodel``, when the first event logs were
written; their old topics are mapped onto the classes here, in one place.
"""

from taolun.events.campaigns.activity import Activity
from taolun.events.campaigns.plan import Plan
from taolun.events.campaigns.problem import Problem
from taolun.events.campaigns.suggestion import Suggestion
from taolun.events.topics import moved

moved("taolun.events.campaigns.domainmodel", Plan, Activity, Suggestion, Problem)

__all__ = ["Activity", "Plan", "Problem", "Suggestion"]
