"""``python -m monokg``: the command line."""

from monokg.cli import main

main()
