"""Kibana's 1Password connector flow, replayed with httpx against both 1Password versions.

What Kibana does (vendor-notes/users-resource/1password.md, elastic/kibana one_password.ts and the actions
plugin's OAuth helpers): it requests a client-credentials token with HTTP Basic (client_secret_basic, PR
#255076), `Content-Type: application/x-www-form-urlencoded; charset=UTF-8` and the body
`grant_type=client_credentials&scope=openid`; it caches the token for `expires_in` seconds and sends
`Authorization: ${token_type} ${access_token}` with `User-Agent: ElasticKibana`; any 4xx from a resource call
drops the cached token, so the next call fetches a new one. Its connection check is
`GET …/users?maxPageSize=1`; suspend and reactivate are `axios.post(url)` with no body.

v1beta1: base `<root>/v1beta1`, token `<base>/users/oauth2/token`. GA v1 (PR #290784): base `<root>/v1`, token
`<base>/oauth/token`. The expiry test starts its own server with `--token-ttl 1` (UNDERSTUDY_BIN).
"""

from __future__ import annotations

import base64
import os
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from understudy_contract import ONEPASSWORD_ACCOUNT, start_server

VERSIONS = {
    "v1beta1": {"base": "/v1beta1", "token": "/v1beta1/users/oauth2/token", "revoke": "/v1beta1/users/oauth2/revoke"},
    "v1": {"base": "/v1", "token": "/v1/oauth/token", "revoke": "/v1/oauth/revoke"},
}
KIBANA_FORM = "application/x-www-form-urlencoded; charset=UTF-8"
TOKEN_BODY = b"grant_type=client_credentials&scope=openid"
KOFI = "J4GD36YLASKHX4HQ7SXA2KZBNI"  # seeded, ACTIVE, not an owner
WENDY = "IR7VJHJ36JHINBFAD7V2T5MP3E"  # seeded owner, the only ACTIVE one


class KibanaOnePassword:
    """The connector's HTTP behaviour: token cache, header construction, 4xx → drop the token."""

    def __init__(self, http: httpx.Client, root: str, version: str, client_id: str, client_secret: str):
        self.http = http
        self.urls = {key: root + path for key, path in VERSIONS[version].items()}
        self.basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        self.token: tuple[str, str, float] | None = None  # (token_type, access_token, expires_at)
        self.token_requests: list[httpx.Request] = []

    def _access(self) -> tuple[str, str]:
        if self.token is None or time.monotonic() >= self.token[2]:
            request = self.http.build_request(
                "POST", self.urls["token"], content=TOKEN_BODY,
                headers={"Authorization": f"Basic {self.basic}", "Content-Type": KIBANA_FORM,
                         "Accept": "application/json, text/plain, */*"},
            )
            self.token_requests.append(request)
            response = self.http.send(request)
            assert response.status_code == 200, response.text
            data = response.json()
            self.token = (data["token_type"], data["access_token"], time.monotonic() + data["expires_in"])
        return self.token[0], self.token[1]

    def call(self, method: str, path: str, params: dict | None = None) -> httpx.Response:
        token_type, access_token = self._access()
        response = self.http.request(
            method, f"{self.urls['base']}/accounts/{ONEPASSWORD_ACCOUNT}{path}", params=params,
            headers={"Authorization": f"{token_type} {access_token}", "User-Agent": "ElasticKibana",
                     "Accept": "application/json, text/plain, */*"},
        )
        if 400 <= response.status_code < 500:
            self.token = None  # Kibana's delete_token_axios_interceptor
        return response

    def list_users(self, **params) -> dict:
        response = self.call("GET", "/users", params={k: v for k, v in params.items() if v})
        assert response.status_code == 200, response.text
        return response.json()


def oauth_clients(http: httpx.Client, root: str) -> dict[str, dict]:
    vendors = http.get(f"{root}/__admin/vendors").json()["vendors"]
    entry = next(v for v in vendors if v["id"] == "1password")
    return {client["client_id"]: client for client in entry["oauthClients"]}


def connector(http, root, version, with_suspend=True) -> KibanaOnePassword:
    for client in oauth_clients(http, root).values():
        if ("suspend users" in client["scopes"]) == with_suspend:
            return KibanaOnePassword(http, root, version, client["client_id"], client["client_secret"])
    raise AssertionError("no seeded OAuth client of the wanted kind")


def header(entry: dict, name: str) -> str | None:
    """A header of a journal entry, by case-insensitive name."""
    return next((value for key, value in entry["headers"].items() if key.lower() == name), None)


def suspended_ids(kibana: KibanaOnePassword) -> set[str]:
    ids: set[str] = set()
    token = None
    while True:
        page = kibana.list_users(filter="user.isSuspended()", maxPageSize=50, pageToken=token)
        ids |= {user["id"] for user in page["results"]}
        token = page.get("next_page_token")
        if not token:
            return ids


