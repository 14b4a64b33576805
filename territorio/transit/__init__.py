"""Public-transport service quality from timetables (pure functions).

Departures per stop in the day and peak windows (:mod:`~territorio.transit.departures`), the
stops of every source with their mode and mean interval (:mod:`~territorio.transit.stops`),
the Swiss ARE quality classes A–F and the SDG 11.2.1 flags (:mod:`~territorio.transit.quality`),
and the classes of every cell of the population grid, on straight buffers and on the walking
network (:mod:`~territorio.transit.catchments`).
"""
