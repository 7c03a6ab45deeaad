"""The official `openai` Python SDK (3.54.0, unmodified) against understudy's whole users resource.

SDK calls used (openai/resources/admin/organization/users/users.py and users/roles.py):
`client.admin.organization.users.retrieve/update/delete(user_id)` and
`client.admin.organization.users.roles.create(user_id, role_id=)`, `.retrieve(role_id, user_id=)`,
`.list(user_id, limit=, after=, order=)` (a SyncNextCursorPage that pages with `after=<next>`) and
`.delete(role_id, user_id=)`. Every write is checked against the next list. Role ids are read from
the seed file's `roles` catalog (also in GET /__admin/vendors).
"""

from __future__ import annotations

import openai
import pytest
from openai import OpenAI
from openai.types.admin.organization.organization_user import OrganizationUser
from openai.types.admin.organization.user_delete_response import UserDeleteResponse

ADMIN_KEY = "sk-admin-understudy-test"
PROJECT_KEY = "sk-proj-understudy-test"
BASES = {"root": "/v1", "prefixed": "/openai/v1"}


def make_client(base_url: str, form: str = "root", key: str = ADMIN_KEY) -> OpenAI:
    return OpenAI(admin_api_key=key, base_url=f"{base_url}{BASES[form]}", max_retries=0, timeout=10.0)