@pytest.mark.parametrize("version", VERSIONS)
def test_kibana_connector_flow(http, base_url, seeds, version):
    kibana = connector(http, base_url, version)
    # Test connection.
    check = kibana.call("GET", "/users", params={"maxPageSize": 1})
    assert check.status_code == 200
    assert len(check.json()["results"]) == 1
    # The token request went out exactly as Kibana sends it, and the server saw those headers.
    [sent] = kibana.token_requests
    assert sent.headers["content-type"] == KIBANA_FORM
    assert sent.headers["authorization"].startswith("Basic ")
    assert sent.content == TOKEN_BODY
    journal = http.get(f"{base_url}/__admin/requests", params={"vendor": "1password"}).json()["requests"]
    token_entry = next(r for r in journal if r["path"] == VERSIONS[version]["token"])
    assert token_entry["status"] == 200
    assert header(token_entry, "content-type") == KIBANA_FORM
    assert any(header(r, "user-agent") == "ElasticKibana" and r["status"] == 200 for r in journal)
    # List (first page, documented shape), get, suspend, reactivate.
    seeded = {user["id"]: user for user in seeds("1password")["users"]}
    page = kibana.list_users(maxPageSize=5)
    assert [u["id"] for u in page["results"]] == list(seeded)[:5]
    assert "next_page_token" in page
    assert kibana.list_users(maxPageSize=5, pageToken=page["next_page_token"])["results"][0]["id"] == list(seeded)[5]
    user = kibana.call("GET", f"/users/{KOFI}")
    assert user.status_code == 200
    assert user.json() == seeded[KOFI]
    suspended = kibana.call("POST", f"/users/{KOFI}:suspend")
    assert suspended.status_code == 200
    assert suspended.json() == {**seeded[KOFI], "state": "SUSPENDED"}
    assert KOFI in suspended_ids(kibana)
    assert kibana.call("POST", f"/users/{KOFI}:suspend").json() == suspended.json()  # idempotent
    reactivated = kibana.call("POST", f"/users/{KOFI}:reactivate")
    assert reactivated.status_code == 200
    assert reactivated.json() == seeded[KOFI]
    assert KOFI not in suspended_ids(kibana)
    # One token served the whole flow (cached for expires_in = 900 s).
    assert len(kibana.token_requests) == 1


@pytest.mark.parametrize("version", VERSIONS)
def test_kibana_surfaces_the_grpc_error_bodies(http, base_url, version):
    kibana = connector(http, base_url, version)
    owner = kibana.call("POST", f"/users/{WENDY}:suspend")
    assert (owner.status_code, owner.json()) == (403, {"code": 7, "message": "no_owner_remain", "details": []})
    missing = kibana.call("GET", "/users/NOSUCHUSER")
    assert (missing.status_code, missing.json()) == (404, {"code": 5, "message": "user_not_found", "details": []})
    # Every 4xx dropped the cached token, so each call above fetched a new one.
    assert len(kibana.token_requests) == 2
    limited = connector(http, base_url, version, with_suspend=False)
    denied = limited.call("POST", f"/users/{KOFI}:suspend")
    assert (denied.status_code, denied.json()) == (403, {"code": 7, "message": "permission_denied", "details": []})
    assert limited.call("GET", f"/users/{KOFI}").json()["state"] == "ACTIVE"


@pytest.mark.parametrize("version", VERSIONS)
def test_revoked_token_is_refused(http, base_url, version):
    kibana = connector(http, base_url, version)
    _, access_token = kibana._access()
    revoked = http.post(f"{base_url}{VERSIONS[version]['revoke']}", data={"token": access_token},
                        headers={"Authorization": f"Basic {kibana.basic}"})
    assert revoked.status_code == 200
    assert revoked.content == b""
    refused = kibana.call("GET", f"/users/{KOFI}")
    assert (refused.status_code, refused.json()) == (401, {"code": 16, "message": "unauthenticated", "details": []})
    assert kibana.call("GET", f"/users/{KOFI}").status_code == 200  # a new token


@pytest.fixture(scope="module")
def short_ttl_server():
    with tempfile.TemporaryDirectory() as directory:
        process, base = start_server(Path(directory), "--token-ttl", "1")
        try:
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.mark.parametrize("version", VERSIONS)
def test_expired_token_is_401_then_kibana_gets_a_new_one(http, short_ttl_server, version):
    kibana = connector(http, short_ttl_server, version)
    assert kibana.call("GET", "/users", params={"maxPageSize": 1}).status_code == 200
    token_type, stale, _ = kibana.token
    assert token_type == "Bearer"
    time.sleep(1.2)  # the server's --token-ttl 1
    # Kibana's own cache also expired; replay the stale token as a client with a slower clock would.
    expired = http.get(f"{short_ttl_server}{VERSIONS[version]['base']}/accounts/{ONEPASSWORD_ACCOUNT}/users",
                       params={"maxPageSize": 1}, headers={"Authorization": f"Bearer {stale}", "User-Agent": "ElasticKibana"})
    assert (expired.status_code, expired.json()) == (401, {"code": 16, "message": "unauthenticated", "details": []})
    kibana.token = (token_type, stale, time.monotonic() + 900)  # as if Kibana still trusted it
    assert kibana.call("GET", "/users", params={"maxPageSize": 1}).status_code == 401
    assert kibana.token is None  # the 4xx dropped it
    assert kibana.call("GET", "/users", params={"maxPageSize": 1}).status_code == 200
    assert kibana.token[1] != stale
    assert len(kibana.token_requests) == 2
