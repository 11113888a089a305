"""Amending the charter through a procedure."""
