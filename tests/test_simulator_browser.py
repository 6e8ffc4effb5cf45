"""The simulator end to end, as an operator uses it: a real server, a real headless Chromium (Debian's
chromium and chromedriver, driven by Selenium), typing, switching phones and resetting.

Skips when Chromium, chromedriver or Selenium is missing, unless SMS_REQUIRE_BROWSER=1 (CI), which makes
that a failure. Leaves a screenshot in artifacts/simulator.png.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from servers import free_port, wait_for_port

from helpers import ROOT
from sms.channels.sms import segments
from sms.operator.simulator import NUMBERS
from sms.privacy import number_key
from sms.settings import DEV_HASH_SECRET
from sms.stores import Record, SQLiteStore

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
         "--window-size=480,980")
SCREENSHOT = ROOT / "artifacts" / "simulator.png"
WAIT = 15  # seconds for a reply to appear


@pytest.fixture
def webdriver_module():
    """selenium.webdriver, or a skip (a failure with SMS_REQUIRE_BROWSER=1) saying what is missing."""
    missing = [f"{path} (apt-get install chromium chromium-driver)" for path in (CHROMIUM, CHROMEDRIVER)
               if not path.exists()]
    try:
        from selenium import webdriver
    except ImportError:
        missing.append("selenium (pip install -r requirements.txt)")
    if missing:
        reason = "the browser test needs " + ", ".join(missing)
        if os.environ.get("SMS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason}, and SMS_REQUIRE_BROWSER=1 requires it")
        pytest.skip(reason)
    return webdriver


@pytest.fixture
def server(tmp_path):
    """The line under Flask's development server in debug mode (simulator open); (base URL, store path)."""
    port, db = free_port(), tmp_path / "browser.sqlite3"
    env = {**os.environ, "SMS_STORE_URL": f"sqlite:///{db}"}
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "sms", "run", "--debug", "--no-reload",
                                "--no-debugger", "--host", "127.0.0.1", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, 60)
        yield f"http://127.0.0.1:{port}", db
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


@pytest.fixture
def browser(webdriver_module, tmp_path):
    """Headless Chromium from Debian's packages; Selenium Manager is never asked to download anything."""
    from selenium.webdriver.chrome.service import Service

    options = webdriver_module.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    driver = webdriver_module.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def test_simulator_in_a_real_browser(server, browser, content, en, renditions):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    base, db = server
    wait = WebDriverWait(browser, WAIT)

    def texts(selector):  # read in one go: the page redraws the thread after each answer
        return browser.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent)", selector)

    def line_bubbles():
        return texts("#thread .msg.line")

    def send(text, enter=False):
        before = len(line_bubbles())
        box = browser.find_element(By.ID, "text")
        box.send_keys(text)
        if enter:
            box.send_keys(Keys.ENTER)
        else:
            browser.find_element(By.ID, "send").click()
        wait.until(lambda _: len(line_bubbles()) > before)
        return line_bubbles()[-1]

    def phone(n):
        browser.find_element(By.CSS_SELECTOR, f'.number[data-number="{NUMBERS[n]}"]').click()

    browser.get(base + "/simulator")
    assert browser.title == "Text line simulator"
    assert "No texts yet" in browser.find_element(By.ID, "thread").text

    # "hi": the welcome exactly as sent, with its segment count and encoding under it
    welcome = en.menus["main"]
    assert send("hi") == welcome
    cost = segments.encode(welcome)
    meta = texts("#thread .meta")[-1]
    assert meta == f"{cost.segments} segments \u00b7 {cost.name} \u00b7 {len(welcome)} characters"

    # "1" (sent with Enter): the first entry of the main menu
    first = content.menus["main"][0]
    assert first.kind == "menu"
    assert send("1", enter=True) == en.menus[first.target]
    assert texts("#thread .msg.you") == ["hi", "1"]
    SCREENSHOT.parent.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOT))

    # the second phone has its own conversation, in the page and in the store
    phone(1)
    assert line_bubbles() == []
    assert send("1") == en.menus[first.target]  # a first "1" opens main's entry 1 too...
    assert send("BACK") == welcome  # ...and BACK goes up to the main menu
    phone(0)
    assert line_bubbles() == [welcome, en.menus[first.target]]
    assert send("BACK") == welcome  # phone A was still in the sub-menu

    # phone A opts out: its texts get no reply, and the page says so
    assert send("STOP") == en.strings["stopped"]
    box = browser.find_element(By.ID, "text")
    box.send_keys("hi", Keys.ENTER)
    wait.until(lambda _: len(texts("#thread .msg.none")) == 1)

    # reset: phone A's record, opt-out included, is deleted from the store; phone B's is not
    store = SQLiteStore(db)
    keys = [number_key(n, DEV_HASH_SECRET) for n in NUMBERS]
    assert store.load(keys[0]).opted_out
    browser.find_element(By.ID, "reset").click()
    wait.until(lambda _: store.load(keys[0]) == Record(None, False))
    wait.until(lambda _: line_bubbles() == [] and "No texts yet" in browser.find_element(By.ID, "thread").text)
    assert store.load(keys[1]).blob is not None
    assert send("hi") == welcome  # a fresh start: answered again

    # the test call: the greeting on opening it, then keys and words as a caller would
    voice = renditions["voice"]
    browser.find_element(By.CSS_SELECTOR, '.number[data-number="call"]').click()
    wait.until(lambda _: line_bubbles() == [voice.languages["en"].strings["greeting"] + "\n" + "\n".join(
        v.choose for v in voice.voices.values())])
    assert send("2") == voice.languages["es"].menus["main"]
    assert texts("#thread .meta")[-1] == "said by Polly.Lupe (es-US), then asks for a key (menu)"
    assert send("0") == voice.languages["es"].strings["connecting"]
    assert texts("#thread .meta")[-1].endswith("connects the call to +18883737888")
    phone(0)
    assert line_bubbles() == [welcome]  # the texts are still there
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
