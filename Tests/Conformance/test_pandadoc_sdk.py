"""The official PandaDoc Python SDK (`pandadoc-python-client` 6.2.0) against understudy.

Which path and why: 6.2.0 has no list-users method. Its only /public/v1/users
operation is `UserAndWorkspaceManagementApi.create_user` (POST); there is no
`list_users` anywhere in the package. So this module declares the missing
operation exactly the way the SDK's generated API classes declare theirs: a
`pandadoc_client.api_client.Endpoint` (GET /public/v1/users, auth
['apiKey', 'oauth2'], Accept: application/json) bound to the SDK's own
`ApiClient`. Everything that talks to the server is the SDK's code: Configuration
(host, `api_key={"apiKey": "API-Key ..."}` / `access_token=`), its input type
checks, auth settings → Authorization header, query serialisation, its urllib3
RESTClientObject transport, response deserialisation, and its status → exception
mapping (UnauthorizedException, ForbiddenException, ApiException).

Note for the server: the SDK serialises a bool query parameter with Python's
str(), so show_removed goes out as `True` / `False`, not `true` / `false`.
"""

from __future__ import annotations

import json

import pandadoc_client
import pytest
from pandadoc_client.api_client import ApiClient, Endpoint
from pandadoc_client.exceptions import ForbiddenException, UnauthorizedException
from pandadoc_client.model_utils import date, datetime, none_type

from understudy_contract import assert_same_users, user_key

PAGE_SIZE = 7
HOSTS = {"root": "", "prefixed": "/pandadoc"}


class UsersApi:
    """The list-users operation PandaDoc's REST API has and SDK 6.2.0 lacks, in the SDK's own style."""

    def __init__(self, api_client: ApiClient):
        self.api_client = api_client
        self.list_users_endpoint = Endpoint(
            settings={
                "response_type": ({str: (bool, date, datetime, dict, float, int, list, str, none_type)},),
                "auth": ["apiKey", "oauth2"],
                "endpoint_path": "/public/v1/users",
                "operation_id": "list_users",
                "http_method": "GET",
                "servers": None,
            },
            params_map={
                "all": ["count", "page", "show_removed"],
                "required": [],
                "nullable": [],
                "enum": [],
                "validation": [],
            },
            root_map={
                "validations": {},
                "allowed_values": {},
                "openapi_types": {"count": (int,), "page": (int,), "show_removed": (bool,)},
                "attribute_map": {"count": "count", "page": "page", "show_removed": "show_removed"},
                "location_map": {"count": "query", "page": "query", "show_removed": "query"},
                "collection_format_map": {},
            },
            headers_map={"accept": ["application/json"], "content_type": []},
            api_client=api_client,
        )

    def list_users(self, **kwargs):
        # Same defaults the generated methods fill in before call_with_http_info.
        kwargs.setdefault("async_req", False)
        kwargs.setdefault("_return_http_data_only", True)
        kwargs.setdefault("_preload_content", True)
        kwargs.setdefault("_request_timeout", 10)
        kwargs.setdefault("_check_input_type", True)
        kwargs.setdefault("_check_return_type", True)
        kwargs.setdefault("_spec_property_naming", False)
        kwargs.setdefault("_content_type", None)
        kwargs.setdefault("_host_index", None)
        return self.list_users_endpoint.call_with_http_info(**kwargs)


def sdk(base_url: str, form: str = "root", **config) -> UsersApi:
    configuration = pandadoc_client.Configuration(host=f"{base_url}{HOSTS[form]}", **config)
    return UsersApi(ApiClient(configuration))


def api_key(key: str = "pandadoc-test-key") -> dict:
    return {"api_key": {"apiKey": f"API-Key {key}"}}


def list_all(api: UsersApi, page_size: int = PAGE_SIZE, **params) -> list[dict]:
    """Offset paging: page=1,2,... until a page is shorter than `count` (or empty)."""
    users: list[dict] = []
    for page in range(1, 500):
        body = api.list_users(count=page_size, page=page, **params)
        results = body["results"]
        assert len(results) <= page_size
        users.extend(results)
        if len(results) < page_size:
            return users
    raise AssertionError("pagination did not terminate")


@pytest.fixture
def seed(seeds):
    return seeds("pandadoc")


def active_users(seed_doc):
    removed = set(seed_doc.get("removedUserIds") or [])
    return [u for u in seed_doc["users"] if user_key("pandadoc", u) not in removed]


@pytest.mark.parametrize("form", sorted(HOSTS))
@pytest.mark.parametrize("page_size", [1, PAGE_SIZE, 50])
def test_lists_every_seeded_user_once_in_order(base_url, seed, form, page_size):
    listed = list_all(sdk(base_url, form, **api_key()), page_size=page_size)
    assert_same_users("pandadoc", listed, seed["users"])


def test_total_and_default_paging(base_url, seed):
    body = sdk(base_url, **api_key()).list_users()  # count=50, page=1, show_removed=true by default
    assert int(body["total"]) == len(seed["users"])
    assert_same_users("pandadoc", body["results"], seed["users"][:50])


def test_bearer_token_is_accepted(base_url, seed):
    listed = list_all(sdk(base_url, access_token="pandadoc-test-token"))
    assert_same_users("pandadoc", listed, seed["users"])


@pytest.mark.parametrize("form", sorted(HOSTS))
def test_show_removed_false_hides_removed_users(base_url, seed, form):
    assert seed.get("removedUserIds"), "Seeds/pandadoc.json should list removedUserIds"
    api = sdk(base_url, form, **api_key())
    expected = active_users(seed)
    assert_same_users("pandadoc", list_all(api, show_removed=False), expected)
    assert int(api.list_users(show_removed=False)["total"]) == len(expected)
    assert_same_users("pandadoc", list_all(api, show_removed=True), seed["users"])


def test_member_key_is_forbidden(base_url):
    with pytest.raises(ForbiddenException) as excinfo:
        sdk(base_url, **api_key("pandadoc-member-key")).list_users()
    assert excinfo.value.status == 403
    assert isinstance(json.loads(excinfo.value.body), dict)


@pytest.mark.parametrize("config", [{}, api_key("not-a-real-key"), {"access_token": "not-a-real-token"}],
                         ids=["missing", "bad-api-key", "bad-bearer"])
def test_missing_or_invalid_credentials_are_unauthorized(base_url, config):
    with pytest.raises(UnauthorizedException) as excinfo:
        sdk(base_url, **config).list_users()
    assert excinfo.value.status == 401
    assert isinstance(json.loads(excinfo.value.body), dict)

