"""Pipeline steps of `territorio run`, one module per theme; each registers itself."""
