"""OpenPhone (Quo) over a live server with httpx (the vendor ships no Python SDK): both API generations,
v1 (`/v1/users`, `maxResults`/`pageToken`) and 2026-03-30 (`/users` + `Quo-Api-Version`, `limit`/`after`),
share one store; each answers its errors in its own envelope."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from understudy_contract import (
    start_server,
    ADMIN_AUTH,
    OPENPHONE_VERSION_HEADER,
    WALKERS,
    assert_json,
    assert_same_users,
    prefix_for,
    walk_openphone_dated,
)

FORMS = {"root": False, "prefixed": True}
ADMIN = {"Authorization": ADMIN_AUTH["openphone"]}
DATED = {**ADMIN, **OPENPHONE_VERSION_HEADER}
MEMBER = "openphone-member-key"


def url(base_url, path, form="root"):
    return f"{base_url}{prefix_for('openphone', FORMS[form])}{path}"


def dated_envelope(resp, status, title, message=None):
    """{title, message, docs, trace, errors?}: no code, no status."""
    assert resp.status_code == status, f"{resp.request.url}: {resp.status_code} {resp.text[:300]}"
    body = assert_json(resp)
    assert set(body) <= {"title", "message", "docs", "trace", "errors"}, body
    assert body["title"] == title
    assert body["docs"] == "https://quo.com/docs"
    assert isinstance(body["message"], str) and body["message"]
    assert body["trace"].isdigit()
    if message is not None:
        assert body["message"] == message
    return body


def v1_envelope(resp, status):
    assert resp.status_code == status, f"{resp.request.url}: {resp.status_code} {resp.text[:300]}"
    body = assert_json(resp)
    assert [k for k in body if k != "errors"] == ["message", "code", "status", "docs", "title"], body
    assert body["status"] == status
    assert body["code"] == ("1101500" if status == 500 else f"1100{status}")
    return body


def cursor_for(user_id):
    return base64.urlsafe_b64encode(json.dumps({"lastId": user_id}, separators=(",", ":")).encode()).decode().rstrip("=")


# ------------------------------------------------------------------ walks

@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("page_size", [1, 7, 10, 50])
def test_dated_walk_lists_every_user_once(http, base_url, seeds, form, page_size):
    listed, pages = walk_openphone_dated(http, base_url, page_size=page_size, prefixed=FORMS[form])
    assert_same_users("openphone", listed, seeds("openphone")["users"])
    assert len(pages) == -(-len(listed) // page_size)
    assert all("totalItems" not in page for page in pages)


def test_dated_and_v1_walks_agree(http, base_url):
    dated, _ = walk_openphone_dated(http, base_url, page_size=13)
    v1, _ = WALKERS["openphone"](http, base_url, page_size=13)
    assert dated == v1


@pytest.mark.parametrize("form", sorted(FORMS))
def test_defaults_are_ten_users(http, base_url, seeds, form):
    expected = seeds("openphone")["users"][:10]
    v1 = http.get(url(base_url, "/v1/users", form), headers=ADMIN)
    assert v1.status_code == 200
    assert_same_users("openphone", assert_json(v1)["data"], expected)
    dated = http.get(url(base_url, "/users", form), headers=DATED)
    assert dated.status_code == 200
    body = assert_json(dated)
    assert_same_users("openphone", body["data"], expected)
    assert body["nextCursor"] == cursor_for(expected[-1]["id"])


@pytest.mark.parametrize("path", ["/v1/users/{id}", "/users/{id}"])
def test_get_user_by_id(http, base_url, seeds, path):
    headers = DATED if path.startswith("/users") else ADMIN
    for user in seeds("openphone")["users"][::23]:
        resp = http.get(url(base_url, path.format(id=user["id"])), headers=headers)
        assert resp.status_code == 200
        assert assert_json(resp) == {"data": user}


def test_cursor_resumes_after_its_user_is_deleted_and_both_versions_see_writes(http, base_url, seeds):
    users = seeds("openphone")["users"]
    first = assert_json(http.get(url(base_url, "/users"), params={"limit": 5}, headers=DATED))
    named = first["data"][-1]["id"]
    assert http.delete(f"{base_url}/__admin/vendors/openphone/users/{named}").status_code == 204
    new_user = {"id": "USconformance", "email": "conf@example.com", "firstName": None, "lastName": None,
                "pictureUrl": None, "role": "member", "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-01T00:00:00Z"}
    assert http.post(f"{base_url}/__admin/vendors/openphone/users", json=new_user).status_code == 201
    rest = assert_json(http.get(url(base_url, "/users"), params={"limit": 50, "after": first["nextCursor"]}, headers=DATED))
    assert [u["id"] for u in rest["data"]] == [u["id"] for u in users[5:55]]
    for path, headers in (("/users/", DATED), ("/v1/users/", ADMIN)):
        assert http.get(url(base_url, path + named), headers=headers).status_code == 404
        assert assert_json(http.get(url(base_url, path + "USconformance"), headers=headers)) == {"data": new_user}
    dated, _ = walk_openphone_dated(http, base_url, page_size=50)
    v1, _ = WALKERS["openphone"](http, base_url, page_size=50)
    assert dated == v1 == [u for u in users if u["id"] != named] + [new_user]


# ------------------------------------------------------------------ dated errors

@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("version", [None, "2025-01-01", ""], ids=["missing", "unknown", "empty"])
def test_dated_version_header_is_required_before_auth(http, base_url, form, version):
    headers = {} if version is None else {"Quo-Api-Version": version}
    for auth in (ADMIN, {}, {"Authorization": MEMBER}):
        body = dated_envelope(http.get(url(base_url, "/users", form), headers={**auth, **headers}), 400, "Bad Request")
        assert body["errors"][0]["path"] == "/headers/quo-api-version"


@pytest.mark.parametrize("form", sorted(FORMS))
def test_dated_auth_errors(http, base_url, form):
    dated_envelope(http.get(url(base_url, "/users", form), headers=OPENPHONE_VERSION_HEADER), 401, "Unauthorized",
                   "Missing authorization header")
    dated_envelope(http.get(url(base_url, "/users", form), headers={**OPENPHONE_VERSION_HEADER, "Authorization": "wrong"}),
                   401, "Unauthorized", "Unauthorized")
    dated_envelope(http.get(url(base_url, "/users/USH0t5qpBA", form), headers={**OPENPHONE_VERSION_HEADER, "Authorization": MEMBER}),
                   403, "Forbidden")


@pytest.mark.parametrize("params,path", [
    ({"limit": 0}, "/query/limit"), ({"limit": 51}, "/query/limit"), ({"limit": "abc"}, "/query/limit"),
    ([("after", "a"), ("after", "b")], "/query/after"),
], ids=["zero", "51", "abc", "after-twice"])
def test_dated_bad_query(http, base_url, params, path):
    body = dated_envelope(http.get(url(base_url, "/users"), params=params, headers=DATED), 400, "Bad Request",
                          "Validation failed for 1 field.")
    assert body["errors"][0]["path"] == path


def test_dated_rejects_v1_tokens_and_unknown_cursors(http, base_url):
    token = assert_json(http.get(url(base_url, "/v1/users"), params={"maxResults": 3}, headers=ADMIN))["nextPageToken"]
    for cursor in (token, "eyJsYXN0SWQiOiJVU211a09NaXBhIn0", "garbage"):
        dated_envelope(http.get(url(base_url, "/users"), params={"after": cursor}, headers=DATED), 400, "Bad Request", "Invalid cursor")
    dated_cursor = assert_json(http.get(url(base_url, "/users"), params={"limit": 3}, headers=DATED))["nextCursor"]
    body = v1_envelope(http.get(url(base_url, "/v1/users"), params={"pageToken": dated_cursor}, headers=ADMIN), 400)
    assert body["message"] == "Invalid pageToken"


def test_dated_get_errors(http, base_url):
    dated_envelope(http.get(url(base_url, "/users/USnobody"), headers=DATED), 404, "Not Found", "User not found")
    body = dated_envelope(http.get(url(base_url, "/users/nobody"), headers=DATED), 400, "Bad Request")
    assert body["errors"][0]["path"] == "/params/userId"


@pytest.mark.parametrize("status,title", [(400, "Bad Request"), (401, "Unauthorized"), (403, "Forbidden"), (404, "Not Found"),
                                          (422, "Unprocessable Entity"), (429, "Too Many Requests"), (500, "Internal Server Error")])
def test_dated_injected_faults_use_the_dated_envelope(http, base_url, status, title):
    for path in ("/users", "/users/USH0t5qpBA"):
        dated_envelope(http.get(url(base_url, path), params={"__status": status}, headers=DATED), status, title)


# ------------------------------------------------------------------ v1 errors

@pytest.mark.parametrize("form", sorted(FORMS))
def test_v1_live_401_envelope(http, base_url, form):
    for headers, message in (({}, "Missing authorization header"), ({"Authorization": "wrong"}, "Unauthorized")):
        for path in ("/v1/users", "/v1/users/USH0t5qpBA"):
            resp = http.get(url(base_url, path, form), headers=headers)
            assert resp.status_code == 401
            body = assert_json(resp)
            assert list(body) == ["error"] and list(body["error"]) == ["message", "key", "trace"]
            assert body["error"]["message"] == message
            assert body["error"]["key"] == "Unauthorized"


def test_v1_get_errors(http, base_url):
    assert v1_envelope(http.get(url(base_url, "/v1/users/USnobody"), headers=ADMIN), 404)["message"] == "User not found"
    assert v1_envelope(http.get(url(base_url, "/v1/users/nobody"), headers=ADMIN), 400)["errors"][0]["path"] == "/params/userId"
    v1_envelope(http.get(url(base_url, "/v1/users/USH0t5qpBA"), headers={"Authorization": MEMBER}), 403)


@pytest.mark.parametrize("status", [400, 403, 404, 429, 500, 503])
def test_v1_injected_faults_use_the_v1_envelope(http, base_url, status):
    for path in ("/v1/users", "/v1/users/USH0t5qpBA"):
        v1_envelope(http.get(url(base_url, path), params={"__status": status}, headers=ADMIN), status)


@pytest.mark.parametrize("method,path", [("GET", "/v1/contacts"), ("POST", "/v1/users"), ("DELETE", "/users/USH0t5qpBA")])
def test_unknown_paths_under_the_prefix_are_expresss_html_404(http, base_url, method, path):
    resp = http.request(method, f"{base_url}/openphone{path}", headers=DATED)
    assert resp.status_code == 404
    assert resp.headers["content-type"] == "text/html; charset=utf-8"
    assert f"<pre>Cannot {method} {path}</pre>" in resp.text


# ------------------------------------------------------------------ other servers

def start(directory: Path, *args: str) -> tuple[subprocess.Popen, str]:
    return start_server(directory, *args)


@pytest.fixture(scope="module")
def server_with(request):
    """start(*args) -> base URL of an extra server, stopped when the module ends."""
    processes = []
    directory = tempfile.TemporaryDirectory()

    def launch(*args):
        sub = Path(directory.name) / str(len(processes))
        sub.mkdir()
        process, base = start(sub, *args)
        processes.append(process)
        return base

    yield launch
    for process in processes:
        process.terminate()
        process.wait(timeout=10)
    directory.cleanup()


def test_generated_users_walk_both_versions(server_with):
    base = server_with("--users", "openphone=3001", "--seed", "9")
    with httpx.Client(timeout=30.0) as client:
        dated, _ = walk_openphone_dated(client, base, page_size=50)
        v1, _ = WALKERS["openphone"](client, base, page_size=50)
        assert len(dated) == 3001 and len({u["id"] for u in dated}) == 3001
        assert dated == v1
        assert len(assert_json(client.get(f"{base}/v1/users", headers=ADMIN))["data"]) == 10
        middle = dated[1500]
        assert assert_json(client.get(f"{base}/users/{middle['id']}", headers=DATED)) == {"data": middle}


def test_realistic_rate_limits_send_ietf_headers_and_429_in_each_envelope(server_with):
    base = server_with("--rate-limits", "realistic")
    with httpx.Client(timeout=10.0) as client:
        first = client.get(f"{base}/v1/users", headers=ADMIN)
        assert first.status_code == 200
        assert first.headers["ratelimit"] == '"per-second"; r=9; t=1'
        assert first.headers["ratelimit-policy"] == '"per-second"; q=10; w=1'
        # Far more than 10 requests at once: some must be throttled, each in its route's envelope.
        statuses = [client.get(f"{base}/users", headers=DATED) for _ in range(30)]
        throttled = [r for r in statuses if r.status_code == 429]
        assert throttled, [r.status_code for r in statuses]
        dated_envelope(throttled[0], 429, "Too Many Requests", "Rate limit exceeded")
        assert throttled[0].headers["ratelimit"].startswith('"per-second"; r=0; t=')
        v1 = [client.get(f"{base}/v1/users", headers=ADMIN) for _ in range(30)]
        limited = [r for r in v1 if r.status_code == 429]
        assert limited
        assert v1_envelope(limited[0], 429)["message"] == "Rate limit exceeded"
        # A 401 is counted and carries the headers too (live probes).
        unknown = client.get(f"{base}/v1/users", headers={"Authorization": "someone-else"})
        assert unknown.status_code == 401
        assert unknown.headers["ratelimit"] == '"per-second"; r=9; t=1'
