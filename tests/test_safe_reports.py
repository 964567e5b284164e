"""Reports are safe to open: article text and metadata are escaped, checked in a real headless browser."""

import os
import shutil
import subprocess

import pytest
from PIL import Image, ImageStat

from vnpress.corpus.reader import MANIFEST_COLUMNS
from vnpress.reports.runner import run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM and os.environ.get("CI"):
    raise RuntimeError("chromium is required in CI (installed by .ci/run)")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (apt-get install chromium)")

# no full stops inside the payloads, so the sentence splitter keeps each one whole
PAYLOAD_SCRIPT = "<script>document['title']='PWNED-SCRIPT'</script>"
PAYLOAD_IMG = "<img src=x onerror=\"document['body']['dataset']['pwned']='yes'\">"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium(tmp_path, *args) -> str:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    res = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                         timeout=120)
    return res.stdout


@pytest.fixture(scope="module")
def evil_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("evil")
    corpus = tmp / "corpus"
    corpus.mkdir()
    (corpus / "evil.txt").write_text(
        f"Đại diện Nhật Bản cho biết {PAYLOAD_SCRIPT} nước này ủng hộ Công ước.\n\n"
        f"Thụy Sĩ nhấn mạnh {PAYLOAD_IMG} quyền con người trong thực thi Công ước ngày 26/10/2025.",
        encoding="utf-8")
    (corpus / "manifest.csv").write_text(",".join(MANIFEST_COLUMNS) + "\n"
                                         f"evil.txt,\"{PAYLOAD_IMG.replace(chr(34), chr(39))}\",{PAYLOAD_SCRIPT},,,,vi\n",
                                         encoding="utf-8")
    result = run(corpus_dir=corpus, out_root=tmp / "out", only=["01-exploration", "03-stance-by-country"])
    assert result.ok, result.notebooks
    return result


@pytest.mark.parametrize("report", ["01-exploration.html", "03-stance-by-country.html", "index.html"])
def test_payloads_show_as_text_and_run_nothing(evil_run, tmp_path, report):
    page = evil_run.run_dir / report
    dom = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert "<body" in dom, "chromium produced no DOM"
    assert "data-pwned" not in dom.split("<body", 1)[1].split(">", 1)[0]  # no payload touched <body>
    assert "PWNED-SCRIPT</title>" not in dom
    if report != "index.html":
        assert "&lt;script&gt;document['title']" in dom  # the payload is there, as text


def test_index_renders(evil_run, tmp_path):
    shot = tmp_path / "index.png"
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,800", evil_run.index.as_uri())
    image = Image.open(shot).convert("L")
    assert image.size == (1200, 800)
    assert ImageStat.Stat(image).stddev[0] > 5  # not a blank page
