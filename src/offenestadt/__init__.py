"""Offene Stadt: a city's Smart City programme, registered, checked against its charter."""
