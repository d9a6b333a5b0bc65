"""`python -m eval` is `karigar eval`."""

from ui.cli import main

if __name__ == "__main__":
    import sys

    sys.argv.insert(1, "eval")
    main()
