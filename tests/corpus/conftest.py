"""After a run that included the corpus tests, the per-field precision/recall table is
printed in the terminal summary (with or without ``-s``), the same table as
``python -m tests.corpus.report``."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def pytest_terminal_summary(terminalreporter, config):
    ran = any(Path(str(report.fspath)).resolve().parent == _HERE or _HERE in Path(str(report.fspath)).resolve().parents
              for reports in terminalreporter.stats.values() for report in reports
              if getattr(report, "when", None) == "call" and getattr(report, "fspath", None))
    if not ran:
        return
    from tests.corpus.report import documents, score, table

    terminalreporter.section("importer corpus: precision / recall per field")
    terminalreporter.write_line(f"{len(documents())} documents in tests/corpus/plans")
    terminalreporter.write_line(table(score()))
