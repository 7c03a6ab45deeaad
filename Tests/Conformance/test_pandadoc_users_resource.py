"""PandaDoc's users resource with the official SDK (`pandadoc-python-client` 6.2.0, unmodified).

SDK operations: `UserAndWorkspaceManagementApi.create_user` / `add_member` and
`MembersApi.list_members` / `details_member` / `details_current_member`. Every write is
checked in the next list, read with the SDK's own ApiClient (`UsersApi` from
test_pandadoc_sdk.py, the list-users endpoint 6.2.0 lacks, declared the SDK's way).

6.2.0 lacks detailsUser, removeMember, changeMemberRole and getWorkspacesList: those go
through httpx with the same Authorization header the SDK sends.

SDK facts the tests rely on: `CreateUserResponse` models only `user_id` (the extra
`workspaces` key is kept as an additional property), and `AddMemberResponse.role` is
validated against the four built-in roles, so add_member uses built-in roles only.
"""

from __future__ import annotations

import json

import httpx
import pandadoc_client
import pytest
from pandadoc_client.api.members_api import MembersApi
from pandadoc_client.api.user_and_workspace_management_api import UserAndWorkspaceManagementApi
from pandadoc_client.api_client import ApiClient
from pandadoc_client.exceptions import ApiException, ForbiddenException, NotFoundException, UnauthorizedException
from pandadoc_client.model.add_member_request import AddMemberRequest
from pandadoc_client.model.create_user_request import CreateUserRequest
from pandadoc_client.model.create_user_request_user import CreateUserRequestUser
from pandadoc_client.model.create_user_request_workspaces import CreateUserRequestWorkspaces

from test_pandadoc_sdk import UsersApi

ADMIN = "API-Key pandadoc-test-key"
MEMBER = "API-Key pandadoc-member-key"
HOSTS = {"root": "", "prefixed": "/pandadoc"}


def client(base_url: str, key: str = ADMIN, form: str = "root") -> ApiClient:
    configuration = pandadoc_client.Configuration(host=f"{base_url}{HOSTS[form]}", api_key={"apiKey": key})
    return ApiClient(configuration)


def list_all(api_client: ApiClient, **params) -> list[dict]:
    users, api = [], UsersApi(api_client)
    for page in range(1, 100):
        results = api.list_users(count=50, page=page, **params)["results"]
        users.extend(results)
        if len(results) < 50:
            return users
    raise AssertionError("pagination did not terminate")


def listed(api_client: ApiClient, user_id: str, **params) -> dict | None:
    return next((u for u in list_all(api_client, **params) if u["user_id"] == user_id), None)


@pytest.fixture
def seed(seeds):
    return seeds("pandadoc")


def key_scope(seed, authorization):
    return next(k for k in seed["apiKeys"] if k["authorization"] == authorization)


def active(seed):
    removed = set(seed["removedUserIds"])
    return [u for u in seed["users"] if u["user_id"] not in removed]


def first_workspace(seed):
    return seed["workspaces"][0]["id"]


def new_user_request(seed, email, role="Member", license="Full", workspaces=None):
    return CreateUserRequest(
        user=CreateUserRequestUser(email=email, first_name="Ada", last_name="Lovelace", phone_number="+14155550100"),
        workspaces=[CreateUserRequestWorkspaces(workspace_id=w, role=role) for w in (workspaces or [first_workspace(seed)])],
        license=license,
    )


# ----------------------------------------------------------------------------- createUser


@pytest.mark.parametrize("form", sorted(HOSTS))
def test_create_user_is_in_the_next_list(base_url, seed, form):
    api_client = client(base_url, form=form)
    domain = seed["organization"]["email_domain"]
    sales = seed["workspaces"][1]["id"]
    created = UserAndWorkspaceManagementApi(api_client).create_user(
        new_user_request(seed, f"ada.lovelace@{domain}", workspaces=[first_workspace(seed), sales]),
        notify_user=False, notify_ws_admins=False,
    )
    user_id = created.user_id
    assert len(user_id) == 22
    # CreateUserResponse models only user_id; the documented workspaces come along as an extra key.
    workspaces = created["workspaces"]
    assert [w["workspace_id"] for w in workspaces] == [first_workspace(seed), sales]
    users = list_all(api_client)
    assert len(users) == len(seed["users"]) + 1
    assert users[-1] == {
        "user_id": user_id, "email": f"ada.lovelace@{domain}", "first_name": "Ada", "last_name": "Lovelace",
        "phone_number": "+14155550100", "license": "Full", "is_organization_owner": False,
        "workspaces": [{"role": "Member", "workspace_id": w["workspace_id"], "membership_id": w["member_id"]} for w in workspaces],
    }
    # The member ids are real memberships.
    details = MembersApi(api_client).details_member(workspaces[0]["member_id"])
    assert details.user_id == user_id and details.role == "Member" and details.email == f"ada.lovelace@{domain}"


