"""The contract the conformance suite checks, in one place.

Default credentials, endpoint paths and page-walking helpers for the five
emulated vendors, plus loaders for Seeds/<vendor>.json and
Specs/<vendor>.openapi.json. Shared by every test module (imported as a plain
module: pytest puts this directory on sys.path because conftest.py lives here).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any, Callable

import httpx

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
SEEDS_DIR = REPO_ROOT / "Seeds"
SPECS_DIR = REPO_ROOT / "Specs"

VENDOR_IDS = ("openphone", "pandadoc", "1password", "openai", "factory")

ONEPASSWORD_ACCOUNT = "UNDERSTUDYTESTACCOUNT00001"

# Admin (full-access) Authorization header values the server accepts by default.
ADMIN_AUTH = {
    "openphone": "openphone-test-key",  # raw key, no scheme
    "pandadoc": "API-Key pandadoc-test-key",
    "1password": "Bearer 1password-test-token",
    "openai": "Bearer sk-admin-understudy-test",
    "factory": "Bearer factory-test-key",
}

# Unprefixed list-users path per vendor. Every path is also served under
# "/<vendor id>" (e.g. /openai/v1/organization/users).
LIST_PATH = {
    "openphone": "/v1/users",
    "pandadoc": "/public/v1/users",
    "1password": f"/v1beta1/accounts/{ONEPASSWORD_ACCOUNT}/users",
    "openai": "/v1/organization/users",
    "factory": "/api/v0/organization/users",
}

# Server-side default page sizes when the page-size parameter is omitted.
DEFAULT_PAGE_SIZE = {
    "openphone": 10,  # maxResults is optional on the live API (the published spec says required)
    "pandadoc": 50,
    "1password": 25,
    "openai": 20,
    "factory": 20,
}

# Key of the user array in each vendor's list response.
ITEMS_KEY = {
    "openphone": "data",
    "pandadoc": "results",
    "1password": "results",
    "openai": "data",
    "factory": "users",
}


def prefix_for(vendor: str, prefixed: bool) -> str:
    return f"/{vendor}" if prefixed else ""


def load_seeds(vendor: str) -> dict[str, Any]:
    path = SEEDS_DIR / f"{vendor}.json"
    with path.open(encoding="utf-8") as fh:
        doc = json.load(fh)
    assert isinstance(doc.get("users"), list) and doc["users"], f"{path}: no seeded users"
    return doc


def load_spec(vendor: str) -> dict[str, Any]:
    with (SPECS_DIR / f"{vendor}.openapi.json").open(encoding="utf-8") as fh:
        return json.load(fh)


def user_key(vendor: str, user: dict[str, Any]) -> str:
    """The identifier field of a vendor-shaped user."""
    for field in ("id", "user_id", "uuid"):
        if field in user:
            return str(user[field])
    raise AssertionError(f"{vendor} user has no id field: {sorted(user)}")


def assert_json(resp: httpx.Response) -> Any:
    ctype = resp.headers.get("content-type", "")
    assert ctype.startswith("application/json"), f"{resp.request.url}: Content-Type {ctype!r}"
    return resp.json()


# ---------------------------------------------------------------- page walks
# Each walk follows the vendor's own pagination protocol until exhaustion and
# returns (users in listed order, list of page bodies). A hard page cap keeps
# a server that never ends its pagination from hanging the run.

MAX_PAGES = 500


def _get(client: httpx.Client, url: str, auth: str | None, params: Any) -> dict[str, Any]:
    headers = {} if auth is None else {"Authorization": auth}
    resp = client.get(url, params=params, headers=headers)
    assert resp.status_code == 200, f"GET {resp.request.url} -> {resp.status_code}: {resp.text[:500]}"
    return assert_json(resp)


# OpenPhone's dated generation: GET /users with this header, limit/after, {data, nextCursor}.
OPENPHONE_DATED_PATH = "/users"
OPENPHONE_VERSION_HEADER = {"Quo-Api-Version": "2026-03-30"}


def walk_openphone_dated(client, base, page_size=7, prefixed=False, auth=ADMIN_AUTH["openphone"]):
    url = f"{base}{prefix_for('openphone', prefixed)}{OPENPHONE_DATED_PATH}"
    users, pages, cursor = [], [], None
    for _ in range(MAX_PAGES):
        params = {"limit": page_size}
        if cursor is not None:
            params["after"] = cursor
        resp = client.get(url, params=params, headers={"Authorization": auth, **OPENPHONE_VERSION_HEADER})
        assert resp.status_code == 200, f"GET {resp.request.url} -> {resp.status_code}: {resp.text[:500]}"
        body = assert_json(resp)
        pages.append(body)
        assert set(body) == {"data", "nextCursor"}, body.keys()
        assert isinstance(body["data"], list) and len(body["data"]) <= page_size
        users.extend(body["data"])
        cursor = body["nextCursor"]
        if cursor is None:
            return users, pages
        assert body["data"], "a non-final page must not be empty"
    raise AssertionError("openphone 2026-03-30 pagination did not terminate")


def walk_openphone(client, base, page_size=7, prefixed=False, auth=ADMIN_AUTH["openphone"]):
    url = f"{base}{prefix_for('openphone', prefixed)}{LIST_PATH['openphone']}"
    users, pages, token = [], [], None
    for _ in range(MAX_PAGES):
        params = {"maxResults": page_size}
        if token is not None:
            params["pageToken"] = token
        body = _get(client, url, auth, params)
        pages.append(body)
        assert isinstance(body["data"], list)
        assert len(body["data"]) <= page_size
        users.extend(body["data"])
        assert "nextPageToken" in body, "nextPageToken must be present (null on the last page)"
        token = body["nextPageToken"]
        if token is None:
            return users, pages
        assert body["data"], "a non-final page must not be empty"
    raise AssertionError("openphone pagination did not terminate")


def walk_pandadoc(client, base, page_size=7, prefixed=False, auth=ADMIN_AUTH["pandadoc"], show_removed=None):
    url = f"{base}{prefix_for('pandadoc', prefixed)}{LIST_PATH['pandadoc']}"
    users, pages = [], []
    for page in range(1, MAX_PAGES + 1):
        params = {"count": page_size, "page": page}
        if show_removed is not None:
            params["show_removed"] = "true" if show_removed else "false"
        body = _get(client, url, auth, params)
        pages.append(body)
        results = body["results"]
        assert isinstance(results, list) and len(results) <= page_size
        users.extend(results)
        if len(results) < page_size:
            return users, pages
    raise AssertionError("pandadoc pagination did not terminate")


def walk_1password(client, base, page_size=7, prefixed=False, auth=ADMIN_AUTH["1password"], filter=None,
                   account=ONEPASSWORD_ACCOUNT):
    url = f"{base}{prefix_for('1password', prefixed)}/v1beta1/accounts/{account}/users"
    users, pages, token = [], [], None
    for _ in range(MAX_PAGES):
        params = {"max_page_size": page_size}
        if filter is not None:
            params["filter"] = filter
        if token is not None:
            params["page_token"] = token
        body = _get(client, url, auth, params)
        pages.append(body)
        assert isinstance(body["results"], list) and len(body["results"]) <= page_size
        users.extend(body["results"])
        # The last page carries next_page_token "" (protojson EmitUnpopulated); absent is
        # treated the same way so a client written against the docs also stops.
        token = body.get("next_page_token")
        if not token:
            return users, pages
        assert body["results"], "a non-final page must not be empty"
    raise AssertionError("1password pagination did not terminate")


def walk_openai(client, base, page_size=7, prefixed=False, auth=ADMIN_AUTH["openai"], emails=None):
    url = f"{base}{prefix_for('openai', prefixed)}{LIST_PATH['openai']}"
    users, pages, after = [], [], None
    for _ in range(MAX_PAGES):
        params: list[tuple[str, Any]] = [("limit", page_size)]
        if after is not None:
            params.append(("after", after))
        for email in emails or ():
            params.append(("emails[]", email))
        body = _get(client, url, auth, params)
        pages.append(body)
        data = body["data"]
        assert body["object"] == "list"
        assert isinstance(data, list) and len(data) <= page_size
        if data:
            assert body["first_id"] == data[0]["id"]
            assert body["last_id"] == data[-1]["id"]
        users.extend(data)
        if not body["has_more"]:
            return users, pages
        assert data, "has_more with an empty page"
        after = body["last_id"]
    raise AssertionError("openai pagination did not terminate")


def walk_factory(client, base, page_size=7, prefixed=False, auth=ADMIN_AUTH["factory"]):
    url = f"{base}{prefix_for('factory', prefixed)}{LIST_PATH['factory']}"
    users, pages, cursor = [], [], None
    for _ in range(MAX_PAGES):
        params = {"limit": str(page_size)}
        if cursor is not None:
            params["cursor"] = cursor
        body = _get(client, url, auth, params)
        pages.append(body)
        assert isinstance(body["users"], list) and len(body["users"]) <= page_size
        users.extend(body["users"])
        pagination = body["pagination"]
        if not pagination["hasMore"]:
            return users, pages
        cursor = pagination["nextCursor"]
        assert cursor, "hasMore without a nextCursor"
        assert body["users"], "a non-final page must not be empty"
    raise AssertionError("factory pagination did not terminate")


WALKERS: dict[str, Callable[..., tuple[list, list]]] = {
    "openphone": walk_openphone,
    "pandadoc": walk_pandadoc,
    "1password": walk_1password,
    "openai": walk_openai,
    "factory": walk_factory,
}


def assert_same_users(vendor: str, listed: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    """Every expected user exactly once, in the expected order, equal field-for-field."""
    listed_ids = [user_key(vendor, u) for u in listed]
    expected_ids = [user_key(vendor, u) for u in expected]
    dupes = sorted({i for i in listed_ids if listed_ids.count(i) > 1})
    assert not dupes, f"{vendor}: users listed more than once: {dupes}"
    assert listed_ids == expected_ids, f"{vendor}: listed ids/order differ from seeds"
    for got, want in zip(listed, expected):
        assert got == want, f"{vendor}: user {user_key(vendor, want)} differs from its seed"


def start_server(directory: Path, *args: str, name: str = "ready") -> tuple[subprocess.Popen, str]:
    """An extra `understudy serve` (UNDERSTUDY_BIN, set by run.sh) on a free port with `args`; returns the
    process and its base URL once it is ready. The caller stops it (terminate + wait)."""
    ready = Path(directory) / name
    binary = os.environ.get("UNDERSTUDY_BIN")
    assert binary, "UNDERSTUDY_BIN is not set (run.sh sets it)"
    process = subprocess.Popen([binary, "serve", "--port", "0", "--log", "off", "--ready-file", str(ready), *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if ready.exists() and ready.read_text().strip():
            return process, ready.read_text().strip().rstrip("/")
        assert process.poll() is None, "understudy exited before becoming ready"
        time.sleep(0.05)
    process.kill()
    raise AssertionError("understudy did not become ready")
