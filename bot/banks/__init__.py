"""Bank files on disk: loading, checking, verifying, importing and exporting."""
