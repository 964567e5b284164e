"""Reports are single self-contained files: nothing is requested from outside, and every figure renders.

Each report is opened in headless Chromium with DNS disabled and a NetLog recorded; the requests made on behalf
of the page (network isolation key file://) must all be file: or data: URLs, and a probe script appended to a copy
of the page records whether each image decoded. A static check finds no src/href/url() pointing outside.
"""

import json
import re
import shutil
import subprocess

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (apt-get install chromium)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=5000"]
PROBE = ("<script>addEventListener('load',()=>{document.body.dataset.images=Array.from(document.images)"
         ".map(i=>i.complete&&i.naturalWidth>0?'1':'0').join('')})</script>")
REPORTS = ["01-exploration.html", "02-term-frequency.html", "03-stance-by-country.html", "04-timeline.html",
           "index.html"]
FIGURES = {"01-exploration.html": 2, "02-term-frequency.html": 4, "03-stance-by-country.html": 1,
           "04-timeline.html": 1, "index.html": 0}
# links into the run folder: reports, manifest, logs, the workbook and each saved CSV and PNG
LOCAL = re.compile(r"^(data:|#|[\w.-]+\.(html|json|xlsx)(#[\w.-]*)?$|logs/$|[\w.-]+/(tables|figures)/[\w.%-]+\.(csv|png)$)")


def _page_requests(netlog) -> list[str]:
    """URLs Chromium requested on behalf of a page opened from a file (not its own background services)."""
    text = netlog.read_text().rstrip().rstrip(",")
    log = json.loads(text if text.endswith("}") else text + "]}")  # a log cut short at exit lacks its end
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [e["params"]["url"] for e in log["events"] if e["type"] == start_job and "url" in e.get("params", {})
            and "file://" in e["params"].get("network_isolation_key", "")]


def _open(html: str, tmp_path) -> tuple[str, list[str]]:
    """Open `html` (with the probe appended) offline; returns (image states '1'/'0' per image, page requests)."""
    page = tmp_path / "page.html"
    page.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    netlog = tmp_path / "net.json"
    res = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--log-net-log={netlog}",
                          "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=180)
    images = re.search(r'data-images="([01]*)"', res.stdout)
    assert images, "the probe did not run: " + res.stderr[-500:]
    return images.group(1), _page_requests(netlog)


def test_the_check_sees_an_outside_request_and_a_broken_image(tmp_path):
    images, requests = _open("<html><body><img src='https://example.org/x.png'></body></html>", tmp_path)
    assert images == "0" and requests == ["https://example.org/x.png"]


@pytest.mark.parametrize("report", REPORTS)
def test_report_requests_nothing_outside_and_renders_its_figures(seed_run, tmp_path, report):
    images, requests = _open((seed_run.run_dir / report).read_text(encoding="utf-8"), tmp_path)
    assert images == "1" * len(images) and len(images) >= FIGURES[report]
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []


@pytest.mark.parametrize("report", REPORTS)
def test_report_points_nowhere_outside(seed_run, report):
    html = (seed_run.run_dir / report).read_text(encoding="utf-8")
    refs = re.findall(r"""\b(?:src|href)\s*=\s*["']([^"']*)["']""", html)
    refs += re.findall(r"""url\(\s*["']?([^"')]*)""", html)
    assert [r for r in refs if not LOCAL.match(r)] == []
    assert "@import" not in html and "cdnjs" not in html
