"""Read an export from its container (folder, zip, xlsx, sqlite) into raw tables."""