def test_create_guest_collaborator(base_url, seed):
    api_client = client(base_url)
    domain = seed["organization"]["email_domain"]
    created = UserAndWorkspaceManagementApi(api_client).create_user(
        new_user_request(seed, f"guest@{domain}", role="Collaborator", license="Guest"))
    assert listed(api_client, created.user_id)["license"] == "Guest"


@pytest.mark.parametrize("email,message", [
    ("josh@example.com", "User already exists"),
    ("someone@elsewhere.org", "User email should have the same email domain as org admin."),
    ("not-an-email", "Enter a valid email address."),
])
def test_create_user_rejects_bad_emails_with_the_documented_400(base_url, seed, email, message):
    api_client = client(base_url)
    with pytest.raises(ApiException) as excinfo:
        UserAndWorkspaceManagementApi(api_client).create_user(new_user_request(seed, email))
    assert excinfo.value.status == 400
    assert json.loads(excinfo.value.body) == {"type": "request_error", "detail": {"email": [message]}}
    assert len(list_all(api_client)) == len(seed["users"])


def test_create_user_unknown_workspace(base_url, seed):
    api_client = client(base_url)
    with pytest.raises(ApiException) as excinfo:
        UserAndWorkspaceManagementApi(api_client).create_user(new_user_request(seed, "x@example.com", workspaces=["Ab123"]))
    assert excinfo.value.status == 400
    assert json.loads(excinfo.value.body)["detail"] == {"workspace_id": ["Workspace with uuid Ab123 not found."]}
    assert len(list_all(api_client)) == len(seed["users"])


def test_create_user_member_key_is_forbidden(base_url, seed):
    with pytest.raises(ForbiddenException) as excinfo:
        UserAndWorkspaceManagementApi(client(base_url, MEMBER)).create_user(new_user_request(seed, "m@example.com"))
    assert json.loads(excinfo.value.body) == {
        "type": "permissions_error", "detail": "You do not have permission to perform this action."}
    assert len(list_all(client(base_url))) == len(seed["users"])


def test_create_user_bad_bodies_over_httpx(base_url, seed):
    url = f"{base_url}/public/v1/users"
    headers = {"Authorization": ADMIN, "Content-Type": "application/json"}
    broken = httpx.post(url, headers=headers, content=b'{"user":')
    assert broken.status_code == 400
    assert broken.json()["type"] == "request_error" and broken.json()["detail"].startswith("JSON parse error - ")
    empty = httpx.post(url, headers=headers, content=b"{}")
    assert empty.json() == {"type": "request_error", "detail": {
        "user": ["This field is required."], "license": ["This field is required."], "workspaces": ["This field is required."]}}
    wrong = httpx.post(url, headers=headers, json={"user": {"email": "x@example.com"}, "license": "Gold",
                                                   "workspaces": [{"workspace_id": first_workspace(seed), "role": "Boss"}]})
    assert wrong.json()["detail"] == {"license": ["License is not a valid choice."], "role": ["Role is not a valid choice."]}
    assert len(list_all(client(base_url))) == len(seed["users"])


# ----------------------------------------------------------------------------- addMember


def test_add_member_is_in_the_next_list(base_url, seed):
    api_client = client(base_url)
    target = next(u for u in active(seed) if len(u["workspaces"]) == 1 and u["workspaces"][0]["workspace_id"] == first_workspace(seed))
    other = seed["workspaces"][2]["id"]
    response = UserAndWorkspaceManagementApi(api_client).add_member(
        other, AddMemberRequest(user_id=target["user_id"], role="Manager"), notify_user=False)
    assert response.workspace_id == other and response.role == "Manager" and response.email == target["email"]
    assert (response.first_name, response.last_name) == (target["first_name"], target["last_name"])
    user = listed(api_client, target["user_id"])
    assert user["workspaces"][-1] == {"role": "Manager", "workspace_id": other, "membership_id": response.member_id}
    assert MembersApi(api_client).details_member(response.member_id).role == "Manager"


