"""Every message the pages show has an English translation in the web app's catalogue."""

import gettext
import re
from pathlib import Path

import taolun.platform.web as web
from taolun.platform.web import history_labels, labels
from taolun.tenants.domainmodel import KIND_LABELS

ROOT = Path(web.__file__).parent
TEMPLATES = ROOT.parent / "jinja2" / "taolun"
MESSAGE = re.compile(r'_\("((?:[^"\\]|\\.)*)"')


def catalogue() -> gettext.GNUTranslations:
    with open(ROOT / "locale" / "en" / "LC_MESSAGES" / "django.mo", "rb") as compiled:
        return gettext.GNUTranslations(compiled)


def page_messages() -> set[str]:
    files = [*TEMPLATES.rglob("*.html"), *ROOT.glob("*.py"), *ROOT.glob("views/*.py")]
    found = {m for f in files if f.name not in ("home.html", "import.html") for m in MESSAGE.findall(f.read_text())}
    for names in (KIND_LABELS, labels.ROLES, labels.LIGHTS, labels.PLAN_STATUSES, labels.SECTIONS, labels.CHANGES,
                  labels.ENTRY_STATUSES, labels.ENTRY_EVENTS, labels.SUGGESTION_STATUSES,
                  labels.PROBLEM_STATUSES, labels.PROBLEM_LIGHTS, labels.PROBLEM_LIGHT_RULES,
                  labels.PROBLEM_EVENTS, labels.REPORT_KINDS, history_labels.EVENT_LABELS,
                  history_labels.AGGREGATE_LABELS, history_labels.FIELD_LABELS):
        found.update(v for v in names.values() if v != "—")
    found.update(label for *_, label in labels.REPORT_CHOICES)
    return found


def test_every_message_on_the_pages_has_an_english_translation():
    english = catalogue()
    messages = page_messages()
    assert len(messages) > 80
    untranslated = sorted(m for m in messages if english.gettext(m) == m)
    assert untranslated == []


def test_translations_keep_the_placeholders_of_their_message():
    english = catalogue()
    for message in page_messages():
        assert sorted(re.findall(r"%\(\w+\)\w|%%", english.gettext(message))) == sorted(
            re.findall(r"%\(\w+\)\w|%%", message)), message
