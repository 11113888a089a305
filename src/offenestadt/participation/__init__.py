"""Participation procedures; for now each with its result report, which the charter asks for."""
