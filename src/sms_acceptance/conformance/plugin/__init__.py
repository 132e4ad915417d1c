"""The pytest side of the suite: options, the target, the `sms` fixture, prefetching, the
delivery-report session fixture, Hypothesis profiles. The only part that drives the others.
"""
