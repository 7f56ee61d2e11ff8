"""``python -m monokg``: the command line."""

from .cli import main

main()
