#!/usr/bin/env python3
"""Generate Seeds/<vendor>.json for the understudy emulator.

Deterministic (fixed seeds, no clock, stdlib only): running it twice writes identical bytes.

    python3 Scripts/generate_seeds.py            # writes Seeds/*.json next to this script's repo
    python3 Scripts/generate_seeds.py --check    # exits 1 if any file on disk differs

Each file: {"vendor", "credentials", ["accounts"], ["removedUserIds"], "users"}; users are in the
vendor's own wire shape and key order, sorted ascending by creation time then id (PandaDoc has no
timestamps: file order is list order). Assumptions are documented in /work/scratch/contract-<vendor>.md
(handed over with this script) and in the comments below.
"""

import argparse
import datetime as dt
import json
import random
import sys
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "Seeds"

# --------------------------------------------------------------------------------------------------
# Name pools (diverse, fictional combinations). A few carry non-ASCII letters on purpose so the
# emulator's UTF-8 path is exercised; emails are ASCII-folded.
# --------------------------------------------------------------------------------------------------
FIRST_NAMES = [
    "Aaliyah", "Abdul", "Adaeze", "Aditi", "Ahmed", "Aiko", "Alejandro", "Amara", "Amir", "Ana",
    "Andrei", "Anika", "Arjun", "Astrid", "Ayesha", "Bao", "Beatriz", "Benjamin", "Bilal", "Björn",
    "Camila", "Carlos", "Chen", "Chidi", "Chloé", "Daniel", "Dario", "Deepa", "Diego", "Dmitri",
    "Elena", "Elif", "Emeka", "Emma", "Erik", "Fatima", "Felipe", "Fiona", "Gabriel", "Grace",
    "Hana", "Hassan", "Hiroshi", "Ines", "Isabel", "Ivan", "Jamal", "Jana", "Javier", "Ji-woo",
    "Jonas", "José", "Julia", "Kai", "Kavya", "Keanu", "Kenji", "Kofi", "Lars", "Layla",
    "Leila", "Liam", "Lucía", "Luis", "Maya", "Mei", "Mateo", "Mohammed", "Nadia", "Naveen",
    "Ngozi", "Nikhil", "Noah", "Nour", "Olga", "Omar", "Oren", "Paolo", "Priya", "Rafael",
    "Rahul", "Renée", "Rosa", "Sakura", "Samira", "Santiago", "Sara", "Sebastian", "Seo-yeon", "Siddharth",
    "Sofia", "Søren", "Tariq", "Thandiwe", "Tomás", "Uma", "Valentina", "Wei", "Xavier", "Yara",
    "Yusuf", "Zainab", "Zara", "Zoë", "Marcus", "Hannah", "Owen", "Claire", "Ethan", "Olivia",
]
LAST_NAMES = [
    "Abara", "Adeyemi", "Ahmed", "Alvarez", "Andersson", "Bakshi", "Banerjee", "Becker", "Bianchi", "Brown",
    "Castillo", "Chatterjee", "Chen", "Cohen", "Costa", "Çelik", "da Silva", "Das", "Dubois", "Dvořák",
    "Eriksen", "Fernandes", "Fischer", "Fujita", "García", "Goldberg", "Gonzalez", "Gupta", "Haddad", "Hansen",
    "Hernández", "Hoang", "Horvat", "Ibrahim", "Ito", "Ivanova", "Jensen", "Johnson", "Kamau", "Kang",
    "Kapoor", "Kaur", "Kim", "Kowalski", "Kumar", "Larsen", "Lee", "Li", "Lopez", "Mahlangu",
    "Martin", "Mendoza", "Mensah", "Müller", "Murphy", "Nakamura", "Nguyen", "Novak", "Nuñez", "O'Brien",
    "Okafor", "Okonkwo", "Olsen", "Ortiz", "Østergaard", "Park", "Patel", "Pereira", "Petrov", "Popescu",
    "Quispe", "Rahman", "Ramirez", "Reddy", "Rossi", "Sato", "Schmidt", "Shah", "Singh", "Sokolov",
    "Suzuki", "Tanaka", "Thompson", "Tran", "Van der Berg", "Vargas", "Volkov", "Wang", "Watanabe", "Williams",
    "Wong", "Yamamoto", "Yilmaz", "Zhang", "Zielinski", "Achterberg", "Baptiste", "Delgado", "Eze", "Farouk",
]
DOMAINS = ["example.com", "example.org", "example.net"]

