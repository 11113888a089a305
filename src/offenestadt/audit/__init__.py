"""The public change history: append-only, hash-chained, verifiable by anyone."""
