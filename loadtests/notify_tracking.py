"""Delivery-report and tracking options: notifyUrl, notifyContentType, intermediateReport,
callbackData, tracking (R9, R13, S13).
"""

from locust import tag, task

from sms_acceptance.load import SmsSendUser, notify_and_tracking_payloads


class NotifyTracking(SmsSendUser):
    weight = 2
    scenario = "notify_tracking"
    payload_source = notify_and_tracking_payloads

    @tag("notify", "valid")
    @task
    def send(self) -> None:
        self.send_next_payload()
