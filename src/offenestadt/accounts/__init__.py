"""People, their roles and offices; sign-in with a second factor for staff."""
