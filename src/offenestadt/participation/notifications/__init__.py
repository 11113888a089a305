"""E-mail notifications about a procedure after double opt-in."""
