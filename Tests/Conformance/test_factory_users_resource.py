"""Factory's organization users resource with httpx (Factory ships no SDK for its v0 API): inviteUser's
upsert outcomes and seat limit, removeUser for members and pending invites, their errors, and the
admin summary. Every write is checked against the next list; conftest.py resets the server after each test.
"""

from __future__ import annotations

import pytest

from understudy_contract import ADMIN_AUTH, LIST_PATH, walk_factory

ADMIN = {"Authorization": ADMIN_AUTH["factory"]}
MEMBER = {"Authorization": "Bearer factory-member-key"}
INVITE = "/api/v0/organization/users/invite"
USERS = LIST_PATH["factory"]
ENVELOPE_KEYS = ["detail", "status", "title"]


def invite(http, base_url, body, headers=ADMIN, prefixed=False, **kwargs):
    prefix = "/factory" if prefixed else ""
    return http.post(f"{base_url}{prefix}{INVITE}", json=body, headers=headers, **kwargs)


def remove(http, base_url, email, headers=ADMIN, prefixed=False):
    prefix = "/factory" if prefixed else ""
    params = {} if email is None else {"email": email}
    return http.delete(f"{base_url}{prefix}{USERS}", params=params, headers=headers)


def listed_emails(http, base_url):
    users, _ = walk_factory(http, base_url, page_size=100)
    return [user["email"] for user in users]


def summary(http, base_url):
    vendors = http.get(f"{base_url}/__admin/vendors").json()["vendors"]
    return next(vendor for vendor in vendors if vendor["id"] == "factory")


