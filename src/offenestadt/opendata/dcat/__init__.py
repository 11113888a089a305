"""The catalogue as DCAT-AP.de RDF, for the national portal's harvester."""
