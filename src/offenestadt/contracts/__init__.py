"""Contracts with vendors; for now the records projects link to (the contracts issue fills them)."""
