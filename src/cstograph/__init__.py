"""cstograph: a knowledge graph of alliance commitments, and whether the promised help arrived.

``cstograph.open(...)`` opens data and answers the questions the CLI asks (see ``cstograph.api``).
"""

from cstograph.base.version import __version__

__all__ = ["__version__", "open"]


def open(paths=None, **options):  # noqa: A001 - the one-call entry point, as in pySHACL's validate()
    """Open RDF files or folders (the bundled graphs when none), ``store=`` a store folder or
    ``endpoint=`` a SPARQL endpoint: a ``cstograph.api.KnowledgeGraph``."""
    # deferred to the first call: keeps cstograph.api out of the CLI's start-up
    from cstograph.api import open as _open

    return _open(paths, **options)
