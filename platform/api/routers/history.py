"""The event history of a subtree, for auditors: a page of events after a cursor, an export
(JSON Lines or CSV, streamed), the event types and their names.

Every read and export is recorded first (``HistoryRead.Recorded``, by the audit
application): a read that cannot be recorded is not answered.
"""

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from taolun.platform.api.access import access_history, principal
from taolun.platform.api.schemas import Error
from taolun.platform.runtime import get_runtime
from taolun.platform.web.history_labels import AGGREGATE_LABELS, EVENT_LABELS, FIELD_LABELS
from taolun.platform.web.labels import ROLES
from taolun.projections.history import query
from taolun.projections.history.models import HistoryEntry
from taolun.tenants.domainmodel import KIND_LABELS

router = Router(tags=["history 事件历史（审计）"])
ERRORS = {401: Error, 403: Error, 404: Error, 422: Error}
MAX_PAGE = 200
CSV_COLUMNS = ("position", "time", "event_type", "event", "object", "object_id", "unit", "unit_id",
               "actor", "actor_id", "content", "data")


class HistoryIn(Schema):
    descendants: bool = Field(True, description="include the units below the node")
    aggregate_id: UUID | None = Field(None, description="one plan, activity, suggestion, problem …")
    event_type: list[str] = Field([], description="Aggregate.Event (GET /history/event-types); repeatable")
    actor_id: UUID | None = Field(None, description="who caused the events")
    since: datetime | None = Field(None, alias="from", description="from this time (inclusive; "
                                   "a time without a zone is Asia/Shanghai)")
    until: datetime | None = Field(None, alias="to", description="up to this time (inclusive)")
    order: str = Field("newest", description="newest | oldest")


class PageIn(Schema):
    cursor: str | None = Field(None, description="next_cursor of the previous page (same filter)")
    limit: int = Field(50, ge=1, le=MAX_PAGE)


class ExportIn(Schema):
    format: str = Field("jsonl", description="jsonl | csv")


class EventTypeOut(Schema):
    type: str
    label: str
    object: str


class FieldOut(Schema):
    name: str
    label: str
    value: str


class EntryOut(Schema):
    position: int
    time: str
    event_type: str
    event: str
    object_kind: str
    object: str
    object_id: UUID
    version: int
    unit_id: UUID | None
    unit: str | None
    actor_id: UUID | None
    actor: str
    fields: list[FieldOut]
    data: dict[str, Any]


class HistoryPageOut(Schema):
    items: list[EntryOut]
    next_cursor: str | None


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment)  # the site's zone: Asia/Shanghai


def history_filter(node, filters: HistoryIn) -> query.HistoryFilter:
    """The validated filter (``invalid_time_range``, ``unknown_event_type``, ``invalid_order``)."""
    return query.HistoryFilter(
        node_id=node.id, path=node.path, descendants=filters.descendants,
        aggregate_id=filters.aggregate_id, event_types=tuple(sorted(set(filters.event_type))),
        actor_id=filters.actor_id, since=_aware(filters.since), until=_aware(filters.until),
        order=filters.order,
    )


def record_read(request: HttpRequest, f: query.HistoryFilter, kind: str, fmt: str | None = None) -> None:
    """The read leaves its trace before it is answered (the audit application's rule), and
    the trace is in the history by the time the answer is read."""
    runtime = get_runtime()
    _, notification_id = runtime.apps.audit.record_history_read(
        principal(request).user_id, f.node_id, kind=kind, filters=f.described(), fmt=fmt)
    runtime.wait_for(notification_id)


