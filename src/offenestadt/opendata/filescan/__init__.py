"""The check of every file that may become public for personal data (datasets, contracts)."""
