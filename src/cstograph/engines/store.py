"""Oxigraph stores: files loaded straight into pyoxigraph (no rdflib parse), in memory or on disk.

The placement of triples is the one ``load.py`` gives rdflib: triples from triple formats go to
the default graph, named graphs from TriG and N-Quads stay named; queries see the undisputed data
(every graph but the accounts, see ``engine.OxigraphEngine``).
Blank nodes are renamed per file, so two files that both say ``_:b0`` do not share a node.

A persistent store is a folder made by ``cstograph load PATH... --store DIR``: pyoxigraph's
RocksDB files plus ``cstograph-store.json``, which records what was loaded and what validation
found at load time, so later commands open the folder in milliseconds without re-parsing.
Files larger than the memory budget (``CSTOGRAPH_MEMORY_BUDGET``) stream into the store folder
with Oxigraph's bulk loader and are validated and answered there, never held in memory whole;
other commands read such files from a temporary store (``temporary_store``).
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import os
import re
import secrets
import shutil
import tempfile
import xml.sax
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib import Dataset
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from cstograph.base.progress import phase
from cstograph.base.version import __version__
from cstograph.base.write import write_atomic
from cstograph.errors import GraphLoadError, StoreError, UsageError
from cstograph.reading.rdf_files import (
    MAX_NESTING,
    NESTED_FORMATS,
    expand_paths,
    rdf_format_for,
    refuse_deep_nesting,
    refuse_long_terms_in_file,
    refuse_remote_contexts,
    refuse_xml_entities,
)
from cstograph.reading.resources import graphs_dir, ontology_path

METADATA_FILE = "cstograph-store.json"
RESULTS_DIR = "results"
STORE_FORMAT = 1
# The report's queries, answered at load time from memory and kept as SPARQL TSV files beside
# the store: the store is read-only afterwards, so the answers cannot go stale, and a changed
# query text (a new cstograph version) simply misses and runs on the store.
MATERIALISED_QUERIES = ("request-status", "responses", "request-sources", "unmet-obligations")
# Those a store streamed to disk answers a batch of requests at a time (engines/batched_answers.py),
# with the requests' names of its index: request-status over the whole store grew the load from
# 339 MB to 2.8 GB at 10M triples, the others (unbound) to 813 MB.
BATCHED_QUERIES = MATERIALISED_QUERIES

_OX_FORMATS = {
    "turtle": "TURTLE",
    "trig": "TRIG",
    "nt": "N_TRIPLES",
    "nquads": "N_QUADS",
    "n3": "N3",
    "xml": "RDF_XML",
    "json-ld": "JSON_LD",
}
_PREFIX_LINE = re.compile(rb"(?im)^[ \t]*@?prefix[ \t]+([A-Za-z][\w.-]*|):[ \t]*<([^>\s]*)>")
_XMLNS = re.compile(rb'xmlns:([A-Za-z][\w.-]*)="([^"]+)"')



def ox_format(path: Path):
    # deferred to the first call: keeps pyoxigraph out of importing cstograph.engines.store
    import pyoxigraph as ox

    fmt = rdf_format_for(path)
    if fmt is None or fmt not in _OX_FORMATS:
        raise GraphLoadError(f"{path}: unknown RDF format")
    return getattr(ox.RdfFormat, _OX_FORMATS[fmt])


def scan_prefixes(path: Path, data: bytes | None = None) -> dict[str, str]:
    """Prefix declarations of a Turtle/TriG/N3 (or RDF/XML) file, for display and --param values.
    A file is read in chunks cut at line ends, so a large one is never held whole."""
    found: dict[str, str] = {}
    xml = rdf_format_for(path) == "xml"
    try:
        chunks = [data] if data is not None else _line_chunks(path)
        for chunk in chunks:
            for match in (_XMLNS.finditer(chunk) if xml else _prefix_lines(chunk)):
                prefix, iri = match.group(1).decode("utf-8", "replace"), match.group(2).decode("utf-8", "replace")
                found.setdefault(prefix, iri)
    except OSError:
        return found
    return found


SCAN_CHUNK = 16 * 1024 * 1024


def _line_chunks(path: Path, size: int = SCAN_CHUNK):
    """The file's bytes in pieces of about ``size`` that end at a line end (a declaration is on
    one line, so none is cut in two)."""
    with open(path, "rb") as stream:
        rest = b""
        while True:
            block = stream.read(size)
            if not block:
                if rest:
                    yield rest
                return
            block = rest + block
            cut = block.rfind(b"\n") + 1
            if cut == 0:
                rest = block
                continue
            yield block[:cut]
            rest = block[cut:]


def _prefix_lines(data: bytes):
    """The matches of _PREFIX_LINE, found from the few places where "prefix" occurs (bytes.find)
    instead of trying the pattern at each of a million line starts (0.12 s at 1M triples)."""
    lowered = data.lower()  # ASCII only: the same offsets as data
    at = lowered.find(b"prefix")
    while at >= 0:
        start = data.rfind(b"\n", 0, at) + 1
        match = _PREFIX_LINE.match(data, start)
        if match is not None and match.start(1) > at:
            yield match
        at = lowered.find(b"prefix", at + 6)


def _describe_ox_error(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


BOM = b"\xef\xbb\xbf"  # the UTF-8 byte order mark


def load_file(store, path: Path, *, bulk: bool = False, advance=None) -> None:
    """Load one RDF file into a pyoxigraph store; errors name the file and line.

    ``bulk`` (for an on-disk store) parses with ``Store.bulk_load``, which streams the file into
    sorted index files and never holds it whole, whatever its size; else ``Store.load``.
    ``advance(bytes_read)`` is called as the parser reads (for a progress bar)."""
    fmt = ox_format(path)
    refuse_unsafe_input(path)
    try:
        with open(path, "rb") as stream:
            if stream.read(3) != BOM:  # editors on Windows write one; the RDF parsers do not skip it
                stream.seek(0)
            source = stream if advance is None else _CountingReader(stream, advance)
            load = store.bulk_load if bulk else store.load
            load(input=source, format=fmt, base_iri=path.resolve().as_uri())
    except SyntaxError as exc:
        where = _xml_error_line(path) if rdf_format_for(path) == "xml" else ""
        raise GraphLoadError(f"{path}: not valid {rdf_format_for(path)}: {where}{_describe_ox_error(exc)}") from exc
    except (OSError, ValueError) as exc:
        raise GraphLoadError(f"{path}: cannot load: {_describe_ox_error(exc)}") from exc
    except MemoryError as exc:  # Oxigraph's parser holds one token in a buffer of at most 16 MiB
        raise GraphLoadError(f"{path}: holds a term (a literal or IRI) over 16 MiB, more than Oxigraph reads",
                             hint="shorten the literal, or read the file with --engine rdflib") from exc


def refuse_unsafe_input(path: Path) -> None:
    """The checks every file passes before a parser sees it (reading.rdf_files): no XML entities,
    no remote JSON-LD contexts, no nesting deeper than the parsers' bound. The nesting check is
    made on chunks first, so a large file is read whole only when its brackets could nest too
    deeply."""
    fmt = rdf_format_for(path)
    if fmt == "xml":
        refuse_xml_entities(path)
        refuse_long_terms_in_file(path)  # Oxigraph's RDF/XML parser has no bound of its own on a term
    if fmt == "json-ld":
        refuse_remote_contexts(path)
    if fmt in NESTED_FORMATS and path.stat().st_size > SCAN_CHUNK:
        if _bracket_depth(path) <= MAX_NESTING:
            return
    refuse_deep_nesting(path)


def _bracket_depth(path: Path) -> int:
    """The deepest run of brackets in the file, counting every bracket (strings and comments
    too): an upper bound of the nesting refuse_deep_nesting measures, read in chunks."""
    depth = deepest = 0
    with open(path, "rb") as stream:
        while block := stream.read(SCAN_CHUNK):
            if b"[" not in block and b"(" not in block and depth == 0:
                continue
            for char in block.translate(None, _NOT_BRACKETS):
                if char in (0x5B, 0x28):
                    depth += 1
                    deepest = max(deepest, depth)
                else:
                    depth = max(depth - 1, 0)
    return deepest


_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]()")


class _CountingReader:
    """A binary file that reports how many bytes were read from it."""

    def __init__(self, stream, advance) -> None:
        self.stream, self.advance, self.done = stream, advance, 0

    def read(self, size: int = -1) -> bytes:
        block = self.stream.read(size)
        self.done += len(block)
        self.advance(self.done)
        return block


def _xml_error_line(path: Path) -> str:
    """'line N: ' for an XML file that is not well-formed (Oxigraph's RDF/XML errors give no line)."""
    try:
        xml.sax.parse(str(path), xml.sax.ContentHandler())
    except xml.sax.SAXParseException as exc:
        return f"line {exc.getLineNumber()}: "
    except Exception:  # noqa: BLE001 - only a hint: any other failure just means no line number
        return ""
    return ""


@dataclass
class LoadedData:
    """A pyoxigraph store with the data (and the ontology), and the prefixes the files declared."""

    store: object
    files: list[Path]
    prefixes: dict[str, str] = field(default_factory=dict)
    answers: dict[str, str] | None = None  # a temporary store's kept answers, made when first asked for


def load_files(paths: Sequence[Path] | None, store=None, *, with_ontology: bool = True,
               bulk: bool = False) -> LoadedData:
    """Files and folders (the bundled graphs when none) plus the ontology, into a pyoxigraph store
    (a new one in memory when ``store`` is None). ``bulk``: stream them into an on-disk store."""
    # deferred to the first call: keeps pyoxigraph out of importing cstograph.engines.store
    import pyoxigraph as ox

    files = expand_paths(paths if paths else [graphs_dir()])
    store = ox.Store() if store is None else store
    every = ([ontology_path()] if with_ontology else []) + files
    sizes = [_size(file) for file in every]
    with phase("parsing", total=sum(sizes), unit="bytes") as advance:
        before = 0
        for file, size in zip(every, sizes):
            load_file(store, file, bulk=bulk, advance=lambda done, before=before: advance(before + done))
            before += size
            advance(before)
    return LoadedData(store, files, prefixes_of(files))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


# ---------------------------------------------------------------- persistent stores


@dataclass(frozen=True)
class StoreInfo:
    path: Path
    files: tuple[str, ...]
    triples: int
    loaded_at: str
    prefixes: dict[str, str]
    violations: int | None  # None: not validated at load time
    validated_with: str | None
    materialised: dict[str, str] = field(default_factory=dict)  # query key -> TSV file (absolute)


def store_dataset(store, prefixes: dict[str, str] | None = None):
    """Everything in a pyoxigraph store as an rdflib Dataset, named graphs kept (the ontology
    included, as load_dataset gives it)."""
    # deferred to the first call: keeps cstograph.engines.engine out of importing cstograph.engines.store
    from cstograph.engines.engine import cached_converter

    dataset = Dataset()
    for prefix, namespace in (prefixes or {}).items():
        dataset.bind(prefix, namespace, override=False)
    term = cached_converter()

    graphs: dict = {}
    for quad in store:
        name = quad.graph_name
        graph = graphs.get(name)
        if graph is None:  # the default graph has no value; a named graph is an IRI or a blank node
            graph = graphs[name] = dataset.graph(term(name) if hasattr(name, "value") else DATASET_DEFAULT_GRAPH_ID)
        graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    return dataset


def read_store_info(directory: Path) -> StoreInfo:
    named, directory = directory, _current_version(directory)
    meta = directory / METADATA_FILE
    if not directory.is_dir():
        raise StoreError(
            f"{named}: no such store folder",
            hint=f"create it with 'cstograph load PATH... --store {named}'",
        )
    if not meta.is_file():
        raise StoreError(
            f"{named}: not a cstograph store (no {METADATA_FILE})",
            hint=f"create it with 'cstograph load PATH... --store {named}'",
        )
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
        if data.get("format") != STORE_FORMAT:
            raise StoreError(
                f"{named}: store format {data.get('format')!r} is not {STORE_FORMAT}",
                hint="load the data again with 'cstograph load PATH... --store DIR'",
            )
        return StoreInfo(
            path=directory,
            files=tuple(data["files"]),
            triples=int(data["triples"]),
            loaded_at=data["loaded_at"],
            prefixes=dict(data.get("prefixes", {})),
            violations=data.get("violations"),
            validated_with=data.get("validated_with"),
            materialised={key: str(directory / RESULTS_DIR / name)
                          for key, name in data.get("materialised", {}).items()
                          if (directory / RESULTS_DIR / name).is_file()},
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"{named / METADATA_FILE}: unreadable store metadata ({exc})") from exc


def _current_version(directory: Path) -> Path:
    """The version folder a store link points to now (resolved once: a reader keeps reading that
    version even if a new load replaces the link meanwhile); a plain folder is itself."""
    return directory.resolve() if directory.is_symlink() else directory


def open_store(directory: Path, *, read_only: bool = True):
    """Open an existing store folder (read-only by default: several processes may read it)."""
    # deferred to the first call: keeps pyoxigraph out of importing cstograph.engines.store
    import pyoxigraph as ox

    info = read_store_info(directory)  # of the version current now: metadata, results and data agree
    try:
        store = ox.Store.read_only(str(info.path)) if read_only else ox.Store(str(info.path))
    except OSError as exc:
        raise StoreError(
            f"{directory}: cannot open the store: {_describe_ox_error(exc)}",
            hint="is another 'cstograph load' writing to it?",
        ) from exc
    return store, info




def stale_answers(info: StoreInfo) -> tuple[str, ...]:
    """The report's queries (``MATERIALISED_QUERIES``) whose answers the store does not hold for
    their text of now: the store was loaded by a version of cstograph whose queries differed, so
    those are answered on the whole store instead (correct, but slower: the whole store is read)."""
    # deferred to the first call: keeps cstograph.engines.engine and cstograph.engines.queries
    # out of importing cstograph.engines.store
    from cstograph.engines.engine import query_key
    from cstograph.engines.queries import get_query

    return tuple(name for name in MATERIALISED_QUERIES if query_key(get_query(name).text) not in info.materialised)


def create_store(
    directory: Path,
    paths: Sequence[Path] | None,
    *,
    replace: bool = False,
    validate=None,
    prepare=None,
) -> tuple[StoreInfo, object]:
    """Load files into a new on-disk store in ``directory``.

    ``validate`` is an optional callable taking the store (and ``in_memory``: whether it is held in
    memory) and returning a ValidationReport; its
    violation count is recorded so that ``report --store`` can refuse non-conforming data
    without validating again. ``prepare`` is an optional callable taking the validated store:
    it may add graphs to it, and returns (graph IRI or None, query text) pairs whose answers the
    store keeps beside the report's own (``rules.readings.keep_readings``: the readings of the
    coding manual). Returns the store info and the validation report (or None).
    """
    if directory.exists() and not directory.is_dir():
        raise StoreError(f"{directory}: is a file, not a folder", hint="name a new or empty folder for the store")
    existing = directory.exists() and any(directory.iterdir())
    if existing:
        if not (directory / METADATA_FILE).is_file():
            raise StoreError(
                f"{directory}: folder exists and is not a cstograph store; refusing to write into it",
                hint="name a new or empty folder",
            )
        if not replace:
            raise StoreError(
                f"{directory}: a store already exists there",
                hint="pass --replace to load it again from scratch",
            )
    parent = directory.parent if str(directory.parent) else Path(".")
    if not parent.is_dir():
        raise StoreError(f"{directory}: folder {parent} does not exist")
    # Build the new store beside the old one, streaming the files into it (nothing of the graph
    # is held in Python), validate it there and swap the two only once it is complete and
    # accepted: bad input, or data refused by ``validate``, leaves the folder (and an old store)
    # as it was.
    try:
        building = Path(tempfile.mkdtemp(prefix=f".{directory.name}.new-{os.getpid()}-", dir=parent))
    except OSError as exc:
        raise StoreError(f"{directory}: cannot write the store: {exc.strerror or exc}") from exc
    try:
        report = _build_store(building, paths, validate, prepare)
        _swap_into_place(building, directory, existing)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return read_store_info(directory), report


def _build_store(folder: Path, paths: Sequence[Path] | None, validate, prepare):
    """Load, validate and answer the report's queries into the store folder ``folder``. Data
    that fits the memory budget is parsed into memory first (several times faster to validate
    and query), then written to disk in one bulk copy; larger data streams straight into the
    on-disk store and is validated and queried there."""
    # deferred to the first call: keeps pyoxigraph out of importing cstograph.engines.store
    import pyoxigraph as ox

    files = expand_paths(paths if paths else [graphs_dir()])
    try:
        streaming = not fits_in_memory(files)
        disk = ox.Store(str(folder)) if streaming else None
        loaded = load_files(files, disk, bulk=streaming)
        report = validate(loaded.store, in_memory=not streaming) if validate is not None else None
        kept = prepare(loaded.store) if prepare is not None else []
        materialised = materialise_answers(loaded.store, folder / RESULTS_DIR, kept, batched=streaming)
        if streaming:
            with phase("counting triples"):
                triples = len(disk)
        else:
            with phase("loading store"):
                disk = ox.Store(str(folder))
                disk.bulk_extend(loaded.store)  # one sorted file per index already: no optimize() needed
                triples = len(loaded.store)  # what was copied (counting on disk reads every key again)
        disk.flush()
        del disk, loaded
        payload = {
            "format": STORE_FORMAT,
            "cstograph": __version__,
            "files": [str(f.resolve()) for f in files],
            "triples": triples,
            "loaded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "prefixes": prefixes_of(files),
            "violations": None if report is None else len(report.violations),
            "validated_with": None if report is None else report.engine,
            "materialised": materialised,
        }
        write_atomic(folder / METADATA_FILE, json.dumps(payload, indent=2, sort_keys=True) + "\n")
    except OSError as exc:
        raise StoreError(f"{folder}: cannot write the store: {_describe_ox_error(exc)}") from exc
    return report


# ---------------------------------------------------------------- the memory budget

MEMORY_BUDGET_VARIABLE = "CSTOGRAPH_MEMORY_BUDGET"
DEFAULT_MEMORY_BUDGET = 2 * 1024 ** 3
# Memory a command needs per byte of input when the data is parsed into memory: load --store of
# 1M triples of Turtle (30 MB) peaked at 1.17 GB (39x), report FILE at 0.69 GB (23x).
MEMORY_PER_INPUT_BYTE = 40


def memory_budget() -> int:
    """Bytes of memory the data may take in a process: ``CSTOGRAPH_MEMORY_BUDGET`` (a number
    of bytes, or with K, M or G; 0 streams every input through a store on disk), else 2 GiB."""
    text = os.environ.get(MEMORY_BUDGET_VARIABLE, "").strip()
    if not text:
        return DEFAULT_MEMORY_BUDGET
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMG]?)i?B?", text, flags=re.IGNORECASE)
    if match is None:
        raise UsageError(f"{MEMORY_BUDGET_VARIABLE}={text!r} is not an amount of memory",
                         hint="write it like 2G, 500M or 0 (0: always stream through a store on disk)")
    scale = {"": 1, "K": 1024, "M": 1024 ** 2, "G": 1024 ** 3}[match.group(2).upper()]
    return int(float(match.group(1)) * scale)


