"""Every URL the api answers with resolves where the client reached it: behind API Gateway's stage path
on its own domain, behind a custom domain's base path mapping, and at a custom domain's root."""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import urljoin

import pytest
from ai_interviewer.resources import TaskName

from tests.conftest import AwsStack
from tests.test_api_events import call, load_event, services_for, with_path_parameter

DEFAULT_DOMAIN = "https://abc123.execute-api.eu-central-1.amazonaws.com"
CUSTOM_DOMAIN = "https://hr-api.example.com"


def reached_under(event: dict[str, Any], host: str, base: str) -> dict[str, Any]:
    """The event as API Gateway builds it for a request to `host` + `base` + the event's path."""
    changed = copy.deepcopy(event)
    changed["requestContext"]["path"] = base + changed["path"]
    changed["requestContext"]["domainName"] = host.removeprefix("https://")
    return changed


# (host, the path before /api/v1 the client used)
REACHED = [
    (DEFAULT_DOMAIN, "/prod"),
    (DEFAULT_DOMAIN, "/staging"),
    (CUSTOM_DOMAIN, "/interviewer"),
    (CUSTOM_DOMAIN, ""),
]


@pytest.mark.parametrize(("host", "base"), REACHED)
def test_location_of_an_accepted_task_is_the_job_under_the_same_base_path(
    aws: AwsStack, host: str, base: str
) -> None:
    services = services_for(aws)
    event = reached_under(load_event(TaskName.GENERATE_TAGS.route), host, base)
    answer = call(services, event)
    assert answer.status == 202, answer.text
    job_id = answer.json["job_id"]
    request_url = host + event["requestContext"]["path"]
    # A client resolves Location against the URL it posted to (RFC 9110 §10.2.2).
    assert urljoin(request_url, answer.headers["Location"]) == f"{host}{base}/api/v1/jobs/{job_id}"

    job_event = with_path_parameter(load_event("get-job"), "job_id", job_id)
    assert call(services, reached_under(job_event, host, base)).json["job_id"] == job_id


@pytest.mark.parametrize(("host", "base"), REACHED)
def test_openapi_server_url_is_the_base_path_the_document_was_fetched_under(
    aws: AwsStack, host: str, base: str
) -> None:
    services = services_for(aws)
    answer = call(services, reached_under(load_event("openapi"), host, base))
    assert answer.status == 200
    (server,) = answer.json["servers"]
    document_url = f"{host}{base}/api/v1/openapi.json"
    # Paths in the document start with /api/v1: the server URL is what comes before them.
    server_url = urljoin(document_url, server["url"]).rstrip("/")
    assert server_url + "/api/v1/health" == f"{host}{base}/api/v1/health"


def test_a_context_path_that_does_not_end_in_the_routed_path_adds_nothing(aws: AwsStack) -> None:
    services = services_for(aws)
    event = load_event(TaskName.GENERATE_TAGS.route)
    event["requestContext"]["path"] = "/something/else"
    answer = call(services, event)
    assert answer.headers["Location"] == f"/api/v1/jobs/{answer.json['job_id']}"
