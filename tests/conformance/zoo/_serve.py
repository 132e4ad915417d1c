"""Serve one zoo server by hand, to watch the suite catch it (or to reproduce a finding).

    export SMS_ACCEPTANCE_AUTHORIZATION="App my-test-key"
    python -m tests.conformance.zoo._serve drops_last_destination      # prints the base URL
    pytest conformance --base-url=http://127.0.0.1:PORT                # in another shell

`--list` names every server with the bug it imitates. The credential comes only from the
environment (never argv, where `ps` would show it); the server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading

from ._catalogue import BROKEN_SERVERS, CORRECT_SERVERS


def markdown_table() -> str:
    """The zoo as README.md shows it (a test keeps the two identical)."""
    rows = [
        "| server | must FAIL | rules | the vendor bug it imitates |",
        "|---|---|---|---|",
    ]
    for server in BROKEN_SERVERS:
        checks = ", ".join(f"`{check}`" for check in server.catches)
        bug = server.description.split(" Caught by")[0].replace("|", "\\|")
        rows.append(f"| `{server.name}` | {checks} | {' '.join(sorted(server.rule_ids))} | {bug} |")
    rows += ["", "| correct server | its choices (zero failures allowed) |", "|---|---|"]
    rows += [f"| `{correct.name}` | {correct.choices} |" for correct in CORRECT_SERVERS]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.conformance.zoo._serve")
    parser.add_argument("name", nargs="?", help="a broken or correct zoo server")
    parser.add_argument("--list", action="store_true", help="list the zoo and exit")
    parser.add_argument("--markdown", action="store_true", help="the README's table, and exit")
    options = parser.parse_args(argv)
    servers = {s.name: s for s in BROKEN_SERVERS} | {
        f"correct:{s.name}": s for s in CORRECT_SERVERS
    }
    if options.markdown:
        print(markdown_table())
        return 0
    if options.list or options.name is None:
        for broken in BROKEN_SERVERS:
            print(f"{broken.name:40} {', '.join(broken.catches)}")
        for correct in CORRECT_SERVERS:
            print(f"correct:{correct.name:32} must pass")
        return 0
    server = servers.get(options.name)
    if server is None:
        print(f"error: no zoo server named {options.name!r} (see --list)", file=sys.stderr)
        return 2
    authorization = os.environ.get("SMS_ACCEPTANCE_AUTHORIZATION")
    if not authorization:
        print("error: set SMS_ACCEPTANCE_AUTHORIZATION (e.g. 'App KEY')", file=sys.stderr)
        return 2
    if server.scheme == "Basic" and not authorization.startswith("Basic "):
        print("error: this server is configured with a Basic credential", file=sys.stderr)
        return 2
    try:
        with server.serve(authorization) as base_url:
            print(base_url, flush=True)
            threading.Event().wait()
    except KeyboardInterrupt:
        pass
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
