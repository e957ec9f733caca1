"""Engines and stores: Oxigraph in memory or on disk, rdflib, SPARQL endpoints; the query catalogue, the guard, the server, and the data seen from a viewpoint."""
