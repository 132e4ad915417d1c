"""The run's results: one verdict per check, `summary.json`, and its renderings (`report.html`,
`junit.xml`). Reads the checks' catalogue; never imports the plugin.
"""
