"""Command line: thin commands over library functions, loaded lazily.

Each command lives in ``requalify/commands/<name>.py`` and is imported only when
it runs, so ``requalify parse`` never pays for spaCy, pandas or weasyprint.
Errors map to the exit codes of CONTRACT.md in one place, :func:`main`.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import tempfile
import traceback
from datetime import datetime, timezone
from pathlib import Path

import click

from . import __version__
from .errors import InputError, RequalifyError

COMMANDS = {
    "analyze": "requalify.commands.analyze:analyze",
    "parse": "requalify.commands.parse:parse",
    "rules": "requalify.commands.rules:rules",
    "batch": "requalify.commands.batch:batch",
    "compare": "requalify.commands.compare:compare",
}


class LazyGroup(click.Group):
    """Imports a command's module only when that command runs, and maps errors to exit codes.

    The mapping lives here, not in a wrapper around the group, so click's test
    runner sees exactly what a user sees.
    """

    def list_commands(self, ctx):
        return sorted(name for name, target in COMMANDS.items() if _exists(target))

    def get_command(self, ctx, name):
        target = COMMANDS.get(name)
        if target is None or not _exists(target):
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            click.echo(f"error[{exc.code}]: {exc.message}", err=True)
            ctx.exit(exc.exit_code)
        except RequalifyError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            ctx.exit(0)
        except Exception as exc:  # a bug: say so, keep the traceback out of the user's face
            log = _log_internal_error(exc)
            click.echo(
                f"internal error ({type(exc).__name__}): this is a bug in requalify; traceback in {log}", err=True
            )
            ctx.exit(1)


def _exists(target: str) -> bool:
    module = target.split(":")[0]
    return importlib.util.find_spec(module) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="requalify")
def cli():
    """requalify: evidence of subordination in platform work.

    Reads a platform's terms of service and a worker's activity export, finds the
    indicators French courts rely on, weighs them against the case law and writes
    a dossier a labor lawyer can file.

    \b
    Examples:
      requalify analyze corpus/demo --out dossier/
      requalify parse terms.pdf --json
      requalify rules validate
    """


class BatchIncomplete(RequalifyError):
    """Some members of a batch failed; the others are done."""

    exit_code = 4


def _log_internal_error(exc: BaseException) -> Path:
    out = os.environ.get("REQUALIFY_LOG_DIR")
    folder = Path(out) if out else Path(tempfile.gettempdir()) / "requalify-logs"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        path = folder / f"error-{stamp}.log"
        path.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
        os.chmod(path, 0o600)
        return path
    except OSError:
        return Path("(log could not be written)")


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="requalify")


if __name__ == "__main__":
    main()
