"""territorio: territorial-planning toolkit for the Città metropolitana di Milano.

The library reads the official layers through a checked catalogue (:mod:`territorio.catalog`),
builds the territory model (:mod:`territorio.territory`), computes indicators per comune keyed
by the ISTAT code ``pro_com_t`` and writes them with their sources (:mod:`territorio.pipeline`).
"""

__version__ = "0.1.0"
