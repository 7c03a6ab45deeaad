"""Plain HTTP clients (httpx) against all five emulated endpoints.

OpenPhone, 1Password and Factory ship no Python SDK, so httpx stands in for the
"real client" there; for PandaDoc and OpenAI it checks the wire format underneath
the SDK tests. Every listing test runs both unprefixed and under /<vendor>.
"""

from __future__ import annotations

import pytest

from understudy_contract import (
    ADMIN_AUTH,
    DEFAULT_PAGE_SIZE,
    ITEMS_KEY,
    LIST_PATH,
    ONEPASSWORD_ACCOUNT,
    VENDOR_IDS,
    WALKERS,
    assert_json,
    assert_same_users,
    load_spec,
    prefix_for,
    user_key,
)

FORMS = {"root": False, "prefixed": True}

MEMBER_AUTH = {
    "openphone": "openphone-member-key",
    "pandadoc": "API-Key pandadoc-member-key",
    "1password": "Bearer 1password-member-token",
    "openai": "Bearer sk-proj-understudy-test",
    "factory": "Bearer factory-member-key",
}

BAD_AUTH = {
    "openphone": "openphone-wrong-key",
    "pandadoc": "API-Key pandadoc-wrong-key",
    "1password": "Bearer 1password-wrong-token",
    "openai": "Bearer sk-admin-wrong-key",
    "factory": "Bearer factory-wrong-key",
}


def url(base_url: str, vendor: str, form: str = "root") -> str:
    return f"{base_url}{prefix_for(vendor, FORMS[form])}{LIST_PATH[vendor]}"


def get(http, base_url, vendor, form="root", auth="admin", params=None):
    headers = {}
    if auth == "admin":
        headers["Authorization"] = ADMIN_AUTH[vendor]
    elif auth is not None:
        headers["Authorization"] = auth
    return http.get(url(base_url, vendor, form), params=params, headers=headers)


# --------------------------------------------------------------------- admin

def test_health(http, base_url):
    resp = http.get(f"{base_url}/__admin/health")
    assert resp.status_code == 200
    assert assert_json(resp) == {"status": "ok"}


@pytest.mark.parametrize("vendor", VENDOR_IDS)
def test_admin_serves_the_repo_spec(http, base_url, vendor):
    resp = http.get(f"{base_url}/__admin/specs/{vendor}")
    assert resp.status_code == 200
    served = assert_json(resp)
    on_disk = load_spec(vendor)
    assert served["paths"] == on_disk["paths"]
    assert served.get("components") == on_disk.get("components")


# ------------------------------------------------------------------ listings

