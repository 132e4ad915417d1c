"""A plain Locust locustfile, without the kit: a master that knows nothing of the live-traffic guard
and hands its workers whatever `--host` it was given (tests/load/test_live_traffic_paths.py).
Its class name matches a kit scenario, so a kit worker spawns that scenario's users."""

from __future__ import annotations

from locust import User, task


class SingleDestination(User):
    @task
    def nothing(self) -> None:
        """Never runs on the master; the worker runs the kit's class of the same name."""