def assert_envelope(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == ENVELOPE_KEYS
    assert body["status"] == status and isinstance(body["detail"], str) and body["detail"]
    return body


def test_seeded_organization_is_described(http, base_url, seeds):
    seed = seeds("factory")
    entry = summary(http, base_url)
    assert entry["seatLimit"] == seed["seatLimit"] == 160
    assert entry["seatsUsed"] == len(seed["users"]) + len(seed["invites"]) == 151
    assert entry["invites"] == seed["invites"]
    roles = list(seed["memberRoles"].values())
    assert entry["memberRoles"] == {
        "owner": roles.count("owner"),
        "manager": roles.count("manager"),
        "user": len(seed["users"]) - len(roles),
    }
    assert [op["name"] for op in entry["operations"]] == ["listOrganizationUsers", "inviteUser", "removeUser"]


@pytest.mark.parametrize("prefixed", [False, True])
def test_new_email_is_invited_and_is_not_a_member_yet(http, base_url, prefixed):
    before = listed_emails(http, base_url)
    response = invite(http, base_url, {"email": "new.hire@example.com", "role": "manager"}, prefixed=prefixed)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    # `error` only appears when status is "error".
    assert response.json() == {"email": "new.hire@example.com", "role": "manager", "status": "invited"}
    assert listed_emails(http, base_url) == before
    entry = summary(http, base_url)
    assert entry["seatsUsed"] == 152
    assert entry["invites"][-1]["email"] == "new.hire@example.com"
    assert entry["invites"][-1]["role"] == "manager"


def test_role_defaults_to_user(http, base_url):
    assert invite(http, base_url, {"email": "plain@example.com"}).json()["role"] == "user"


def test_member_outcomes_already_member_and_role_updated(http, base_url, seeds):
    seed = seeds("factory")
    plain = next(u for u in seed["users"] if u["id"] not in seed["memberRoles"])
    before = walk_factory(http, base_url, page_size=100)[0]
    same = invite(http, base_url, {"email": plain["email"], "role": "user"}).json()
    assert same == {"email": plain["email"], "role": "user", "status": "already_member"}
    updated = invite(http, base_url, {"email": plain["email"], "role": "owner"}).json()
    assert updated == {"email": plain["email"], "role": "owner", "status": "role_updated"}
    again = invite(http, base_url, {"email": plain["email"].upper(), "role": "owner"}).json()
    assert again == {"email": plain["email"].upper(), "role": "owner", "status": "already_member"}
    # The member list keeps the documented user shape, byte for byte.
    assert walk_factory(http, base_url, page_size=100)[0] == before
    assert summary(http, base_url)["memberRoles"]["owner"] == 3


def test_pending_invite_is_already_invited_with_its_own_role(http, base_url, seeds):
    pending = seeds("factory")["invites"][2]
    other_role = "owner" if pending["role"] != "owner" else "user"
    response = invite(http, base_url, {"email": pending["email"], "role": other_role})
    assert response.json() == {"email": pending["email"], "role": pending["role"], "status": "already_invited"}
    assert summary(http, base_url)["invites"] == seeds("factory")["invites"]


def test_seat_limit_answers_200_with_status_error(http, base_url):
    for number in range(9):
        assert invite(http, base_url, {"email": f"seat{number}@example.com"}).json()["status"] == "invited"
    full = invite(http, base_url, {"email": "overflow@example.com", "role": "owner"})
    assert full.status_code == 200
    body = full.json()
    assert list(body) == ["email", "role", "status", "error"]
    assert body["status"] == "error" and body["email"] == "overflow@example.com" and body["role"] == "owner"
    assert "seat limit" in body["error"]
    assert summary(http, base_url)["seatsUsed"] == 160
    # Revoking an invite frees its seat.
    assert remove(http, base_url, "seat4@example.com").status_code == 204
    assert invite(http, base_url, {"email": "overflow@example.com"}).json()["status"] == "invited"


@pytest.mark.parametrize("prefixed", [False, True])
def test_remove_member_is_204_and_the_next_list_lacks_them(http, base_url, seeds, prefixed):
    victim = seeds("factory")["users"][3]
    before = listed_emails(http, base_url)
    response = remove(http, base_url, victim["email"], prefixed=prefixed)
    assert response.status_code == 204
    assert response.content == b""
    assert listed_emails(http, base_url) == [email for email in before if email != victim["email"]]
    assert http.get(f"{base_url}/__admin/vendors/factory/users/{victim['id']}").status_code == 404
    assert_envelope(remove(http, base_url, victim["email"]), 404)


def test_remove_pending_invite_revokes_it(http, base_url, seeds):
    pending = seeds("factory")["invites"][0]
    assert remove(http, base_url, pending["email"].upper()).status_code == 204
    entry = summary(http, base_url)
    assert pending["email"] not in [i["email"] for i in entry["invites"]]
    assert entry["seatsUsed"] == 150


def test_plus_addressed_email_round_trips_through_httpx_params(http, base_url):
    # httpx encodes "+" as %2B, so the server sees the literal plus.
    assert invite(http, base_url, {"email": "ops+ci@example.com"}).json()["status"] == "invited"
    assert remove(http, base_url, "ops+ci@example.com").status_code == 204


def test_cursor_survives_removals(http, base_url):
    first = http.get(f"{base_url}{USERS}", params={"limit": "5"}, headers=ADMIN).json()
    everyone = listed_emails(http, base_url)
    cursor = first["pagination"]["nextCursor"]
    for email in (everyone[4], everyone[5]):
        assert remove(http, base_url, email).status_code == 204
    page = http.get(f"{base_url}{USERS}", params={"limit": "3", "cursor": cursor}, headers=ADMIN).json()
    assert [u["email"] for u in page["users"]] == everyone[6:9]


@pytest.mark.parametrize("body", [
    {}, {"role": "user"}, {"email": None}, {"email": 3}, {"email": ""}, {"email": "nope"},
    {"email": "a@example.com", "role": "admin"}, {"email": "a@example.com", "role": None}, [], "a@example.com",
])
def test_bad_invite_body_is_400(http, base_url, body):
    assert_envelope(invite(http, base_url, body), 400)
    assert summary(http, base_url)["seatsUsed"] == 151


def test_invalid_json_is_400(http, base_url):
    response = http.post(f"{base_url}{INVITE}", content=b"{not json", headers={**ADMIN, "Content-Type": "application/json"})
    assert_envelope(response, 400)


@pytest.mark.parametrize("email", [None, "", "not-an-email"])
def test_bad_remove_email_is_400(http, base_url, email):
    assert_envelope(remove(http, base_url, email), 400)
    assert len(listed_emails(http, base_url)) == 146


def test_unknown_email_is_404(http, base_url):
    assert_envelope(remove(http, base_url, "nobody@example.com"), 404)


def test_writes_need_an_admin_key(http, base_url, seeds):
    email = seeds("factory")["users"][0]["email"]
    assert_envelope(invite(http, base_url, {"email": "x@example.com"}, headers=MEMBER), 403)
    assert_envelope(remove(http, base_url, email, headers=MEMBER), 403)
    assert_envelope(invite(http, base_url, {"email": "x@example.com"}, headers={}), 401)
    assert_envelope(remove(http, base_url, email, headers={"Authorization": "Bearer factory-wrong-key"}), 401)
    assert email in listed_emails(http, base_url)
    assert summary(http, base_url)["seatsUsed"] == 151


def test_reset_restores_members_and_invites(http, base_url, seeds):
    seed = seeds("factory")
    invite(http, base_url, {"email": "temp@example.com"})
    remove(http, base_url, seed["users"][0]["email"])
    remove(http, base_url, seed["invites"][0]["email"])
    http.post(f"{base_url}/__admin/reset").raise_for_status()
    assert listed_emails(http, base_url) == [u["email"] for u in seed["users"]]
    entry = summary(http, base_url)
    assert entry["invites"] == seed["invites"] and entry["seatsUsed"] == 151
