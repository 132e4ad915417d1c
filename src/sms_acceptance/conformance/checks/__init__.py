"""What the suite judges: the registered checks, their registry and catalogue, the evidence of a
failure, the run-level diagnosis, a vendor's declared deviations, client compatibility. Imports
only `transport` of the suite.
"""
