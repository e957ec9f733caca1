"""The base layer: what every stage of the pipeline uses (version, progress, atomic writes, the
export's table schema). It imports nothing of cstograph but ``errors`` and ``namespaces``."""
