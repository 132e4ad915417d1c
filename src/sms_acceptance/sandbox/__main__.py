"""`python -m sms_acceptance.sandbox`: `sms-acceptance sandbox` (how `SandboxProcess` starts it).

Running the module, rather than the console script, ties the child to the parent's interpreter and
installation, whatever is first on PATH.
"""

from __future__ import annotations

import sys

from sms_acceptance._cli import main

if __name__ == "__main__":
    sys.exit(main(["sandbox", *sys.argv[1:]]))
