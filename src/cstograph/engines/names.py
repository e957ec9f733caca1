"""An index of the requests' names, to find a request by a name the user half remembers.

Every request's IRI, label and date in SQLite with a full-text index of character trigrams
(FTS5, ``tokenize='trigram'``, case-insensitive). A substring of a label or IRI is found through
the index, not by reading every label; an unknown name is answered with the closest names: the
requests that share the name's rarest trigrams (at most ``CANDIDATES`` of them, read from the
index; a trigram that more than a twentieth of the names have is left out while rarer ones
exist), ranked by how similar their label or IRI is to the name, word by word (difflib's ratio).

A store keeps the index as a file beside its kept answers (made at load time); other data builds
it in memory from ``queries/explain/request-labels.rq``.
"""

from __future__ import annotations

import difflib
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

NAME_INDEX_FILE = "request-names.sqlite"
NAME_INDEX_KEY = "index:request-names"  # its entry among a store's kept answers
CANDIDATES = 400  # requests read from the index for ranking by similarity
RARE_TRIGRAMS = 8  # the name's trigrams looked up: the rarest ones tell the requests apart best


@dataclass(frozen=True)
class Name:
    iri: str
    label: str
    date: str

    def similarity(self, wanted: str) -> tuple[float, float]:
        """How alike ``wanted`` and this name are: first how well each word of ``wanted`` matches
        some word of the label or the IRI's last segment (the mean of the best difflib ratios,
        so a short name is not measured against a long label's length), then the whole texts."""
        wanted = wanted.casefold()
        local = self.iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1].casefold()
        label = self.label.casefold()
        words = set(_WORD.findall(label)) | set(_WORD.findall(local))
        asked = _WORD.findall(wanted)
        by_word = (sum(max((difflib.SequenceMatcher(None, w, x).ratio() for x in words), default=0.0) for w in asked)
                   / len(asked)) if asked else 0.0
        whole = max(difflib.SequenceMatcher(None, wanted, text).ratio() for text in (label or local, local))
        return by_word, whole


_WORD = re.compile(r"\w+")


class NameIndex:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection

    @classmethod
    def build(cls, rows: Iterable[tuple[str, str, str]], path: Path | None = None) -> NameIndex:
        """An index of (IRI, label, date) rows, written to ``path`` (None: in memory)."""
        db = sqlite3.connect(":memory:" if path is None else str(path))
        db.execute("CREATE VIRTUAL TABLE names USING fts5(label, iri, date UNINDEXED, tokenize='trigram')")
        db.execute("CREATE VIRTUAL TABLE grams USING fts5vocab(names, 'row')")
        db.executemany("INSERT INTO names(label, iri, date) VALUES (?, ?, ?)", ((label, iri, day) for iri, label, day in rows))
        db.commit()
        return cls(db)

    @classmethod
    def open(cls, path: Path) -> NameIndex:
        return cls(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True))

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM names").fetchone()[0]

    def get(self, iri: str) -> Name | None:
        row = self.db.execute("SELECT iri, label, date FROM names WHERE iri = ?", (iri,)).fetchone()
        return None if row is None else Name(*row)

    def containing(self, needle: str, limit: int) -> tuple[int, list[Name]]:
        """How many requests have ``needle`` in their label or IRI (any case), and up to
        ``limit`` of them, the closest to it first."""
        if not needle:
            return 0, []
        if len(needle) >= 3:  # a phrase of the trigram index: a substring of either column, any case
            where, arguments = "names MATCH ?", ('"' + needle.replace('"', '""') + '"',)
        else:  # too short for a trigram: every row is read
            pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where, arguments = "label LIKE ? ESCAPE '\\' OR iri LIKE ? ESCAPE '\\'", (pattern, pattern)
        count = self.db.execute(f"SELECT COUNT(*) FROM names WHERE {where}", arguments).fetchone()[0]
        rows = self.db.execute(f"SELECT iri, label, date FROM names WHERE {where} LIMIT ?",
                               (*arguments, CANDIDATES)).fetchall()
        return count, _ranked((Name(*r) for r in rows), needle)[:limit]

    def closest(self, wanted: str, limit: int) -> list[Name]:
        """The ``limit`` requests whose label or IRI is most like ``wanted``."""
        grams = {wanted.casefold()[i:i + 3] for i in range(len(wanted) - 2)}
        grams = {g for g in grams if '"' not in g}
        if not grams:
            rows = self.db.execute("SELECT iri, label, date FROM names LIMIT ?", (CANDIDATES,)).fetchall()
            return _ranked((Name(*r) for r in rows), wanted)[:limit]
        counts = dict(self.db.execute(
            f"SELECT term, doc FROM grams WHERE term IN ({','.join('?' * len(grams))})", tuple(grams)).fetchall())
        # a trigram most names have ("req" of every request IRI) tells none apart and makes the
        # ranked lookup read all of them: left out while rarer ones are there
        common = max(len(self) // 20, CANDIDATES)
        found = sorted((g for g in grams if g in counts), key=lambda g: (counts[g], g))  # the same trigrams in every process
        rare = [g for g in found if counts[g] <= common][:RARE_TRIGRAMS]
        if rare:
            match = " OR ".join(f'"{g}"' for g in rare)
            rows = self.db.execute("SELECT iri, label, date FROM names WHERE names MATCH ? ORDER BY rank LIMIT ?",
                                   (match, CANDIDATES)).fetchall()
        elif found:  # only common trigrams: ranking all their names would read most of the index
            rows = self.db.execute("SELECT iri, label, date FROM names WHERE names MATCH ? LIMIT ?",
                                   (f'"{found[0]}"', CANDIDATES)).fetchall()
        else:
            return []
        return _ranked((Name(*r) for r in rows), wanted)[:limit]


def _ranked(names: Iterable[Name], wanted: str) -> list[Name]:
    def key(name: Name):
        by_word, whole = name.similarity(wanted)
        return -by_word, -whole, name.date, name.iri

    return sorted(names, key=key)


def request_names(engine) -> list[tuple[str, str, str]]:
    """(IRI, label, date) of every request on ``engine`` (the request-labels query)."""
    # deferred to the first call: keeps cstograph.engines.queries out of importing cstograph.engines.names
    from cstograph.engines.queries import run_named

    return [(str(r["request"]), str(r["label"] or ""), str(r["date"] or ""))
            for r in run_named(engine, "request-labels").records()]


def name_index(engine) -> NameIndex:
    """The store's index when it kept one, else one built now from the engine's requests."""
    kept = (getattr(engine, "materialised", None) or {}).get(NAME_INDEX_KEY)
    if kept and Path(kept).is_file():
        return NameIndex.open(Path(kept))
    return NameIndex.build(request_names(engine))
