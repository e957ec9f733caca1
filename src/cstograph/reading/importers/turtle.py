"""Write imported graphs as Turtle, fast and deterministically (cstograph.base.write saves them).

Importers produce tens of thousands of triples; building an rdflib Graph and serialising it
costs seconds, while writing the text directly takes a few milliseconds. Terms are escaped
here (IRIs and literals), and tests parse the output back with rdflib.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

PREFIXES = {
    "cg": "https://w3id.org/cstograph/ns#",
    "cgd": "https://w3id.org/cstograph/data/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "wd": "http://www.wikidata.org/entity/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}
_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')




def iri(value: str) -> str:
    """An IRI as Turtle: a prefixed name when one of PREFIXES fits, <...> otherwise."""
    if _IRI_BAD.search(value):
        raise ValueError(f"not a valid IRI: {value!r}")
    for prefix, namespace in PREFIXES.items():
        if value.startswith(namespace):
            local = value[len(namespace) :]
            if _LOCAL.match(local):
                return f"{prefix}:{local}"
    return f"<{value}>"


def readable_iri(value: str) -> bool:
    """Whether cstograph can read the IRI back: the parser's own check (percent escapes, code points,
    the authority, one '#'), not only the characters Turtle forbids."""
    # deferred to the first call: keeps pyoxigraph out of importing cstograph.reading.importers.turtle
    import pyoxigraph

    if _IRI_BAD.search(value):
        return False
    try:
        pyoxigraph.NamedNode(value)
    except ValueError:
        return False
    return True


def cg(local: str) -> str:
    return "cg:" + local


def string(value: str, lang: str | None = None) -> str:
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"' + (f"@{lang}" if lang else "")


def date(value: dt.date) -> str:
    return f'"{value.isoformat()}"^^xsd:date'


def integer(value: int) -> str:
    return f'"{int(value)}"^^xsd:integer'


def boolean(value: bool) -> str:
    return "true" if value else "false"


def typed(value: str, datatype_iri: str | None, language: str | None = None) -> str:
    """A literal of any datatype (``datatype_iri`` a full IRI; None or xsd:string: a plain string)."""
    if language:
        return string(value, language)
    if datatype_iri in (None, PREFIXES["xsd"] + "string"):
        return string(value)
    return f"{string(value)}^^{iri(datatype_iri)}"


class TurtleWriter:
    """Collects triples per subject (terms already in Turtle syntax) and writes them sorted; the
    triples of named graphs (``graph``) make the text TriG."""

    def __init__(self) -> None:
        self._subjects: dict[str, list[tuple[str, str]]] = {}
        self._graphs: dict[str, TurtleWriter] = {}
        self.count = 0

    def graph(self, name: str | None) -> TurtleWriter:
        """The writer of a named graph (``name`` in Turtle syntax), or this one for None."""
        if name is None:
            return self
        return self._graphs.setdefault(name, TurtleWriter())

    @property
    def named_graphs(self) -> list[str]:
        return sorted(g for g, w in self._graphs.items() if w._subjects)

    def add(self, subject: str, predicate: str, obj: str) -> None:
        self._subjects.setdefault(subject, []).append((predicate, obj))
        self.count += 1

    def add_all(self, subject: str, pairs: Iterable[tuple[str, str]]) -> None:
        for predicate, obj in pairs:
            self.add(subject, predicate, obj)

    def text(self, header: str = "") -> str:
        lines = [f"# {line}".rstrip() for line in header.splitlines()]
        if lines:
            lines.append("")
        lines += [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES.items()]
        lines += self._body()
        for name in self.named_graphs:
            lines.append(f"\n{name} {{")
            lines += ["  " + line if line else line for line in "\n".join(self._graphs[name]._body()).splitlines()]
            lines.append("}")
        return "\n".join(lines) + "\n"

    def _body(self) -> list[str]:
        lines = []
        for subject in sorted(self._subjects):
            pairs = self._subjects[subject]
            # rdf:type first, then predicates in order; duplicates dropped
            seen: set[tuple[str, str]] = set()
            unique = []
            for pair in sorted(pairs, key=lambda p: (p[0] != "a", p[0], p[1])):
                if pair not in seen:
                    seen.add(pair)
                    unique.append(pair)
            body = " ;\n    ".join(f"{p} {o}" for p, o in unique)
            lines.append(f"\n{subject}\n    {body} .")
        return lines

    def triple_count(self) -> int:
        return (sum(len(set(pairs)) for pairs in self._subjects.values())
                + sum(w.triple_count() for w in self._graphs.values()))
