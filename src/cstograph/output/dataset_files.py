"""The export's files, by the suffix of ``-o``: CSV, Stata, JSON or a Frictionless data package.

CSV and ``.dta`` write the requests to FILE and each companion table beside it as
``STEM-TABLE.SUFFIX`` (``cases.csv``, ``cases-responses.csv``, ``cases-allies.csv``,
``cases-sources.csv``); JSON holds every table in one document; a data package is a folder with
``datapackage.json`` and one CSV per table. Every file's bytes are made before the first is
written, and each is written atomically, so an error leaves no file behind.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from cstograph.base.table_schema import IN_ACCOUNT, TABLES, TableSpec
from cstograph.errors import OutputError
from cstograph.output.dataset import Dataset

FORMATS = {".csv": "csv", ".dta": "dta", ".json": "json"}
PACKAGE_DESCRIPTOR = "datapackage.json"
SUFFIX_HINT = "name the file .csv, .dta or .json, or datapackage.json or a folder for a Frictionless data package"


def export_format(output: Path) -> str:
    """'csv', 'dta', 'json' or 'package' for an ``-o`` path; an OutputError for any other suffix."""
    if output.name == PACKAGE_DESCRIPTOR or output.is_dir() or output.suffix == "":
        return "package"
    try:
        return FORMATS[output.suffix.lower()]
    except KeyError:
        raise OutputError(f"{output}: cannot tell the export format from the suffix {output.suffix!r}",
                          hint=SUFFIX_HINT) from None


def companion_path(output: Path, table: str) -> Path:
    """Where a table goes beside FILE: FILE itself for the requests, STEM-TABLE.SUFFIX for the others."""
    return output if table == "requests" else output.with_name(f"{output.stem}-{table}{output.suffix}")


def export_paths(output: Path) -> list[Path]:
    """Every file an export to ``output`` writes (to refuse overwriting an input before anything is made)."""
    fmt = export_format(output)
    if fmt == "json":
        return [output]
    if fmt == "package":
        folder = _package_folder(output)
        return [folder / PACKAGE_DESCRIPTOR, *(folder / f"{spec.name}.csv" for spec in TABLES)]
    return [companion_path(output, spec.name) for spec in TABLES]


def dataset_files(dataset: Dataset, output: Path) -> list[tuple[Path, bytes]]:
    """The (path, bytes) of every file of the export, made in memory."""
    fmt = export_format(output)
    if fmt == "json":
        return [(output, (json.dumps(json_document(dataset), ensure_ascii=False, indent=1) + "\n").encode("utf-8"))]
    if fmt == "package":
        folder = _package_folder(output)
        files = [(folder / f"{spec.name}.csv", csv_bytes(spec, dataset.tables[spec.name])) for spec in dataset.specs]
        descriptor = json.dumps(package_descriptor(dataset), ensure_ascii=False, indent=1) + "\n"
        return [(folder / PACKAGE_DESCRIPTOR, descriptor.encode("utf-8")), *files]
    if fmt == "dta":
        return [(companion_path(output, spec.name), dta_bytes(spec, dataset)) for spec in dataset.specs]
    return [(companion_path(output, spec.name), csv_bytes(spec, dataset.tables[spec.name])) for spec in dataset.specs]


def _package_folder(output: Path) -> Path:
    return output.parent if output.name == PACKAGE_DESCRIPTOR else output


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_bytes(spec: TableSpec, rows: list[dict]) -> bytes:
    """RFC 4180 CSV in UTF-8, a header row of the schema's names; empty cells are missing values.
    A cell a spreadsheet would run as a formula (= + - @ tab CR first) gets a leading apostrophe,
    as in ``report -f csv``; ``import cases`` takes it off again (JSON and .dta keep raw values)."""
    # deferred to the first call: keeps cstograph.output.render out of importing cstograph.output.dataset_files
    from cstograph.output.render import FORMULA_START, spreadsheet_safe

    formula_first = frozenset(FORMULA_START)

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)  # a lone CR is not quoted otherwise
    names = spec.names  # a property that builds its tuple: once, not once a row
    writer.writerow(names)
    for row in rows:
        cells = [_cell(row.get(name)) for name in names]
        # only a cell that starts as a formula does can change (most cells of a large export do not)
        cells = [spreadsheet_safe(cell) if cell[:1] in formula_first else cell for cell in cells]
        (quoted if "\r" in "".join(cells) else writer).writerow(cells)
    return buffer.getvalue().encode("utf-8")


def dta_bytes(spec: TableSpec, dataset: Dataset) -> bytes:
    # deferred to the first call: keeps cstograph.output.stata out of importing cstograph.output.dataset_files
    from cstograph.output.stata import StataColumn, write_dta

    columns = [StataColumn(_stata_name(f.name), f.type, f.description) for f in spec.fields]
    rows = [{_stata_name(k): v for k, v in row.items()} for row in dataset.tables[spec.name]]
    versions = f"cstograph {dataset.metadata.get('cstograph_version')}"
    if dataset.metadata.get("dataset_version"):
        versions += f", dataset {dataset.metadata['dataset_version']}"
    return write_dta(columns, rows, label=f"cstograph {spec.name} ({versions})")


def _stata_name(name: str) -> str:
    """A Stata variable name: the column's name, or for a column named by a property
    (dcterms:extent, <http://...>) x_ and its letters and digits."""
    if re.fullmatch(r"[a-z_][a-z0-9_]{0,31}", name):
        return name
    return ("x_" + re.sub(r"[^A-Za-z0-9_]", "_", name).strip("_"))[:32]


def json_document(dataset: Dataset) -> dict:
    """Metadata and every table in one object: ``{"cstograph_version": ..., "tables": {"requests": [...], ...}}``."""
    return {**dataset.metadata, "tables": {spec.name: [{n: row.get(n) for n in spec.names} for row in dataset.tables[spec.name]]
                                           for spec in dataset.specs}}


def table_schema(spec: TableSpec, rows: list[dict] = ()) -> dict:
    """The Frictionless Table Schema of one table (its key is a primary key unless rows of accounts
    repeat a node, as the account's own statements about it)."""
    schema: dict = {
        "fields": [{"name": f.name, "type": f.type, "description": f.description} for f in spec.fields],
        "missingValues": [""],
    }
    if spec.primary_key and not any(row.get(IN_ACCOUNT) for row in rows):
        schema["primaryKey"] = [spec.primary_key]
    if spec.references_requests:
        schema["foreignKeys"] = [{"fields": ["request"], "reference": {"resource": "requests", "fields": ["request"]}}]
    return schema


def package_descriptor(dataset: Dataset) -> dict:
    """``datapackage.json``: one tabular resource per table, each with its schema."""
    metadata = dataset.metadata
    version = metadata.get("dataset_version")
    descriptor = {
        "profile": "tabular-data-package",
        "name": "cstograph-verdicts",
        "title": "cstograph: assistance requests under alliance treaties, their verdicts, responses and obliged allies",
        "description": "Exported by cstograph " + str(metadata.get("cstograph_version"))
        + (f" from the bundled graphs (release {version})" if version else "")
        + (f", according to the account {metadata['according_to']}" if metadata.get("according_to") else "")
        + (f", as known on {metadata['as_of']}" if metadata.get("as_of") else "")
        + ". The field descriptions are the codebook; the sources table names every source cited, whose own "
        "terms apply to reuse.",
        "cstograph": metadata,
        "resources": [
            {"name": spec.name, "path": f"{spec.name}.csv", "profile": "tabular-data-resource", "format": "csv",
             "mediatype": "text/csv", "encoding": "utf-8", "description": spec.description, "schema": table_schema(spec, dataset.tables[spec.name])}
            for spec in dataset.specs
        ],
    }
    if version:
        descriptor["version"] = version
    return descriptor


def write_dataset(dataset: Dataset, output: Path) -> list[Path]:
    """Make every file of the export in memory, then write each atomically; the paths written."""
    # deferred to the first call: keeps cstograph.base.write out of importing cstograph.output.dataset_files
    from cstograph.base.write import write_atomic

    files = dataset_files(dataset, output)
    for path, _ in files:  # refuse before the first file is written, so no file of the set appears alone
        if path.is_dir():
            raise OutputError(f"{path}: is a folder, not a file")
    if export_format(output) == "package":
        folder = _package_folder(output)
        if not folder.exists():
            if not folder.parent.is_dir():
                raise OutputError(f"{output}: folder {folder.parent} does not exist")
            folder.mkdir()
    for path, data in files:
        write_atomic(path, data)
    return [path for path, _ in files]
