"""The official `openai` Python SDK (3.54.0) listing organization users from understudy.

SDK call used: `OpenAI(admin_api_key=..., base_url=f"{URL}/v1").admin.organization.users.list(...)`
(openai/resources/admin/organization/users/users.py). In 3.54.0 that operation is
declared with `security={"admin_api_key_auth": True}`: the SDK sends
`Authorization: Bearer <admin_api_key>` and ignores `api_key` for it (a client built
with only `api_key=` raises TypeError "Could not resolve authentication method"
before any request), so the key goes in `admin_api_key`. The returned
SyncConversationCursorPage auto-pages by `after=<last_id>` while `has_more` is true.
"""

from __future__ import annotations

import openai
import pytest
from openai import OpenAI
from openai.types.admin.organization.organization_user import OrganizationUser

from understudy_contract import assert_same_users

ADMIN_KEY = "sk-admin-understudy-test"
PROJECT_KEY = "sk-proj-understudy-test"

BASES = {"root": "/v1", "prefixed": "/openai/v1"}


def make_client(base_url: str, form: str, key: str = ADMIN_KEY) -> OpenAI:
    return OpenAI(
        admin_api_key=key,
        base_url=f"{base_url}{BASES[form]}",
        max_retries=0,
        timeout=10.0,
    )


@pytest.fixture(autouse=True)
def _no_ambient_openai_env(monkeypatch):
    # The SDK reads these when a value is not passed; keep the caller's environment out.
    for name in ("OPENAI_API_KEY", "OPENAI_ADMIN_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID",
                 "OPENAI_PROJECT_ID", "OPENAI_CUSTOM_HEADERS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def seeded(seeds):
    return seeds("openai")["users"]


@pytest.mark.parametrize("form", sorted(BASES))
@pytest.mark.parametrize("limit", [1, 7, 100])
def test_auto_paging_lists_every_seeded_user_once_in_order(base_url, seeded, form, limit):
    client = make_client(base_url, form)
    listed = list(client.admin.organization.users.list(limit=limit))

    assert all(isinstance(u, OrganizationUser) for u in listed)
    # Field-for-field: the SDK model dumped back with the wire names and only the
    # fields the server sent must equal the seeded user.
    assert_same_users("openai", [u.to_dict(mode="json") for u in listed], seeded)
    for model, seed in zip(listed, seeded):
        assert model.id == seed["id"]
        assert model.object == "organization.user"
        assert model.added_at == seed["added_at"]
        for field in ("email", "name", "role"):
            if field in seed:
                assert getattr(model, field) == seed[field], field


@pytest.mark.parametrize("form", sorted(BASES))
def test_first_page_and_cursor(base_url, seeded, form):
    client = make_client(base_url, form)
    page = client.admin.organization.users.list(limit=7)
    assert [u.id for u in page.data] == [u["id"] for u in seeded[:7]]
    assert page.has_more is (len(seeded) > 7)
    assert page.last_id == page.data[-1].id

    # An explicit `after` resumes right after that user.
    pivot = seeded[min(2, len(seeded) - 1)]["id"]
    rest = list(client.admin.organization.users.list(after=pivot, limit=5))
    index = [u["id"] for u in seeded].index(pivot)
    assert [u.id for u in rest] == [u["id"] for u in seeded[index + 1:]]


def test_default_page_size_is_20(base_url, seeded):
    page = make_client(base_url, "root").admin.organization.users.list()
    assert len(page.data) == min(20, len(seeded))
    assert page.has_more is (len(seeded) > 20)


@pytest.mark.parametrize("form", sorted(BASES))
def test_emails_filter_returns_exactly_the_matching_users(base_url, seeded, form):
    client = make_client(base_url, form)
    with_email = [u for u in seeded if u.get("email")]
    assert len(with_email) >= 2, "seeds need at least two users with an email"
    wanted = [with_email[-1]["email"], with_email[0]["email"]]  # deliberately not in list order
    expected = [u for u in seeded if u.get("email") in wanted]

    listed = list(client.admin.organization.users.list(emails=wanted, limit=1))
    assert_same_users("openai", [u.to_dict(mode="json") for u in listed], expected)

    none = list(client.admin.organization.users.list(emails=["nobody@understudy.invalid"]))
    assert none == []


@pytest.mark.parametrize("form", sorted(BASES))
def test_project_key_is_refused_with_insufficient_permissions(base_url, form):
    client = make_client(base_url, form, key=PROJECT_KEY)
    with pytest.raises((openai.AuthenticationError, openai.PermissionDeniedError)) as excinfo:
        client.admin.organization.users.list()
    err = excinfo.value
    assert err.status_code in (401, 403)
    assert isinstance(err.body, dict), err.body  # the SDK unwrapped {"error": {...}}
    assert "insufficient permissions" in str(err.body.get("message", "")).lower(), err.body
    assert "insufficient permissions" in err.message.lower()


@pytest.mark.parametrize("form", sorted(BASES))
def test_bad_key_is_invalid_api_key(base_url, form):
    client = make_client(base_url, form, key="sk-admin-not-a-real-key")
    with pytest.raises(openai.AuthenticationError) as excinfo:
        client.admin.organization.users.list()
    err = excinfo.value
    assert err.status_code == 401
    assert err.code == "invalid_api_key"
    assert isinstance(err.body, dict) and err.body.get("message")


def test_out_of_range_limit_is_a_bad_request(base_url):
    client = make_client(base_url, "root")
    for limit in (0, 101):
        with pytest.raises(openai.BadRequestError) as excinfo:
            client.admin.organization.users.list(limit=limit)
        assert isinstance(excinfo.value.body, dict) and excinfo.value.body.get("message"), limit
