import io
import json
from contextlib import redirect_stderr, redirect_stdout

from conftest import CORPUS

from vnpress.cli import main


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def test_corpus_command_columns_and_values(tmp_path):
    code, out, err = _run(["corpus", str(CORPUS), "--format", "json", "--cache", str(tmp_path)])
    assert code == 0, err
    rows = json.loads(out)
    assert list(rows[0]) == ["article_id", "title", "outlet", "outlet_type", "published", "published_source", "chars",
                             "sentences", "tokens", "removed_lines"]
    by_id = {r["article_id"]: r for r in rows}
    assert by_id["002_e46f340304d81593"]["removed_lines"] == 8
    assert by_id["003_7afc3c7c88a3f9b6"]["published"] == "2025-10-24"
    assert all(r["sentences"] > 5 and r["tokens"] > 400 for r in rows)


def test_corpus_command_reports_problems_and_exit_code(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "ok.txt").write_text("Việt Nam ủng hộ Công ước Hà Nội về chống tội phạm mạng.", encoding="utf-8")
    (corpus / "bad.txt").write_bytes(b"Vi\xe9t Nam")
    code, out, err = _run(["corpus", str(corpus), "--format", "csv", "--cache", ""])
    assert code == 1
    assert out.splitlines()[0] == ("article_id,title,outlet,outlet_type,published,published_source,chars,sentences,"
                                   "tokens,removed_lines")
    assert len(out.splitlines()) == 2 and out.splitlines()[1].startswith("ok,")
    assert "bad.txt: not UTF-8 text" in err


def test_analysis_commands_print_their_contract_columns(tmp_path):
    cache = str(tmp_path / "cache")
    expected = {
        ("countries",): "article_id,sentence_id,iso,name,surface,role,sentence",
        ("stance", "--by", "article"): "article_id,iso,name,actor_type,stance,confidence,uncertain,rule_stance,frames,cues,evidence,"
                                       "source,machine_stance,machine_frames,coded",
        ("stance", "--by", "country"): "iso,name,articles,stance,frames,evidence,sources",
        ("stance", "--by", "organization"): "iso,name,articles,stance,frames,evidence,sources",
        ("statements",): "article_id,sentence_id,speaker,title,affiliation,iso,kind,verb,content",
        ("timeline",): "article_id,sentence_id,value,granularity,surface,anchor,event,sentence",
        ("timeline", "--merge"): "value,granularity,event,sources,articles,conflict,anchored_from",
    }
    for args, header in expected.items():
        code, out, err = _run([args[0], str(CORPUS), *args[1:], "--format", "csv", "--cache", cache])
        assert code == 0, err
        assert out.splitlines()[0] == header and len(out.splitlines()) > 4, args  # the seeds: 4 organizations or more


def test_statements_command_keeps_going_past_a_bad_file(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "ok.txt").write_text("Đại diện Nhật Bản cho biết nước này sẽ ký Công ước.", encoding="utf-8")
    (corpus / "bad.txt").write_bytes(b"Vi\xe9t Nam")
    code, out, err = _run(["statements", str(corpus), "--format", "csv", "--cache", ""])
    assert code == 1 and "bad.txt: not UTF-8 text" in err
    assert out.splitlines()[0] == "article_id,sentence_id,speaker,title,affiliation,iso,kind,verb,content"
    assert any(line.startswith("ok,0,") and ",JP," in line for line in out.splitlines()[1:])
