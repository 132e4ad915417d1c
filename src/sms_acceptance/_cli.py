"""`sms-acceptance`: a small dispatcher; each subcommand lives with the code it runs.

A subcommand is registered here with two functions from its own module: `add_arguments(parser)`
and `run(args, parser) -> int`. Bad options end with one line on stderr and exit status 2, never a
usage dump or a traceback: the command runs in CI logs, where one line is what gets read.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from sms_acceptance import __version__

__all__ = ["main"]


class _OneLineErrorParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are a single line (`prog: error: message`), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    from sms_acceptance.sandbox import _command as sandbox_command

    parser = _OneLineErrorParser(
        prog="sms-acceptance",
        description="Conformance and load testing for Infobip-compatible SMS send APIs.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subcommands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_OneLineErrorParser
    )
    sandbox = subcommands.add_parser(
        "sandbox",
        help="run the reference server (POST /sms/1/text/advanced) on a local port",
        description="Run the sandbox: a faithful reference server for the send endpoint.",
    )
    sandbox_command.add_arguments(sandbox)
    sandbox.set_defaults(run=sandbox_command.run, subparser=sandbox)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `sms-acceptance` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_usage(sys.stderr)
        return 2
    status: int = args.run(args, args.subparser)
    return status


if __name__ == "__main__":
    sys.exit(main())
