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
    "token_issuer_forbidden": "Only the user themself or an operator may issue the user's tokens.",
    "self_grant": "You cannot grant yourself a role; ask an administrator above the unit.",
    "json_object_required": "The request body must be a JSON object.",
    "auth_throttled": "Too many failed authentication attempts; try again in a minute.",
    "parser_busy": "Too many documents are being parsed; please retry shortly.",
    "parse_timeout": "Parsing the document took too long and was stopped; simplify it and retry.",
    "evidence_not_found": "Evidence not uploaded (or not available to you); upload the file first.",
    "concurrent_update": "The record was changed concurrently; please retry.",
    "version_conflict": "The plan was changed by someone else; reload and retry.",
    "idempotency_key_reused": "This Idempotency-Key was already used for a different request.",
    "accepted": "Accepted: the write is saved; its result can be read shortly.",
    "token_shown_once": (
        "This request already issued its token; the secret is shown only in the first answer."
        " If it was lost, revoke the token and issue a new one."
    ),
    "invalid_idempotency_key": "Idempotency-Key must be at most 200 characters.",
    "empty_document": "The document is empty.",
    "not_a_document": "Unsupported file type; upload a .docx or a text file.",
    "corrupt_docx": "The .docx file is damaged and cannot be read.",
    "unknown_encoding": "The text encoding could not be recognised (UTF-8 or GB18030 expected).",
    "document_required": "Upload a file (file) or paste text (text).",
    "malformed_multipart": "The request body is not valid multipart/form-data.",
    "invalid_characters": "The text contains characters that are not allowed (NUL, control characters or lone surrogates).",
    "number_out_of_range": "The number is out of range.",
    "too_many_decimal_places": "The number has too many decimal places.",
    "not_a_bureau": "Only an education bureau can launch a campaign.",
    "unit_outside_subtree": "The unit is not below the plan's unit.",
    "plan_exists": "This unit already has a plan in this campaign.",
    "plan_not_for_unit": "This plan does not apply to the unit.",
    "not_parent_admin": "Only an admin of the parent unit can review this plan.",
    "parent_unit_only": "Only a unit above can do this.",
    "not_own_entry": "Only the person who logged the entry (or an admin of its unit) can correct or retract it.",
    "operator_only": "Only a platform operator can do this to a top-level unit.",
    "parent_admin_only": "Archiving a unit needs an admin of its parent unit.",
}


def wants_english(request: HttpRequest | None) -> bool:
    if request is None:
        return False
    header = request.headers.get("Accept-Language", "")
    first = header.split(",")[0].strip().lower()
    return first.startswith("en")


def localise(request: HttpRequest | None, code: str, message: str) -> str:
    return MESSAGES.get(code, message) if wants_english(request) else message
