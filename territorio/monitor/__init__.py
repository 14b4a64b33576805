"""Plan monitoring: the PSTTM dashboard per Driver, run records and run comparison."""
