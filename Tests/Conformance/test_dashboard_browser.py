"""The dashboard (issue 15) driven in headless Chromium with Selenium.

Debian's `chromium` and `chromium-driver` must be installed (.ci/run installs them when missing);
without them these tests FAIL, they never skip. Screenshots go to Tests/Conformance/artifacts/.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
import uuid

import httpx
import pytest

# A plain import: a missing selenium is a collection error (a failure), never a skip.
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

HERE = pathlib.Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"


def admin_key(vendor: str, http: httpx.Client, base_url: str) -> str:
    """The vendor's admin credential as GET /__admin/vendors lists it."""
    vendors = http.get(f"{base_url}/__admin/vendors").json()["vendors"]
    entry = next(v for v in vendors if v["id"] == vendor)
    return next(c["authorization"] for c in entry["credentials"] if c["role"] == "admin")


def _binary(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(f"none of {names} is installed: apt-get install -y chromium chromium-driver (.ci/run does)", pytrace=False)


@pytest.fixture(scope="module")
def browser():
    options = Options()
    options.binary_location = _binary("chromium", "chromium-browser", "google-chrome")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=_binary("chromedriver")), options=options)
    driver.set_page_load_timeout(20)
    ARTIFACTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()


def shot(driver, name: str) -> None:
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def wait(driver, condition, timeout: float = 5.0, poll: float = 0.02):
    # The page re-renders rows and panels as data arrives: an element found a moment ago may be gone.
    return WebDriverWait(driver, timeout, poll_frequency=poll, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: condition(d))


def fault_cell(driver, fault_id: str, cls: str):
    """The text of a cell of the armed-fault row, or None (read in one script: the panel refreshes every second)."""
    return driver.execute_script(
        "const c = document.querySelector(`[data-fault-row=\"${arguments[0]}\"] .${arguments[1]}`); return c && c.textContent;",
        fault_id, cls)


def open_live(driver, url: str) -> None:
    driver.get(url)
    wait(driver, lambda d: d.find_element(By.ID, "status").text == "live")


def rows(driver) -> list[str]:
    """The rendered rows' texts, read in one script (rows are re-rendered as entries arrive)."""
    return driver.execute_script("return [...document.querySelectorAll('#spacer .row')].map(r => r.innerText)")


def shown(driver) -> str:
    return driver.find_element(By.ID, "shown").get_attribute("textContent")


def click_row(driver, containing: str) -> None:
    clicked = driver.execute_script(
        "const r = [...document.querySelectorAll('#spacer .row')].find(r => r.innerText.includes(arguments[0]));"
        "if (r) r.click(); return !!r;", containing)
    assert clicked, f"no row contains {containing!r}"


def curl(url: str, *args: str) -> str:
    """Runs curl; returns the status code it got."""
    done = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", *args, url],
                          check=True, timeout=10, capture_output=True, text=True)
    return done.stdout.strip()


