"""Search: everything Whoosh, and keeping the index in step with the database."""
