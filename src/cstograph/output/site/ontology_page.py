"""The reference page of the vocabulary: every class, property and concept of the ontology
files, with label, definition, domain and range, and examples from the bundled graphs.

A small generator on rdflib rather than pyLODE, which would bring half a dozen dependencies
and pages that would have to be kept from loading anything from outside.
"""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, SKOS, BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from cstograph.engines.data import open_data
from cstograph.engines.engine import ox_to_rdflib
from cstograph.output.site.markup import esc, page
from cstograph.reading.rdf_files import parse_file, union_graph

EXAMPLES = 3
SECTIONS = (  # heading, the rdf:type that puts a term in it
    ("Classes", OWL.Class),
    ("Object properties", OWL.ObjectProperty),
    ("Datatype properties", OWL.DatatypeProperty),
    ("Annotation properties", OWL.AnnotationProperty),
    ("Concept schemes", SKOS.ConceptScheme),
    ("Concepts", SKOS.Concept),
)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def _text(graph: Graph, node, *predicates) -> str:
    """The English (or untagged) value of the first predicate that has one."""
    for predicate in predicates:
        values = sorted((o for o in graph.objects(node, predicate) if isinstance(o, Literal)),
                        key=lambda o: (o.language not in (None, "en"), str(o)))
        if values:
            return str(values[0])
    return ""


class BundledExamples:
    """The bundled graphs (every graph of them, accounts too, and the ontology) in an in-memory
    Oxigraph store, read as the page needs them: each list sorted, only the few shown made
    rdflib terms. (Parsed with rdflib and copied into one graph, they took a tenth of the time
    of a site of 3,000 requests; the page is the same whatever data the site shows.)"""

    def __init__(self) -> None:
        self.store = open_data(None).engine.store

    def _triples(self, subject=None, predicate=None, obj=None) -> list:
        # deferred to the call: keeps pyoxigraph out of importing the site's modules
        import pyoxigraph as ox

        pattern = [None if t is None else ox.BlankNode(str(t)) if isinstance(t, BNode) else ox.NamedNode(str(t))
                   for t in (subject, predicate, obj)]
        return list({(q.subject, q.predicate, q.object) for q in self.store.quads_for_pattern(*pattern, None)})

    @staticmethod
    def _first(rows: list, key) -> tuple[list, int]:
        rows.sort(key=key)
        return [tuple(ox_to_rdflib(term) for term in row) for row in rows[:EXAMPLES]], len(rows)

    def uses(self, prop) -> tuple[list, int]:
        """The first (subject, object) pairs of ``prop``, by text, and how many there are."""
        return self._first([(s, o) for s, _, o in self._triples(predicate=prop)], lambda so: (so[0].value, so[1].value))

    def instances(self, cls) -> tuple[list, int]:
        found, total = self._first([(s,) for s, _, _ in self._triples(predicate=RDF.type, obj=cls)], lambda s: s[0].value)
        return [s for (s,) in found], total

    def pointing_at(self, concept) -> tuple[list, int]:
        """The first (subject, predicate) pairs that point at ``concept`` (but its scheme's)."""
        skipped = {str(SKOS.inScheme), str(SKOS.hasTopConcept)}
        return self._first([(s, p) for s, p, _ in self._triples(obj=concept) if p.value not in skipped],
                           lambda sp: (sp[0].value, sp[1].value))

    def objects(self, subject, predicate):
        return [ox_to_rdflib(o) for _, _, o in self._triples(subject, predicate)]


