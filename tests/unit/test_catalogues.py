"""The gettext catalogues (platform/locale): English for every error code the package
raises, and the committed .mo files say exactly what their .po sources say."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
LOCALE = PACKAGE / "platform" / "locale"
SOURCE_FOLDERS = ("platform", "tenants", "events", "projections", "notifications", "infra")
ERROR_CLASSES = ("DomainError", "NotFound", "Conflict", "Forbidden", "ImportRejected", "ApiError",
                 "ParserBusy", "ParseTimeout", "TooLarge", "UnsupportedType", "error_response", "localise")
RAISED = re.compile(r"\b(?:%s)\(\s*(?:request\s*,\s*)?(?:\d+\s*,\s*)?\"([a-z][a-z0-9_]+)\"" % "|".join(ERROR_CLASSES))
PASSED = re.compile(r"\b\w*code\s*(?::\s*str\s*)?=\s*\"([a-z][a-z0-9_]+)\"")
# one_of(value, allowed, field, code, label): a closed vocabulary's own code
VOCABULARY = re.compile(r"\bone_of\([^,]+,[^,]+,\s*\"\w+\",\s*\"([a-z][a-z0-9_]+)\"")


def codes_in_the_package() -> dict[str, str]:
    found: dict[str, str] = {}
    for folder in SOURCE_FOLDERS:
        for source in (PACKAGE / folder).rglob("*.py"):
            text = source.read_text(encoding="utf-8")
            for match in [*RAISED.finditer(text), *PASSED.finditer(text), *VOCABULARY.finditer(text)]:
                found.setdefault(match.group(1), str(source.relative_to(PACKAGE)))
    return found


def po_entries(path: Path) -> dict[tuple[str | None, str], str]:
    """(msgctxt, msgid) → msgstr of a .po file (strings possibly continued on later lines)."""
    entries: dict[tuple[str | None, str], str] = {}
    current: dict[str, str] = {}
    key = None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if line.startswith(("msgctxt ", "msgid ", "msgstr ")):
            key, _, value = line.partition(" ")
            if key == "msgctxt" or (key == "msgid" and "msgstr" in current):
                if current.get("msgid"):
                    entries[(current.get("msgctxt"), current["msgid"])] = current.get("msgstr", "")
                current = {}
            current[key] = ast.literal_eval(value)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
    if current.get("msgid"):
        entries[(current.get("msgctxt"), current["msgid"])] = current.get("msgstr", "")
    return entries


def catalogue(language: str) -> gettext.GNUTranslations:
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as mo:
        return gettext.GNUTranslations(mo)


def test_the_code_finder_sees_the_codes_raised_in_the_usual_ways():
    codes = codes_in_the_package()
    for code in ("not_found", "duplicate_code", "unknown_activity_kind", "evidence_too_large",
                 "text_too_long", "outside_parent_window", "accepted"):
        assert code in codes, code


def test_every_error_code_the_package_raises_has_an_english_message():
    english = catalogue("en")
    missing = {code: where for code, where in codes_in_the_package().items()
               if english.pgettext("error code", code) == code}
    assert missing == {}, "add these to platform/locale/en/LC_MESSAGES/django.po and run msgfmt"


@pytest.mark.parametrize("language", ["en", "zh_Hans"])
def test_the_compiled_catalogue_says_what_its_source_says(language):
    compiled = catalogue(language)
    source = po_entries(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert compiled.info()["language"] == language
    for (context, msgid), msgstr in source.items():
        if not msgstr:
            continue
        got = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
        assert got == msgstr, f"{language} .mo is stale for {msgid!r}: run msgfmt"
    compiled_ids = set(compiled._catalog) - {""}  # noqa: SLF001 - the .mo's own keys
    source_ids = {f"{c}\x04{m}" if c else m for (c, m), s in source.items() if s}
    assert compiled_ids == source_ids, "the .mo holds entries its .po does not: run msgfmt"
