"""The city's charter: its principles and rule parameters as versioned, public data."""
