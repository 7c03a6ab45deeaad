"""Parallel tests against ONE understudy: each pytest-xdist worker lives in its own session.

run.sh runs this module a second time with `pytest -n 4`; in the serial run it is one worker.
The three ways into a session are shared between the workers by their index:
  gw0, gw3: X-Understudy-Session header; gw1: /__session/NAME/ base-URL prefix; gw2: session credentials.
Every worker deletes a different user, adds one and arms a one-shot 429 in every vendor while paging,
and must see exactly its own changes, its own fault and its own journal; the default session stays as
seeded.
"""

from __future__ import annotations

import os

import httpx
import pytest

from understudy_contract import ADMIN_AUTH, VENDOR_IDS, WALKERS, load_seeds, user_key

WAYS = ("header", "prefix", "credentials")


@pytest.fixture(scope="module")
def worker(base_url):
    worker_id = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(worker_id[2:]) if worker_id.startswith("gw") else 0
    name = f"xdist-{worker_id}"
    created = httpx.post(f"{base_url}/__admin/sessions", json={"name": name}, timeout=10)
    assert created.status_code in (200, 201), created.text
    body = created.json()
    assert body["name"] == name
    way = WAYS[index % len(WAYS)]
    headers = {"X-Understudy-Session": name} if way == "header" else {}
    base = f"{base_url}/__session/{name}" if way == "prefix" else base_url
    credentials = {vendor: next(c["authorization"] for c in body["credentials"][vendor] if c["role"] == "admin")
                   for vendor in VENDOR_IDS}
    with httpx.Client(timeout=10, headers=headers) as client:
        yield {
            "name": name, "index": index, "way": way, "client": client, "base": base,
            "admin": f"{base_url}/__session/{name}/__admin",
            "auth": (lambda vendor: credentials[vendor]) if way == "credentials" else (lambda vendor: ADMIN_AUTH[vendor]),
        }
    httpx.delete(f"{base_url}/__admin/sessions/{name}", timeout=10)


def _list_url(base: str, vendor: str) -> str:
    paths = {
        "openphone": "/v1/users?maxResults=5",
        "pandadoc": "/public/v1/users?count=5",
        "1password": "/v1beta1/accounts/UNDERSTUDYTESTACCOUNT00001/users?max_page_size=5",
        "openai": "/v1/organization/users?limit=5",
        "factory": "/api/v0/organization/users?limit=5",
    }
    return f"{base}{paths[vendor]}"


@pytest.mark.parametrize("round_", range(4))
@pytest.mark.parametrize("vendor", VENDOR_IDS)
def test_each_worker_sees_only_its_own_session(worker, base_url, vendor, round_):
    admin, client = worker["admin"], worker["client"]
    assert httpx.post(f"{base_url}/__admin/sessions/{worker['name']}/reset", timeout=10).status_code == 200
    seeded = [user_key(vendor, user) for user in load_seeds(vendor)["users"]]
    victim = seeded[(worker["index"] * 7 + round_) % len(seeded)]

    assert httpx.delete(f"{admin}/vendors/{vendor}/users/{victim}", timeout=10).status_code == 204
    added = httpx.post(f"{admin}/vendors/{vendor}/users", json={}, timeout=10)
    assert added.status_code == 201, added.text
    added_id = user_key(vendor, added.json())
    armed = httpx.post(f"{admin}/faults", json={"vendor": vendor, "status": 429, "times": 1}, timeout=10)
    assert armed.status_code == 201

    auth = worker["auth"](vendor)
    throttled = client.get(_list_url(worker["base"], vendor), headers={"Authorization": auth})
    assert throttled.status_code == 429, throttled.text
    users, pages = WALKERS[vendor](client, worker["base"], page_size=50, auth=auth)
    listed = [user_key(vendor, user) for user in users]
    assert victim not in listed
    assert added_id in listed
    assert [i for i in listed if i != added_id] == [i for i in seeded if i != victim]

    journal = httpx.get(f"{admin}/requests", params={"vendor": vendor}, timeout=10).json()["requests"]
    assert [entry["status"] for entry in journal] == [429] + [200] * len(pages)
    assert {entry["session"] for entry in journal} == {worker["name"]}

    # The default session is untouched by any worker.
    default_users, _ = WALKERS[vendor](httpx.Client(timeout=10), base_url, page_size=50)
    assert [user_key(vendor, user) for user in default_users] == seeded
