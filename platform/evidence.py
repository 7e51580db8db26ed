"""Who may cite an evidence file (the campaign rules' ``EvidenceStore`` port), and under
which name a caller sees one. Read from the blob store and the read models: the files live
outside the event log, and so does the record of who can see which citation."""

from __future__ import annotations

from uuid import UUID

from taolun.infra.blobs import blob_store, is_sha256
from taolun.platform.api.access import Principal, principal_of
from taolun.projections.models import EvidenceRef


def citation_filename(who: Principal, sha256: str) -> str | None:
    """The filename under which a record ``who`` can see cites the blob, if any."""
    refs = EvidenceRef.objects.filter(sha256=sha256).values_list("path", "filename")
    return next((name for path, name in refs if who.sees(path)), None)


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
