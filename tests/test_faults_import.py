"""Issue 25, the import and corpus-reading cases: an interrupted `add` (case 1), a manifest with a stray quote
(case 3), links and hidden files in the corpus (case 6), and the `add` crashes of case 10."""

import errno
import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd
import pytest

from vnpress.cli import main
from vnpress.corpus import importer
from vnpress.corpus.reader import MANIFEST_COLUMNS, load_corpus

FIRST = ("Chiều 26/10, lễ mở ký Công ước Liên hợp quốc về chống tội phạm mạng đã bế mạc tại Hà Nội. "
         "Đại diện Nhật Bản đánh giá Công ước là một cột mốc lịch sử và khẳng định nước này đang xem xét ký kết.")
SECOND = ("Đại diện Thụy Sĩ nhấn mạnh hợp tác quốc tế chỉ bền vững khi tôn trọng đầy đủ quyền con người. "
          "Thụy Sĩ đánh giá cao các cơ chế bảo vệ được quy định trong Công ước.")
THIRD = ("Thượng tá Triệu Mạnh Tùng cho biết Bộ Công an sẽ phối hợp đẩy nhanh tiến trình phê chuẩn công ước, "
         "đồng thời tăng cường năng lực điều tra tội phạm sử dụng công nghệ cao tại Việt Nam.")
HEADER = ",".join(MANIFEST_COLUMNS)


