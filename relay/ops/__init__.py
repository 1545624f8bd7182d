"""Running and migrating: the server, the worker model, the command line, database migrations."""
