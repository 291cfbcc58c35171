"""The `assay` command line. Commands only: every command calls `assay.api` (or another
public module) and renders the result. Each module in this package defines
``register(app)`` and adds its commands; exit codes: 0 clean, 1 findings, 2 assay failed
or was misused."""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

import typer

from assay.errors import AssayError
from assay.knowledge.resolve import cache_dir

__all__ = ["app", "main"]

app = typer.Typer(
    name="assay",
    help="Tell correct AI-written Python from plausible AI-written Python, with evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_FAILED = 2


#: Which module registers each top-level command, so a run imports only what it uses
#: (the service, the ledger and the model runtime are slow to import).
_COMMAND_MODULES = {
    "check": "check",
    "rules": "check",
    "explain": "check",
    "compare": "compare",
    "diff": "diff",
    "gen": "gen",
    "complete": "gen",
    "serve": "serve",
    "mcp": "serve",
    "bench": "bench",
    "ledger": "ledger",
    "sandbox": "sandbox",
}


_registered: set[str] = set()


def _register_commands(argv: list[str] | None = None) -> None:
    """Register the command that `argv` names, or every command (for help and errors)."""
    first = next((arg for arg in (argv or []) if not arg.startswith("-")), None)
    wanted = _COMMAND_MODULES.get(first) if first is not None else None
    names = (
        [wanted]
        if wanted is not None
        else sorted(
            info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_")
        )
    )
    for name in names:
        # main() runs many times in one process (tests, the service): register each module once,
        # or typer would rebuild an ever-growing list of duplicate commands on every call.
        if name in _registered:
            continue
        module = importlib.import_module(f"{__name__}.{name}")
        module.register(app)
        _registered.add(name)


@app.callback(invoke_without_command=True)
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    if version:
        from assay._version import __version__

        typer.echo(__version__)
        raise typer.Exit(EXIT_CLEAN)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (also used as the console script)."""
    # Hypothesis (the random draws) caches Unicode tables under ./.hypothesis unless told
    # otherwise; keep the user's working tree clean.
    os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(cache_dir() / "hypothesis"))
    _register_commands(sys.argv[1:] if argv is None else argv)
    try:
        result = app(args=argv, standalone_mode=False)
    except AssayError as error:
        typer.echo(f"assay: error: {error}", err=True)
        return EXIT_FAILED
    except typer.Exit as done:
        return int(done.exit_code)
    except SystemExit as done:
        return int(done.code) if isinstance(done.code, int) else EXIT_FAILED
    except KeyboardInterrupt:
        typer.echo("assay: interrupted", err=True)
        return 130
    except Exception as error:  # noqa: BLE001 - last line of defence: report and exit 2
        import click

        # typer >= 0.20 raises its vendored copy of click's exceptions, older ones click's.
        usage_errors = (click.exceptions.ClickException, getattr(typer, "TyperException", ()))
        if isinstance(error, (click.exceptions.Abort, typer.Abort)):
            return 130
        show = getattr(error, "show", None)
        if isinstance(error, usage_errors) and callable(show):
            show()
            code = getattr(error, "exit_code", EXIT_FAILED)
            return code if isinstance(code, int) and code != 0 else EXIT_FAILED
        typer.echo(
            f"assay: internal error: {type(error).__name__}: {error}\n"
            "This is a bug in assay; please report it with the command you ran.",
            err=True,
        )
        return EXIT_FAILED
    return result if isinstance(result, int) else EXIT_CLEAN


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
