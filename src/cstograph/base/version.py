"""The versions of the code and of the bundled graphs."""

__version__ = "0.2.0"

#: The release of the bundled graphs (``graphs/``): the day their facts were last revised.
BUNDLED_DATA_VERSION = "2026-11-30"
