"""The catalogue: datasets and their files, their pages, search and feed."""
