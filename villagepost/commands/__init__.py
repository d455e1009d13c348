"""The CLI's command groups, one module each (after calibre's db/cli/cmd_*.py).

Each module exposes `register(subparsers)`; its handlers take the parsed args and a `Context` and
return an exit code. They only parse, call a service, and print: no logic of their own.
"""
