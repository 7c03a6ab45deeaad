"""`serve --users 100000 --seed 42` in two separate processes: every vendor's first and last pages
must be byte-identical, and walking every page must list each generated user exactly once."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from understudy_contract import ADMIN_AUTH, start_server

COUNT = 100_000
ACCOUNT = "UNDERSTUDYTESTACCOUNT00001"


def start(directory: Path, name: str) -> tuple[subprocess.Popen, str]:
    return start_server(directory, "--users", str(COUNT), "--seed", "42", name=f"{name}.url")


@pytest.fixture(scope="module")
def servers():
    with tempfile.TemporaryDirectory() as directory:
        first, first_url = start(Path(directory), "a")
        second, second_url = start(Path(directory), "b")
        try:
            yield first_url, second_url
        finally:
            for process in (first, second):
                process.terminate()
                process.wait(timeout=10)


def walk(client: httpx.Client, base: str, vendor: str) -> tuple[bytes, bytes, list[str]]:
    """First page bytes, last page bytes, and every listed id, paging with the largest page size."""
    headers = {"Authorization": ADMIN_AUTH[vendor]}
    pages: list[bytes] = []
    ids: list[str] = []
    if vendor == "openphone":
        params: dict = {"maxResults": 50}
        while True:
            body = client.get(f"{base}/v1/users", params=params, headers=headers)
            pages.append(body.content)
            data = body.json()
            ids += [u["id"] for u in data["data"]]
            if data["nextPageToken"] is None:
                break
            params["pageToken"] = data["nextPageToken"]
    elif vendor == "pandadoc":
        page = 1
        while True:
            body = client.get(f"{base}/public/v1/users", params={"count": 50, "page": page}, headers=headers)
            data = body.json()
            if not data["results"]:
                break
            pages.append(body.content)
            ids += [u["user_id"] for u in data["results"]]
            page += 1
    elif vendor == "1password":
        params = {"max_page_size": 1000}
        while True:
            body = client.get(f"{base}/v1beta1/accounts/{ACCOUNT}/users", params=params, headers=headers)
            pages.append(body.content)
            data = body.json()
            ids += [u["id"] for u in data["results"]]
            if "next_page_token" not in data:
                break
            params["page_token"] = data["next_page_token"]
    elif vendor == "openai":
        params = {"limit": 100}
        while True:
            body = client.get(f"{base}/v1/organization/users", params=params, headers=headers)
            pages.append(body.content)
            data = body.json()
            ids += [u["id"] for u in data["data"]]
            if not data["has_more"]:
                break
            params["after"] = data["last_id"]
    else:
        params = {"limit": "100"}
        while True:
            body = client.get(f"{base}/api/v0/organization/users", params=params, headers=headers)
            pages.append(body.content)
            data = body.json()
            ids += [u["id"] for u in data["users"]]
            if not data["pagination"]["hasMore"]:
                break
            params["cursor"] = data["pagination"]["nextCursor"]
    return pages[0], pages[-1], ids


@pytest.mark.parametrize("vendor", ["openphone", "pandadoc", "1password", "openai", "factory"])
def test_generated_pages_are_identical_across_processes(servers, vendor):
    with httpx.Client(timeout=30.0) as client:
        first_a, last_a, ids_a = walk(client, servers[0], vendor)
        first_b, last_b, ids_b = walk(client, servers[1], vendor)
    assert first_a == first_b
    assert last_a == last_b
    assert ids_a == ids_b
    assert len(ids_a) == COUNT
    assert len(set(ids_a)) == COUNT
