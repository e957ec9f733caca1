"""A static, offline site of the whole graph: a page per request (verdict, explanation,
accounts, responses, sources, figure), indexes by alliance, treaty, state and year, the
reliability and selectivity tables, and a reference page of the vocabulary.

Stages: ``build.gather`` asks the Python API, ``build.render_site`` makes the pages (bytes,
deterministic), ``folder.write_site`` writes them atomically.
"""

from __future__ import annotations

from pathlib import Path

from cstograph.output.site.build import gather, render_site
from cstograph.output.site.folder import MARKER, check_target, write_site
from cstograph.reading.resources import ontology_path


def ontology_files() -> list[Path]:
    return sorted(ontology_path().parent.glob("*.ttl"))


def build_site(kg, folder: Path, *, according_to=None, as_of=None, replace: bool = False):
    """Write the site of ``kg`` (a ``cstograph.api.KnowledgeGraph``) into ``folder``; returns the
    gathered ``SiteData`` and the number of pages."""
    check_target(folder, replace)  # refuse early, before the work
    data = gather(kg, according_to, as_of)
    files = render_site(data, ontology_files())
    write_site(folder, files, replace)
    return data, sum(1 for name in files if name.endswith(".html"))


__all__ = ["MARKER", "build_site", "gather", "render_site", "write_site"]
