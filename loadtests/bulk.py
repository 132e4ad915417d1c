"""Bulk: up to 5 messages and 10-250 destinations in one request (R13; S2, S3, S5 on the answer)."""

from locust import tag, task

from sms_acceptance.load import SmsSendUser, bulk_payloads


class Bulk(SmsSendUser):
    weight = 2
    scenario = "bulk"
    payload_source = bulk_payloads
    payload_count = 8  # 10-250 destinations each: fewer, larger requests are variety enough

    @tag("bulk", "valid")
    @task
    def send(self) -> None:
        self.send_next_payload()