def _cli(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _tree(folder: Path) -> dict:
    """Every file under `folder` (relative path → bytes)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _sources(tmp_path: Path) -> list[Path]:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    for name, text in (("mo-ky.txt", SECOND), ("bo-cong-an.txt", THIRD)):
        (src / name).write_text(text, encoding="utf-8")
    return [src / "mo-ky.txt", src / "bo-cong-an.txt"]


def _seeded(folder: Path, tmp_path: Path) -> Path:
    """A corpus holding one imported article (so the manifest has a row before the import under test)."""
    (tmp_path / "first.txt").write_text(FIRST, encoding="utf-8")
    importer.add([tmp_path / "first.txt"], folder, outlet="Báo Cũ", published="2025-10-26")
    return folder


CRASH = """
import os, shutil, sys
from pathlib import Path
point, corpus, *paths = sys.argv[1:]
calls = {"move": 0}
real_replace, real_copy, real_rmtree = os.replace, shutil.copy2, shutil.rmtree

def replace(src, dst):
    if Path(dst).name == "manifest.csv" and point == "manifest":
        os._exit(9)
    if ".import-" in str(src) and ".import-" not in str(dst):  # an article or original moved in
        calls["move"] += 1
        if point == "moving" and calls["move"] == 2:
            os._exit(9)
    return real_replace(src, dst)

def copy2(src, dst, **kw):
    if point == "staging":
        os._exit(9)
    return real_copy(src, dst, **kw)

def rmtree(path, *a, **kw):
    if point == "cleanup" and ".import-" in str(path):
        os._exit(9)
    return real_rmtree(path, *a, **kw)

os.replace, shutil.copy2, shutil.rmtree = replace, copy2, rmtree
from vnpress.corpus import importer
importer.add(paths, corpus, outlet="Báo Mới", published="2025-10-27")
"""


@pytest.mark.parametrize("point", ["staging", "moving", "manifest", "cleanup"])
def test_interrupted_add_is_finished_or_rolled_back(tmp_path, point):
    """case 1: kill -9 of `add` at each step (staging, between two moves, before the manifest, while cleaning up)
    loses no metadata: loading finishes the import, the next `add` gives the corpus of an uninterrupted one."""
    paths = _sources(tmp_path)
    clean = _seeded(tmp_path / "clean", tmp_path)
    importer.add(paths, clean, outlet="Báo Mới", published="2025-10-27")
    crashed = _seeded(tmp_path / "crashed", tmp_path)
    run = subprocess.run([sys.executable, "-c", CRASH, point, str(crashed), *map(str, paths)],
                         capture_output=True, text=True)
    assert run.returncode == 9, run.stderr
    loaded = load_corpus(crashed)
    assert not list(crashed.glob(".import-*"))
    if point != "staging":  # files were moved: the import is finished, outlet and date recorded
        outlets = dict(zip(loaded.articles["article_id"], loaded.articles["outlet"]))
        assert outlets == {"first": "Báo Cũ", "mo-ky": "Báo Mới", "bo-cong-an": "Báo Mới"}
        if point != "cleanup":  # (at cleanup the import was complete: its folder is just removed)
            assert "finished an interrupted import" in " ".join(loaded.problems["problem"])
    again = importer.add(paths, crashed, outlet="Báo Mới", published="2025-10-27")
    assert set(again["status"]) == ({"added"} if point == "staging" else {"duplicate"})
    assert _tree(crashed) == _tree(clean)


def test_interrupted_add_is_finished_by_the_next_add(tmp_path):
    """case 1: the next `add` (without a load in between) finishes the import first, so its files are duplicates."""
    paths = _sources(tmp_path)
    clean = _seeded(tmp_path / "clean", tmp_path)
    importer.add(paths, clean, outlet="Báo Mới", published="2025-10-27")
    crashed = _seeded(tmp_path / "crashed", tmp_path)
    subprocess.run([sys.executable, "-c", CRASH, "manifest", str(crashed), *map(str, paths)], check=False)
    code, out, err = _cli(["add", *map(str, paths), "--corpus", str(crashed), "--outlet", "Báo Mới",
                           "--published", "2025-10-27", "--format", "csv"])
    assert code == 0 and "finished an interrupted import" in err
    assert _tree(crashed) == _tree(clean)


STRAY = [HEADER,
         "first.txt,Lễ mở ký,Báo A,,2025-10-26,Lệ Thanh,vi",
         'thuy-si.txt,"Thụy Sĩ nói ""quyền con người,Báo B,,2025-10-27,Minh Anh,vi',
         "bo-cong-an.txt,Phê chuẩn công ước,Báo C,,2025-10-28,Hải Nam,vi",
         "noi-bat.txt,Tin nổi bật,Báo D,,2025-10-29,Thu Hà,vi"]


def _stray_corpus(folder: Path) -> Path:
    folder.mkdir()
    for name, text in (("first.txt", FIRST), ("thuy-si.txt", SECOND), ("bo-cong-an.txt", THIRD),
                       ("noi-bat.txt", FIRST.replace("Nhật Bản", "Hàn Quốc"))):
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "manifest.csv").write_text("\n".join(STRAY) + "\n", encoding="utf-8")
    return folder


def test_stray_quote_in_manifest_is_reported_and_other_rows_kept(tmp_path):
    """case 3: one stray `"` is reported with file:line; every other row keeps its outlet, date and authors."""
    c = load_corpus(_stray_corpus(tmp_path / "c"))
    lines = [f"{r.file}: {r.problem}" for r in c.problems.itertuples()]
    assert any("manifest.csv:3" in line and "unbalanced quote" in line for line in lines), lines
    rows = c.articles.set_index("article_id")
    assert rows["outlet"].to_dict() == {"bo-cong-an": "Báo C", "first": "Báo A", "noi-bat": "Báo D", "thuy-si": "Báo B"}
    assert rows.loc["noi-bat", "authors"] == "Thu Hà" and str(rows.loc["bo-cong-an", "published"].date()) == "2025-10-28"


def test_add_never_writes_manifest_damage_back(tmp_path):
    """case 3: `add` into a corpus whose manifest has a stray quote warns about it (file:line) and rewrites the
    manifest from the rows read correctly: every article keeps its metadata, the new one gets its own."""
    folder = _stray_corpus(tmp_path / "c")
    (tmp_path / "new.txt").write_text("Indonesia cam kết phê chuẩn và thực thi đầy đủ Công ước Hà Nội về tội phạm "
                                      "mạng trong năm tới.", encoding="utf-8")
    code, out, err = _cli(["add", str(tmp_path / "new.txt"), "--corpus", str(folder), "--outlet", "Báo E"])
    assert code == 0 and "manifest.csv:3" in err and "unbalanced quote" in err
    c = load_corpus(folder)
    assert c.problems.empty, c.problems
    rows = c.articles.set_index("article_id")
    assert rows["outlet"].to_dict() == {"bo-cong-an": "Báo C", "first": "Báo A", "new": "Báo E", "noi-bat": "Báo D",
                                        "thuy-si": "Báo B"}
    assert "Thụy Sĩ nói" in rows.loc["thuy-si", "title"] and rows.loc["thuy-si", "authors"] == "Minh Anh"
    assert rows.loc["noi-bat", "authors"] == "Thu Hà"


def test_csv_collection_with_a_field_over_128_kb(tmp_path):
    """case 3 and 10: a CSV collection whose text field is over 128 KB imports (csv's default limit is 128 KB)."""
    long_text = " ".join([FIRST, SECOND, THIRD] * 400)
    assert len(long_text.encode("utf-8")) > 131_072
    pd.DataFrame({"text": [long_text, SECOND], "headline": ["Bài dài", "Thụy Sĩ"]}).to_csv(tmp_path / "dai.csv",
                                                                                           index=False)
    code, out, err = _cli(["add", str(tmp_path / "dai.csv"), "--corpus", str(tmp_path / "c"), "--columns",
                           "title=headline", "--format", "csv"])
    assert code == 0, err
    assert [line.split(",")[3] for line in out.splitlines()[1:]] == ["added", "added"]
    c = load_corpus(tmp_path / "c")
    assert c.articles.set_index("title").loc["Bài dài", "chars"] > 131_072 // 2


def test_links_outside_refused_hidden_and_resource_forks_skipped(tmp_path):
    """case 6: a link to a file outside the corpus is refused with one line; a link inside loads; a hidden file
    is skipped with a warning; a macOS resource fork (`._x.txt`) is skipped without an error; the rest loads."""
    secret = tmp_path / "secret.txt"
    secret.write_text("Mật khẩu của hệ thống: đừng để lộ ra ngoài, không được đưa vào báo cáo nào.", encoding="utf-8")
    c = tmp_path / "c"
    c.mkdir()
    (c / "first.txt").write_text(FIRST, encoding="utf-8")
    (c / "leak.txt").symlink_to(secret)
    (c / "alias.txt").symlink_to("first.txt")
    (c / ".draft.txt").write_text(SECOND, encoding="utf-8")
    (c / "._first.txt").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        \x00\x02")
    loaded = load_corpus(c)
    assert sorted(loaded.articles["article_id"]) == ["alias", "first"]
    assert "Mật khẩu" not in " ".join(loaded.articles["text"])
    problems = {Path(r.file).name: (r.level, r.problem) for r in loaded.problems.itertuples()}
    assert set(problems) == {"leak.txt", ".draft.txt"}, problems
    assert problems["leak.txt"][0] == "error" and "outside the corpus" in problems["leak.txt"][1]
    assert problems[".draft.txt"][0] == "warning" and "hidden" in problems[".draft.txt"][1]


def test_add_jsonl_line_not_an_object_keeps_the_valid_files(tmp_path):
    """case 10: a JSONL line that is not an object gives one line naming file:line and a non-zero exit; the
    other records and the other files of the same command are imported."""
    (tmp_path / "c.jsonl").write_text("\n".join([json.dumps({"text": SECOND}, ensure_ascii=False), '["không", 1]',
                                                 json.dumps({"text": THIRD}, ensure_ascii=False)]), encoding="utf-8")
    (tmp_path / "first.txt").write_text(FIRST, encoding="utf-8")
    code, out, err = _cli(["add", str(tmp_path / "c.jsonl"), str(tmp_path / "first.txt"), "--corpus",
                           str(tmp_path / "corpus"), "--format", "csv"])
    assert code == 1
    assert err.strip().splitlines() == [f"error: {tmp_path / 'c.jsonl'}:2: refused: not a JSON object (a list)"]
    assert sorted(load_corpus(tmp_path / "corpus").articles["article_id"]) == ["c-0001", "c-0002", "first"]


def test_add_corpus_naming_a_file(tmp_path):
    """case 10: `--corpus` naming a file is one clear line and a non-zero exit."""
    (tmp_path / "first.txt").write_text(FIRST, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ghi chú", encoding="utf-8")
    code, out, err = _cli(["add", str(tmp_path / "first.txt"), "--corpus", str(tmp_path / "notes.txt")])
    assert code == 2 and err.strip().splitlines() == [f"error: {tmp_path / 'notes.txt'}: not a folder of articles"]
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "ghi chú"


def _fail_under(folder: Path, real, err: int):
    def fail(path, *args, **kwargs):
        if str(folder) in str(path):
            raise OSError(err, os.strerror(err), str(path))
        return real(path, *args, **kwargs)
    return fail


def test_add_read_only_corpus(tmp_path, monkeypatch):
    """case 10: a read-only corpus folder (nothing can be created in it) is one line naming it, no traceback."""
    corpus = _seeded(tmp_path / "c", tmp_path)
    before = _tree(corpus)
    (tmp_path / "new.txt").write_text(SECOND, encoding="utf-8")
    monkeypatch.setattr(os, "mkdir", _fail_under(corpus, os.mkdir, errno.EACCES))
    code, out, err = _cli(["add", str(tmp_path / "new.txt"), "--corpus", str(corpus)])
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert err.startswith(f"error: {corpus}") and "Permission denied" in err and "nothing was imported" in err
    monkeypatch.undo()
    assert _tree(corpus) == before and not list(corpus.glob(".import-*"))


@pytest.mark.parametrize("where", ["staging", "manifest"])
def test_add_full_disk(tmp_path, monkeypatch, where):
    """case 10: a full disk while staging or while writing the manifest is one line and a non-zero exit; the
    corpus is left as it was."""
    corpus = _seeded(tmp_path / "c", tmp_path)
    before = _tree(corpus)
    paths = _sources(tmp_path)
    real_write, real_replace = Path.write_text, os.replace

    def write_text(self, *args, **kwargs):
        if ".import-" in str(self):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, *args, **kwargs)

    def replace(src, dst):
        if Path(dst).name == "manifest.csv":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst)

    if where == "staging":
        monkeypatch.setattr(Path, "write_text", write_text)
    else:
        monkeypatch.setattr(os, "replace", replace)
    code, out, err = _cli(["add", *map(str, paths), "--corpus", str(corpus)])
    assert code == 2 and len(err.strip().splitlines()) == 1 and "No space left on device" in err, err
    monkeypatch.undo()
    assert _tree(corpus) == before and not list(corpus.glob(".import-*"))