@pytest.fixture(autouse=True)
def _no_ambient_openai_env(monkeypatch):
    for name in ("OPENAI_API_KEY", "OPENAI_ADMIN_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID",
                 "OPENAI_PROJECT_ID", "OPENAI_CUSTOM_HEADERS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def seed(seeds):
    return seeds("openai")


@pytest.fixture
def users(seed):
    return seed["users"]


def role_id(seed, name: str) -> str:
    return next(r["id"] for r in seed["roles"] if r["name"] == name)


def listed(client) -> list[OrganizationUser]:
    return list(client.admin.organization.users.list(limit=100))


def assigned(client, user_id: str, **params) -> list[str]:
    return [r.id for r in client.admin.organization.users.roles.list(user_id, **params)]


# ------------------------------------------------------------------ retrieve and the 2.3.0 fields

@pytest.mark.parametrize("form", sorted(BASES))
def test_retrieve_returns_the_seeded_user_field_for_field(base_url, users, form):
    client = make_client(base_url, form)
    for seeded in (users[0], users[17], users[-1]):
        user = client.admin.organization.users.retrieve(seeded["id"])
        assert isinstance(user, OrganizationUser)
        assert user.to_dict(mode="json") == seeded


def test_new_fields_read_through_the_sdk(base_url, users):
    client = make_client(base_url)
    everyone = listed(client)
    assert len(everyone) == len(users)
    assert any(u.is_scim_managed for u in everyone)
    service = [u for u in everyone if u.is_service_account]
    assert service and all(u.email is None and u.user.email is None for u in service)
    with_projects = [u for u in everyone if u.projects and u.projects.data]
    assert with_projects and with_projects[0].projects.data[0].role in ("owner", "member")
    assert with_projects[0].projects.object == "list"
    assert any(u.name is None for u in everyone)
    assert any(u.role is None for u in everyone)
    first = everyone[0]
    assert first.is_default is True and first.user.object == "user" and first.user.id == first.id
    assert isinstance(first.created, int) and first.created <= first.added_at


def test_retrieve_unknown_user_is_not_found(base_url):
    with pytest.raises(openai.NotFoundError) as excinfo:
        make_client(base_url).admin.organization.users.retrieve("user-doesnotexist")
    assert excinfo.value.status_code == 404
    assert "user-doesnotexist" in excinfo.value.message


# ------------------------------------------------------------------ update

@pytest.mark.parametrize("form", sorted(BASES))
def test_update_changes_only_the_supplied_keys(base_url, users, form):
    client = make_client(base_url, form)
    target = users[4]
    same = client.admin.organization.users.update(target["id"])  # the SDK sends {}
    assert same.to_dict(mode="json") == target

    updated = client.admin.organization.users.update(target["id"], role="owner", technical_level="advanced")
    assert updated.role == "owner" and updated.technical_level == "advanced"
    assert updated.email == target["email"] and updated.developer_persona == target["developer_persona"]

    after = {u.id: u for u in listed(client)}
    assert after[target["id"]].to_dict(mode="json") == updated.to_dict(mode="json")
    assert [u.id for u in after.values()] == [u["id"] for u in users]


def test_update_member_is_stored_as_reader_and_role_id_assigns(base_url, users, seed):
    client = make_client(base_url)
    owner = next(u for u in users[1:] if u["role"] == "owner")
    demoted = client.admin.organization.users.update(owner["id"], role="member")
    assert demoted.role == "reader"
    assert next(u for u in listed(client) if u.id == owner["id"]).role == "reader"

    manager = role_id(seed, "API Group Manager")
    client.admin.organization.users.update(owner["id"], role_id=manager)
    assert assigned(client, owner["id"]) == [role_id(seed, "Reader"), manager]


def test_update_rejects_an_unknown_role_with_the_param_named(base_url, users):
    client = make_client(base_url)
    with pytest.raises(openai.BadRequestError) as excinfo:
        client.admin.organization.users.update(users[2]["id"], role="admin")
    assert excinfo.value.param == "role" and excinfo.value.code == "invalid_value"
    with pytest.raises(openai.BadRequestError) as excinfo:
        client.admin.organization.users.update(users[2]["id"], role_id="role_doesnotexist")
    assert excinfo.value.param == "role_id"
    assert next(u for u in listed(client) if u.id == users[2]["id"]).to_dict(mode="json") == users[2]


# ------------------------------------------------------------------ delete

@pytest.mark.parametrize("form", sorted(BASES))
def test_delete_removes_the_user_from_the_next_list(base_url, users, form):
    client = make_client(base_url, form)
    victim = users[10]
    gone = client.admin.organization.users.delete(victim["id"])
    assert isinstance(gone, UserDeleteResponse)
    assert (gone.object, gone.id, gone.deleted) == ("organization.user.deleted", victim["id"], True)
    assert [u.id for u in listed(client)] == [u["id"] for u in users if u["id"] != victim["id"]]
    with pytest.raises(openai.NotFoundError):
        client.admin.organization.users.retrieve(victim["id"])
    with pytest.raises(openai.NotFoundError):
        client.admin.organization.users.delete(victim["id"])
    # A cursor naming the deleted user still resumes right after it.
    resumed = client.admin.organization.users.list(after=victim["id"], limit=2)
    assert [u.id for u in resumed.data] == [users[11]["id"], users[12]["id"]]


def test_delete_also_removes_role_assignments_and_reset_restores_them(base_url, http, users, seed):
    client = make_client(base_url)
    holder = users[3]
    before = assigned(client, holder["id"])
    assert role_id(seed, "API Group Manager") in before
    client.admin.organization.users.delete(holder["id"])
    with pytest.raises(openai.NotFoundError):
        assigned(client, holder["id"])
    assert http.post(f"{base_url}/__admin/reset").status_code == 200
    assert assigned(client, holder["id"]) == before


# ------------------------------------------------------------------ role assignments

def test_roles_list_pages_with_next_both_ways(base_url, users, seed):
    client = make_client(base_url)
    first = users[0]["id"]
    expected = [role_id(seed, "Owner"), role_id(seed, "Usage Viewer"), role_id(seed, "Key Rotator")]
    assert assigned(client, first) == expected
    page = client.admin.organization.users.roles.list(first, limit=1)
    assert len(page.data) == 1 and page.has_more is True and page.next == expected[0]
    assert assigned(client, first, limit=1) == expected  # auto-paging follows `next`
    assert assigned(client, first, limit=2, order="desc") == expected[::-1]
    details = page.data[0]
    assert details.predefined_role is True and details.resource_type == "api.organization"
    assert details.assignment_sources is None


@pytest.mark.parametrize("form", sorted(BASES))
def test_roles_create_retrieve_delete_show_in_the_next_list(base_url, users, seed, form):
    client = make_client(base_url, form)
    user_id = users[5]["id"]
    rotator = role_id(seed, "Key Rotator")
    before = assigned(client, user_id)
    assert rotator not in before

    created = client.admin.organization.users.roles.create(user_id, role_id=rotator)
    assert created.object == "user.role"
    assert created.user.id == user_id and created.role.id == rotator and created.role.object == "role"
    assert assigned(client, user_id) == before + [rotator]

    got = client.admin.organization.users.roles.retrieve(rotator, user_id=user_id)
    assert got.id == rotator and got.name == "Key Rotator" and got.predefined_role is False

    deleted = client.admin.organization.users.roles.delete(rotator, user_id=user_id)
    assert deleted.object == "user.role.deleted" and deleted.deleted is True
    assert assigned(client, user_id) == before
    with pytest.raises(openai.NotFoundError):
        client.admin.organization.users.roles.retrieve(rotator, user_id=user_id)


def test_roles_create_with_a_predefined_role_changes_the_users_role(base_url, users, seed):
    client = make_client(base_url)
    reader = next(u for u in users if u["role"] == "reader")
    created = client.admin.organization.users.roles.create(reader["id"], role_id=role_id(seed, "Owner"))
    assert created.user.role == "owner"
    assert next(u for u in listed(client) if u.id == reader["id"]).role == "owner"
    with pytest.raises(openai.BadRequestError) as excinfo:
        client.admin.organization.users.roles.delete(role_id(seed, "Owner"), user_id=reader["id"])
    assert excinfo.value.param == "role_id"


def test_roles_create_with_an_unknown_role_is_a_bad_request(base_url, users):
    client = make_client(base_url)
    with pytest.raises(openai.BadRequestError) as excinfo:
        client.admin.organization.users.roles.create(users[1]["id"], role_id="role_doesnotexist")
    assert excinfo.value.param == "role_id"
    with pytest.raises(openai.NotFoundError):
        client.admin.organization.users.roles.retrieve("role_doesnotexist", user_id=users[1]["id"])


# ------------------------------------------------------------------ project keys

def test_project_key_is_refused_on_every_operation(base_url, users, seed):
    client = make_client(base_url, key=PROJECT_KEY)
    user_id = users[0]["id"]
    role = role_id(seed, "Usage Viewer")
    calls = [
        lambda: client.admin.organization.users.retrieve(user_id),
        lambda: client.admin.organization.users.update(user_id, role="reader"),
        lambda: client.admin.organization.users.delete(user_id),
        lambda: client.admin.organization.users.roles.list(user_id),
        lambda: client.admin.organization.users.roles.create(user_id, role_id=role),
        lambda: client.admin.organization.users.roles.retrieve(role, user_id=user_id),
        lambda: client.admin.organization.users.roles.delete(role, user_id=user_id),
    ]
    for call in calls:
        with pytest.raises(openai.PermissionDeniedError) as excinfo:
            call()
        assert "insufficient permissions" in excinfo.value.message.lower()
    admin = make_client(base_url)
    assert [u.id for u in listed(admin)] == [u["id"] for u in users]
    assert role in assigned(admin, user_id)