def test_page_isSelfContainedAndSmall(http, base_url):
    for path in ("/__admin", "/__admin/"):
        response = http.get(base_url + path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        page = response.text
        assert len(response.content) < 50 * 1024, len(response.content)
        # No CDN, no external fonts or scripts: nothing the page loads names another origin.
        for needle in ('src="http', "src='http", 'href="http', "@import", "url(http", "fonts.googleapis"):
            assert needle not in page


def test_requestMadeWithCurl_appearsWithinASecond(browser, base_url):
    open_live(browser, base_url + "/__admin")
    marker = uuid.uuid4().hex[:12]
    started = time.monotonic()
    status = curl(f"{base_url}/openai/v1/organization/users/user-{marker}")
    wait(browser, lambda d: any(marker in text for text in rows(d)), timeout=3.0)
    elapsed = time.monotonic() - started
    shot(browser, "dashboard-live")
    assert elapsed < 1.0, f"the request appeared after {elapsed:.2f} s"
    row = next(text for text in rows(browser) if marker in text)
    assert row.split("\n")[2:4] == ["openai", "GET"] and status in row.split("\n")


def test_filters_narrowTheList(browser, http, base_url):
    open_live(browser, base_url + "/__admin")
    openai = admin_key("openai", http, base_url)
    http.get(f"{base_url}/v1/organization/users", headers={"Authorization": openai})
    http.get(f"{base_url}/openai/v1/organization/users/nobody-here", headers={"Authorization": openai})
    http.get(f"{base_url}/pandadoc/public/v1/users")  # no credential: PandaDoc's 401
    wait(browser, lambda d: len(rows(d)) >= 3)
    Select(browser.find_element(By.ID, "fvendor")).select_by_value("openai")
    wait(browser, lambda d: rows(d) and all("openai" in r for r in rows(d)))
    assert len(rows(browser)) == 2
    Select(browser.find_element(By.ID, "fstatus")).select_by_value("4")
    wait(browser, lambda d: len(rows(d)) == 1 and "nobody-here" in rows(d)[0])
    Select(browser.find_element(By.ID, "fstatus")).select_by_value("")
    Select(browser.find_element(By.ID, "fvendor")).select_by_value("")
    browser.find_element(By.ID, "fpath").send_keys("public/v1")
    wait(browser, lambda d: len(rows(d)) == 1 and "pandadoc" in rows(d)[0])
    counts = browser.find_element(By.ID, "counts").text
    assert "openai" in counts and "pandadoc" in counts and "4xx" in counts and "2xx" in counts
    shot(browser, "dashboard-filters")


def test_detailView_showsResponseBodyAndCurl(browser, http, base_url):
    open_live(browser, base_url + "/__admin")
    openai = admin_key("openai", http, base_url)
    listed = http.get(f"{base_url}/v1/organization/users?limit=2", headers={"Authorization": openai}).json()
    email = listed["data"][0]["email"]
    wait(browser, lambda d: any("/v1/organization/users?limit=2" in r for r in rows(d)))
    click_row(browser, "limit=2")
    body = wait(browser, lambda d: d.find_element(By.ID, "respbody"))
    assert email in body.text
    assert '"object": "list"' in body.text  # pretty-printed JSON
    detail = browser.find_element(By.ID, "detail").text
    assert openai not in detail  # Authorization is masked as in the journal
    assert "*" in detail
    browser.find_element(By.ID, "copycurl").click()
    curl_text = browser.find_element(By.ID, "curltext").get_attribute("textContent")
    assert curl_text.startswith("curl -X GET '") and "/v1/organization/users?limit=2" in curl_text
    shot(browser, "dashboard-detail")


def test_armedFault_appearsLiveAndIsRemovedWithTheButton(browser, http, base_url):
    open_live(browser, base_url + "/__admin")
    armed = http.post(f"{base_url}/__admin/faults", json={"vendor": "openai", "status": 503})
    assert armed.status_code == 201
    fault_id = armed.json()["id"]
    assert wait(browser, lambda d: fault_cell(d, fault_id, "fired"), timeout=4.0) == "0"
    http.get(f"{base_url}/v1/organization/users", headers={"Authorization": admin_key("openai", http, base_url)})
    wait(browser, lambda d: fault_cell(d, fault_id, "fired") == "1" and fault_cell(d, fault_id, "matched") == "1", timeout=4.0)
    shot(browser, "dashboard-faults")
    assert browser.execute_script(
        "const b = document.querySelector(`button[data-fault=\"${arguments[0]}\"]`); if (b) b.click(); return !!b;", fault_id)
    wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, f'[data-fault-row="{fault_id}"]'), timeout=4.0)
    assert http.get(f"{base_url}/__admin/faults").json()["faults"] == []


XSS = "<img src=x onerror=window.__pwned=1>"


