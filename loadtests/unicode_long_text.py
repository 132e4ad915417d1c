"""Unicode and long texts: UCS-2 (surrogates too), GSM-7 extension, TR/ES/PT shifts, at segment
boundary lengths, many concatenated (C1-C4).
"""

from locust import tag, task

from sms_acceptance.load import SmsSendUser, unicode_and_long_payloads


class UnicodeLongText(SmsSendUser):
    weight = 3
    scenario = "unicode_long_text"
    payload_source = unicode_and_long_payloads

    @tag("unicode", "valid")
    @task
    def send(self) -> None:
        self.send_next_payload()
