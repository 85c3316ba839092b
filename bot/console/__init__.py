"""The terminal front-end: a real round on the same engine and database."""
