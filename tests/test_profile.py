"""Topic profiles: the target's words replace the default's wherever the data files name the target, profiles
extend one another, bad profiles fail with one line naming the file, and the default changes nothing."""

import csv
import re

import pandas as pd
import pytest
import yaml
from conftest import CORPUS, ROOT

from vnpress.data import path as data_path
from vnpress.data import profile
from vnpress.processing.workbook import from_texts
from vnpress.reports.runner import run


def _yaml(path):
    return yaml.safe_load(open(path, encoding="utf-8"))


def test_the_default_profile_changes_nothing_and_every_shipped_profile_applies():
    assert profile.data_files(None) == {} and profile.data_files("hanoi_convention") == {}
    assert {"unclos", "tpnw", "cptpp", "who_pandemic"} <= set(profile.available())
    for name in profile.available():
        for file, path in profile.data_files(name).items():
            assert open(path, encoding="utf-8").read(), (name, file)


def test_the_target_words_replace_the_conventions_where_the_data_names_the_target():
    files = profile.data_files("cptpp")
    cues, acts = _yaml(files["stance_cues.yaml"]), _yaml(files["acts.yaml"])
    assert "cptpp" in cues["convention_terms"] and "hiệp định" in cues["convention_terms"]
    assert "công ước" not in cues["convention_terms"] and "công ước hà nội" not in cues["convention_terms"]
    assert "lễ mở ký" in cues["convention_terms"]  # words of the key that do not name the target stay
    assert "hiệp định" in cues["convention_agent"]["subjects"]
    # "hiệp định" names another treaty in Convention coverage, the target itself here
    assert "hiệp định" in _yaml(data_path("acts.yaml"))["foreign_objects"]
    assert "hiệp định" not in acts["foreign_objects"]
    accede = next(a for a in acts["acts"] if a["kind"] == "accede" and "objects" in a)
    assert "cptpp" in accede["objects"] and "công ước" not in accede["objects"]


def test_a_profile_extends_its_base_and_adds_acts_and_rows():
    files = profile.data_files("who_pandemic")
    acts = _yaml(files["acts.yaml"])["acts"]
    leave = next(a for a in acts if "rời khỏi" in a["verbs"])  # from any_agreement
    assert (leave["kind"], leave["polarity"]) == ("refuse", "oppose")
    assert len(acts) == len(_yaml(data_path("acts.yaml"))["acts"]) + 3
    with open(files["organizations.csv"], encoding="utf-8") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    assert {"who", "wha", "inb"} <= {r["id"] for r in rows} and "unodc" in {r["id"] for r in rows}
    assert _yaml(files["dates.yaml"])["events"]["adoption"][0] == "thông qua"