@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("page_size", [1, 7, 50])
@pytest.mark.parametrize("vendor", VENDOR_IDS)
def test_full_walk_equals_seeds(http, base_url, seeds, vendor, form, page_size):
    listed, pages = WALKERS[vendor](http, base_url, page_size=page_size, prefixed=FORMS[form])
    assert_same_users(vendor, listed, seeds(vendor)["users"])
    expected_pages = -(-len(listed) // page_size)
    # Offset paging (PandaDoc) needs one extra, empty request when the total divides evenly.
    assert len(pages) in (expected_pages, expected_pages + 1)


@pytest.mark.parametrize("vendor", sorted(DEFAULT_PAGE_SIZE))
def test_default_page_size(http, base_url, seeds, vendor):
    resp = get(http, base_url, vendor)
    assert resp.status_code == 200
    items = assert_json(resp)[ITEMS_KEY[vendor]]
    expected = seeds(vendor)["users"][: DEFAULT_PAGE_SIZE[vendor]]
    assert_same_users(vendor, items, expected)


@pytest.mark.parametrize("vendor,params", [
    ("openphone", {"maxResults": 50}),
    ("pandadoc", {"count": 50}),
    ("1password", {"max_page_size": 1000}),
    ("openai", {"limit": 100}),
    ("factory", {"limit": "100"}),
])
def test_largest_page(http, base_url, seeds, vendor, params):
    resp = get(http, base_url, vendor, params=params)
    assert resp.status_code == 200
    items = assert_json(resp)[ITEMS_KEY[vendor]]
    size = int(next(iter(params.values())))
    assert_same_users(vendor, items, seeds(vendor)["users"][:size])


def test_openphone_total_items(http, base_url, seeds):
    body = assert_json(get(http, base_url, "openphone", params={"maxResults": 5}))
    assert body["totalItems"] == len(seeds("openphone")["users"])


def test_pandadoc_total(http, base_url, seeds):
    body = assert_json(get(http, base_url, "pandadoc", params={"count": 5}))
    assert body["total"] == len(seeds("pandadoc")["users"])


def test_1password_page_size_above_1000_is_coerced(http, base_url, seeds):
    resp = get(http, base_url, "1password", params={"max_page_size": 5000})
    assert resp.status_code == 200
    body = assert_json(resp)
    assert_same_users("1password", body["results"], seeds("1password")["users"][:1000])
    assert "next_page_token" not in body  # absent on the last page (the reading of the vendor)


@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("filter_value,states", [
    ("user.isActive()", {"ACTIVE"}),
    ("user.isSuspended()", {"SUSPENDED"}),
    ("", None),
])
def test_1password_filter(http, base_url, seeds, form, filter_value, states):
    seeded = seeds("1password")["users"]
    expected = [u for u in seeded if states is None or u["state"] in states]
    assert expected, f"no seeded users in state {states}"
    listed, _ = WALKERS["1password"](http, base_url, page_size=7, prefixed=FORMS[form], filter=filter_value)
    assert_same_users("1password", listed, expected)


@pytest.mark.parametrize("form", sorted(FORMS))
def test_pandadoc_show_removed_false(http, base_url, seeds, form):
    seed = seeds("pandadoc")
    removed = set(seed["removedUserIds"])
    expected = [u for u in seed["users"] if user_key("pandadoc", u) not in removed]
    listed, pages = WALKERS["pandadoc"](http, base_url, page_size=7, prefixed=FORMS[form], show_removed=False)
    assert_same_users("pandadoc", listed, expected)
    assert pages[0]["total"] == len(expected)


@pytest.mark.parametrize("wire_name", ["emails[]", "emails"])
def test_openai_emails_filter(http, base_url, seeds, wire_name):
    seeded = seeds("openai")["users"]
    wanted = [seeded[-1]["email"], seeded[0]["email"], "nobody@understudy.invalid"]
    params = [(wire_name, e) for e in wanted] + [("limit", 100)]
    body = assert_json(get(http, base_url, "openai", params=params))
    assert_same_users("openai", body["data"], [u for u in seeded if u["email"] in wanted])
    assert body["has_more"] is False


def test_openai_empty_page_has_null_ids(http, base_url):
    body = assert_json(get(http, base_url, "openai", params=[("emails[]", "nobody@understudy.invalid")]))
    assert body == {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}


def test_openai_sends_request_id(http, base_url):
    ok = get(http, base_url, "openai")
    bad = get(http, base_url, "openai", auth=None)
    assert ok.headers.get("x-request-id")
    assert bad.headers.get("x-request-id")


# ---------------------------------------------------------------- determinism

FIRST_PAGE = {
    "openphone": {"maxResults": 7},
    "pandadoc": {"count": 7, "page": 1},
    "1password": {"max_page_size": 7},
    "openai": {"limit": 7},
    "factory": {"limit": "7"},
}


def second_page(vendor, body):
    return {
        "openphone": lambda: {"maxResults": 7, "pageToken": body["nextPageToken"]},
        "pandadoc": lambda: {"count": 7, "page": 2},
        "1password": lambda: {"max_page_size": 7, "page_token": body["next_page_token"]},
        "openai": lambda: {"limit": 7, "after": body["last_id"]},
        "factory": lambda: {"limit": "7", "cursor": body["pagination"]["nextCursor"]},
    }[vendor]()


@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("vendor", VENDOR_IDS)
def test_identical_requests_return_identical_bytes(http, base_url, vendor, form):
    def twice(params):
        first = get(http, base_url, vendor, form, params=params)
        second = get(http, base_url, vendor, form, params=params)
        assert first.status_code == second.status_code == 200, first.text[:300]
        assert first.content == second.content, params
        return assert_json(first)

    body = twice(FIRST_PAGE[vendor])
    twice(second_page(vendor, body))  # a cursor/token followed twice gives the same page


# -------------------------------------------------------------------- errors

def openphone_envelope(body, status):
    if status == 401:
        # The live v1 401 (third-party probes; current docs), not the published message/code envelope.
        assert set(body) == {"error"}, body
        assert set(body["error"]) == {"message", "key", "trace"}, body
        assert body["error"]["key"] == "Unauthorized"
        assert body["error"]["message"] in ("Missing authorization header", "Unauthorized")
        return
    for key in ("message", "code", "status", "docs", "title"):
        assert key in body, f"missing {key!r}: {body}"
    assert body["code"] == f"1100{status}"
    assert body["status"] == status
    assert isinstance(body["message"], str) and body["message"]
    assert body["docs"] == "https://openphone.com/docs"


def onepassword_envelope(body, grpc_code):
    assert set(body) == {"code", "message", "details"}, body
    assert body["code"] == grpc_code
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["details"], list)


def factory_envelope(body, status):
    for key in ("detail", "status", "title"):
        assert key in body, f"missing {key!r}: {body}"
    assert body["status"] == status
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["title"], str) and body["title"]


def openai_envelope(body, code=None):
    assert set(body) == {"error"}, body
    err = body["error"]
    assert set(err) == {"message", "type", "param", "code"}, err
    assert err["type"] == "invalid_request_error"
    assert isinstance(err["message"], str) and err["message"]
    if code is not None:
        assert err["code"] == code
    return err


