"""The open data catalogue; for now the datasets projects link to."""
