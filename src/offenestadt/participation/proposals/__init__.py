"""Proposals, the support they gather and the city's answer."""