def test_add_member_brings_a_removed_user_back(base_url, seed):
    api_client = client(base_url)
    removed_id = seed["removedUserIds"][0]
    assert listed(api_client, removed_id, show_removed=False) is None
    response = UserAndWorkspaceManagementApi(api_client).add_member(
        first_workspace(seed), AddMemberRequest(user_id=removed_id, role="Member"))
    user = listed(api_client, removed_id, show_removed=False)
    assert user["workspaces"] == [{"role": "Member", "workspace_id": first_workspace(seed), "membership_id": response.member_id}]


def test_add_member_errors(base_url, seed):
    api = UserAndWorkspaceManagementApi(client(base_url))
    owner = seed["users"][0]["user_id"]
    with pytest.raises(ApiException) as excinfo:
        api.add_member(first_workspace(seed), AddMemberRequest(user_id=owner, role="Admin"))
    assert excinfo.value.status == 400
    assert json.loads(excinfo.value.body) == {"type": "request_error", "detail": {"user_id": ["Member already exists"]}}
    with pytest.raises(ApiException) as excinfo:
        api.add_member(first_workspace(seed), AddMemberRequest(user_id="nobody", role="Admin"))
    assert json.loads(excinfo.value.body)["detail"] == {"user_id": ["User doesn't exist"]}
    with pytest.raises(NotFoundException) as excinfo:
        api.add_member("BhVzRcxH9Z2LgfPPGXFUBa", AddMemberRequest(user_id=owner, role="Admin"))
    assert json.loads(excinfo.value.body) == {"type": "request_error", "detail": "Not found"}
    with pytest.raises(ForbiddenException):
        UserAndWorkspaceManagementApi(client(base_url, MEMBER)).add_member(
            seed["workspaces"][1]["id"], AddMemberRequest(user_id=owner, role="Admin"))
    with pytest.raises(UnauthorizedException):
        UserAndWorkspaceManagementApi(client(base_url, "API-Key wrong")).add_member(
            seed["workspaces"][1]["id"], AddMemberRequest(user_id=owner, role="Admin"))
    assert list_all(client(base_url)) == seed["users"]


# ----------------------------------------------------------------------------- members


def test_list_members_is_the_keys_workspace(base_url, seed):
    scope = key_scope(seed, ADMIN)
    members = MembersApi(client(base_url)).list_members().results
    expected = [m["membership_id"] for u in active(seed) for m in u["workspaces"] if m["workspace_id"] == scope["workspace_id"]]
    assert [m.membership_id for m in members] == expected
    assert all(m.is_active for m in members)
    # Member credentials may read the members of their workspace.
    assert [m.membership_id for m in MembersApi(client(base_url, MEMBER)).list_members().results] == expected


def test_details_current_member_is_the_keys_owner(base_url, seed):
    for key in (ADMIN, MEMBER):
        scope = key_scope(seed, key)
        current = MembersApi(client(base_url, key)).details_current_member()
        assert current.user_id == scope["user_id"]
        owner = next(u for u in seed["users"] if u["user_id"] == scope["user_id"])
        membership = next(m for m in owner["workspaces"] if m["workspace_id"] == scope["workspace_id"])
        assert (current.membership_id, current.role, current.email) == (membership["membership_id"], membership["role"], owner["email"])


def test_details_member_and_its_404(base_url, seed):
    api = MembersApi(client(base_url))
    user = active(seed)[1]
    membership = user["workspaces"][0]
    details = api.details_member(membership["membership_id"])
    assert (details.user_id, details.role, details.user_license) == (user["user_id"], membership["role"], user["license"])
    assert details.workspace == user["workspaces"][0]["workspace_id"]
    with pytest.raises(NotFoundException):
        api.details_member("nobody")
    with pytest.raises(UnauthorizedException):
        MembersApi(client(base_url, "API-Key wrong")).list_members()


# ----------------------------------------------------------------------------- httpx: detailsUser, workspaces, remove, role


