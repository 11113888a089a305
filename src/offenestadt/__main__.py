"""Allow `python -m offenestadt`."""

from offenestadt.cli import main

main()
