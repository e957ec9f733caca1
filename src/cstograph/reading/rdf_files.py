"""Read RDF files and folders into one rdflib Dataset, with errors that name the file and line.

Triples from triple formats (Turtle, N-Triples, RDF/XML, JSON-LD, N3) go to the default graph;
named graphs from TriG and N-Quads stay named. Queries run over the union of all graphs.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax import SAXParseException

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from cstograph.base.deep_calls import run_deep
from cstograph.errors import GraphLoadError
from cstograph.reading.resources import graphs_dir, ontology_path, shapes_path

FORMATS_BY_SUFFIX = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".trig": "trig",
    ".nt": "nt",
    ".ntriples": "nt",
    ".nq": "nquads",
    ".nquads": "nquads",
    ".n3": "n3",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".jsonld": "json-ld",
    ".json-ld": "json-ld",
}
QUAD_FORMATS = {"trig", "nquads"}
NESTED_FORMATS = {"turtle", "trig", "n3"}
MAX_NESTING = 200  # blank-node brackets and collections inside one another, in Turtle, TriG and N3
_BRACKET = re.compile(rb"[\[\]()]")
_TURTLE_TOKEN = re.compile(
    rb'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    rb'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"\s]*>|#[^\n]*|[\[\]()]'
)


def rdf_format_for(path: Path) -> str | None:
    return FORMATS_BY_SUFFIX.get(path.suffix.lower())


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders expanded (recursively) to the RDF files inside them, sorted;
    hidden files and folders (.git, editor backups) inside a folder are skipped."""
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise GraphLoadError(f"{path}: no such file or folder")
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and rdf_format_for(p)
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not found:
                suffixes = ", ".join(sorted(FORMATS_BY_SUFFIX))
                raise GraphLoadError(f"{path}: folder holds no RDF files ({suffixes})")
            files.extend(found)
        elif rdf_format_for(path) is None:
            raise GraphLoadError(
                f"{path}: unknown RDF format",
                hint="use one of the suffixes " + ", ".join(sorted(FORMATS_BY_SUFFIX)),
            )
        else:
            files.append(path)
    return files


def _describe_parse_error(exc: Exception) -> str:
    """One line naming the line number when the parser tells it."""
    line = None
    why = None
    if hasattr(exc, "_why") and hasattr(exc, "_str"):  # rdflib notation3.BadSyntax (Turtle, TriG, N3)
        # The character offset is exact; the parser's own line counter overshoots at end of file.
        text, offset = exc._str, exc._i  # type: ignore[attr-defined]
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        line = text.count("\n", 0, min(offset, len(text.rstrip()))) + 1
        why = exc._why  # type: ignore[attr-defined]
    elif isinstance(exc, SAXParseException):
        line, why = exc.getLineNumber(), exc.getMessage()
    elif isinstance(exc, json.JSONDecodeError):
        line, why = exc.lineno, exc.msg
    if why is None:
        text = str(exc).strip().splitlines()
        why = text[0] if text else type(exc).__name__
        match = re.search(r"line (\d+)", str(exc))
        if match:
            line = int(match.group(1))
    why = re.sub(r"\s+", " ", str(why)).strip()
    return f"line {line}: {why}" if line is not None else why


XML_CHUNK = 1 << 20  # bytes read at a time while looking for a DTD: memory stays bounded
MAX_TERM_BYTES = 16 * 1024 * 1024  # the bound on one term (literal or IRI), on every engine
_DTD_MARKERS = ("<!ENTITY", "<!DOCTYPE")


