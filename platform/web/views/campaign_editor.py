"""The campaign editor: the header (title, basis documents with their 文号, guiding ideology,
goals, principles), the leading group, and the topics, phases, tasks and requirements,
each added or removed in place with htmx (a plain POST and redirect without JavaScript).

Every form calls the same ``Campaigns`` command as the API's campaigns router, after the
same access helper (``access_own_plan`` to read, ``access_plan(…, "admin")`` to write);
the rules (what is editable, dates inside windows, required fields) are the write side's,
and a refusal is shown beside the field it names (``details.field``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taolun.events.campaigns.rules import ACTIVITY_KINDS
from taolun.events.campaigns.plan import EDITABLE
from taolun.platform.api.access import access_own_plan, access_plan
from taolun.platform.api.errors import ApiError
from taolun.platform.runtime import get_runtime
from taolun.platform.web.forms import lines, perform
from taolun.platform.web.render import pages_errors, render
from taolun.platform.web.session import signed_in

IMPORT_NOTES = "taolun_import_notes"
HEADER_TEXT = ("title", "slogan", "theme", "guiding_ideology", "general_requirements")
HEADER_FIELDS = (*HEADER_TEXT, "basis_documents", "goals", "principles")
GROUP_FIELDS = ("leaders", "deputy_leaders", "members", "office_location")


def basis_documents(text: str) -> list[dict[str, str]]:
    """One document a line: ``名称｜文号`` (the 文号 may be left out)."""
    docs = []
    for line in lines(text):
        name, _sep, number = line.replace("|", "｜").partition("｜")
        docs.append({"name": name.strip(), "doc_no": number.strip()})
    return docs


def members(text: str) -> list[dict[str, str]]:
    """One person a line: ``姓名 职务``."""
    out = []
    for line in lines(text):
        name, _sep, position = line.replace("，", " ").replace(",", " ").partition(" ")
        out.append({"name": name.strip(), "position": position.strip()})
    return out


def header_form(plan) -> dict[str, str]:
    h = plan.header
    return {**{k: h.get(k, "") for k in HEADER_TEXT},
            "basis_documents": "\n".join(f"{d['name']}｜{d['doc_no']}" if d.get("doc_no") else d["name"]
                                         for d in h.get("basis_documents", [])),
            "goals": "\n".join(h.get("goals", [])), "principles": "\n".join(h.get("principles", []))}


def group_form(plan) -> dict[str, str]:
    g = plan.leading_group or {}

    def people(role: str) -> str:
        return "\n".join(f"{m['name']} {m['position']}".strip() for m in g.get(role, []))

    return {"leaders": people("leaders"), "deputy_leaders": people("deputy_leaders"),
            "members": people("members"), "office_location": (g.get("office") or {}).get("location", "")}


# ------------------------------------------------------------------ the item sections


@dataclass(frozen=True)
class Section:
    """One list of a plan the editor adds to and removes from: its form fields, the add
    command (fields as typed -> the application call), the remove command."""
    fields: tuple[str, ...]
    add: Callable[[Any, UUID, UUID, dict], Any]
    remove: Callable[[Any, UUID, UUID, UUID], Any]
    aliases: dict[str, str]


def _optional_uuid(text: str) -> UUID | str | None:
    return text or None


SECTIONS: dict[str, Section] = {
    "topics": Section(
        ("group", "title", "description", "mandatory"),
        lambda rt, plan, actor, f: rt.campaigns.add_topic(
            plan, actor, group=f["group"], title=f["title"], description=f["description"],
            mandatory=f["mandatory"] == "on"),
        lambda rt, plan, actor, iid: rt.campaigns.remove_topic(plan, actor, iid),
        {}),
    "phases": Section(
        ("name", "start", "end"),
        lambda rt, plan, actor, f: rt.campaigns.add_phase(plan, actor, name=f["name"], start=f["start"],
                                                          end=f["end"]),
        lambda rt, plan, actor, iid: rt.campaigns.remove_phase(plan, actor, iid),
        {"phase": "end", "outside_parent_window": "start"}),
    "tasks": Section(
        ("title", "phase_id", "due", "responsible_units", "evidence_expected", "description"),
        lambda rt, plan, actor, f: rt.campaigns.add_task(
            plan, actor, title=f["title"], phase_id=_optional_uuid(f["phase_id"]), due=f["due"] or None,
            responsible_units=[u for u in f["responsible_units"].replace("，", "、").replace(",", "、")
                               .split("、") if u.strip()],
            evidence_expected=f["evidence_expected"], description=f["description"]),
        lambda rt, plan, actor, iid: rt.campaigns.remove_task(plan, actor, iid),
        {"task_due_outside_phase": "due", "task_due_outside_plan": "due", "phase_not_found": "phase_id"}),
    "requirements": Section(
        ("kind", "metric", "minimum", "scope", "phase_id", "description"),
        lambda rt, plan, actor, f: rt.campaigns.add_requirement(
            plan, actor, kind=f["kind"], metric=f["metric"], minimum=f["minimum"],
            scope="phase" if f["phase_id"] else "campaign", phase_id=_optional_uuid(f["phase_id"]),
            description=f["description"]),
        lambda rt, plan, actor, iid: rt.campaigns.remove_requirement(plan, actor, iid),
        {"phase_not_found": "phase_id"}),
}


def _section(name: str) -> Section:
    try:
        return SECTIONS[name]
    except KeyError:
        raise ApiError(404, "not_found", _("页面不存在")) from None


# ------------------------------------------------------------------ rendering


def timeline(phases: list[dict]) -> list[dict]:
    """Each phase as a bar on the plan's overall window: offset and width in percent."""
    if not phases:
        return []
    first = date.fromisoformat(min(p["start"] for p in phases))
    span = (date.fromisoformat(max(p["end"] for p in phases)) - first).days + 1
    return [{"phase": p, "left": round(100 * (date.fromisoformat(p["start"]) - first).days / span, 1),
             "width": max(1.0, round(100 * ((date.fromisoformat(p["end"]) - date.fromisoformat(p["start"])).days + 1)
                                     / span, 1))} for p in phases]