def pandadoc_envelope(body, error_type):
    assert body.get("type") == error_type, body
    assert body.get("detail"), body


GRPC = {401: 16, 403: 7, 400: 3, 404: 5}


def check_envelope(vendor, resp, status):
    assert resp.status_code == status, f"{resp.request.url}: {resp.status_code} {resp.text[:300]}"
    body = assert_json(resp)
    if vendor == "openphone":
        openphone_envelope(body, status)
    elif vendor == "1password":
        onepassword_envelope(body, GRPC[status])
    elif vendor == "factory":
        factory_envelope(body, status)
    elif vendor == "openai":
        openai_envelope(body)
    elif vendor == "pandadoc":
        pandadoc_envelope(body, {401: "authentication_error", 403: "permissions_error", 400: "validation_error"}[status])
    return body


def base_params(vendor):
    return {"maxResults": 5} if vendor == "openphone" else None


@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("vendor", VENDOR_IDS)
def test_missing_credentials(http, base_url, vendor, form):
    check_envelope(vendor, get(http, base_url, vendor, form, auth=None, params=base_params(vendor)), 401)


@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("vendor", VENDOR_IDS)
def test_unknown_credentials(http, base_url, vendor, form):
    body = check_envelope(vendor, get(http, base_url, vendor, form, auth=BAD_AUTH[vendor], params=base_params(vendor)), 401)
    if vendor == "openai":
        assert body["error"]["code"] == "invalid_api_key"


@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("vendor", VENDOR_IDS)
def test_member_credentials_are_forbidden(http, base_url, vendor, form):
    body = check_envelope(vendor, get(http, base_url, vendor, form, auth=MEMBER_AUTH[vendor], params=base_params(vendor)), 403)
    if vendor == "openai":
        assert "insufficient permissions" in body["error"]["message"].lower()


@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("params", [{"maxResults": 0}, {"maxResults": 51}, {"maxResults": "abc"}],
                         ids=["zero", "51", "abc"])
def test_openphone_bad_max_results(http, base_url, form, params):
    body = check_envelope("openphone", get(http, base_url, "openphone", form, params=params), 400)
    assert body["title"] == "Bad Request"
    assert any(e.get("path") == "/query/maxResults" for e in body.get("errors", [])), body


def test_openphone_bad_page_token(http, base_url):
    resp = get(http, base_url, "openphone", params={"maxResults": 5, "pageToken": "not-a-token"})
    body = check_envelope("openphone", resp, 400)
    assert body["message"] == "Invalid pageToken"


@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("params", [
    {"filter": "user.isBogus()"},
    {"max_page_size": -1},
    {"max_page_size": "abc"},
    {"page_token": "%%%not-a-token%%%"},
], ids=["filter", "negative-size", "non-int-size", "page-token"])
def test_1password_bad_params(http, base_url, form, params):
    check_envelope("1password", get(http, base_url, "1password", form, params=params), 400)


@pytest.mark.parametrize("form", sorted(FORMS))
def test_1password_unknown_account(http, base_url, form):
    other = "ZZZZZZZZZZZZZZZZZZZZZZZZZZ"
    assert other != ONEPASSWORD_ACCOUNT
    resp = http.get(f"{base_url}{prefix_for('1password', FORMS[form])}/v1beta1/accounts/{other}/users",
                    headers={"Authorization": ADMIN_AUTH["1password"]})
    check_envelope("1password", resp, 404)


@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("params", [{"limit": "0"}, {"limit": "101"}, {"limit": "abc"}, {"cursor": "user_nope"}],
                         ids=["zero", "101", "abc", "cursor"])
def test_factory_bad_params(http, base_url, form, params):
    body = check_envelope("factory", get(http, base_url, "factory", form, params=params), 400)
    assert body["title"]


@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("params,param,code", [
    ({"limit": 0}, "limit", "integer_below_min_value"),
    ({"limit": 101}, "limit", "integer_above_max_value"),
    ({"limit": "abc"}, "limit", "invalid_type"),
    ({"after": "user-doesnotexist"}, "after", None),
], ids=["zero", "101", "abc", "after"])
def test_openai_bad_params(http, base_url, form, params, param, code):
    resp = get(http, base_url, "openai", form, params=params)
    assert resp.status_code == 400
    err = openai_envelope(assert_json(resp))
    assert err["param"] == param
    if code is not None:
        assert err["code"] == code


@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("params,field", [
    ({"count": 51}, "count"),
    ({"count": "abc"}, "count"),
    ({"page": "abc"}, "page"),
    ({"show_removed": "maybe"}, "show_removed"),
], ids=["count-51", "count-abc", "page-abc", "show_removed"])
def test_pandadoc_bad_params(http, base_url, form, params, field):
    body = check_envelope("pandadoc", get(http, base_url, "pandadoc", form, params=params), 400)
    assert isinstance(body["detail"], dict) and field in body["detail"], body
