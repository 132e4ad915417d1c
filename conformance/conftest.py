"""`pytest conformance`: the suite's plugin does the work (options, target, checks, reports)."""

pytest_plugins = ["sms_acceptance.conformance._plugin"]
