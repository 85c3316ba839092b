"""Runs rounds for any front-end: engine, storage and timing joined in one place."""
