"""`python -m legation`: the same command as the installed `legation`."""

from legation.cli import run

run()
