"""Schemathesis 4.x property-based conformance of every operation of every vendor version to its spec:
Specs/<vendor>.openapi.json (the default version) and Specs/<vendor>.<version>.openapi.json (the others).

Schemas are loaded eagerly from the repo files with `schemathesis.openapi.from_path`
so collection needs no server; `test_http_clients.test_admin_serves_the_repo_spec`
checks that GET /__admin/specs/{vendor} serves the same document. Each generated
case is sent to the live server with the vendor's admin Authorization header and
validated with the response-conformance checks only (not_a_server_error,
status_code_conformance, content_type_conformance, response_schema_conformance,
response_headers_conformance). Positive and negative generation, the examples,
coverage and fuzzing phases all run; fuzzing is capped by max_examples.

Two choices are made per case from a stable hash of the case's own content (so a
failing example replays identically while Hypothesis shrinks it):
- about half the cases go to the vendor-prefixed form of the path (/<vendor>/...);
- for 1Password, about half the cases have account_id pinned to the seeded account
  (so listings, filters and page sizes are exercised) and the rest keep the random
  id Hypothesis generated (answered with the documented 404 envelope).
"""

from __future__ import annotations

import json
import os
import zlib
from urllib.parse import urlsplit

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from understudy_contract import ADMIN_AUTH, ONEPASSWORD_ACCOUNT, SPECS_DIR, VENDOR_IDS

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "60"))


def _bit(case, salt: str) -> bool:
    material = json.dumps(
        [salt, case.path_parameters, case.query, case.headers], sort_keys=True, default=str
    )
    return zlib.crc32(material.encode()) % 2 == 0


def _server_path(spec_path) -> str:
    """Path part of the spec's first server URL (root-relative paths need "")."""
    with open(spec_path, encoding="utf-8") as fh:
        servers = json.load(fh).get("servers") or [{"url": "/"}]
    return urlsplit(servers[0]["url"]).path.rstrip("/")


def _make_test(spec_path):
    vendor = spec_path.name.split(".")[0]

    schema = schemathesis.openapi.from_path(spec_path)
    auth = {"Authorization": ADMIN_AUTH[vendor]}
    schema.config.update(headers=auth, request_timeout=10)
    server_path = _server_path(spec_path)

    @schema.parametrize()
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def test_conformance(case, base_url):
        if vendor == "1password" and "account_id" in (case.path_parameters or {}) and _bit(case, "pin"):
            case.path_parameters["account_id"] = ONEPASSWORD_ACCOUNT
        prefix = f"/{vendor}" if _bit(case, "prefix") else ""
        case.call_and_validate(base_url=f"{base_url}{prefix}{server_path}", headers=auth, checks=CHECKS)

    return test_conformance


def test_every_vendor_has_a_default_spec():
    for vendor in VENDOR_IDS:
        assert (SPECS_DIR / f"{vendor}.openapi.json").is_file(), f"Specs/{vendor}.openapi.json is missing"


# One test per spec document; write operations change the shared store, so conftest.py resets the
# server after every test.
for _spec in sorted(SPECS_DIR.glob("*.openapi.json")):
    _name = _spec.name.removesuffix(".openapi.json").replace("1password", "onepassword").replace(".", "_").replace("-", "_")
    globals()[f"test_{_name}_conformance"] = _make_test(_spec)
del _spec, _name