def editor_context(request: HttpRequest, plan_id: UUID, **extra: Any) -> dict:
    who = request.auth  # type: ignore[attr-defined]
    row = access_own_plan(request, plan_id)  # the working state is for the plan's own units
    plan = get_runtime().campaigns.get_plan(plan_id)
    phases = sorted(plan.phases.values(), key=lambda p: (p["start"], p["end"]))
    return {
        "row": row, "plan": plan, "phases": phases, "timeline": timeline(phases), "phase_names": {p["id"]: p["name"] for p in phases},
        "editable": plan.status in EDITABLE and who.may(row.path, "admin"),
        "admin": who.may(row.path, "admin"), "activity_kinds": ACTIVITY_KINDS,
        "header": header_form(plan), "group": group_form(plan), "forms": {}, "errors": {},
        "missing": plan.missing_items(), **extra,
    }


def _page(request: HttpRequest, plan_id: UUID, status: int = 200, **extra: Any) -> HttpResponse:
    return render(request, "bureau/editor.html", editor_context(request, plan_id, **extra), status=status)


@signed_in
@pages_errors
def campaign_edit(request: HttpRequest, plan_id: UUID) -> HttpResponse:
    notes = request.session.get(IMPORT_NOTES)
    if notes and notes.get("plan_id") == str(plan_id):
        del request.session[IMPORT_NOTES]  # shown once, right after the import
    else:
        notes = None
    return _page(request, plan_id, imported=notes)


def _writable(request: HttpRequest, plan_id: UUID) -> UUID:
    access_plan(request, plan_id, "admin")  # 404 outside the grants, 403 without admin
    return request.auth.user_id  # type: ignore[attr-defined]


def form_write(request: HttpRequest, plan_id: UUID, part: str, fields: tuple[str, ...],
               command: Callable[[Any, UUID, dict], Any], aliases: dict[str, str] | None = None,
               done: str | None = None) -> HttpResponse:
    """One of the editor's forms: the POSTed ``fields`` to ``command(runtime, actor, form)``;
    on a refusal the editor again with the input kept and the error beside its field (422),
    else a redirect (to ``done`` or back to the form's place in the editor)."""
    actor = _writable(request, plan_id)
    form = {k: request.POST.get(k, "").strip() for k in fields}
    _, errors = perform(request, lambda rt: command(rt, actor, form), fields, aliases)
    if errors:
        return _page(request, plan_id, status=422, **{part: form}, errors={part: errors})
    return HttpResponseRedirect(done or reverse("web:campaign_edit", args=[plan_id]) + f"#{part}")


@require_POST
@signed_in
@pages_errors
def edit_header(request: HttpRequest, plan_id: UUID) -> HttpResponse:
    return form_write(request, plan_id, "header", HEADER_FIELDS, lambda rt, actor, form: rt.campaigns.revise_header(
        plan_id, actor, **{k: form[k] for k in HEADER_TEXT}, basis_documents=basis_documents(form["basis_documents"]),
        goals=lines(form["goals"]), principles=lines(form["principles"])))


@require_POST
@signed_in
@pages_errors
def edit_leading_group(request: HttpRequest, plan_id: UUID) -> HttpResponse:
    return form_write(request, plan_id, "group", GROUP_FIELDS, lambda rt, actor, form: rt.campaigns.set_leading_group(
        plan_id, actor, {"leaders": members(form["leaders"]), "deputy_leaders": members(form["deputy_leaders"]),
                         "members": members(form["members"]), "office": {"location": form["office_location"]}}))


def _section_answer(request: HttpRequest, plan_id: UUID, name: str, form: dict | None = None,
                    errors: dict | None = None) -> HttpResponse:
    """htmx: the section alone (swapped in place); otherwise the editor (with the errors) or
    a redirect to it."""
    status = 422 if errors else 200
    extra = {"forms": {name: form or {}}, "errors": {name: errors or {}}}
    if request.htmx:
        context = editor_context(request, plan_id, **extra)
        return render(request, f"bureau/section_{name}.html", context, status=status)
    if errors:
        return _page(request, plan_id, status=status, **extra)
    return HttpResponseRedirect(reverse("web:campaign_edit", args=[plan_id]) + f"#{name}")


@require_POST
@signed_in
@pages_errors
def add_item(request: HttpRequest, plan_id: UUID, section: str) -> HttpResponse:
    spec = _section(section)
    actor = _writable(request, plan_id)
    form = {k: request.POST.get(k, "").strip() for k in spec.fields}
    _, errors = perform(request, lambda rt: spec.add(rt, plan_id, actor, form), spec.fields, spec.aliases)
    return _section_answer(request, plan_id, section, form if errors else {}, errors)


@require_POST
@signed_in
@pages_errors
def remove_item(request: HttpRequest, plan_id: UUID, section: str, item_id: UUID) -> HttpResponse:
    spec = _section(section)
    actor = _writable(request, plan_id)
    _, errors = perform(request, lambda rt: spec.remove(rt, plan_id, actor, item_id), ())
    return _section_answer(request, plan_id, section, {}, errors)
