"""Import of a council information system through OParl 1.0 and 1.1."""