def _xml_encoding(head: bytes) -> str | None:
    """The encoding of an XML document whose markup is not ASCII-compatible (UTF-16 or UTF-32,
    told by its byte order mark or its first '<'), else None (search the bytes as they are)."""
    for mark, codec in ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
                        (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"),
                        (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
                        (b"\x00<", "utf-16-be"), (b"<\x00", "utf-16-le")):
        if head.startswith(mark):
            return codec
    return None


def refuse_xml_entities(path: Path) -> None:
    """RDF/XML may declare entities in a DOCTYPE; nested ones expand a 1 KB file into gigabytes
    (the "billion laughs"), and external ones read other files. RDF needs neither, so a file
    holding an entity declaration or a DOCTYPE with an internal subset (``[...]``) anywhere, in
    any case, is refused before any parser sees it. The whole file is read in chunks of
    ``XML_CHUNK`` bytes (UTF-16 and UTF-32 files decoded on the way), so a declaration behind a
    long comment is found too, in bounded memory."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(4)
            codec = _xml_encoding(head)
            decoder = codecs.getincrementaldecoder(codec)("replace") if codec else None
            tail, line, chunk = "", 1, head
            while chunk:
                text = decoder.decode(chunk) if decoder else chunk.decode("latin-1")
                window = tail + text
                upper = window.upper()
                for marker in _DTD_MARKERS:
                    at = upper.find(marker)
                    while at >= 0:
                        closing = upper.find(">", at)
                        bracket = upper.find("[", at)
                        if marker == "<!ENTITY" or (bracket >= 0 and (closing < 0 or bracket < closing)):
                            where = line + window.count("\n", 0, at)
                            raise GraphLoadError(
                                f"{path}: line {where}: declares an XML entity or a DOCTYPE internal subset "
                                "(<!ENTITY ...>, <!DOCTYPE x [...]>), which cstograph refuses",
                                hint="write the values out in the file; RDF/XML needs no entities and no DOCTYPE")
                        if closing < 0 and len(window) - at > XML_CHUNK:
                            raise GraphLoadError(f"{path}: line {line + window.count(chr(10), 0, at)}: a DOCTYPE "
                                                 f"longer than {XML_CHUNK // 1024} KB", hint="RDF/XML needs no DOCTYPE")
                        if closing < 0:
                            break  # look again with the next chunk
                        at = upper.find(marker, at + 1)
                keep = max(len(window) - len(_DTD_MARKERS[1]), 0)
                open_doctype = upper.rfind("<!DOCTYPE")
                if open_doctype >= 0 and upper.find(">", open_doctype) < 0:
                    keep = min(keep, open_doctype)  # an unfinished DOCTYPE is looked at again whole
                line += window.count("\n", 0, keep)
                tail = window[keep:]
                chunk = stream.read(XML_CHUNK)
    except OSError as exc:
        raise GraphLoadError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def refuse_long_terms(path: Path, terms) -> None:
    """Raise when one of ``terms`` (rdflib or pyoxigraph terms, or strings) is longer than
    ``MAX_TERM_BYTES`` characters."""
    for term in terms:
        value = getattr(term, "value", term)
        if isinstance(value, str) and len(value) > MAX_TERM_BYTES:
            raise GraphLoadError(f"{path}: holds a term (a literal or IRI) over 16 MiB, more than cstograph reads",
                                 hint="shorten the literal, or split the text over several")


_OX_FORMATS = {"turtle": "TURTLE", "trig": "TRIG", "nt": "N_TRIPLES", "nquads": "N_QUADS", "n3": "N3",
               "xml": "RDF_XML", "json-ld": "JSON_LD"}


def refuse_long_terms_in_file(path: Path) -> None:
    """Refuse a file holding a term over ``MAX_TERM_BYTES`` before the parser that will read it
    builds the term (rdflib's N-Triples parser takes minutes over one of 16 MiB; Oxigraph's
    RDF/XML parser has no bound). Only a file larger than the bound can hold one: such a file is
    read once more, as a stream, by Oxigraph's parser, whose buffer for one token stops at
    16 MiB, and each term it yields is measured."""
    try:
        if path.stat().st_size <= MAX_TERM_BYTES:
            return
    except OSError as exc:
        raise GraphLoadError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    # deferred to the first call: keeps pyoxigraph out of the CLI's start-up
    import pyoxigraph as ox

    fmt = getattr(ox.RdfFormat, _OX_FORMATS.get(rdf_format_for(path) or "", ""), None)
    if fmt is None:
        return
    try:
        for quad in ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri()):
            refuse_long_terms(path, (quad.subject, quad.predicate, quad.object, quad.graph_name))
    except MemoryError as exc:
        raise GraphLoadError(f"{path}: holds a term (a literal or IRI) over 16 MiB, more than cstograph reads",
                             hint="shorten the literal, or split the text over several") from exc
    except (SyntaxError, OSError, ValueError):
        return  # not valid RDF: the parser that follows says where


def _nesting_depth(data: bytes, token: re.Pattern) -> int:
    depth = deepest = 0
    for match in token.finditer(data):
        char = match.group()
        if char in (b"[", b"("):
            depth += 1
            deepest = max(deepest, depth)
        elif char in (b"]", b")"):
            depth = max(depth - 1, 0)
    return deepest


def refuse_deep_nesting(path: Path, data: bytes | None = None) -> None:
    """Refuse Turtle-family data nested more than MAX_NESTING deep (``[ :p [ :p ... ] ]`` or
    ``( ( ... ) )``): rdflib's parser recurses per level and fails near 1,000 while Oxigraph's
    does not, so both engines refuse the same files with the same message. Files with fewer
    brackets than the bound cost two byte counts; a deep bracket run is then confirmed with a
    tokenizer that skips strings, IRIs and comments."""
    if rdf_format_for(path) not in NESTED_FORMATS:
        return
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise GraphLoadError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if data.count(b"[") + data.count(b"(") <= MAX_NESTING:
        return
    if _nesting_depth(data, _BRACKET) <= MAX_NESTING or _nesting_depth(data, _TURTLE_TOKEN) <= MAX_NESTING:
        return
    opening = _BRACKET.search(data)
    line = data[:opening.start()].count(b"\n") + 1 if opening else 1
    raise GraphLoadError(
        f"{path}: line {line}: blank nodes or collections nest more than {MAX_NESTING} levels deep",
        hint="write the inner nodes out with their own names or blank-node labels (_:b1)",
    )


def refuse_remote_contexts(path: Path) -> None:
    """JSON-LD may name its @context (or an @import) by URL or file path; rdflib would fetch or
    read it. Only inline contexts are read: nothing from the network or other files."""
    def no_duplicates(pairs: list[tuple[str, object]]) -> dict:
        # Oxigraph refuses a keyword given twice in one object and keeps both values of a
        # property; Python's json (and so rdflib) keeps the last. Refused, both engines agree.
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise GraphLoadError(f"{path}: the key {key!r} appears twice in one JSON object",
                                     hint="merge the two into one (JSON-LD parsers read a repeated key differently)")
            seen.add(key)
        return dict(pairs)

    try:
        document = json.loads(path.read_bytes().removeprefix(b"\xef\xbb\xbf"), object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as exc:
        raise GraphLoadError(f"{path}: not valid json-ld: line {exc.lineno}: {exc.msg}") from exc
    except (OSError, ValueError, RecursionError) as exc:
        raise GraphLoadError(f"{path}: not valid json-ld: {' '.join(str(exc).split())}") from exc
    todo = [document]
    while todo:
        node = todo.pop()
        if isinstance(node, list):
            todo.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in ("@context", "@import"):
                    for item in value if isinstance(value, list) else [value]:
                        if isinstance(item, str):
                            raise GraphLoadError(
                                f"{path}: a JSON-LD {key} names {item!r}; cstograph reads no remote or other file",
                                hint="put the context inline in the file")
                todo.append(value)


def parse_file(dataset: Dataset, path: Path) -> None:
    fmt = rdf_format_for(path)
    if fmt == "xml":
        refuse_xml_entities(path)
    if fmt == "json-ld":
        refuse_remote_contexts(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GraphLoadError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    data = data[3:] if data.startswith(b"\xef\xbb\xbf") else data  # a UTF-8 byte order mark
    refuse_deep_nesting(path, data)

    refuse_long_terms_in_file(path)
    target = dataset if fmt in QUAD_FORMATS else dataset.graph(DATASET_DEFAULT_GRAPH_ID)
    try:
        if fmt in NESTED_FORMATS and (b"[" in data or b"(" in data):
            run_deep(lambda: target.parse(data=data, format=fmt, publicID=path.resolve().as_uri()))
        else:
            target.parse(data=data, format=fmt, publicID=path.resolve().as_uri())
    except Exception as exc:  # parsers raise many unrelated types; all mean "not valid RDF"
        raise GraphLoadError(f"{path}: not valid {fmt}: {_describe_parse_error(exc)}") from exc


def load_dataset(paths: Sequence[Path] | None = None, *, with_ontology: bool = True) -> Dataset:
    """Parse the given files and folders (the bundled graphs when none) plus the ontology."""
    files = expand_paths(paths if paths else [graphs_dir()])
    dataset = Dataset()
    if with_ontology:
        parse_file(dataset, ontology_path())
    for file in files:
        parse_file(dataset, file)
    refuse_invalid_iris(dataset)
    return dataset


_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`]')


def refuse_invalid_iris(dataset: Dataset) -> None:
    """rdflib keeps IRIs with spaces, quotes or line breaks (from RDF/XML attributes, JSON-LD or
    Turtle escapes) that Oxigraph refuses and no serialiser can write back: refuse them here
    too, so both engines read the same files and every output can be written."""
    for quad in dataset.quads((None, None, None, None)):
        for term in quad:
            if isinstance(term, URIRef) and _NOT_IN_IRI.search(term):
                bad = _NOT_IN_IRI.search(term).group()
                raise GraphLoadError(f"the IRI {str(term)!r} holds {bad!r}, which an IRI cannot hold",
                                     hint="percent-encode it (a space is %20)")


def load_shapes() -> Graph:
    graph = Graph()
    try:
        graph.parse(shapes_path(), format="turtle")
    except Exception as exc:
        raise GraphLoadError(f"{shapes_path()}: {_describe_parse_error(exc)}") from exc
    return graph


def union_graph(dataset: Dataset) -> Graph:
    """All triples of all graphs in one plain Graph (what SHACL validates)."""
    merged = Graph()
    for prefix, namespace in dataset.namespaces():
        merged.bind(prefix, namespace, override=False)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        merged.add((s, p, o))
    return merged
