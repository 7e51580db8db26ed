"""Tamper evidence: a hash chain over the notification log, signed checkpoints of it, and
its verification (docs/audit.md, "Tamper evidence").

``verify_bundle`` holds the chain's arithmetic and is a standalone script as well;
``keeper`` links new events as they are stored; ``verify`` recomputes the chain from the
stored events; ``export`` writes the bundle an auditor verifies offline.
"""
