"""Armed faults against the unmodified `openai` SDK: its own retry logic meets understudy's 429s.

A rule `{"vendor":"openai","status":429,"times":2}` must make the SDK (default max_retries=2)
succeed on its third try, and the fault's counters must show three matching requests. A rule
that answers 500 forever must surface as the SDK's own InternalServerError carrying OpenAI's message.
"""

from __future__ import annotations

import httpx
import openai
import pytest
from openai import OpenAI

ADMIN_KEY = "sk-admin-understudy-test"


@pytest.fixture
def http(base_url):
    with httpx.Client(base_url=base_url, timeout=10.0) as client:
        yield client


@pytest.fixture(autouse=True)
def _clean_server(http):
    # Every test starts from seeds with no armed faults and an empty journal.
    assert http.post("/__admin/reset").status_code == 200
    yield
    http.post("/__admin/reset")


def arm(http, rule: dict) -> str:
    response = http.post("/__admin/faults", json=rule)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def fault(http, fault_id: str) -> dict:
    return next(f for f in http.get("/__admin/faults").json()["faults"] if f["id"] == fault_id)


def test_sdk_retries_through_two_429s(base_url, http):
    fault_id = arm(http, {"vendor": "openai", "status": 429, "times": 2})
    client = OpenAI(admin_api_key=ADMIN_KEY, base_url=f"{base_url}/v1", timeout=10.0)  # default max_retries=2

    page = client.admin.organization.users.list(limit=3)

    assert len(page.data) == 3
    counters = fault(http, fault_id)
    assert (counters["matched"], counters["fired"]) == (3, 2)
    journal = http.get("/__admin/requests", params={"vendor": "openai"}).json()["requests"]
    assert [r["status"] for r in journal] == [429, 429, 200]
    # The SDK marks its retries; the journal keeps that header.
    assert [r["headers"].get("x-stainless-retry-count") for r in journal] == ["0", "1", "2"]


def test_sdk_raises_its_own_error_for_a_persistent_500(base_url, http):
    arm(http, {"vendor": "openai", "status": 500})
    client = OpenAI(admin_api_key=ADMIN_KEY, base_url=f"{base_url}/v1", max_retries=1, timeout=10.0)

    with pytest.raises(openai.InternalServerError) as caught:
        client.admin.organization.users.list()

    assert caught.value.status_code == 500
    # The SDK formats its message as "Error code: 500 - <OpenAI's message>" and keeps the parsed body.
    assert caught.value.message.endswith("The server had an error while processing your request. Sorry about that!")
    assert caught.value.body["message"] == "The server had an error while processing your request. Sorry about that!"
    assert caught.value.body["type"] == "server_error"


def test_rate_limit_error_carries_openai_headers(base_url, http):
    arm(http, {"vendor": "openai", "status": 429})
    client = OpenAI(admin_api_key=ADMIN_KEY, base_url=f"{base_url}/v1", max_retries=0, timeout=10.0)

    with pytest.raises(openai.RateLimitError) as caught:
        client.admin.organization.users.list()

    assert caught.value.code == "rate_limit_exceeded"
    assert caught.value.response.headers["x-ratelimit-remaining-requests"] == "0"
