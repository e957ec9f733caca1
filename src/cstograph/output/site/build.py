"""Everything a site shows, gathered from the Python API once, then turned into pages.

``render_site`` returns the site as a mapping of relative paths to bytes (sorted, no dates or
machine paths in it), so the same data gives the same bytes; ``cstograph.output.site.folder``
writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cstograph.output.site.concordance_page import concordance_page
from cstograph.output.site.indexes import index_pages
from cstograph.output.site.markup import STYLESHEET, STYLESHEET_NAME
from cstograph.output.site.ontology_page import ontology_page
from cstograph.output.site.reliability_page import PAGE as INVOCATIONS_PAGE
from cstograph.output.site.reliability_page import gather_invocations, invocation_page
from cstograph.output.site.request_page import request_page
from cstograph.output.site.slugs import assign_slugs, year_of

# A request page's figure costs a Graphviz run and a cut of the whole graph around the request:
# above this many requests the pages carry none (a site of 3,000 requests would spend most of
# an hour drawing), and say how to draw one.
FIGURES_UP_TO = 200
FIGURES_LEFT_OUT = ("The figure is left out: this site holds {count} requests, and pages carry figures up to "
                    f"{FIGURES_UP_TO}; 'cstograph viz --focus REQUEST -o case.svg' draws this one.")


@dataclass
class SiteData:
    verdicts: list
    explanations: dict  # request IRI -> Explanation
    treaty_of: dict  # obligation IRI -> treaty IRI
    labels: dict  # IRI -> label (alliances, treaties, states, ...)
    kinds: dict  # IRI -> node kind (state, alliance, ...)
    reliability: list
    selectivity: list
    figures: dict  # request IRI -> (svg or None, note)
    viewpoint: str = ""
    slugs: dict = field(default_factory=dict)  # (kind, IRI) -> slug
    concordance: list = field(default_factory=list)  # rules.concordance.ConcordanceRow
    invocation_record: object = None  # reliability_page.InvocationPageData

    def label(self, iri: str | None) -> str:
        if not iri:
            return ""
        return self.labels.get(iri) or iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def alliances_of(self, verdict) -> list[str]:
        """The alliance the classification found for the request and the addressee when it is one."""
        found = {verdict.alliance} if verdict.alliance else set()
        if self.kinds.get(verdict.addressee) == "alliance":
            found.add(verdict.addressee)
        return sorted(found)

    def states_of(self, verdict) -> list[str]:
        """The requester (a state by the shapes) and the addressee when it is a state."""
        found = {verdict.requester} if verdict.requester else set()
        if self.kinds.get(verdict.addressee) == "state":
            found.add(verdict.addressee)
        return sorted(found)

    def treaty(self, verdict) -> str | None:
        return self.treaty_of.get(verdict.obligation)

    def href(self, kind: str, iri: str, depth: int) -> str:
        """The relative link to the page of ``iri`` (kind: request, alliance, treaty, state, year)."""
        return "../" * depth + f"{kind}/{self.slugs[(kind, iri)]}.html"


def gather(kg, according_to=None, as_of=None) -> SiteData:
    """Ask the API every question the site answers (one viewpoint)."""
    verdicts = list(kg.verdicts(according_to, as_of, readings=True))  # robust, and the readings that flip it
    explanations = kg.explanations(according_to, as_of, verdicts=verdicts)  # the verdicts above, explained as they are
    treaty_of, labels = {}, {}
    for row in kg.query("obligations", according_to, as_of).records():
        if row["obligation"] is not None and row["treaty"] is not None:
            treaty_of[str(row["obligation"])] = str(row["treaty"])
            labels[str(row["treaty"])] = str(row["treatyLabel"] or "")
    # what the pages name: every alliance (its label, and the kind that puts an addressee in the
    # alliance lists); a requester or an addressee that is no alliance is a state (the shapes
    # allow nothing else), labelled as its verdict labels it
    alliances = {str(row["alliance"]): str(row["label"]) for row in kg.query("alliance-labels", according_to, as_of).records()}
    labels.update(alliances)
    kinds = dict.fromkeys(alliances, "alliance")
    for v in verdicts:
        labels.setdefault(v.requester, v.requester_label)
        labels.setdefault(v.addressee, v.addressee_label)
        kinds.setdefault(v.requester, "state")
        kinds.setdefault(v.addressee, "state")
    count = len({v.request for v in verdicts})
    if count <= FIGURES_UP_TO:
        # deferred to this branch: the figures need networkx (0.07 s to import), which a site
        # without figures never uses
        from cstograph.output.site.figures import CaseFigures

        drawn = CaseFigures(kg.engine(according_to, as_of), verdicts)
        figures = {v.request: drawn.figure(v.request, explanations[v.request].label or v.request) for v in verdicts}
    else:
        left_out = FIGURES_LEFT_OUT.format(count=count)
        figures = {v.request: (None, left_out) for v in verdicts}
    viewpoint = ""
    if according_to:
        viewpoint = f"According to the account {according_to}."
    if as_of:
        viewpoint += (" " if viewpoint else "") + f"As known on {as_of}."
    invocations = list(kg.invocations(according_to, as_of, verdicts=verdicts))
    # the inference rules run once for both tables; the obligation types are the invocations'
    duties, cases = kg.ally_tables(according_to, as_of, invocations=invocations)
    data = SiteData(
        verdicts=verdicts, explanations=explanations, treaty_of=treaty_of, labels=labels, kinds=kinds,
        reliability=list(kg.ally_reliability(according_to, as_of, duties=duties)), selectivity=list(cases),
        figures=figures, viewpoint=viewpoint, concordance=list(kg.concordance(according_to, as_of, verdicts=verdicts)),
    )
    data.invocation_record = gather_invocations(kg, according_to, as_of, invocations)
    data.slugs = _slugs(data)
    return data


def _slugs(data: SiteData) -> dict:
    groups: dict[str, set[str]] = {"request": set(), "alliance": set(), "treaty": set(), "state": set(), "year": set()}
    for v in data.verdicts:
        groups["request"].add(v.request)
        groups["alliance"].update(data.alliances_of(v))
        if data.treaty(v):
            groups["treaty"].add(data.treaty(v))
        groups["state"].update(data.states_of(v))
        groups["year"].add(year_of(v))
    slugs = {}
    for kind, iris in groups.items():
        if kind == "year":
            slugs.update({(kind, y): y for y in iris})
        else:
            slugs.update({(kind, iri): slug for iri, slug in assign_slugs(iris).items()})
    return slugs


def render_site(data: SiteData, ontology_files) -> dict[str, bytes]:
    files: dict[str, bytes] = {STYLESHEET_NAME: STYLESHEET.encode("utf-8")}
    for v in data.verdicts:  # a request with several verdicts (several dates, only with --force): its first
        files.setdefault(data.href("request", v.request, 0), request_page(data, v))
    files.update(index_pages(data))
    files["ontology.html"] = ontology_page(ontology_files, data.viewpoint)
    files["concordance.html"] = concordance_page(data)
    if data.invocation_record is not None:
        files[INVOCATIONS_PAGE] = invocation_page(data)
    return dict(sorted(files.items()))
