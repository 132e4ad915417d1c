"""A small share of deliberately invalid requests (each breaks one MUST rule of R1-R6): their 400
envelopes are expected and counted apart, never as errors (E1, E3).
"""

from locust import tag, task

from sms_acceptance.load import SmsSendUser, invalid_payloads


class InvalidRequests(SmsSendUser):
    weight = 1
    scenario = "invalid_requests"
    payload_source = invalid_payloads

    @tag("invalid")
    @task
    def send(self) -> None:
        self.send_next_payload()
