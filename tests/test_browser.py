"""Every page of the built book, opened offline in a real headless browser, as readers meet it.

Debian's Chromium and its driver (`apt-get install chromium chromium-driver`) through Selenium.
The browser reaches no network (a dead proxy and no name resolution), so MathJax and images
must come from the built book itself. Each page is opened at desktop width (1280 px) and at phone
width (400 px), and the test fails when:

- any math is left as raw TeX, or MathJax reports an error (`mjx-merror`);
- an image does not load;
- a display equation is wider than the text column at desktop width (it reads cut off);
- the page scrolls sideways at 400 px;
- the site menu (the primary sidebar's toggle) does not open at 400 px, or opens without links
  to the chapters.

Where the browser is missing, the test is skipped with a message saying how to get it, except in
CI (CI=true), where a missing browser fails.
"""
import os
import shutil

import pytest

from bookutil import CHAPTERS

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
DRIVER = shutil.which("chromedriver")
HOW = ("the real-browser test needs Chromium and its driver: on Debian/Ubuntu "
       "`sudo apt-get install chromium chromium-driver` (the Selenium package is in requirements.txt)")

if not (BROWSER and DRIVER):
    if os.environ.get("CI"):
        pytest.fail("CI must run the browser test, but " + HOW, pytrace=False)
    pytest.skip("SKIPPED the real-browser test: " + HOW, allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402

DESKTOP, PHONE = 1280, 400
PAGES = (["book/intro", "book/how-to-run", "book/notation", "book/glossary", "book/source-map",
          "book/errata", "book/runtime", "book/bibliography"]
         + [f"chapters/{p.stem}" for p in CHAPTERS])


@pytest.fixture(scope="module")
def browser():
    opts = webdriver.ChromeOptions()
    opts.binary_location = BROWSER
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--allow-file-access-from-files", "--proxy-server=http://127.0.0.1:9",
                "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1280,900"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


def set_width(driver, width):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})


def open_page(driver, html, page, width):
    set_width(driver, width)
    driver.get((html / f"{page}.html").as_uri())
    # Wait for MathJax (when the page has it) to finish typesetting.
    return driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const finish = () => done(true);
        if (!window.MathJax) { finish(); return; }
        const wait = (n) => {
            if (window.MathJax.startup && window.MathJax.startup.promise) {
                window.MathJax.startup.promise.then(finish, () => done(false));
            } else if (n > 200) { done(false); } else { setTimeout(() => wait(n + 1), 50); }
        };
        wait(0);
    """)


DESKTOP_CHECKS = """
const raw = [...document.querySelectorAll('.math, span.math, div.math')]
    .filter(el => !el.querySelector('mjx-container'))
    .map(el => el.textContent.trim().slice(0, 80));
const errors = [...document.querySelectorAll('mjx-merror')]
    .map(el => (el.getAttribute('data-mjx-error') || el.textContent).slice(0, 80));
const images = [...document.querySelectorAll('article img, .bd-article img')]
    .filter(img => !(img.complete && img.naturalWidth > 0))
    .map(img => img.getAttribute('src'));
const wide = [...document.querySelectorAll('mjx-container[display="true"]')]
    .filter(el => el.scrollWidth > el.clientWidth + 2)
    .map(el => {
        const math = el.closest('.math');
        const tex = math && math.id ? '#' + math.id : '';
        return `${el.scrollWidth} px in ${el.clientWidth} px ${tex}`;
    });
const usesMathJax = !!window.MathJax;
const local = [...document.querySelectorAll('script[src*="mathjax"]')]
    .every(s => s.src.startsWith('file:'));
return {raw, errors, images, wide, usesMathJax, local};
"""

PHONE_CHECKS = """
const doc = document.documentElement;
return {scroll: doc.scrollWidth, view: window.innerWidth};
"""

OPEN_MENU = """
const done = arguments[arguments.length - 1];
const button = document.querySelector('button.primary-toggle, label.primary-toggle');
if (!button) { done({found: false}); return; }
button.click();
setTimeout(() => {
    const dialog = document.getElementById('pst-primary-sidebar-modal');
    const area = dialog && dialog.open ? dialog : document.querySelector('.bd-sidebar-primary');
    const links = area ? [...area.querySelectorAll('a[href*=".html"]')]
        .filter(a => { const r = a.getBoundingClientRect(); return r.width > 0 && r.height > 0
                       && r.left >= -1 && r.left < window.innerWidth; }) : [];
    done({found: true, open: !!(dialog && dialog.open), links: links.length});
}, 400);
"""


@pytest.mark.parametrize("page", PAGES)
def test_page_in_a_real_browser(browser, html, page):
    assert (html / f"{page}.html").is_file(), f"{page}.html was not built"

    assert open_page(browser, html, page, DESKTOP), f"{page}: MathJax did not finish typesetting"
    desk = browser.execute_script(DESKTOP_CHECKS)
    problems = []
    if desk["usesMathJax"] and not desk["local"]:
        problems.append("MathJax is not served from the built book")
    if desk["raw"]:
        problems.append(f"{len(desk['raw'])} math elements left untypeset, e.g. {desk['raw'][:3]}")
    if desk["errors"]:
        problems.append(f"MathJax errors: {desk['errors'][:5]}")
    if desk["images"]:
        problems.append(f"images that do not load: {desk['images'][:5]}")
    if desk["wide"]:
        problems.append(f"display equations wider than the text column: {desk['wide']}")

    open_page(browser, html, page, PHONE)
    phone = browser.execute_script(PHONE_CHECKS)
    if phone["scroll"] > phone["view"] + 1:
        problems.append(f"scrolls sideways at {PHONE} px: {phone['scroll']} px wide")
    menu = browser.execute_async_script(OPEN_MENU)
    if not menu.get("found"):
        problems.append("no site-menu button at 400 px")
    elif menu["links"] < 5:
        problems.append(f"the site menu does not open at 400 px (dialog open: {menu['open']})")
    assert not problems, f"{page}: " + "; ".join(problems)
