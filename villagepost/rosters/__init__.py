"""Reading township rosters (Excel) safely: file checks, layout detection, typed rows."""
