"""Per-field precision and recall of the importer over the corpus.

``python -m tests.corpus.report`` prints the table; the corpus tests print it at the end of
the test run too. A field is counted as found when the importer gives a value, as correct
when that value equals the expected one:

- phases found: phases whose name matches an expected phase's name;
- phase dates exact: matched phases whose start and end both equal the expected dates;
- topics: per document, min(found, expected) topics count as correct;
- header.*: one value per document (a value where none is expected is a wrong one).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.corpus.corpus import HEADER_FIELDS, Document, documents, expected_rows, header_values, phase_rows


@dataclass
class Tally:
    expected: int = 0
    found: int = 0
    correct: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else (1.0 if not self.expected else 0.0)

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0


def score(docs: list[Document] | None = None) -> dict[str, Tally]:
    names = ("phases found", "phase dates exact", "topics", *(f"header.{f}" for f in HEADER_FIELDS))
    tallies = {name: Tally() for name in names}
    for doc in docs if docs is not None else documents():
        try:
            plan = doc.parse()
        except Exception as error:  # a document the importer refuses scores nothing
            for tally in tallies.values():
                tally.misses.append(f"{doc.name}: {type(error).__name__}")
            _count_expected(tallies, doc)
            continue
        _phases(tallies, doc, phase_rows(plan.to_dict()["phases"]))
        found_topics = len(plan.topics)
        topics = tallies["topics"]
        topics.expected += doc.expected["topics"]
        topics.found += found_topics
        topics.correct += min(found_topics, doc.expected["topics"])
        if found_topics != doc.expected["topics"]:
            topics.misses.append(f"{doc.name}: {found_topics} ≠ {doc.expected['topics']}")
        values = header_values(plan)
        for name in HEADER_FIELDS:
            tally, want, got = tallies[f"header.{name}"], doc.expected["header"][name], values[name]
            tally.expected += want is not None
            tally.found += got is not None
            tally.correct += got is not None and got == want
            if got != want:
                tally.misses.append(f"{doc.name}: {got!r} ≠ {want!r}")
    return tallies


def _count_expected(tallies: dict[str, Tally], doc: Document) -> None:
    tallies["phases found"].expected += len(doc.expected["phases"])
    tallies["phase dates exact"].expected += len(doc.expected["phases"])
    tallies["topics"].expected += doc.expected["topics"]
    for name in HEADER_FIELDS:
        tallies[f"header.{name}"].expected += doc.expected["header"][name] is not None


def _phases(tallies: dict[str, Tally], doc: Document, found: list[tuple]) -> None:
    names, dates = tallies["phases found"], tallies["phase dates exact"]
    wanted = expected_rows(doc)
    names.expected += len(wanted)
    dates.expected += len(wanted)
    names.found += len(found)
    dates.found += sum(1 for _, start, end in found if start or end)
    left = list(found)
    for name, start, end in wanted:
        match = next((row for row in left if row[0] == name), None)
        if match is None:
            names.misses.append(f"{doc.name}: {name} not found")
            dates.misses.append(f"{doc.name}: {name} not found")
            continue
        left.remove(match)
        names.correct += 1
        if (match[1], match[2]) == (start, end):
            dates.correct += 1
        else:
            dates.misses.append(f"{doc.name}: {name} {match[1]}–{match[2]} ≠ {start}–{end}")
    names.misses.extend(f"{doc.name}: unexpected {row[0]}" for row in left)


def table(tallies: dict[str, Tally], misses: bool = False) -> str:
    lines = [f"{'field':<22} {'expected':>8} {'found':>6} {'correct':>7} {'precision':>9} {'recall':>7}"]
    for name, t in tallies.items():
        lines.append(f"{name:<22} {t.expected:>8} {t.found:>6} {t.correct:>7} {t.precision:>9.2f} {t.recall:>7.2f}")
        if misses:
            lines.extend(f"    {miss}" for miss in t.misses)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import sys

    args = sys.argv[1:] if argv is None else argv
    docs = documents()
    print(f"importer corpus: {len(docs)} documents in tests/corpus/plans")
    print(table(score(docs), misses="--misses" in args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