class Labels:
    """The labels of one answer in the request's language, each looked up once."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        if text not in self._seen:
            self._seen[text] = _(text)
        return self._seen[text]


def readable(name: str, value: Any, label: Labels, names: query.Names) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and (named := names.of_field(name, value)):
        return named
    if isinstance(value, bool):
        return label("是") if value else label("否")
    if name == "role" and value in ROLES:
        return label(ROLES[value])
    if name == "kind" and value in KIND_LABELS:
        return label(KIND_LABELS[value])
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _actor_name(row: HistoryEntry, names: query.Names, label: Labels) -> str:
    if row.actor_id is not None:
        return names.actors.get(row.actor_id, str(row.actor_id))
    if row.event_type == "Suggestion.Submitted" and row.data.get("anonymous"):
        return label("匿名")
    return label("系统")


def entry_out(row: HistoryEntry, names: query.Names, label: Labels) -> dict[str, Any]:
    kind = row.aggregate_kind
    return {
        "position": row.position, "time": timezone.localtime(row.recorded_at).isoformat(),
        "event_type": row.event_type, "event": label(EVENT_LABELS.get(row.event_type, row.event_type)),
        "object_kind": kind, "object": label(AGGREGATE_LABELS.get(kind, kind)), "object_id": row.aggregate_id,
        "version": row.version, "unit_id": row.unit_id,
        "unit": names.units.get(row.unit_id) if row.unit_id else None,
        "actor_id": row.actor_id, "actor": _actor_name(row, names, label),
        "fields": [{"name": k, "label": label(FIELD_LABELS[k]) if k in FIELD_LABELS else k,
                    "value": readable(k, v, label, names)} for k, v in row.data.items()],
        "data": row.data,
    }


def entries_out(rows: list[HistoryEntry]) -> list[dict[str, Any]]:
    names, label = query.names_of(rows), Labels()
    return [entry_out(row, names, label) for row in rows]


def read_page(request: HttpRequest, node_id: UUID, filters: HistoryIn, page: PageIn) -> dict[str, Any]:
    """One page of the history (API and page alike); the read is recorded first."""
    f = history_filter(access_history(request, node_id), filters)
    query.read_cursor(f, page.cursor)  # a bad cursor is refused before anything is recorded
    record_read(request, f, "read")
    rows, next_cursor = query.page(f, page.cursor, page.limit)
    return {"items": entries_out(rows), "next_cursor": next_cursor}


@router.get("/history/event-types", response={200: list[EventTypeOut], **ERRORS},
            summary="事件类型及其中文名称", operation_id="list_history_event_types")
def event_types(request: HttpRequest):
    """Every event type the history lists, with its name (for the ``event_type`` filter)."""
    return [{"type": t, "label": _(label), "object": _(AGGREGATE_LABELS[t.split(".")[0]])}
            for t, label in EVENT_LABELS.items()]


@router.get("/tenants/{tenant_id}/history", response={200: HistoryPageOut, **ERRORS},
            summary="查阅单位及其下级的事件历史（审计员）", operation_id="read_history")
def read_history(request: HttpRequest, tenant_id: UUID, filters: Query[HistoryIn], page: Query[PageIn]):
    """Every event of the subtree, newest (or oldest) first, a page at a time: pass
    ``next_cursor`` back as ``cursor`` with the same filter. Auditors only (404 for anyone
    else, like a missing unit); the read itself is recorded (``HistoryRead.Recorded``)."""
    # Answered as built: the page has the documented shape (tests check it against
    # HistoryPageOut), and validating 50 entries again cost as much as building them.
    return JsonResponse(read_page(request, tenant_id, filters, page), json_dumps_params={"ensure_ascii": False})


@router.get("/tenants/{tenant_id}/history/export", response={200: None, **ERRORS},
            summary="导出事件历史（JSON Lines 或 CSV，审计员）", operation_id="export_history")
def export_history(request: HttpRequest, tenant_id: UUID, filters: Query[HistoryIn], export: Query[ExportIn]):
    """The whole filtered history as JSON Lines or CSV (UTF-8 with a BOM, for Excel),
    streamed; the export is recorded before the first line is sent."""
    return export_response(request, tenant_id, filters, export.format)


def export_response(request: HttpRequest, node_id: UUID, filters: HistoryIn, fmt: str) -> StreamingHttpResponse:
    node = access_history(request, node_id)
    f = history_filter(node, filters)
    record_read(request, f, "export", fmt)
    lines = _in_language(translation.get_language(), _jsonl(f) if fmt == "jsonl" else _csv(f))
    content_type = "application/x-ndjson; charset=utf-8" if fmt == "jsonl" else "text/csv; charset=utf-8"
    response = StreamingHttpResponse(lines, content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = content_disposition_header(True, f"history-{node.code}-{stamp}.{fmt}")
    response["Cache-Control"] = "private, no-store"
    return response


def _in_language(language: str, lines: Iterator[bytes]) -> Iterator[bytes]:
    """The lines in the request's language: they are made after the view has returned."""
    with translation.override(language):
        yield from lines


def _jsonl(f: query.HistoryFilter) -> Iterator[bytes]:
    for batch in query.every(f):
        yield "".join(json.dumps(entry, ensure_ascii=False, default=str) + "\n"
                      for entry in entries_out(batch)).encode()


def _cell(text: str) -> str:
    """A cell Excel shows as text: a leading = + - @ would start a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(f: query.HistoryFilter) -> Iterator[bytes]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    yield ("\ufeff" + out.getvalue()).encode()
    for batch in query.every(f):
        out.seek(0)
        out.truncate()
        for e in entries_out(batch):
            content = "；".join(f"{field['label']}：{field['value']}" for field in e["fields"])
            writer.writerow([e["position"], e["time"], e["event_type"], e["event"], e["object"],
                             e["object_id"], _cell(e["unit"] or ""), e["unit_id"] or "", _cell(e["actor"]),
                             e["actor_id"] or "", _cell(content),
                             _cell(json.dumps(e["data"], ensure_ascii=False))])
        yield out.getvalue().encode()
