"""Property-based: re-punctuated, re-spaced, re-numbered, web-noisy copies of every corpus
document (in any of the encodings users upload) keep the phases the original gives."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taolun.events.plan_import import read_document
from tests.corpus.corpus import documents
from tests.unit.plan_import.test_robustness_properties import phases_of, variants

DOCUMENTS = documents()


@pytest.mark.parametrize("doc", DOCUMENTS, ids=[d.name for d in DOCUMENTS])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_noisy_copy_of_a_corpus_document_keeps_its_phases(doc, data):
    original = read_document(doc.path.read_bytes(), doc.path.name)
    expected = phases_of(original)
    noisy = data.draw(variants(original))
    encoding = data.draw(st.sampled_from(["utf-8", "gb18030", "utf-8-sig"]))
    assert expected and phases_of(read_document(noisy.encode(encoding))) == expected
