"""cstograph: a knowledge graph of alliance commitments, and whether the promised help arrived."""

__version__ = "0.1.0"
