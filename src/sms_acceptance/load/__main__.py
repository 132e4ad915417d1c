"""`python -m sms_acceptance.load --help`: Locust's help with the kit's options in it.

Locust 2.47 prints `locust --help` before it imports any locustfile (locustio/locust#2917), so
options added through `init_command_line_parser` work on the command line, in `locust.conf` and as
environment variables, but are missing from that page. This prints the page Locust would print
had it loaded `loadtests/` first: the same parser, with the same hook fired.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from locust.argument_parser import get_parser

    from . import _plugin  # noqa: F401  (registers the options with Locust's parser hook)

    parser = get_parser()
    parser.prog = "locust -f loadtests"
    arguments = sys.argv[1:] if argv is None else argv
    if not arguments or arguments[0] in ("-h", "--help"):
        parser.print_help()
        return 0
    sys.stderr.write(
        "usage: python -m sms_acceptance.load --help (then run: locust -f loadtests)\n"
    )
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
