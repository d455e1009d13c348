"""rosters."""
