"""Comments on a procedure, one of its paragraphs, or another comment."""
