"""`pytest conformance`: the suite's plugin does the work (options, target, checks, reports)."""

pytest_plugins = [
    "sms_acceptance.conformance.plugin._plugin",
    "sms_acceptance.conformance.plugin._dlr_plugin",  # delivery reports (D1-D14)
]
