"""Scheduled and time-windowed messages: sendAt in the R11 forms, delivery windows of an hour or
more (R6, R7, R11, R13).
"""

from locust import tag, task

from sms_acceptance.load import SmsSendUser, scheduled_payloads


class Scheduled(SmsSendUser):
    weight = 2
    scenario = "scheduled"
    payload_source = scheduled_payloads

    @tag("scheduled", "valid")
    @task
    def send(self) -> None:
        self.send_next_payload()
