"""`python -m villagepost` is the same as the `villagepost` command."""

from villagepost.cli import main

raise SystemExit(main())
