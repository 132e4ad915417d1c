"""Single destination: one message to one number, the most common send (R13; S2-S4 answer)."""

from locust import tag, task

from sms_acceptance.load import SmsSendUser, single_destination_payloads


class SingleDestination(SmsSendUser):
    weight = 8
    scenario = "single_destination"
    payload_source = single_destination_payloads

    @tag("single", "valid")
    @task
    def send(self) -> None:
        self.send_next_payload()
