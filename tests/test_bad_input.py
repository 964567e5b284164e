import io
import json
from contextlib import redirect_stderr, redirect_stdout

import pytest

import vnpress
from vnpress.cli import main
from vnpress.corpus.reader import MANIFEST_COLUMNS, load_corpus

GOOD = "Đại diện Nhật Bản đánh giá Công ước Hà Nội là một cột mốc lịch sử của hợp tác quốc tế."
HEADER = ",".join(MANIFEST_COLUMNS)


def _cli(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def bad_corpus(tmp_path):
    """A corpus with one good article and one of each kind of bad input, built here."""
    c = tmp_path / "corpus"
    c.mkdir()
    (c / "good.txt").write_text(GOOD, encoding="utf-8")
    (c / "empty.txt").write_text("\n \n", encoding="utf-8")
    (c / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (c / "latin1.txt").write_bytes("Vi\xeat Nam".encode("utf-8").replace(b"\xc3\xaa", b"\xea"))
    (c / "english.txt").write_text("The UN Convention against Cybercrime opened for signature in Hanoi. " * 3,
                                   encoding="utf-8")
    (c / "huge.txt").write_text(GOOD * 200, encoding="utf-8")
    (c / "manifest.csv").write_text("\n".join([
        HEADER,
        "good.txt,Tiêu đề,Báo A,,2025-10-26,,vi",
        "good.txt,Bản sao,Báo B,,2025-10-27,,vi",
        "english.txt,,,,26/10/2025,,",
        "../outside.txt,,,,,,",
        "missing.txt,,,,,,",
    ]) + "\n", encoding="utf-8")
    return c


EXPECTED = [
    ("empty.txt", "empty file"),
    ("binary.md", "binary file"),
    ("latin1.txt", "not UTF-8 text"),
    ("english.txt", "does not look Vietnamese"),
    ("huge.txt", "file too large"),
    ("manifest.csv:3", "duplicate manifest entry for 'good.txt'"),
    ("english.txt", "malformed date '26/10/2025'"),
    ("manifest.csv:5", "escapes the corpus folder"),
    ("missing.txt", "does not exist"),
]


def test_loader_names_every_problem_and_keeps_the_good_articles(bad_corpus):
    c = load_corpus(bad_corpus, max_bytes=5_000)
    lines = [f"{r.file}: {r.problem}" for r in c.problems.itertuples()]
    for where, what in EXPECTED:
        assert any(where in line and what in line for line in lines), (where, what, lines)
    assert sorted(c.articles["article_id"]) == ["english", "good"]
    good = c.articles.set_index("article_id").loc["good"]
    assert good["title"] == "Tiêu đề"  # the first manifest entry is kept
    assert set(c.problems[c.problems.file.str.endswith("english.txt")]["level"]) == {"warning", "error"}


def test_missing_manifest_column(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,title\ngood.txt,X\n", encoding="utf-8")
    c = load_corpus(tmp_path)
    assert "missing column(s) outlet, url, published, authors, language" in c.problems["problem"][0]
    assert c.articles["title"].tolist() == [""]


def test_corpus_command(bad_corpus, tmp_path):
    code, out, err = _cli(["corpus", str(bad_corpus), "--format", "json", "--cache", str(tmp_path / "cache"),
                           "--max-bytes", "5000"])
    assert code == 1
    assert [r["article_id"] for r in json.loads(out)] == ["english", "good"]
    assert len(err.strip().splitlines()) == len(EXPECTED)  # one line per problem
    assert all(line.startswith(("error: ", "warning: ")) for line in err.strip().splitlines())


def test_notebook_loader(bad_corpus):
    wb = vnpress.load(bad_corpus, cache_dir=None, workers=1, max_bytes=5_000)
    assert sorted(wb.articles["article_id"]) == ["english", "good"]
    assert len(wb.sentences) >= 2 and len(wb.errors) == len(EXPECTED) - 1  # the language check is a warning


def test_add_command(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    (src / "empty.txt").write_text("", encoding="utf-8")
    (src / "big.txt").write_text(GOOD * 50, encoding="utf-8")
    (src / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    code, out, err = _cli(["add", *(str(src / n) for n in ("good.txt", "empty.txt", "big.txt", "pic.png")),
                           "--corpus", str(tmp_path / "c"), "--max-bytes", "2000", "--format", "csv"])
    assert code == 1
    assert [line.split(",")[3] for line in out.splitlines()[1:]] == ["added", "refused", "refused", "refused"]
    assert "empty file" in err and "file too large" in err and "binary file" in err
    assert (tmp_path / "c" / "good.txt").exists()


def test_run_command_reports_input_problems(bad_corpus, tmp_path):
    code, out, err = _cli(["run", "--corpus", str(bad_corpus), "--out", str(tmp_path / "out"),
                           "--only", "01-exploration"])
    assert code == 1  # the notebook ran, but some articles failed to load
    index_path = out.strip().splitlines()[-1]  # after one progress line per notebook
    assert "empty.txt: empty file" in err and index_path.endswith("index.html")
    index = open(index_path, encoding="utf-8").read()
    assert "empty.txt" in index and "ok" in index
