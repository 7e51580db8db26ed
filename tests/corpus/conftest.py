"""After a run that included the corpus tests, the per-field precision/recall table is
printed in the terminal summary (with or without ``-s``): the same table as
``python -m tests.corpus.report``."""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter, config):
    reports = [r for rs in terminalreporter.stats.values() for r in rs if getattr(r, "nodeid", "")]
    if not any(r.nodeid.startswith("tests/corpus/") for r in reports):
        return
    from tests.corpus.report import documents, score, table

    terminalreporter.section("importer corpus: precision / recall per field")
    terminalreporter.write_line(f"{len(documents())} documents in tests/corpus/plans")
    terminalreporter.write_line(table(score()))
