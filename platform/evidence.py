"""Who may cite an evidence file (the campaign rules' ``EvidenceStore`` port), and under
which name a caller sees one. Read from the blob store and the read models: the files live
outside the event log, and so does the record of who can see which citation."""

from __future__ import annotations

from uuid import UUID

from django.http import FileResponse

from taolun.infra.blobs import blob_store, is_sha256, safe_filename
from taolun.platform.api.access import Principal, principal_of
from taolun.projections.models import EvidenceRef


def citation_filename(who: Principal, sha256: str) -> str | None:
    """The filename under which a record ``who`` can see cites the blob, if any."""
    refs = EvidenceRef.objects.filter(sha256=sha256).values_list("path", "filename")
    return next((name for path, name in refs if who.sees(path)), None)


def cited_file(who: Principal, sha256: str, *, show_media: bool = False) -> FileResponse | None:
    """The file, streamed with its content type (by its magic bytes), if ``who`` sees a
    record citing it (now or in its history); ``None`` otherwise, as for a missing file.
    ``show_media``: photos and PDFs open in the browser tab instead of downloading."""
    sha = sha256.lower()
    filename = citation_filename(who, sha) if is_sha256(sha) else None
    opened = blob_store().open(sha) if filename is not None else None
    if opened is None:
        return None
    handle, size, content_type = opened
    inline = show_media and (content_type.startswith("image/") or content_type == "application/pdf")
    # Django writes filename*=UTF-8''… (RFC 5987) for non-ASCII names; the name is cleaned
    # of control and bidi-override characters so a download cannot pose as another type.
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline,
                            filename=safe_filename(filename or "") or sha)
    response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


class EvidenceCitations:
    """A file may be cited by whoever uploaded it, or by someone who can already see a
    record citing it (while the file is there). Anything else — a hash stored for another
    tenant, a malformed one — answers exactly like a file never uploaded."""

    def citable(self, actor: UUID | None, sha256: str) -> bool:
        if not is_sha256(sha256):
            return False
        store = blob_store()
        if actor is not None and store.uploaded_by(sha256, actor):
            return True
        return citation_filename(principal_of(actor), sha256) is not None and store.exists(sha256)