def fits_in_memory(files: Sequence[Path]) -> bool:
    """Whether parsing ``files`` into memory stays within the memory budget (estimated from
    their size; the ontology is small and left out)."""
    return sum(_size(file) for file in files) * MEMORY_PER_INPUT_BYTE <= memory_budget()


def prefixes_of(files: Sequence[Path]) -> dict[str, str]:
    prefixes: dict[str, str] = {}
    for file in files:
        for prefix, iri in scan_prefixes(file).items():
            prefixes.setdefault(prefix, iri)
    return prefixes


def temporary_store(files: Sequence[Path]):
    """A store on disk in a temporary folder with ``files`` streamed into it (for data larger
    than the memory budget); the folder is deleted when the process ends."""
    # deferred to the first call: keeps pyoxigraph out of importing cstograph.engines.store
    import pyoxigraph as ox

    folder = Path(tempfile.mkdtemp(prefix="cstograph-data-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    try:
        store = ox.Store(str(folder / "store"))
    except OSError as exc:
        raise StoreError(f"{folder}: cannot write a temporary store: {_describe_ox_error(exc)}",
                         hint=f"set TMPDIR to a folder with room, or raise {MEMORY_BUDGET_VARIABLE}") from exc
    loaded = load_files(files, store, bulk=True)
    # its kept answers, for OxigraphEngine's ``materialised`` (computed when first asked for)
    return replace(loaded, answers=_AnswersOnDemand(store, folder / RESULTS_DIR))


class _AnswersOnDemand(dict):
    """query_key -> TSV file, for the queries of ``BATCHED_QUERIES`` (and the requests' names)
    on a temporary store: each is answered a batch of requests at a time
    (``engines.batched_answers``) the first time a reader asks for it, into a file in the
    temporary folder, so that ``report FILE`` past the memory budget holds one batch of each
    query's joins instead of the whole store's."""

    def __init__(self, store, folder: Path) -> None:
        super().__init__()
        # deferred to the first call: keeps cstograph.engines.engine and cstograph.engines.queries
        # out of importing cstograph.engines.store
        from cstograph.engines.engine import query_key
        from cstograph.engines.queries import get_query

        self.store, self.folder = store, folder
        self.pending = {query_key(get_query(name).text): name for name in (*BATCHED_QUERIES, "request-labels")}

    def __bool__(self) -> bool:
        return True

    def get(self, key, default=None):
        name = self.pending.pop(key, None)
        if name is not None:
            # deferred to the first call: keeps pyoxigraph and cstograph.engines.engine out of
            # importing cstograph.engines.store
            import pyoxigraph as ox

            from cstograph.engines.batched_answers import write_in_batches
            from cstograph.engines.engine import OxigraphEngine
            from cstograph.engines.queries import get_query

            self.folder.mkdir(parents=True, exist_ok=True)
            text, path = get_query(name).text, self.folder / f"{name}.tsv"
            engine = OxigraphEngine(self.store, materialised={})
            if not write_in_batches(engine, text, path):
                engine.raw_query(text).serialize(str(path), format=ox.QueryResultsFormat.TSV)
            self[key] = str(path)
        return super().get(key, default)


def _swap_into_place(building: Path, directory: Path, existing: bool) -> None:
    """Make the finished version the store: ``directory`` is a symbolic link to one version
    folder beside it (``.NAME.v-...``), replaced in one atomic rename, so a reader that opened
    the store sees the old version or the new one whole, never a mix, and a kill at any point
    leaves a working store. Older versions are deleted once no longer current or previous (a
    reader may still be using the previous one)."""
    version = building.with_name(building.name.replace(".new-", ".v-", 1))
    try:
        building.rename(version)
        if directory.is_symlink() or not directory.exists():
            link = directory.with_name(f".{directory.name}.link-{os.getpid()}")
            link.unlink(missing_ok=True)
            link.symlink_to(version.name)
            os.replace(link, directory)  # atomic: readers resolve the old link or the new one
        else:  # an empty folder, or a store written before versions (a real folder): moved aside first
            if existing:
                directory.rename(directory.with_name(f".{directory.name}.v-0-{os.getpid()}"))
            else:
                directory.rmdir()
            directory.symlink_to(version.name)
    except OSError as exc:
        raise StoreError(f"{directory}: cannot write the store: {exc.strerror or exc}") from exc
    clean_versions(directory)


def clean_versions(directory: Path) -> None:
    """Delete what killed or replaced loads left beside the store: unfinished builds, versions
    older than the previous one, and link files never renamed into place."""
    parent = directory.parent if str(directory.parent) else Path(".")
    current = Path(os.readlink(directory)).name if directory.is_symlink() else None
    pinned = _pinned_versions(parent, directory.name)
    versions = sorted((p for p in parent.glob(f".{directory.name}.v-*") if p.name != current),
                      key=lambda p: p.stat().st_mtime)
    stale = [p for p in versions[:-1] if p.name not in pinned]  # the newest of the others: maybe still read
    stale += [p for p in parent.glob(f".{directory.name}.new-*") if _abandoned(p)]
    stale += [p for p in parent.glob(f".{directory.name}.link-*") if p.is_symlink() and _abandoned(p)]
    for path in stale:
        if path.is_symlink():
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path, ignore_errors=True)


def pin_version(directory: Path) -> tuple[Path, Path | None]:
    """Keep the version ``directory`` points to now from being cleaned away while this process
    runs: a long-lived reader (``serve``, whose workers reopen the store when one is replaced)
    pins it. Returns the version folder and the pin file (None for a store without versions);
    unlink the pin when done. A pin left by a killed process is ignored and removed."""
    version = _current_version(directory)
    if not directory.is_symlink():
        return version, None
    pin = version.with_name(f".{directory.name}.pin-{os.getpid()}-{secrets.token_hex(4)}")
    pin.write_text(version.name, encoding="utf-8")
    return version, pin


def _pinned_versions(parent: Path, name: str) -> set[str]:
    """The version folders that running readers pinned; pins of ended processes are deleted."""
    pinned = set()
    for pin in parent.glob(f".{name}.pin-*"):
        if _abandoned(pin):
            pin.unlink(missing_ok=True)
            continue
        try:
            pinned.add(pin.read_text(encoding="utf-8").strip())
        except OSError:
            continue
    return pinned


def _abandoned(path: Path) -> bool:
    """A build (.NAME.new-PID-...) or link (.NAME.link-PID) whose process no longer runs, or
    a reader's pin (.NAME.pin-PID-...) whose process ended."""
    match = re.search(r"\.(new|link|pin)-(\d+)", path.name)
    if not match:
        return False
    kind, pid = match.group(1), int(match.group(2))
    if pid == os.getpid():
        return kind != "pin"  # this process has finished with its build; its own pins still hold
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def materialise_answers(store, folder: Path, kept: Sequence[tuple[str | None, str]] = (), *,
                 batched: bool = False) -> dict[str, str]:
    """Answer the report's queries now and keep the answers as TSV files, with the index of
    the requests' names (engines/names.py) and the answers to ``kept`` (graph IRI or None, query
    text) from ``create_store``'s caller. Oxigraph writes each answer straight to its file and the
    names go to the index row by row, so no answer is held in Python. ``batched`` (a store
    streamed to disk): the report's answers and the names' query are answered a batch of
    requests at a time (``engines.batched_answers``), in memory that does not grow
    with the store. Progress: the
    queries answered, with a rate."""
    # deferred to the first call: keeps pyoxigraph, cstograph.engines.engine, cstograph.engines.names
    # and cstograph.engines.queries out of importing cstograph.engines.store
    import pyoxigraph as ox

    from cstograph.engines.batched_answers import write_in_batches
    from cstograph.engines.engine import OxigraphEngine, query_key
    from cstograph.engines.names import NAME_INDEX_FILE, NAME_INDEX_KEY, NameIndex
    from cstograph.engines.queries import get_query

    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    undisputed = OxigraphEngine(store)  # the default graph the store's readers get
    total = len(MATERIALISED_QUERIES) + 1 + len(kept)
    with phase("computing answers", total=total, unit="queries") as advance:
        for done, name in enumerate(MATERIALISED_QUERIES, start=1):
            text, path = get_query(name).text, folder / f"{name}.tsv"
            if not (batched and name in BATCHED_QUERIES and write_in_batches(undisputed, text, path)):
                undisputed.raw_query(text).serialize(str(path), format=ox.QueryResultsFormat.TSV)
            written[query_key(text)] = f"{name}.tsv"
            advance(done)
        NameIndex.build(_request_names(undisputed, folder if batched else None), folder / NAME_INDEX_FILE).db.close()
        written[NAME_INDEX_KEY] = NAME_INDEX_FILE
        advance(len(MATERIALISED_QUERIES) + 1)
        for number, (reading, text) in enumerate(kept):  # the report's readings
            engine = undisputed if reading is None else undisputed.reading_view(reading)
            # unbound: reading-status in batches of a reading's view took about 2 s a batch at 1M
            # triples and more at 3M (151.7 s against 91.5 s of CPU for the whole phase at 1M)
            engine.raw_query(text).serialize(str(folder / f"reading-{number}.tsv"), format=ox.QueryResultsFormat.TSV)
            written[query_key(text, reading)] = f"reading-{number}.tsv"
            advance(len(MATERIALISED_QUERIES) + 2 + number)
    return written


def _request_names(engine, folder: Path | None = None) -> Iterator[tuple[str, str, str]]:
    """(IRI, label, date) of every request, as ``names.request_names`` gives them, one solution
    at a time. With ``folder`` (a store streamed to disk) the query is answered in batches into a
    file there, read back as it goes and then deleted: the same rows in the same order, without
    Oxigraph grouping and sorting every request's label at once."""
    # deferred to the first call: keeps pyoxigraph, cstograph.engines.batched_answers and
    # cstograph.engines.queries out of importing cstograph.engines.store
    import pyoxigraph as ox

    from cstograph.engines.batched_answers import write_in_batches
    from cstograph.engines.queries import get_query

    text = get_query("request-labels").text
    path = None if folder is None else folder / "request-labels.tsv"
    if path is not None and write_in_batches(engine, text, path):
        try:
            with open(path, "rb") as answer:
                yield from _names_of(ox.parse_query_results(answer, format=ox.QueryResultsFormat.TSV))
        finally:
            path.unlink(missing_ok=True)
        return
    yield from _names_of(engine.raw_query(text))


def _names_of(solutions) -> Iterator[tuple[str, str, str]]:
    for solution in solutions:
        request, label, day = solution["request"], solution["label"], solution["date"]
        yield request.value, "" if label is None else label.value, "" if day is None else day.value
