#!/usr/bin/env python3
"""Prints, one per line as `vendor<TAB>query`, the query string of a page DEPTH pages of SIZE users
deep for the four cursor-paged vendors (OpenAI `after`, 1Password `page_token`, Factory `cursor`,
OpenPhone `pageToken`), found by walking the list with the largest pages each vendor allows over keep-alive and taking
the cursor the vendor hands out, exactly as a client would. Stdlib only.
Usage: deep_cursors.py BASE_URL [DEPTH] [SIZE]   (BASE_URL like http://127.0.0.1:8080)"""

import http.client
import json
import sys
from urllib.parse import quote

BASE = sys.argv[1]
DEPTH = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
SIZE = int(sys.argv[3]) if len(sys.argv) > 3 else 10
ACCOUNT = "UNDERSTUDYTESTACCOUNT00001"

# vendor: (path, Authorization, page-size name, largest page size, cursor name, next cursor from a page)
VENDORS = {
    "openai": ("/v1/organization/users", "Bearer sk-admin-understudy-test", "limit", 100, "after",
               lambda page: page["last_id"]),
    "1password": (f"/v1beta1/accounts/{ACCOUNT}/users", "Bearer 1password-test-token", "max_page_size", 100, "page_token",
                  lambda page: page["next_page_token"]),
    "factory": ("/api/v0/organization/users", "Bearer factory-test-key", "limit", 100, "cursor",
                lambda page: page["pagination"]["nextCursor"]),
    "openphone": ("/v1/users", "openphone-test-key", "maxResults", 50, "pageToken",
                  lambda page: page["nextPageToken"]),
}


def main():
    host = BASE.split("//", 1)[1].rstrip("/")
    conn = http.client.HTTPConnection(host, timeout=30)
    skip = DEPTH * SIZE  # users before the deep page
    for vendor, (path, key, size_name, largest, cursor_name, next_cursor) in VENDORS.items():
        cursor = None
        walked = 0
        while walked < skip:
            step = min(largest, skip - walked)
            query = f"{size_name}={step}" + (f"&{cursor_name}={quote(cursor, safe='')}" if cursor else "")
            conn.request("GET", f"{path}?{query}", headers={"Authorization": key})
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                raise SystemExit(f"{vendor}: {response.status} {body[:200]!r}")
            cursor = next_cursor(json.loads(body))
            walked += step
        print(f"{vendor}\t{path}?{size_name}={SIZE}&{cursor_name}={quote(cursor, safe='')}")


main()
