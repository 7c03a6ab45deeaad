"""Magic credentials against unmodified SDKs: keys that always fail one way, for SDKs whose URL
and headers cannot be changed. Listed per vendor in GET /__admin/vendors (magicCredentials)."""

from __future__ import annotations

import time

import httpx
import openai
import pandadoc_client
import pytest
from openai import OpenAI
from pandadoc_client.exceptions import ApiException, ForbiddenException, ServiceException, UnauthorizedException

from test_pandadoc_sdk import sdk as pandadoc_users_api
from understudy_contract import VENDOR_IDS


def magic(base_url: str, vendor: str) -> dict[str, str]:
    vendors = httpx.get(f"{base_url}/__admin/vendors", timeout=10).json()["vendors"]
    entry = next(v for v in vendors if v["id"] == vendor)
    return {m["effect"]: m["authorization"] for m in entry["magicCredentials"]}


def test_every_vendor_lists_the_same_magic_effects(base_url):
    for vendor in VENDOR_IDS:
        assert list(magic(base_url, vendor)) == ["401", "403", "429", "500", "503", "delay-2s"]


def _openai(base_url: str, key: str, **options) -> OpenAI:
    return OpenAI(admin_api_key=key.removeprefix("Bearer "), base_url=f"{base_url}/v1", timeout=10.0, **options)


def test_openai_sdk_raises_its_own_errors(base_url):
    keys = magic(base_url, "openai")
    with pytest.raises(openai.AuthenticationError):
        _openai(base_url, keys["401"]).admin.organization.users.list(limit=1)
    with pytest.raises(openai.PermissionDeniedError):
        _openai(base_url, keys["403"]).admin.organization.users.list(limit=1)
    with pytest.raises(openai.InternalServerError):
        _openai(base_url, keys["503"], max_retries=0).admin.organization.users.list(limit=1)


def test_openai_sdk_gives_up_with_rate_limit_error_after_its_retries(base_url):
    keys = magic(base_url, "openai")
    with pytest.raises(openai.RateLimitError) as raised:
        _openai(base_url, keys["429"], max_retries=2).admin.organization.users.list(limit=1)
    assert raised.value.response.headers.get("x-ratelimit-limit-requests")
    journal = httpx.get(f"{base_url}/__admin/requests", params={"vendor": "openai"}, timeout=10).json()["requests"]
    assert [entry["status"] for entry in journal] == [429, 429, 429]  # the first try and two retries
    assert {entry["fault"] for entry in journal} == {"magic-429"}


def test_openai_delayed_key_answers_like_the_admin_key(base_url):
    keys = magic(base_url, "openai")
    started = time.monotonic()
    page = _openai(base_url, keys["delay-2s"]).admin.organization.users.list(limit=2)
    assert time.monotonic() - started >= 1.9
    assert len(page.data) == 2


@pytest.mark.parametrize(("effect", "exception"), [
    ("401", UnauthorizedException), ("403", ForbiddenException), ("500", ServiceException), ("503", ServiceException),
])
def test_pandadoc_sdk_raises_its_own_errors(base_url, effect, exception):
    key = magic(base_url, "pandadoc")[effect]
    api = pandadoc_users_api(base_url, api_key={"apiKey": key})
    with pytest.raises(exception):
        api.list_users(count=1, page=1)


def test_pandadoc_sdk_sees_the_429(base_url):
    api = pandadoc_users_api(base_url, api_key={"apiKey": magic(base_url, "pandadoc")["429"]})
    with pytest.raises(ApiException) as raised:
        api.list_users(count=1, page=1)
    assert raised.value.status == 429
    assert '"throttled"' in raised.value.body