class Reference:
    def __init__(self, ontology: Graph, examples: BundledExamples) -> None:
        self.ontology, self.examples = ontology, examples
        terms = {t for _, kind in SECTIONS for t in ontology.subjects(RDF.type, kind) if isinstance(t, URIRef)}
        self.anchors = {term: f"term-{i}" for i, term in enumerate(sorted(terms))}

    def name(self, term) -> str:
        if isinstance(term, BNode):
            return "(anonymous)"
        try:
            return self.ontology.namespace_manager.normalizeUri(term) if isinstance(term, URIRef) else str(term)
        except Exception:  # an IRI no prefix covers
            return str(term)

    def ref(self, term) -> str:
        """A term: a link to its entry when the page has one, else its name."""
        if term in self.anchors:
            return f'<a href="#{self.anchors[term]}"><code>{esc(self.name(term))}</code></a>'
        return f"<code>{esc(self.name(term))}</code>"

    def _shown(self, node) -> str:
        if isinstance(node, Literal):
            return f"“{esc(node)}”" + (f" <small>({esc(self.name(node.datatype))})</small>" if node.datatype else "")
        label = _text(self.examples, node, RDFS.label, SKOS.prefLabel)
        return (esc(label) + " " if label else "") + f"<code>{esc(self.name(node) if node in self.anchors else node)}</code>"

    def examples_of(self, term, kinds) -> str:
        if any(k in PROPERTY_TYPES for k in kinds):
            uses, total = self.examples.uses(term)
            shown = [f"{self._shown(s)} → {self._shown(o)}" for s, o in uses]
        elif OWL.Class in kinds:
            found, total = self.examples.instances(term)
            shown = [self._shown(s) for s in found]
        else:  # a concept: the nodes that point at it
            uses, total = self.examples.pointing_at(term)
            shown = [f"{self._shown(s)} {self.ref(p)}" for s, p in uses]
        if not shown:
            return "<dd>none in the bundled graphs</dd>"
        more = f"<li>… and {total - len(shown)} more</li>" if total > len(shown) else ""
        return "<dd><ul>" + "".join(f"<li>{item}</li>" for item in shown) + more + "</ul></dd>"

    def entry(self, term) -> str:
        g = self.ontology
        kinds = set(g.objects(term, RDF.type))
        label = _text(g, term, RDFS.label, SKOS.prefLabel)
        definition = _text(g, term, SKOS.definition, RDFS.comment, DCTERMS.description)
        rows = [f"<dt>IRI</dt><dd><code>{esc(term)}</code></dd>",
                f"<dt>Label</dt><dd>{esc(label) or 'none'}</dd>",
                f"<dt>Definition</dt><dd>{esc(definition) or 'none'}</dd>"]
        for heading, predicate in (("Subclass of", RDFS.subClassOf), ("Subproperty of", RDFS.subPropertyOf),
                                   ("Domain", RDFS.domain), ("Range", RDFS.range), ("In scheme", SKOS.inScheme),
                                   ("Broader", SKOS.broader)):
            values = sorted(g.objects(term, predicate), key=str)
            if values:
                rows.append(f"<dt>{heading}</dt><dd>" + ", ".join(self.ref(v) for v in values) + "</dd>")
        comment = _text(g, term, RDFS.comment)
        if comment and comment != definition:
            rows.append(f"<dt>Comment</dt><dd>{esc(comment)}</dd>")
        rows.append("<dt>Examples</dt>" + self.examples_of(term, kinds))
        return (f'<section class="term" id="{self.anchors[term]}">\n<h3><code>{esc(self.name(term))}</code>'
                + (f" — {esc(label)}" if label else "") + '</h3>\n<dl class="term">' + "".join(rows) + "</dl>\n</section>")


def _parsed(files) -> Dataset:
    dataset = Dataset()
    for path in sorted(files):
        parse_file(dataset, path)
    return dataset


def ontology_page(ontology_files, viewpoint: str = "") -> bytes:
    """``ontology_files``: the ``.ttl`` files of the vocabulary (terms are read from all of them)."""
    ontology = union_graph(_parsed(ontology_files))
    reference = Reference(ontology, BundledExamples())  # the concepts themselves live in the ontology
    title = _text(ontology, URIRef("https://w3id.org/cstograph/ns"), DCTERMS.title) or "Ontology"
    description = _text(ontology, URIRef("https://w3id.org/cstograph/ns"), DCTERMS.description)
    sections, listed = [], set()
    for heading, kind in SECTIONS:  # a term typed twice is listed once, under its first kind
        terms = sorted((t for t in ontology.subjects(RDF.type, kind) if t in reference.anchors and t not in listed), key=str)
        listed.update(terms)
        if terms:
            sections.append((heading, heading.lower().replace(" ", "-"), terms))
    out = [f"<p>{esc(description)}</p>" if description else "",
           "<p>Every class, property and concept of the vocabulary, with its label, definition, domain and range, "
           "and up to three examples from the bundled graphs (and the concepts of the ontology).</p>", "<ul>"]
    out += [f'<li><a href="#{anchor}">{esc(heading)}</a> ({len(terms)})</li>' for heading, anchor, terms in sections]
    out.append("</ul>")
    for heading, anchor, terms in sections:
        out.append(f'<h2 id="{anchor}">{esc(heading)}</h2>')
        out += [reference.entry(t) for t in terms]
    return page(f"Reference: {title}", "\n".join(x for x in out if x), depth=0, viewpoint=viewpoint)
