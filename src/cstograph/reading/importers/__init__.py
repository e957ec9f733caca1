"""Importers that turn published research data into cstograph graphs.

``atop``: the ATOP alliance- and member-level CSV files; ``reliability``: the alliance-war
observations of Berkemeier and Fuhrmann (2018); ``stata``: the .dta reader they use;
``turtle``: the Turtle writer and the atomic file write shared by both.
"""
