"""The HTML report: its data, the file the CLI writes, and clicking through it in Chromium.

The browser tests need Debian's ``chromium`` and the ``playwright`` package
(``.ci/run`` installs both); when either is missing they fail, saying what
to install, rather than skip.
"""
import os
import re
import stat

import pytest

from conftest import ROOT
from explorer import api, cli
from explorer.render import html

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
TWO_LOCKS = os.path.join(ROOT, "models", "two_locks.py")
RACE = os.path.join(ROOT, "models", "race.py")
SHOTS = os.environ.get("EXPLORER_SCREENSHOTS")   # a directory to keep screenshots in


@pytest.fixture(scope="module")
def two_locks():
    return api.explore(TWO_LOCKS, "dfs")


def test_deadlock_walk_has_owners_and_blocked_threads(two_locks):
    data = html.report_data(two_locks)
    [walk] = [w for w in data["walks"] if w["kind"] == "deadlock"]
    assert walk["schedule"].startswith("ex1.")
    assert walk["threads"] == ["MainThread", "Thread-1 (take)", "Thread-2 (take)"]
    last = walk["steps"][-1]
    assert sorted(last["locks"].values()) == ["Thread-1 (take)", "Thread-2 (take)"]
    blocked = {walk["threads"][b["thread"]]: b for b in walk["blocked"]}
    assert set(blocked) == set(walk["threads"])
    for name in ("Thread-1 (take)", "Thread-2 (take)"):
        b = blocked[name]
        assert "held by Thread-" in b["text"]
        assert data["files"][b["file"]]["lines"][b["line"] - 1].strip() == "with second:"
    titles = [w["title"] for w in data["walks"]]
    assert titles[-2:] == ["outcome ('A', 'B')", "outcome ('B', 'A')"]   # failures first


def test_cli_writes_one_self_contained_file(tmp_path, capsys):
    out = tmp_path / "report.html"
    spec = os.path.join(ROOT, "models", "self_deadlock.py")
    code = cli.main(["explore", spec, "--strategy", "dfs", "--report", str(out)])
    assert code == 1
    assert f"report: {out}" in capsys.readouterr().out
    text = out.read_text()
    assert not re.search(r"<(script|img|link|iframe)[^>]+(src|href)=", text)
    urls = set(re.findall(r"https?://[^\"\\\s<>]+", text))
    assert all(u.startswith("http://www.w3.org/") for u in urls), urls   # SVG namespaces only
    assert "<svg" in text                      # the deadlock diagram is inline
    assert os.listdir(tmp_path) == ["report.html"]          # no temp file left behind
    assert stat.S_IMODE(out.stat().st_mode) & 0o044          # readable by others (umask)


def test_report_to_missing_directory_is_bad_input(tmp_path, capsys):
    code = cli.main(["explore", TWO_LOCKS, "--report", str(tmp_path / "nope" / "r.html")])
    assert code == 2
    assert "no such directory" in capsys.readouterr().err


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser tests need playwright: pip install -e '.[test]'")
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"the browser tests need {CHROMIUM}: apt-get install -y chromium "
                    "(.ci/run installs it)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_report(browser, result, tmp_path, name):
    path = tmp_path / f"{name}.html"
    html.write_report(result, str(path))
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: errors.append(f"request {r.url}")
            if not r.url.startswith(("file:", "data:", "about:")) else None)
    page.goto(path.as_uri())
    return page, errors


def shot(page, tmp_path, name):
    folder = SHOTS or str(tmp_path)
    page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def label(page):
    return page.inner_text("#step-label")


def test_click_through_the_deadlock(browser, two_locks, tmp_path):
    page, errors = open_report(browser, two_locks, tmp_path, "deadlock")
    page.click('#walk-tabs button:text-is("deadlock")')
    [record] = [r for r in two_locks.failure_records if r.failure.kind == "deadlock"]
    n = len(record.trace)
    assert label(page) == f"step {n} of {n}"               # opens on the failing step
    assert page.locator(".thread-col").count() == 3
    for name in ("Thread-1 (take)", "Thread-2 (take)"):
        col = page.locator(f'.thread-col[data-thread="{name}"]')
        assert col.locator(".blocked").inner_text().strip().endswith("with second:")
        assert re.fullmatch(r"blocked: waits for \S+ \(held by Thread-[12] \(take\)\) "
                            r"at two_locks.py:\d+", col.locator(".status").inner_text())
    assert page.locator("#locks").inner_text().count("held by") == 2
    shot(page, tmp_path, "deadlock-last")
    page.keyboard.press("ArrowLeft")
    assert label(page) == f"step {n - 1} of {n}"
    assert page.locator("#locks").inner_text().count("held by") == 1
    page.keyboard.press("Home")
    assert label(page) == f"step 1 of {n}"
    assert page.inner_text(".thread-col.active h4") == "MainThread"
    thread1 = '.thread-col[data-thread="Thread-1 (take)"] .status'
    assert page.inner_text(thread1) == "not started"
    page.click("#next")
    assert label(page) == f"step 2 of {n}"
    start = next(i for i, (_, op) in enumerate(record.trace)
                 if op.kind == "start" and op.obj.name == "Thread-1 (take)")
    page.click(f'#trace tr[data-step="{start + 1}"]')
    assert label(page) == f"step {start + 2} of {n}"
    assert page.inner_text("#trace tr.current td") == str(start + 1)
    assert page.inner_text(thread1) == "started, not yet run"
    shot(page, tmp_path, "deadlock-started")
    page.click("#walk-tabs button:has-text(\"outcome ('A', 'B')\")")
    assert "returned ('A', 'B')" in page.inner_text("#walk-message")
    assert errors == []


def test_click_through_the_lost_update(browser, tmp_path):
    result = api.explore(RACE, "dfs")
    page, errors = open_report(browser, result, tmp_path, "lost-update")
    tabs = page.locator("#walk-tabs button").all_inner_texts()
    assert page.locator("#walk-tabs button.failure").count() == len(result.failure_records)
    lost = "lost-update" if "lost-update" in tabs else "outcome 1"
    page.click(f'#walk-tabs button:has-text("{lost}")')
    page.click("#first")
    n = int(label(page).split()[-1])
    seen = {}
    for _ in range(n):
        active = page.inner_text(".thread-col.active h4")
        current = page.locator(".thread-col.active .current")
        if current.count():
            seen.setdefault(active, set()).add(current.inner_text().split(None, 1)[-1].strip())
        page.keyboard.press("ArrowRight")
    assert label(page) == f"step {n} of {n}"
    workers = [name for name in seen if name != "MainThread"]
    assert len(workers) == 2
    body = {"local_copy = self.value", "time.sleep(0.01)", "self.value = local_copy"}
    for name in workers:                 # each thread is shown inside update()
        assert seen[name] & body, (name, seen[name])
    shot(page, tmp_path, "lost-update-last")
    assert errors == []
