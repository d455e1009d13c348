"""`python -m villagepost` is the same as the `villagepost` command."""

from villagepost.cli import run

run()
