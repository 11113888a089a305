"""The catalogue through the CKAN Action API (v3), for harvesters."""
