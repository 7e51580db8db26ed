"""Every corpus document imports with the structure written down for it before the importer
was taught to read it: each phase's exact start and end, the topic count, the header."""

from __future__ import annotations

import pytest

from tests.corpus.corpus import HEADER_FIELDS, Document, documents, expected_rows, header_values, phase_rows

DOCUMENTS = documents()


def by_name(docs: list[Document]):
    return pytest.mark.parametrize("doc", docs, ids=[d.name for d in docs])


def test_the_corpus_is_at_least_twelve_documents_in_every_format():
    suffixes = [d.path.suffix for d in DOCUMENTS]
    encodings = {d.expected.get("encoding", "docx" if d.path.suffix == ".docx" else "utf-8") for d in DOCUMENTS}
    assert len(DOCUMENTS) >= 12
    assert suffixes.count(".docx") >= 2
    assert {"utf-8", "utf-8-sig", "gb18030", "docx"} <= encodings


@by_name([d for d in DOCUMENTS if d.path.suffix == ".txt"])
def test_a_text_document_is_stored_in_the_encoding_its_expectation_names(doc):
    data = doc.path.read_bytes()
    encoding = doc.expected.get("encoding", "utf-8")
    assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    if encoding == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    data.decode(encoding)


@by_name(DOCUMENTS)
def test_every_phase_is_found_with_its_exact_start_and_end(doc):
    assert phase_rows(doc.parse().to_dict()["phases"]) == expected_rows(doc)


@by_name(DOCUMENTS)
def test_the_discussion_topics_are_all_found(doc):
    assert len(doc.parse().topics) == doc.expected["topics"]


@by_name(DOCUMENTS)
def test_the_header_fields_are_read(doc):
    values = header_values(doc.parse())
    assert {f: values[f] for f in HEADER_FIELDS} == doc.expected["header"]


@by_name(DOCUMENTS)
def test_every_phase_says_how_its_dates_were_read(doc):
    for phase in doc.parse().phases:
        assert phase.date_reasoning and phase.date_reasoning_en, phase.name
