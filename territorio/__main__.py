"""`python -m territorio` runs the command-line interface."""

from territorio.cli import main

main()