def test_the_same_profile_gives_the_same_files(tmp_path):
    assert profile.data_files("tpnw") == profile.data_files("tpnw")
    mine = tmp_path / "mine.yaml"
    mine.write_text(yaml.safe_dump(profile.read("tpnw"), allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert profile.data_files(mine) == profile.data_files("tpnw")  # by path, same contents, same copies


@pytest.mark.parametrize("text, problem", [
    ("name: x\ndata:\n  acts.yaml:\n    no_such_key: [a]\n", "data.acts.yaml.no_such_key: no key 'no_such_key'"),
    ("name: x\ndata:\n  nothing.yaml: {a: 1}\n", "no analysis data file named 'nothing.yaml'"),
    ("name: x\ntopic: y\n", "unknown key(s) topic"),
    ("name: x\nextends: {self}\n", "`extends` loops through x -> x"),
    ("- a list\n", "a profile is a mapping"),
    ("name: x\ntarget: {words: [a]}\n", "`target` has the lists `terms` and `names` only"),
    ("name: x\ndata:\n  organizations.csv: {remove_rows: [no_such_id]}\n", "remove_rows names no row: no_such_id"),
    ("name: x\ndata:\n  organizations.csv: {remove_rows: icc}\n", "`add_rows` and `remove_rows` take a list"),
    ("name: x\ndata:\n  organizations.csv: {add_rows: [{id: icc, name: X}]}\n", "two rows with the id icc"),
])
def test_a_bad_profile_is_one_line_naming_the_file_and_the_problem(tmp_path, text, problem):
    bad = tmp_path / "x.yaml"
    bad.write_text(text.replace("{self}", str(bad)), encoding="utf-8")
    with pytest.raises(profile.ProfileError) as e:
        profile.data_files(bad)
    assert str(bad) in str(e.value) and problem in str(e.value) and "\n" not in str(e.value)


def test_an_unknown_profile_name_lists_the_shipped_ones():
    with pytest.raises(profile.ProfileError, match="unknown profile 'ttip'; shipped: .*cptpp"):
        profile.data_files("ttip")


CPTPP_TEXT = ("Năm 2017, Tổng thống Mỹ Donald Trump tuyên bố rời khỏi Hiệp định TPP. Ngày 8/3/2018, Nhật Bản và "
              "Canada ký Hiệp định CPTPP tại Santiago. Bộ trưởng Thương mại Nhật Bản nói: \"Hiệp định này sẽ mang "
              "lại lợi ích cho cả khu vực\".")


def _stances(wb) -> dict[str, str]:
    table = wb.analysis("stance")
    return dict(zip(table["iso"], table["stance"]))


def test_with_the_cptpp_profile_the_agreement_is_the_target_and_leaving_it_is_opposition():
    default = _stances(from_texts({"a": CPTPP_TEXT}))
    cptpp = _stances(from_texts({"a": CPTPP_TEXT}, profile="cptpp"))
    # the Convention's profile reads "Hiệp định" as another treaty: signing it is no act toward the target
    assert default.get("JP") != "support" and default.get("US") != "oppose"
    assert cptpp.get("US") == "oppose" and cptpp.get("JP") == "support" and cptpp.get("CA") == "support"


def test_a_profile_written_from_the_guide_runs_every_notebook(tmp_path):
    """The EVFTA example of docs/profiles.md, as written there, runs every notebook (no code change)."""
    guide = (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8")
    example = next(b for b in re.findall(r"```yaml\n(.*?)```", guide, flags=re.S) if "name: evfta" in b)
    mine = tmp_path / "evfta.yaml"
    mine.write_text(example, encoding="utf-8")
    assert "organizations.csv" in profile.data_files(mine)
    result = run(corpus_dir=CORPUS, out_root=tmp_path / "out", params=[["profile", str(mine)]])
    assert result.ok, result.notebooks
    assert {nb["parameters"]["profile"] for nb in result.notebooks} == {str(mine)}
    by_article = pd.read_csv(result.run_dir / "03-stance-by-country" / "tables" / "stance_by_article.csv")
    assert len(by_article) > 0


ROME_TEXT = ("Ngày 3/4/2025, Hungary tuyên bố sẽ rút khỏi Quy chế Rome. Chủ tịch ICC Tomoko Akane cho biết tòa án lấy "
             "làm tiếc về quyết định này và kêu gọi các quốc gia thành viên tiếp tục hợp tác với tòa.")


def test_a_profile_can_replace_a_row_its_base_added(tmp_path):
    child = tmp_path / "child.yaml"
    child.write_text("name: child\nextends: rome_statute\ndata:\n  organizations.csv:\n    remove_rows: [icc]\n"
                     "    add_rows:\n      - {id: icc, name: Tòa ICC, variants: ICC, kind: court}\n", encoding="utf-8")
    with open(profile.data_files(child)["organizations.csv"], encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(line for line in f if not line.startswith("#")) if r["id"] == "icc"]
    assert [r["name"] for r in rows] == ["Tòa ICC"]


def test_a_profile_replaces_the_organization_an_acronym_names():
    names = {p: dict(zip(t["iso"], t["name"])) for p, t in
             (("default", from_texts({"a": ROME_TEXT}).analysis("stance")),
              ("rome", from_texts({"a": ROME_TEXT}, profile="rome_statute").analysis("stance")))}
    # "ICC" is the Chamber of Commerce in the shipped organizations.csv, the court in Rome Statute coverage
    assert names["default"].get("org:icc") == "Phòng Thương mại Quốc tế"
    assert names["rome"].get("org:icc") == "Tòa án Hình sự Quốc tế"
    assert _stances(from_texts({"a": ROME_TEXT}, profile="rome_statute")).get("HU") == "oppose"
