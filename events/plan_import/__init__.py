"""Importer of 实施方案 documents (.docx or text) into a structured, editable draft.

``read_document(bytes, filename)`` turns an upload into text or raises ImportRejected;
``parse_plan(text)`` answers an ImportedPlan whose every field points back at its source span.
"""

from .decode import read_document
from .errors import ImportRejected
from .parse import parse_plan
from .requirements import ACTIVITY_KINDS
from .result import (
    BasisDocument,
    Field,
    Header,
    ImportedPlan,
    LeadingGroup,
    Passage,
    Phase,
    Principle,
    Requirement,
    ScheduleRow,
    SectionText,
    Task,
    Topic,
    TopicGroup,
)

__all__ = [
    "ACTIVITY_KINDS",
    "BasisDocument",
    "Field",
    "Header",
    "ImportRejected",
    "ImportedPlan",
    "LeadingGroup",
    "Passage",
    "Phase",
    "Principle",
    "Requirement",
    "ScheduleRow",
    "SectionText",
    "Task",
    "Topic",
    "TopicGroup",
    "parse_plan",
    "read_document",
]
