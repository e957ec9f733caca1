"""Reading data: RDF files, the bundled resources, research-data importers, synthetic graphs."""