def test_xssInAUsersName_staysText(browser, http, base_url):
    openai = admin_key("openai", http, base_url)
    first = http.get(f"{base_url}/v1/organization/users?limit=1", headers={"Authorization": openai}).json()["data"][0]
    renamed = http.patch(f"{base_url}/__admin/vendors/openai/users/{first['id']}", json={"name": XSS})
    assert renamed.status_code == 200, renamed.text
    open_live(browser, base_url + "/__admin")
    http.get(f"{base_url}/v1/organization/users?limit=1", headers={"Authorization": openai}, params={"x": XSS})
    wait(browser, lambda d: any("x=%3Cimg" in r for r in rows(d)))
    click_row(browser, "x=%3Cimg")
    body = wait(browser, lambda d: d.find_element(By.ID, "respbody"))
    assert XSS in body.text
    vendors = browser.find_element(By.ID, "vendorlist")
    assert "openai" in vendors.text
    assert browser.execute_script("return window.__pwned === undefined")
    assert browser.execute_script("return document.querySelectorAll('img').length") == 0
    shot(browser, "dashboard-xss")


def _pipeline(base_url: str, count: int) -> None:
    """`count` journaled requests, pipelined on one socket (fast, and each is a real request)."""
    parsed = urllib.parse.urlparse(base_url)
    request = f"GET /factory/api/v0/organization/users?n=1 HTTP/1.1\r\nHost: {parsed.hostname}\r\n\r\n".encode()
    with socket.create_connection((parsed.hostname, parsed.port), timeout=20) as sock:
        sock.sendall(request * (count - 1) + request.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
        while sock.recv(1 << 20):
            pass


def test_tenThousandEntries_renderWithoutFreezing(browser, http, base_url):
    # Half in the journal before the page loads, half streamed in while it is open.
    _pipeline(base_url, 5000)
    browser.get(base_url + "/__admin")
    browser.execute_script("""
        window.__longest = 0;
        new PerformanceObserver(l => { for (const e of l.getEntries()) window.__longest = Math.max(window.__longest, e.duration); })
          .observe({type: "longtask", buffered: true});""")
    wait(browser, lambda d: d.find_element(By.ID, "status").text == "live", timeout=10)
    _pipeline(base_url, 5000)
    try:
        wait(browser, lambda d: shown(d).startswith("10000 shown"), timeout=20)
    finally:
        shot(browser, "dashboard-10000")
        print("shown:", shown(browser), "journal:", len(http.get(f"{base_url}/__admin/requests").json()["requests"]))
    # The page stays responsive: filtering 10 000 entries, scrolling to the bottom.
    browser.find_element(By.ID, "fpath").send_keys("organization/users")
    wait(browser, lambda d: shown(d).startswith("10000 shown"))
    browser.execute_script("document.getElementById('scroll').scrollTop = 1e9")
    wait(browser, lambda d: len(rows(d)) > 0)
    assert len(rows(browser)) < 200  # virtualised: only the rows in view exist
    longest = browser.execute_script("return window.__longest")
    shot(browser, "dashboard-10000")
    print("longest main-thread task (ms):", longest)
    assert longest < 1000, f"a main-thread task took {longest} ms"


def _serve(*args: str) -> tuple[subprocess.Popen, str]:
    binary = os.environ.get("UNDERSTUDY_BIN") or pytest.fail("UNDERSTUDY_BIN is not set (run.sh sets it)", pytrace=False)
    ready = pathlib.Path(tempfile.mkdtemp()) / "ready"
    process = subprocess.Popen([binary, "serve", "--port", "0", "--ready-file", str(ready), *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        if ready.exists() and ready.read_text().strip():
            return process, ready.read_text().strip()
        time.sleep(0.05)
    process.kill()
    pytest.fail("the token server did not start")


def test_adminToken_pageAndStreamUseTheQueryToken(browser):
    process, url = _serve("--admin-token", "dash-secret")
    try:
        assert httpx.get(url + "/__admin").status_code == 401
        assert httpx.get(url + "/__admin/events?token=wrong").status_code == 401
        open_live(browser, url + "/__admin?token=dash-secret")
        assert "token" not in browser.current_url  # dropped from the address bar, kept in sessionStorage
        assert browser.execute_script("return sessionStorage.getItem('understudyToken')") == "dash-secret"
        marker = uuid.uuid4().hex[:10]
        curl(f"{url}/openai/v1/organization/users/user-{marker}")
        wait(browser, lambda d: any(marker in r for r in rows(d)), timeout=2.0)
        wait(browser, lambda d: "openai" in d.find_element(By.ID, "vendorlist").text, timeout=3.0)
        browser.execute_script("sessionStorage.clear()")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_sigterm_exitsPromptlyWithAnOpenEventStream():
    process, url = _serve()
    stream = subprocess.Popen(["curl", "-sN", url + "/__admin/events"], stdout=subprocess.PIPE)
    try:
        assert stream.stdout.readline().startswith(b"retry:")
        started = time.monotonic()
        process.terminate()
        assert process.wait(timeout=5) == 0
        assert time.monotonic() - started < 3.0
        assert stream.wait(timeout=5) is not None  # the stream was closed, not left hanging
    finally:
        stream.kill()
        process.kill()


def test_report_opensFromFileWithNoServer(browser, http, base_url):
    openai = admin_key("openai", http, base_url)
    http.get(f"{base_url}/v1/organization/users?limit=1", headers={"Authorization": openai})
    http.get(f"{base_url}/v1/organization/users/user-{XSS}", headers={"Authorization": openai})
    out = ARTIFACTS / "report.html"
    ARTIFACTS.mkdir(exist_ok=True)
    binary = os.environ["UNDERSTUDY_BIN"]
    subprocess.run([binary, "report", "--url", base_url, "--out", str(out)], check=True, timeout=20)
    html = out.read_text()
    assert "</script><img" not in html.split('id="data">', 1)[1].split("</script>", 1)[0]
    browser.get(out.as_uri())
    wait(browser, lambda d: len(rows(d)) == 2)
    assert browser.find_element(By.ID, "status").text == "snapshot"
    click_row(browser, "user-")
    wait(browser, lambda d: d.find_elements(By.ID, "respbody"))
    assert browser.execute_script("return document.querySelectorAll('img').length") == 0
    assert "openai" in browser.find_element(By.ID, "vendorlist").text
    shot(browser, "dashboard-report")
    # GET /__admin/report is the same document.
    served = http.get(f"{base_url}/__admin/report")
    assert served.status_code == 200 and json.loads(served.text.split('id="data">', 1)[1].split("</script>", 1)[0])["snapshot"]


def test_readmeScreenshot(browser, http, base_url):
    """A busy page for the README (artifacts/dashboard.png): vendors, statuses, a session, a fault, a detail."""
    openai = admin_key("openai", http, base_url)
    http.post(f"{base_url}/__admin/sessions", json={"name": "ci-job-7"})
    open_live(browser, base_url + "/__admin")
    fault = http.post(f"{base_url}/__admin/faults", json={"vendor": "pandadoc", "status": 429, "times": 2}).json()["id"]
    http.get(f"{base_url}/v1/organization/users?limit=3", headers={"Authorization": openai})
    http.get(f"{base_url}/pandadoc/public/v1/users", headers={"Authorization": admin_key("pandadoc", http, base_url)})
    http.get(f"{base_url}/openphone/v1/users", headers={"Authorization": admin_key("openphone", http, base_url)})
    http.get(f"{base_url}/__session/ci-job-7/factory/api/v0/organization/users")
    http.get(f"{base_url}/v1/organization/users?limit=1&__status=500", headers={"Authorization": openai})
    http.get(f"{base_url}/openai/v1/organization/users/user-missing", headers={"Authorization": openai})
    wait(browser, lambda d: len(rows(d)) >= 6)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f'[data-fault-row="{fault}"]'), timeout=4.0)
    click_row(browser, "limit=3")
    wait(browser, lambda d: d.find_elements(By.ID, "respbody"))
    browser.execute_script("document.querySelector('details[data-vendor=openai]').open = true")
    shot(browser, "dashboard")
    http.delete(f"{base_url}/__admin/sessions/ci-job-7")
