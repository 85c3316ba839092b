"""The Discord front-end: cogs that translate interactions into service calls."""
