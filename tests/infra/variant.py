"""A third variant for the deployment tests: another stage beside prod, with every opt-in set (an
existing alarm topic, a source allow-list, the WAF, no account-wide API Gateway role), synthesized
once per session on first use."""

from __future__ import annotations

import functools

from tests.infra.synthesis import Synthesized, synthesize

EXISTING_TOPIC_ARN = "arn:aws:sns:eu-central-1:123456789012:ops-pager"
ALLOWED_CIDRS = ("203.0.113.0/24", "198.51.100.7/32")
WAF_RATE_LIMIT = 500
OPT_INS = {
    "stage": "dev",
    "api_gateway_cloudwatch_role": False,
    "alarm_topic_arn": EXISTING_TOPIC_ARN,
    "alarm_email": "dev-team@example.com",
    # As `-c allowed_source_cidrs=...` gives it: one string.
    "allowed_source_cidrs": ",".join(ALLOWED_CIDRS),
    "waf_rate_limit_per_ip": WAF_RATE_LIMIT,
    "log_level": "warning",
}


@functools.cache
def dev_stack() -> Synthesized:
    return synthesize(OPT_INS)
