"""`python -m eval [--selection ci] ...` is `karigar eval`."""

import typer

from eval.cli import eval_command

typer.run(eval_command)