FOLD = {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "ł": "l", "Ł": "L", "ı": "i", "đ": "d"}


def ascii_fold(text):
    text = "".join(FOLD.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def email_local(first, last, style):
    f = "".join(c for c in ascii_fold(first).lower() if c.isalnum())
    l = "".join(c for c in ascii_fold(last).lower() if c.isalnum())
    if style == 0:
        return f"{f}.{l}"
    if style == 1:
        return f"{f}_{l}"
    if style == 2:
        return f"{f[0]}{l}"
    return f"{f}{l[0]}"


class People:
    """Unique (first, last, email) triples from a seeded RNG."""

    def __init__(self, rng, styles, domains=DOMAINS, reserved=()):
        self.rng = rng
        self.styles = styles
        self.domains = domains
        self.emails = set(e.lower() for e in reserved)
        self.names = set()

    def next(self):
        while True:
            first = self.rng.choice(FIRST_NAMES)
            last = self.rng.choice(LAST_NAMES)
            if (first, last) in self.names:
                continue
            style = self.rng.choice(self.styles)
            email = f"{email_local(first, last, style)}@{self.rng.choice(self.domains)}"
            if email in self.emails:
                continue
            self.names.add((first, last))
            self.emails.add(email)
            return first, last, email


# --------------------------------------------------------------------------------------------------
# Ids and timestamps
# --------------------------------------------------------------------------------------------------
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
SHORTUUID57 = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"  # shortuuid's default alphabet
BASE32_RFC4648 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
CROCKFORD32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

START = dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc)
END = dt.datetime(2025, 12, 31, 23, 59, 59, tzinfo=dt.timezone.utc)
SPAN_S = int((END - START).total_seconds())


