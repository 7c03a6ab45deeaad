"""Shared fixtures for the conformance suite, and the rule that nothing may be skipped.

The suite talks to a live `understudy` server whose root URL is in UNDERSTUDY_URL
(run.sh starts the server and exports it before pytest starts).
"""

from __future__ import annotations

import os

import httpx
import pytest

from understudy_contract import load_seeds


@pytest.fixture(scope="session")
def base_url() -> str:
    url = os.environ.get("UNDERSTUDY_URL", "").strip().rstrip("/")
    if not url:
        pytest.fail("UNDERSTUDY_URL is not set: start the server (bash Tests/Conformance/run.sh does)", pytrace=False)
    return url


@pytest.fixture(scope="session")
def seeds():
    """seeds(vendor) -> the parsed Seeds/<vendor>.json document (cached)."""
    cache: dict[str, dict] = {}

    def load(vendor: str) -> dict:
        if vendor not in cache:
            cache[vendor] = load_seeds(vendor)
        return cache[vendor]

    return load


@pytest.fixture(scope="session")
def http(base_url):
    with httpx.Client(timeout=10.0, follow_redirects=False) as client:
        yield client


@pytest.fixture(autouse=True)
def _reset_after_each_test(base_url):
    """Writes (deletes, suspends, invites) must not leak into the next test: every test starts from
    the seeds. POST /__admin/reset also clears the journal, armed faults and rate-limit counters."""
    yield
    httpx.post(f"{base_url}/__admin/reset", timeout=10.0).raise_for_status()


# ------------------------------------------------------------------ no skips
# A skipped (or xfailed) test counts as a failure: the suite must exercise every
# client against the server on every run.

def _as_failure(report, what: str) -> None:
    reason = report.longrepr
    if isinstance(reason, tuple) and len(reason) == 3:
        reason = reason[2]
    report.outcome = "failed"
    report.longrepr = f"{what} is not allowed in the conformance suite: {reason}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.skipped:
        _as_failure(report, "xfail" if hasattr(report, "wasxfail") else "skip")
    elif hasattr(report, "wasxfail"):  # xpass
        _as_failure(report, "xpass")
        del report.wasxfail
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    report = yield
    if report.skipped:
        _as_failure(report, "skipping a module")
    return report


def pytest_sessionfinish(session, exitstatus):
    if session.testscollected == 0 and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.NO_TESTS_COLLECTED