def test_details_user_is_the_list_item(http, base_url, seed):
    owner = seed["users"][0]
    response = http.get(f"{base_url}/public/v1/users/{owner['user_id']}", headers={"Authorization": ADMIN})
    assert response.status_code == 200 and response.json() == owner
    assert http.get(f"{base_url}/public/v1/users/nobody", headers={"Authorization": ADMIN}).json() == {
        "type": "request_error", "detail": "Not found"}
    assert http.get(f"{base_url}/public/v1/users/{owner['user_id']}", headers={"Authorization": MEMBER}).status_code == 403


def test_workspaces_list(http, base_url, seed):
    response = http.get(f"{base_url}/public/v1/workspaces", params={"count": 2, "page": 1}, headers={"Authorization": ADMIN})
    assert response.json() == {
        "results": [{k: w[k] for k in ("id", "name", "owner", "date_created")} for w in seed["workspaces"][:2]],
        "total": len(seed["workspaces"]),
    }
    assert http.get(f"{base_url}/public/v1/workspaces", headers={"Authorization": MEMBER}).status_code == 403


def test_remove_member_then_the_list_shows_the_user_removed(http, base_url, seed):
    api_client = client(base_url)
    target = next(u for u in active(seed) if len(u["workspaces"]) == 2 and u["license"] != "Guest"
                  and all(u["email"] != w["owner"] for w in seed["workspaces"]))
    first, second = target["workspaces"]
    url = f"{base_url}/public/v1/workspaces/{second['workspace_id']}/members/{second['membership_id']}"
    response = http.delete(url, headers={"Authorization": ADMIN})
    assert response.status_code == 204 and response.content == b""
    assert listed(api_client, target["user_id"])["workspaces"] == [first]
    assert http.delete(url, headers={"Authorization": ADMIN}).json() == {
        "type": "request_error", "detail": "This member or workspace does not exist."}
    last = f"{base_url}/public/v1/workspaces/{first['workspace_id']}/members/{first['membership_id']}"
    assert http.delete(last, headers={"Authorization": ADMIN}).status_code == 204
    assert listed(api_client, target["user_id"], show_removed=False) is None
    assert listed(api_client, target["user_id"], show_removed=True)["workspaces"] == [first]
    with pytest.raises(NotFoundException):
        MembersApi(api_client).details_member(first["membership_id"])


def test_remove_member_refuses_the_owner_and_member_keys(http, base_url, seed):
    owner = seed["users"][0]
    membership = owner["workspaces"][0]
    url = f"{base_url}/public/v1/workspaces/{membership['workspace_id']}/members/{membership['membership_id']}"
    assert http.delete(url, headers={"Authorization": ADMIN}).json() == {"type": "request_error", "detail": "Owner can not be removed."}
    target = active(seed)[3]["workspaces"][0]
    other = f"{base_url}/public/v1/workspaces/{target['workspace_id']}/members/{target['membership_id']}"
    assert http.delete(other, headers={"Authorization": MEMBER}).status_code == 403
    assert list_all(client(base_url)) == seed["users"]


def test_change_member_role_is_in_the_next_list(http, base_url, seed):
    api_client = client(base_url)
    target = next(u for u in active(seed) if u["license"] == "Guest")
    membership = target["workspaces"][0]
    url = f"{base_url}/public/v1/workspaces/{membership['workspace_id']}/members/{membership['membership_id']}/role"
    response = http.patch(url, json={"role": "Manager"}, headers={"Authorization": ADMIN})
    assert response.status_code == 200
    assert response.json() == {"member_id": membership["membership_id"], "workspace_id": membership["workspace_id"],
                               "role": "Manager", "email": target["email"]}
    user = listed(api_client, target["user_id"])
    assert user["workspaces"][0]["role"] == "Manager"
    assert user["license"] == "Full"  # a promoted Guest is upgraded (spec v7.26.0)
    bad = http.patch(url, json={"role": "Nope"}, headers={"Authorization": ADMIN})
    assert bad.status_code == 400 and list(bad.json()["detail"]) == ["role"]
    owner = seed["users"][0]["workspaces"][0]
    locked = http.patch(f"{base_url}/public/v1/workspaces/{owner['workspace_id']}/members/{owner['membership_id']}/role",
                        json={"role": "Member"}, headers={"Authorization": ADMIN})
    assert locked.json() == {"type": "request_error", "detail": "Cannot change the role of the workspace owner."}
    assert http.patch(url, json={"role": "Member"}, headers={"Authorization": MEMBER}).status_code == 403
    assert listed(api_client, target["user_id"])["workspaces"][0]["role"] == "Manager"