def rand_str(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def unique_ids(rng, make, n, taken=()):
    seen = set(taken)
    out = []
    while len(out) < n:
        v = make(rng)
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


def spread_seconds(rng, n, taken=()):
    """n distinct epoch-second offsets spread over 2021-2025 (stratified so every year is covered)."""
    seen = set(taken)
    out = []
    step = SPAN_S / n
    for i in range(n):
        while True:
            s = int(i * step + rng.random() * step)
            if s not in seen:
                break
        seen.add(s)
        out.append(s)
    return out


def at(offset_s, ms=None):
    return START + dt.timedelta(seconds=offset_s, milliseconds=ms or 0)


def iso_s(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_ms(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def later(rng, t, max_days):
    """A time after t (by up to max_days), capped at END."""
    u = t + dt.timedelta(seconds=rng.randint(60, max_days * 86400))
    return min(u, END)


def ulid(ms_epoch, rng):
    """26-char Crockford base32 ULID: 48-bit ms timestamp + 80 random bits (WorkOS ids embed one)."""
    value = (ms_epoch << 80) | rng.getrandbits(80)
    chars = []
    for _ in range(26):
        chars.append(CROCKFORD32[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def pick_indices(rng, n, k, exclude=()):
    pool = [i for i in range(n) if i not in set(exclude)]
    return set(rng.sample(pool, k))


# --------------------------------------------------------------------------------------------------
# Vendors
# --------------------------------------------------------------------------------------------------
def openphone():
    rng = random.Random(0x0F0E01)
    n = 137
    # Echo of the docs' quickstart id/timestamp (www.quo.com/docs/2026-03-30/quickstart).
    doc_id, doc_created = "USu3X8sIB9", dt.datetime(2024, 8, 2, 17, 31, 8, tzinfo=dt.timezone.utc)
    doc_offset = int((doc_created - START).total_seconds())
    offsets = spread_seconds(rng, n - 1, taken=[doc_offset]) + [doc_offset]
    ids = unique_ids(rng, lambda r: "US" + rand_str(r, BASE62, 8), n - 1, taken=[doc_id]) + [doc_id]
    people = People(rng, styles=[0, 0, 2, 3])
    rows = sorted(zip(offsets, ids), key=lambda p: (p[0], p[1]))
    admins = pick_indices(rng, n, 14, exclude=[0])
    no_name = pick_indices(rng, n, 9, exclude=[0])            # invited, never set a name
    no_last = pick_indices(rng, n, 4, exclude=[0] + list(no_name))
    no_pic = pick_indices(rng, n, 52)
    users = []
    for i, (off, uid) in enumerate(rows):
        first, last, email = people.next()
        created = at(off)
        updated = later(rng, created, 500) if rng.random() < 0.85 else created
        users.append({
            "id": uid,
            "email": email,
            "firstName": None if i in no_name else first,
            "lastName": None if (i in no_name or i in no_last) else last,
            "pictureUrl": None if i in no_pic else f"https://cdn.example.com/avatars/{uid}.jpg",
            "role": "owner" if i == 0 else ("admin" if i in admins else "member"),
            "createdAt": iso_s(created),
            "updatedAt": iso_s(updated),
        })
    return {
        "vendor": "openphone",
        "credentials": [
            {"authorization": "openphone-test-key", "role": "admin"},
            {"authorization": "openphone-member-key", "role": "member"},
        ],
        "users": users,
    }


def pandadoc():
    rng = random.Random(0xDA4DA)
    n = 142
    sid = lambda r: rand_str(r, SHORTUUID57, 22)
    # Docs' example user, verbatim (openapi.yaml ListUsersResponse example).
    josh = {
        "user_id": "ajnN7eGutJZsRKjQrNuPkh",
        "email": "josh@example.com",
        "first_name": "Josh",
        "last_name": "Doe",
        "phone_number": "+14842634627",
        "license": "Full",
        "is_organization_owner": True,
        "workspaces": [
            {"role": "Admin", "workspace_id": "fERpqZdFaF9dHVAeVxPFaV", "membership_id": "nPh2PDhFdDqAES9k64h9qX"},
        ],
    }
    doc_ids = ["ajnN7eGutJZsRKjQrNuPkh", "fERpqZdFaF9dHVAeVxPFaV", "nPh2PDhFdDqAES9k64h9qX"]
    workspaces = ["fERpqZdFaF9dHVAeVxPFaV"] + unique_ids(rng, sid, 3, taken=doc_ids)
    taken = set(doc_ids) | set(workspaces)
    user_ids = unique_ids(rng, sid, n - 1, taken=taken)
    taken |= set(user_ids)
    membership_ids = iter(unique_ids(rng, sid, 2 * n, taken=taken))
    people = People(rng, styles=[0, 0, 1, 2], reserved=["josh@example.com"])
    licenses = ["Full"] * 60 + ["eSign"] * 18 + ["Read-only"] * 12 + ["Creator"] * 10
    roles = ["Member"] * 60 + ["Manager"] * 18 + ["Collaborator"] * 14 + ["Admin"] * 8
    users = [josh]
    for uid in user_ids:
        first, last, email = people.next()
        phone = "" if rng.random() < 0.12 else "+1" + str(rng.choice([2, 3, 4, 5, 6, 7, 8, 9])) + "".join(
            str(rng.randint(0, 9)) for _ in range(9))
        ws_count = 2 if rng.random() < 0.2 else 1
        primary = workspaces[0] if rng.random() < 0.7 else rng.choice(workspaces[1:])
        chosen = [primary] + ([rng.choice([w for w in workspaces if w != primary])] if ws_count == 2 else [])
        users.append({
            "user_id": uid,
            "email": email,
            "first_name": first,
            "last_name": last,
            "phone_number": phone,
            "license": rng.choice(licenses),
            "is_organization_owner": False,
            "workspaces": [
                {"role": rng.choice(roles), "workspace_id": w, "membership_id": next(membership_ids)} for w in chosen
            ],
        })
    removed_idx = sorted(pick_indices(rng, n, 15, exclude=[0]))
    removed = {users[i]["user_id"] for i in removed_idx}
    # Everything below uses its own generator, so the users above stay as they were before
    # workspaces, Guest licenses and key owners were added (PandaDoc 8.x, issues 9 and 10).
    extra = random.Random(0xDA4DA + 8)
    # Guest (spec v6.1.0+) is the Collaborator-only license: about half the Collaborator-only users hold it.
    for user in users[1:]:
        if all(w["role"] == "Collaborator" for w in user["workspaces"]) and extra.random() < 0.5:
            user["license"] = "Guest"
    # Each workspace has an owner who is one of its Admins; Josh (the docs' org owner) owns the docs' workspace.
    owners = {workspaces[0]: josh}
    for workspace in workspaces[1:]:
        candidates = [u for u in users[1:] if u["user_id"] not in removed and u["license"] != "Guest"
                      and any(w["workspace_id"] == workspace for w in u["workspaces"])]
        owner = candidates[0]
        for w in owner["workspaces"]:
            if w["workspace_id"] == workspace:
                w["role"] = "Admin"
        owners[workspace] = owner
    names = ["Understudy", "Sales", "Legal", "Customer Success"]
    created = sorted(START + dt.timedelta(seconds=extra.randint(0, SPAN_S // 4), microseconds=extra.randint(0, 999_999))
                     for _ in workspaces)
    workspace_rows = [
        {
            "id": workspace,
            "name": name,
            "owner": owners[workspace]["email"],
            "date_created": when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            # Seed-only: custom role names this workspace defines (changeMemberRole accepts them).
            "custom_roles": ["Sales Lead"] if name == "Sales" else [],
        }
        for workspace, name, when in zip(workspaces, names, created)
    ]
    # The member key belongs to a plain Member of the docs' workspace.
    member = next(u for u in users[1:] if u["user_id"] not in removed and u["license"] != "Guest"
                  and u not in owners.values()
                  and [w["workspace_id"] for w in u["workspaces"]] == [workspaces[0]] and u["workspaces"][0]["role"] == "Member")
    return {
        "vendor": "pandadoc",
        "credentials": [
            {"authorization": "API-Key pandadoc-test-key", "role": "admin"},
            {"authorization": "Bearer pandadoc-test-token", "role": "admin"},
            {"authorization": "API-Key pandadoc-member-key", "role": "member"},
        ],
        # createUser accepts only emails of this domain (openapi.yaml createUser: "email domain matches
        # your organization domain"; the 400 text says "the same email domain as org admin").
        "organization": {"name": "Understudy Test Org", "email_domain": "example.com"},
        "workspaces": workspace_rows,
        # Who owns each credential and which workspace it is scoped to (the workspace /members implies).
        "apiKeys": [
            {"authorization": "API-Key pandadoc-test-key", "user_id": josh["user_id"], "workspace_id": workspaces[0]},
            {"authorization": "Bearer pandadoc-test-token", "user_id": josh["user_id"], "workspace_id": workspaces[0]},
            {"authorization": "API-Key pandadoc-member-key", "user_id": member["user_id"], "workspace_id": workspaces[0]},
        ],
        "removedUserIds": [users[i]["user_id"] for i in removed_idx],
        "users": users,
    }


ONEPASSWORD_ACCOUNT = "UNDERSTUDYTESTACCOUNT00001"


def onepassword():
    rng = random.Random(0x1FA55)
    n = 131
    # Docs' two example users, verbatim except `path`, which uses our account id.
    docs = [
        ("IR7VJHJ36JHINBFAD7V2T5MP3E", "wendy_appleseed@agilebits.com", "Wendy Appleseed", "ACTIVE",
         dt.datetime(2024, 1, 15, 10, 30, 0, tzinfo=dt.timezone.utc)),
        ("56YE2TYN2VFYRLNSHKPW5NVT5E", "riley_smith@example.com", "Riley Smith", "SUSPENDED",
         dt.datetime(2024, 3, 20, 9, 15, 0, tzinfo=dt.timezone.utc)),
    ]
    doc_offsets = [int((d[4] - START).total_seconds()) for d in docs]
    offsets = spread_seconds(rng, n - 2, taken=doc_offsets)
    ids = unique_ids(rng, lambda r: rand_str(r, BASE32_RFC4648, 26), n - 2, taken=[d[0] for d in docs])
    people = People(rng, styles=[1, 1, 0], reserved=[d[1] for d in docs])
    people.names |= {("Wendy", "Appleseed"), ("Riley", "Smith")}
    suspended = pick_indices(rng, n - 2, 18)
    rows = []
    for i, (off, uid) in enumerate(zip(offsets, ids)):
        first, last, email = people.next()
        rows.append((off, uid, email, f"{first} {last}", "SUSPENDED" if i in suspended else "ACTIVE"))
    for (uid, email, name, state, _), off in zip(docs, doc_offsets):
        rows.append((off, uid, email, name, state))
    rows.sort(key=lambda r: (r[0], r[1]))
    users = [
        {
            "id": uid,
            "email": email,
            "display_name": name,
            "state": state,
            "create_time": iso_s(at(off)),
            "path": f"accounts/{ONEPASSWORD_ACCOUNT}/users/{uid}",
        }
        for off, uid, email, name, state in rows
    ]
    return {
        "vendor": "1password",
        "credentials": [
            {"authorization": "Bearer 1password-test-token", "role": "admin"},
            {"authorization": "Bearer 1password-member-token", "role": "member"},
        ],
        "accounts": [ONEPASSWORD_ACCOUNT],
        # OAuth apps of the account, with the permissions 1Password's UI grants per app. The second lacks
        # "suspend users", so its tokens get 403 on :suspend.
        "oauthClients": [
            {"client_id": "1password-oauth-client", "client_secret": "1password-oauth-secret",
             "scopes": ["list users", "get user", "suspend users", "reactivate users"]},
            {"client_id": "1password-no-suspend-client", "client_secret": "1password-no-suspend-secret",
             "scopes": ["list users", "get user", "reactivate users"]},
        ],
        # The user object has no role field, so owners are named here: the docs' two example users, one
        # ACTIVE and one SUSPENDED, so suspending Wendy is 403 no_owner_remain until Riley is reactivated.
        "ownerIds": [docs[0][0], docs[1][0]],
        "users": users,
    }


OPENAI_PROJECTS = [
    ("proj_Kq8s2XbN4vTzL0pWcR7yHd3M", "Default project"),
    ("proj_9fGtY3uVn6QeZr1AkP5sJw2B", "Support Assistant"),
    ("proj_Xa4LmC7oD2hKy8TqB0vFe6Rn", "Search Relevance"),
    ("proj_T3wPz9NcQ1jGv5Ys8KbH0dLm", "Data Platform"),
    ("proj_bH6rE2kWs9XyU4fMa7CqN1Zt", "Internal Tools"),
]

# The organization's role catalog (spec 2.3.0 `Role` + the `AssignedRoleDetails` extras). `Owner` and
# `Reader` are the predefined roles behind every user's legacy `role`; the rest are custom roles an
# owner created (ids ULID-like, as the spec's `role_01J1F8ROLE01`).
OPENAI_ROLES = [
    {"object": "role", "id": "role_01HV9T0WNER0", "name": "Owner",
     "description": "Full access to the organization: members, projects, billing, keys and settings.",
     "permissions": ["api.management.read", "api.management.write", "api.groups.read", "api.groups.write",
                     "api.roles.read", "api.roles.write", "api.usage.read", "api.model.request"],
     "resource_type": "api.organization", "predefined_role": True,
     "created_at": None, "updated_at": None, "created_by": None, "created_by_user_obj": None, "metadata": None},
    {"object": "role", "id": "role_01HV9TREADER0", "name": "Reader",
     "description": "Can make API requests and view organization settings.",
     "permissions": ["api.groups.read", "api.roles.read", "api.model.request"],
     "resource_type": "api.organization", "predefined_role": True,
     "created_at": None, "updated_at": None, "created_by": None, "created_by_user_obj": None, "metadata": None},
    {"object": "role", "id": "role_01J1F8ROLE01", "name": "API Group Manager",
     "description": "Allows managing organization groups",
     "permissions": ["api.groups.read", "api.groups.write"],
     "resource_type": "api.organization", "predefined_role": False},
    {"object": "role", "id": "role_01J3QK7USAGE2", "name": "Usage Viewer",
     "description": "Read-only access to usage and cost dashboards.",
     "permissions": ["api.usage.read"],
     "resource_type": "api.organization", "predefined_role": False},
    {"object": "role", "id": "role_01J5ZM2KEYS03", "name": "Key Rotator",
     "description": None,
     "permissions": ["api.organization.projects.api_keys.read", "api.organization.projects.api_keys.write"],
     "resource_type": "api.organization", "predefined_role": False},
]


def openai():
    rng = random.Random(0x0A1)
    n = 128
    offsets = sorted(spread_seconds(rng, n))
    ids = unique_ids(rng, lambda r: "user-" + rand_str(r, BASE62, 24), n)
    people = People(rng, styles=[0, 0, 2])
    owners = pick_indices(rng, n, 8, exclude=[0]) | {0}
    rows = sorted(zip(offsets, ids), key=lambda p: (p[0], p[1]))
    # The 2.3.0 fields come from their own generator, so the original six fields stay as they were.
    extra = random.Random(0x0A1230)
    # Service accounts have no email; never first or last (tests filter by the first and last email).
    service = pick_indices(extra, n, 6, exclude=[0, n - 1] + sorted(owners))
    scim = pick_indices(extra, n, 40, exclude=sorted(service))
    no_name = pick_indices(extra, n, 2, exclude=[0, n - 1] + sorted(service | owners))
    no_role = pick_indices(extra, n, 2, exclude=sorted(service | owners | no_name))
    levels = ["beginner", "intermediate", "advanced"]
    personas = ["builder", "researcher", "data_scientist", "product_manager"]
    users = []
    for i, (off, uid) in enumerate(rows):
        first, last, email = people.next()
        added = int(at(off).timestamp())
        is_service = i in service
        name = f"svc-{ascii_fold(last).lower()}-{i}" if is_service else f"{first} {last}"
        if i in no_name:
            name = None
        mail = None if is_service else email
        role = None if i in no_role else ("owner" if i in owners else "reader")
        picture = None if is_service or extra.random() < 0.15 else (
            f"https://s.gravatar.com/avatar/{rand_str(extra, '0123456789abcdef', 32)}?s=480&r=pg&d=identicon")
        k = 1 if is_service else extra.choice([0, 1, 1, 2, 3])
        projects = []
        for pid, pname in extra.sample(OPENAI_PROJECTS, k):
            prole = "owner" if (i in owners or extra.random() < 0.2) and not is_service else "member"
            projects.append({"id": pid, "name": pname, "role": prole})
        used = None if extra.random() < 0.4 else added + extra.randint(3600, 86400 * 300)
        users.append({
            "object": "organization.user",
            "id": uid,
            "name": name,
            "email": mail,
            "role": role,
            "added_at": added,
            "is_default": i == 0,
            "created": added - extra.randint(0, 86400 * 60),
            "user": {
                "object": "user", "id": uid, "email": mail, "name": name, "picture": picture,
                "enabled": True, "banned": False, "banned_at": None,
            },
            "is_service_account": is_service,
            "is_scale_tier_authorized_purchaser": (extra.random() < 0.5) if i in owners else None,
            "is_scim_managed": i in scim,
            "api_key_last_used_at": used,
            "technical_level": None if is_service or extra.random() < 0.5 else extra.choice(levels),
            "developer_persona": None if is_service or extra.random() < 0.5 else extra.choice(personas),
            "projects": {"object": "list", "data": projects},
        })
    # Custom roles: a few group managers, usage viewers and key rotators (service accounts rotate keys).
    assignments = []
    for i in sorted(pick_indices(extra, n, 4, exclude=sorted(service))):
        assignments.append({"user_id": users[i]["id"], "role_id": "role_01J1F8ROLE01"})
    for i in sorted(pick_indices(extra, n, 6)):
        assignments.append({"user_id": users[i]["id"], "role_id": "role_01J3QK7USAGE2"})
    for i in sorted(service)[:3]:
        assignments.append({"user_id": users[i]["id"], "role_id": "role_01J5ZM2KEYS03"})
    # The first owner holds two custom roles, so paging a user's assignments has something to walk.
    assignments.append({"user_id": users[0]["id"], "role_id": "role_01J3QK7USAGE2"})
    assignments.append({"user_id": users[0]["id"], "role_id": "role_01J5ZM2KEYS03"})
    seen, unique = set(), []
    for a in assignments:
        if (a["user_id"], a["role_id"]) not in seen:
            seen.add((a["user_id"], a["role_id"]))
            unique.append(a)
    creator = users[0]
    roles = []
    for r in OPENAI_ROLES:
        r = dict(r)
        if not r["predefined_role"]:
            created = users[0]["added_at"] + extra.randint(86400, 86400 * 400)
            r.update({"created_at": created, "updated_at": created + extra.randint(0, 86400 * 30),
                      "created_by": creator["id"],
                      "created_by_user_obj": {"id": creator["id"], "name": creator["name"], "email": creator["email"]},
                      "metadata": {}})
        roles.append(r)
    return {
        "vendor": "openai",
        "credentials": [
            {"authorization": "Bearer sk-admin-understudy-test", "role": "admin"},
            {"authorization": "Bearer sk-proj-understudy-test", "role": "member"},
        ],
        "roles": roles,
        "roleAssignments": unique,
        "users": users,
    }


METADATA_POOL = {
    "department": ["Engineering", "Platform", "Data", "Security", "Design", "Product", "Support", "Finance"],
    "team": ["core", "infra", "ml", "growth", "payments", "devex", "mobile", "web"],
    "location": ["Berlin", "Toronto", "Lagos", "São Paulo", "Bengaluru", "Seoul", "Austin", "Remote"],
    "employeeId": None,
    "costCenter": None,
    "scimSource": ["okta", "azure-ad", "google"],
}


def factory_metadata(rng):
    if rng.random() < 0.4:
        return {}
    keys = [k for k in METADATA_POOL if rng.random() < 0.45] or ["department"]
    out = {}
    for k in keys:
        if k == "employeeId":
            out[k] = f"E{rng.randint(10000, 99999)}"
        elif k == "costCenter":
            out[k] = f"CC-{rng.randint(1000, 9999)}"
        else:
            out[k] = rng.choice(METADATA_POOL[k])
    return out


def factory():
    rng = random.Random(0xFAC7)
    n = 146
    offsets = spread_seconds(rng, n)
    people = People(rng, styles=[0, 0, 3])
    no_names = pick_indices(rng, n, 10)
    no_last = pick_indices(rng, n, 5, exclude=no_names)
    never_signed = pick_indices(rng, n, 20)
    rows = []
    for i, off in enumerate(offsets):
        created = at(off, ms=rng.randint(0, 999))
        ms_epoch = int(created.timestamp() * 1000)
        rows.append((created, "user_" + ulid(ms_epoch, rng), i))
    assert len({r[1] for r in rows}) == n and len({r[0] for r in rows}) == n
    rows.sort(key=lambda r: (r[0], r[1]))
    users = []
    for created, uid, i in rows:
        first, last, email = people.next()
        u = {"id": uid, "email": email}
        if i not in no_names:
            u["firstName"] = first
            if i not in no_last:
                u["lastName"] = last
        u["createdAt"] = iso_ms(created)
        if i not in never_signed:
            signed = later(rng, created, 700)
            signed = signed.replace(microsecond=rng.randint(0, 999) * 1000) if signed < END else signed
            u["lastSignInAt"] = iso_ms(signed)
        u["metadata"] = factory_metadata(rng)
        users.append(u)
    # Organization state beside the users (issue 9), drawn after the users so their bytes never change.
    # Roles: the oldest member founded the org (owner) plus one more owner; 12 managers; everyone else
    # is a plain user (omitted from memberRoles, whose default is "user").
    owners = [users[0]["id"], users[rng.randrange(1, n)]["id"]]
    managers = rng.sample([u["id"] for u in users if u["id"] not in owners], 12)
    member_roles = {u["id"]: ("owner" if u["id"] in owners else "manager")
                    for u in users if u["id"] in owners or u["id"] in managers}
    # Pending invites: new people (emails unlike any member's), invited in the last weeks of the window.
    invites = []
    for role in ["user", "user", "manager", "user", "owner"]:
        _, _, email = people.next()
        sent = END - dt.timedelta(seconds=rng.randint(3600, 40 * 86400), milliseconds=rng.randint(0, 999))
        invites.append({"email": email, "role": role, "createdAt": iso_ms(sent)})
    invites.sort(key=lambda i: i["createdAt"])
    return {
        "vendor": "factory",
        "credentials": [
            {"authorization": "Bearer factory-test-key", "role": "admin"},
            {"authorization": "Bearer factory-member-key", "role": "member"},
        ],
        # 146 members + 5 pending invites = 151 seats used: 9 still free.
        "seatLimit": 160,
        "memberRoles": member_roles,
        "invites": invites,
        "users": users,
    }


VENDORS = {
    "openphone": openphone,
    "pandadoc": pandadoc,
    "1password": onepassword,
    "openai": openai,
    "factory": factory,
}


def render(doc):
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="verify Seeds/ is up to date; write nothing")
    ap.add_argument("--out", type=Path, default=SEEDS, help="output directory (default: Seeds/)")
    args = ap.parse_args()
    stale = []
    for name, build in VENDORS.items():
        text = render(build())
        path = args.out / f"{name}.json"
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path} ({len(json.loads(text)['users'])} users)")
    if stale:
        print("stale: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
