"""HTTP/2 on the same port (issue 13): every vendor operation answers the same bytes over HTTP/1.1, HTTP/2 with
prior knowledge (httpx `http2=True, http1=False`, curl `--http2-prior-knowledge`) and HTTP/2 after an h2c
`Upgrade` (curl `--http2`, writes with bodies included); the official openai SDK works over an HTTP/2-only httpx client; h2load runs
100 000 requests over 10 connections x 10 streams with no error.

Each operation runs once per protocol, each time in a fresh session (`X-Understudy-Session`), so writes
(deletes, suspends, invites) meet the same store and must produce the same bytes. The operation list comes
from `GET /__admin/vendors`, so a new operation without a case here fails `test_every_operation_has_a_case`.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
import pytest
from openai import OpenAI

from understudy_contract import ADMIN_AUTH, ONEPASSWORD_ACCOUNT

ACCOUNT = ONEPASSWORD_ACCOUNT
QUO = {"Quo-Api-Version": "2026-03-30"}
OAUTH_BASIC = ("1password-oauth-client", "1password-oauth-secret")
# Headers that legitimately differ between the protocols: the clock, and HTTP/1.1's connection management
# (RFC 9113 §8.2.2 forbids connection-specific fields in HTTP/2).
# OpenAI's x-request-id counts requests server-wide (not per session), so it is compared by shape only.
UNCOMPARED_HEADERS = {"date", "connection", "keep-alive", "transfer-encoding", "x-request-id"}


@dataclass
class Case:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    json: object | None = None
    form: str | None = None
    auth: tuple[str, str] | None = None
    status: int = 200  # the status expected over every protocol (the point is sameness, this keeps it honest)


def _ids(base_url: str) -> dict[str, str]:
    """Real ids read from the default session once, so each case exercises a success path."""
    with httpx.Client(base_url=base_url, timeout=10.0) as c:
        def get(path, vendor, **kw):
            response = c.get(path, headers={"Authorization": ADMIN_AUTH[vendor], **kw.pop("headers", {})}, **kw)
            response.raise_for_status()
            return response.json()

        openphone = get("/v1/users", "openphone")["data"][0]["id"]
        pandadoc_users = get("/public/v1/users", "pandadoc")["results"]
        workspaces = get("/public/v1/workspaces", "pandadoc")["results"]
        members = get("/public/v1/members", "pandadoc")["results"]
        op_users = get(f"/v1beta1/accounts/{ACCOUNT}/users", "1password", params={"max_page_size": 100})["results"]
        openai_users = get("/v1/organization/users", "openai", params={"limit": 100})["data"]
        factory_users = get("/api/v0/organization/users", "factory")["users"]
    owners = set(__import__("understudy_contract").load_seeds("1password").get("ownerIds", []))
    # PandaDoc picks follow test_pandadoc_users_resource.py: an active non-owner with two memberships (removable),
    # a user in the first workspace only (addable to the third), a member of the key's workspace (readable).
    seed = __import__("understudy_contract").load_seeds("pandadoc")
    removed = set(seed["removedUserIds"])
    active = [u for u in seed["users"] if u["user_id"] not in removed]
    first = seed["workspaces"][0]["id"]
    removable = next(u for u in active if len(u["workspaces"]) == 2 and u["license"] != "Guest"
                     and all(u["email"] != w["owner"] for w in seed["workspaces"]))["workspaces"][1]
    addable = next(u for u in active if len(u["workspaces"]) == 1 and u["workspaces"][0]["workspace_id"] == first)
    openai_reader = next(u for u in openai_users if u.get("role") == "reader")
    return {
        "openphone_user": openphone,
        "pandadoc_user": pandadoc_users[0]["user_id"],
        "pandadoc_add_user": addable["user_id"],
        "pandadoc_add_workspace": seed["workspaces"][2]["id"],
        "pandadoc_workspace": workspaces[0]["id"],
        "pandadoc_member": removable["membership_id"],
        "pandadoc_member_workspace": removable["workspace_id"],
        "pandadoc_readable_member": members[1]["membership_id"],
        "onepassword_user": next(u["id"] for u in op_users if u["id"] not in owners),
        "openai_user": openai_reader["id"],
        "factory_email": factory_users[-1]["email"],
    }


def _cases(ids: dict[str, str]) -> dict[tuple[str, str], Case]:
    """One request per operation, keyed by (vendor, operation name)."""
    ws, member, mws = ids["pandadoc_workspace"], ids["pandadoc_member"], ids["pandadoc_member_workspace"]
    op_user = ids["onepassword_user"]
    oai = ids["openai_user"]
    cases = {
        ("openphone", "listUsers_v1"): Case("GET", "/v1/users?maxResults=5"),
        ("openphone", "getUserById_v1"): Case("GET", f"/v1/users/{ids['openphone_user']}"),
        ("openphone", "listUsers"): Case("GET", "/users?limit=5", headers=QUO),
        ("openphone", "getUserById"): Case("GET", f"/users/{ids['openphone_user']}", headers=QUO),
        ("pandadoc", "listUsers"): Case("GET", "/public/v1/users?count=5"),
        ("pandadoc", "detailsUser"): Case("GET", f"/public/v1/users/{ids['pandadoc_user']}"),
        ("pandadoc", "createUser"): Case("POST", "/public/v1/users", status=201, json={
            "user": {"email": "h2.tester@example.com", "first_name": "H", "last_name": "Two"},
            "workspaces": [{"workspace_id": ws, "role": "Member"}], "license": "Full"}),
        ("pandadoc", "getWorkspacesList"): Case("GET", "/public/v1/workspaces"),
        ("pandadoc", "addMember"): Case("POST", f"/public/v1/workspaces/{ids['pandadoc_add_workspace']}/members",
                                        status=201, json={"user_id": ids["pandadoc_add_user"], "role": "Manager"}),
        ("pandadoc", "removeMember"): Case("DELETE", f"/public/v1/workspaces/{mws}/members/{member}", status=204),
        ("pandadoc", "changeMemberRole"): Case("PATCH", f"/public/v1/workspaces/{mws}/members/{member}/role",
                                               json={"role": "Manager"}),
        ("pandadoc", "listMembers"): Case("GET", "/public/v1/members"),
        ("pandadoc", "detailsMember"): Case("GET", f"/public/v1/members/{ids['pandadoc_readable_member']}"),
        ("pandadoc", "detailsCurrentMember"): Case("GET", "/public/v1/members/current"),
        ("openai", "list-users"): Case("GET", "/v1/organization/users?limit=10"),
        ("openai", "retrieve-user"): Case("GET", f"/v1/organization/users/{oai}"),
        ("openai", "modify-user"): Case("POST", f"/v1/organization/users/{oai}", json={"role": "owner"}),
        ("openai", "delete-user"): Case("DELETE", f"/v1/organization/users/{oai}"),
        ("openai", "list-user-role-assignments"): Case("GET", f"/v1/organization/users/{oai}/roles"),
        ("openai", "assign-user-role"): Case("POST", f"/v1/organization/users/{oai}/roles",
                                             json={"role_id": "role_01J1F8ROLE01"}),
        ("openai", "retrieve-user-role"): Case("GET", f"/v1/organization/users/{oai}/roles/role_01HV9TREADER0"),
        ("openai", "unassign-user-role"): Case("DELETE", f"/v1/organization/users/{oai}/roles/role_01J1F8ROLE01",
                                               status=404),
        ("factory", "listOrganizationUsers"): Case("GET", "/api/v0/organization/users?limit=5"),
        ("factory", "inviteUser"): Case("POST", "/api/v0/organization/users/invite",
                                        json={"email": "h2.tester@example.com", "role": "user"}),
        ("factory", "removeUser"): Case("DELETE", f"/api/v0/organization/users?email={ids['factory_email']}",
                                        status=204),
    }
    for prefix in ("/v1beta1", "/v1"):
        version = prefix.strip("/")
        base = f"{prefix}/accounts/{ACCOUNT}/users"
        token = "/v1beta1/users/oauth2/token" if version == "v1beta1" else "/v1/oauth/token"
        revoke = "/v1beta1/users/oauth2/revoke" if version == "v1beta1" else "/v1/oauth/revoke"
        cases |= {
            ("1password", f"ListUsers@{version}"): Case("GET", f"{base}?max_page_size=5"),
            ("1password", f"GetUser@{version}"): Case("GET", f"{base}/{op_user}"),
            ("1password", f"SuspendUser@{version}"): Case("POST", f"{base}/{op_user}:suspend"),
            ("1password", f"ReactivateUser@{version}"): Case("POST", f"{base}/{op_user}:reactivate"),
            ("1password", f"RequestAccessToken@{version}"): Case(
                "POST", token, form="grant_type=client_credentials&scope=openid", auth=OAUTH_BASIC),
            ("1password", f"RevokeAccessToken@{version}"): Case(
                "POST", revoke, form="token=not-a-token", auth=OAUTH_BASIC),
        }
    return cases


def _operation_keys(base_url: str) -> list[tuple[str, str]]:
    vendors = httpx.get(f"{base_url}/__admin/vendors", timeout=10.0).json()["vendors"]
    keys = []
    for vendor in vendors:
        names = [op["name"] for op in vendor["operations"]]
        for op in vendor["operations"]:
            # 1Password names its operations the same in both versions: tell them apart by version.
            name = op["name"] if names.count(op["name"]) == 1 else f"{op['name']}@{op['version']}"
            keys.append((vendor["id"], name))
    return keys


@pytest.fixture(scope="module")
def cases(base_url):
    return _cases(_ids(base_url))


def _send(client: httpx.Client, case: Case, vendor: str, session: str) -> httpx.Response:
    headers = {"X-Understudy-Session": session, **case.headers}
    if case.auth is None:
        headers["Authorization"] = ADMIN_AUTH[vendor]
    kwargs = {}
    if case.json is not None:
        kwargs["json"] = case.json
    if case.form is not None:
        kwargs["content"] = case.form.encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    return client.request(case.method, case.path, headers=headers, auth=case.auth, **kwargs)


def _comparable_headers(response: httpx.Response) -> list[tuple[str, str]]:
    # Header order over HTTP/2 is HPACK's business; names are case-insensitive on both.
    return sorted((k.lower(), v) for k, v in response.headers.items() if k.lower() not in UNCOMPARED_HEADERS)


def test_every_operation_has_a_case(base_url, cases):
    missing = [key for key in _operation_keys(base_url) if key not in cases]
    assert missing == [], f"operations without an HTTP/2 case: {missing}"
    assert len(cases) == len(_operation_keys(base_url))


@pytest.mark.parametrize("transport", ["h2-prior-knowledge"])
def test_every_operation_answers_the_same_bytes_over_http2(base_url, cases, transport):
    run = uuid.uuid4().hex[:8]
    with httpx.Client(base_url=base_url, timeout=10.0) as h1, \
         httpx.Client(base_url=base_url, timeout=10.0, http2=True, http1=False) as h2:
        for (vendor, name), case in cases.items():
            over = {}
            for label, client in (("h1", h1), ("h2", h2)):
                session = f"{label}-{run}-{abs(hash(name)) % 10**8}"
                response = _send(client, case, vendor, session)
                over[label] = response
                httpx.delete(f"{base_url}/__admin/sessions/{session}", timeout=10.0)
            assert over["h1"].http_version == "HTTP/1.1", name
            assert over["h2"].http_version == "HTTP/2", name
            assert over["h1"].status_code == case.status, (vendor, name, over["h1"].text[:300])
            assert over["h2"].status_code == over["h1"].status_code, (vendor, name)
            assert over["h2"].content == over["h1"].content, (vendor, name)
            assert _comparable_headers(over["h2"]) == _comparable_headers(over["h1"]), (vendor, name)
            ids = [r.headers.get("x-request-id", "") for r in over.values()]
            assert all(i.startswith("req_") for i in ids) or not any(ids), (vendor, name, ids)


def _curl(*args: str) -> subprocess.CompletedProcess:
    assert shutil.which("curl"), "curl is required"
    return subprocess.run(["curl", "-sS", "--max-time", "10", *args], capture_output=True, timeout=20)


def _curl_case(base_url: str, case: Case, vendor: str, session: str, mode: str) -> tuple[bytes, bytes]:
    """(body, http_version) of one case sent by curl in `mode`, in its own session."""
    args = [mode, "-X", case.method, "-H", f"X-Understudy-Session: {session}", "-w", "\n%{http_version}"]
    args += [arg for name, value in case.headers.items() for arg in ("-H", f"{name}: {value}")]
    if case.auth is None:
        args += ["-H", f"Authorization: {ADMIN_AUTH[vendor]}"]
    else:
        args += ["-u", ":".join(case.auth)]
    if case.json is not None:
        import json
        args += ["-H", "Content-Type: application/json", "--data-binary", json.dumps(case.json)]
    if case.form is not None:
        args += ["-H", "Content-Type: application/x-www-form-urlencoded", "--data-binary", case.form]
    result = _curl(*args, f"{base_url}{case.path}")
    assert result.returncode == 0, (vendor, case.path, result.stderr)
    body, _, version = result.stdout.rpartition(b"\n")
    httpx.delete(f"{base_url}/__admin/sessions/{session}", timeout=10.0)
    return body, version


@pytest.mark.parametrize("mode", ["--http2-prior-knowledge", "--http2"])
def test_curl_over_http2_gets_the_http1_bytes_for_every_operation(base_url, cases, mode):
    run = uuid.uuid4().hex[:8]
    for index, ((vendor, name), case) in enumerate(cases.items()):
        h1, v1 = _curl_case(base_url, case, vendor, f"c1-{run}-{index}", "--http1.1")
        h2, v2 = _curl_case(base_url, case, vendor, f"c2-{run}-{index}", mode)
        assert (v1, v2) == (b"1.1", b"2"), (mode, vendor, name)
        assert h2 == h1, (mode, vendor, name)


def test_upgrade_answers_101_and_serves_the_request_as_stream_1(base_url):
    # curl -v shows the 101 Switching Protocols, then the HTTP/2 response to the upgrading request.
    result = _curl("-v", "--http2", "-H", f"Authorization: {ADMIN_AUTH['openai']}",
                   f"{base_url}/v1/organization/users?limit=1")
    trace = result.stderr.decode(errors="replace")
    assert "HTTP/1.1 101" in trace, trace
    assert "HTTP/2 200" in trace, trace
    assert b'"object":"list"' in result.stdout.replace(b" ", b"")


def test_openai_sdk_over_an_http2_only_client(base_url):
    with httpx.Client(http2=True, http1=False, timeout=10.0) as transport:
        client = OpenAI(api_key="unused", admin_api_key="sk-admin-understudy-test",
                        base_url=f"{base_url}/openai/v1", http_client=transport, max_retries=0)
        page = client.admin.organization.users.list(limit=5)
        assert len(page.data) == 5
        user = client.admin.organization.users.retrieve(page.data[0].id)
        assert user.id == page.data[0].id
        raw = client.admin.organization.users.with_raw_response.list(limit=5)
        assert raw.http_response.http_version == "HTTP/2"


def test_h2load_runs_100k_requests_over_10_connections_of_10_streams(base_url):
    assert shutil.which("h2load"), "h2load (Debian's nghttp2-client) is required"
    parts = urlsplit(base_url)
    result = subprocess.run(
        ["h2load", "-n", "100000", "-c", "10", "-m", "10", "-H", f"Authorization: {ADMIN_AUTH['openai']}",
         f"http://{parts.hostname}:{parts.port}/v1/organization/users?limit=10"],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "requests: 100000 total, 100000 started, 100000 done, 100000 succeeded, 0 failed, 0 errored, 0 timeout" \
        in out, out
    assert "status codes: 100000 2xx" in out, out


def test_sigterm_sends_goaway_and_finishes_the_stream_in_flight():
    # nghttp (Debian's nghttp2-client) prints every frame: the delayed request is in flight when SIGTERM
    # arrives; the server must send GOAWAY(NO_ERROR), still answer the stream, then exit 0.
    assert shutil.which("nghttp"), "nghttp (Debian's nghttp2-client) is required"
    import tempfile
    import time
    from pathlib import Path
    from understudy_contract import start_server
    with tempfile.TemporaryDirectory() as directory:
        process, base = start_server(Path(directory))
        try:
            client = subprocess.Popen(
                ["nghttp", "-nv", "-H", f"authorization: {ADMIN_AUTH['openai']}",
                 f"{base}/v1/organization/users?limit=2&__delay=1500ms"],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            time.sleep(0.5)
            process.terminate()
            out, _ = client.communicate(timeout=20)
            assert process.wait(timeout=20) == 0
        finally:
            if process.poll() is None:
                process.kill()
    assert "recv GOAWAY frame" in out and "error_code=NO_ERROR" in out, out
    assert ":status: 200" in out, out
    assert client.returncode == 0, out


def test_no_http2_answers_over_http1_only():
    import tempfile
    from pathlib import Path
    from understudy_contract import start_server
    with tempfile.TemporaryDirectory() as directory:
        process, base = start_server(Path(directory), "--no-http2")
        try:
            upgrade = _curl("--http2", "-w", "\n%{http_version}", "-H", f"Authorization: {ADMIN_AUTH['openai']}",
                            f"{base}/v1/organization/users?limit=1")
            assert upgrade.stdout.rpartition(b"\n")[2] == b"1.1"  # the Upgrade was ignored, HTTP/1.1 answered
            import socket
            parts = urlsplit(base)
            with socket.create_connection((parts.hostname, parts.port), timeout=5) as raw:
                raw.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
                assert raw.recv(4096).startswith(b"HTTP/1.1 505 ")
        finally:
            process.terminate()
            process.wait(timeout=10)
