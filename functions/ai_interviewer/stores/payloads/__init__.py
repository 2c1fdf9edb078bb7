"""Claim-check payloads: large requests and results."""
