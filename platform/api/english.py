"""English messages for clients that ask for them (``Accept-Language: en``).

Simplified Chinese is the default. A code without an entry here keeps its Chinese message;
``code`` itself is stable English either way.
"""

from django.http import HttpRequest

MESSAGES = {
    "not_found": "Not found.",
    "forbidden": "You are not allowed to do this.",
    "unauthenticated": "A valid API token is required (missing, expired or revoked).",
    "malformed_json": "The request body is not valid JSON.",
    "invalid_input": "Some fields are invalid.",
    "too_large": "The request body is too large.",
    "throttled": "Too many requests; please slow down.",
    "method_not_allowed": "This method is not allowed here.",
    "internal_error": "Internal server error.",
    "unavailable": "Service temporarily unavailable; please retry shortly.",
    "duplicate_code": "A sibling unit already uses this code.",
    "move_into_own_subtree": "A unit cannot be moved under itself or one of its descendants.",
    "tenant_has_children": "The unit still has live sub-units; archive them too with cascade.",
    "tenant_archived": "The unit is archived.",
    "invalid_parent_kind": "This kind of unit cannot sit under that parent.",
    "cannot_move_root": "A top-level unit cannot be moved.",
    "duplicate_email": "This e-mail address is already in use.",
    "invalid_email": "The e-mail address is not valid.",
    "invalid_role": "Unknown role.",
    "grant_not_found": "The user does not hold this role here.",
    "token_not_found": "No such token.",
    "invalid_token_lifetime": "Token lifetime must be between 1 and 366 days.",
    "concurrent_update": "The record was changed concurrently; please retry.",
    "version_conflict": "The plan was changed by someone else; reload and retry.",
    "idempotency_key_reused": "This Idempotency-Key was already used for a different request.",
    "idempotency_in_progress": "The same request is still being processed; retry shortly.",
    "invalid_idempotency_key": "Idempotency-Key must be at most 200 characters.",
    "empty_document": "The document is empty.",
    "not_a_document": "Unsupported file type; upload a .docx or a text file.",
    "corrupt_docx": "The .docx file is damaged and cannot be read.",
    "unknown_encoding": "The text encoding could not be recognised (UTF-8 or GB18030 expected).",
    "document_required": "Upload a file (file) or paste text (text).",
}


def wants_english(request: HttpRequest | None) -> bool:
    if request is None:
        return False
    header = request.headers.get("Accept-Language", "")
    first = header.split(",")[0].strip().lower()
    return first.startswith("en")


def localise(request: HttpRequest | None, code: str, message: str) -> str:
    return MESSAGES.get(code, message) if wants_english(request) else message
