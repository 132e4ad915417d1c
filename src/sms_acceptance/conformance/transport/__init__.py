"""The bytes to and from the server under test: the HTTP client, the Authorization header,
request pacing, and the delivery-report receiver. No pytest; imports nothing else of the suite.
"""
