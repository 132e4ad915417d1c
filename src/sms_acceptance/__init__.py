"""sms-acceptance: conformance and load testing for Infobip-compatible SMS send APIs.

The public face is this module's ``__all__``; every implementation module is private.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
