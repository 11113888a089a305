"""The register of smart-city projects and what belongs to them."""
