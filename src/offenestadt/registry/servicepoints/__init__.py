"""The city's public service points: citizens' offices, libraries, phone lines, with their
opening hours, address, district and step-free access. Access channels point to them."""
