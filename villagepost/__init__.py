"""VillagePost (村邮通): the rural delivery registry of a county transport bureau.

The version below is the project's single version source: pyproject.toml reads it, and so do the CLI,
the window's About box and the packaging spec.
"""

__version__ = "0.2.0"
