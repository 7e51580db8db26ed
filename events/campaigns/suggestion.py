"""The Suggestion aggregate: 献一策, its category, adoption and answer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import event

from taolun.events.campaigns import rules
from taolun.events.campaigns.items import item_not_found
from taolun.events.kernel import DomainError, TaolunAggregate

if TYPE_CHECKING:
    from taolun.events.campaigns.plan import Plan


class Suggestion(TaolunAggregate):
    """献一策. The author is always recorded; ``anonymous`` hides it from readers above the
    branch (the read side enforces that)."""

    @event("Submitted")
    def __init__(
        self, *, tenant_id: UUID, actor: UUID, plan_id: UUID, title: str, content: str,
        anonymous: bool, topic_ids: list[str],
    ) -> None:
        self.tenant_id = tenant_id
        self.author = actor
        self.plan_id = plan_id
        self.title, self.content, self.anonymous, self.topic_ids = title, content, anonymous, topic_ids
        self.category: str | None = None
        self.status = "submitted"
        self.adoption_note: str | None = None
        self.answer: str | None = None

    @classmethod
    def submit(
        cls, *, tenant_id: UUID, actor: UUID, plan: Plan, title: str, content: str,
        anonymous: bool = False, topic_ids: Iterable[Any] = (),
    ) -> Suggestion:
        topics = [rules.item_id(t, "topic_ids") for t in topic_ids]
        for t in topics:
            if t not in plan.topics:
                raise item_not_found("topics", t)
        return cls(
            tenant_id=tenant_id, actor=actor, plan_id=plan.id,
            title=rules.text(title, "title", max_length=500), content=rules.text(content, "content"),
            anonymous=bool(anonymous), topic_ids=topics,
        )

    def unmask(self, actor: UUID) -> None:
        """Reading the author of an anonymous suggestion leaves a trace in its history."""
        if self.anonymous:
            self._author_unmasked(tenant_id=self.tenant_id, actor=actor)

    @event("AuthorUnmasked")
    def _author_unmasked(self, tenant_id: UUID, actor: UUID) -> None:
        pass

    def categorise(self, actor: UUID, category: str) -> None:
        category = rules.text(category, "category", max_length=100)
        if category != self.category:
            self._categorised(tenant_id=self.tenant_id, actor=actor, category=category)

    @event("Categorised")
    def _categorised(self, tenant_id: UUID, actor: UUID, category: str) -> None:
        self.category = category

    def adopt(self, actor: UUID, note: str = "") -> None:
        if self.status == "adopted":
            raise DomainError("suggestion_already_adopted", "该建议已采纳")
        self._adopted(tenant_id=self.tenant_id, actor=actor, note=rules.text(note, "note", required=False))

    @event("Adopted")
    def _adopted(self, tenant_id: UUID, actor: UUID, note: str) -> None:
        self.status = "adopted"
        self.adoption_note = note

    def reply(self, actor: UUID, answer: str) -> None:
        self._answered(tenant_id=self.tenant_id, actor=actor, answer=rules.text(answer, "answer"))

    @event("Answered")
    def _answered(self, tenant_id: UUID, actor: UUID, answer: str) -> None:
        self.answer = answer

