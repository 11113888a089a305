"""The register of processing activities; for now the records projects link to."""
