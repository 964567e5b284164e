"""The learned stance decision (issue 24): the model file, the stance layer's new columns, the uncertain flag,
coding sheets that put the least certain rows first, and `vnpress learn` / `vnpress agreement` on short
Vietnamese articles written for the test."""

import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pandas as pd
import pytest
from conftest import CORPUS

import vnpress
from vnpress.analyses import decision, stance
from vnpress.cli import main
from vnpress.data import path as data_path
from vnpress.processing.workbook import from_texts
from vnpress.validation import coding, learn

MODEL = data_path(decision.MODEL_FILE)


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def test_model_file_is_numbers_only_and_complete():
    raw = json.loads(MODEL.read_text(encoding="utf-8"))
    assert raw["features"] == decision.FEATURES and raw["classes"] == decision.CLASSES
    assert np.asarray(raw["coef"]).shape == (len(decision.CLASSES), len(decision.FEATURES))
    assert len(raw["mean"]) == len(raw["scale"]) == len(decision.FEATURES) and len(raw["intercept"]) == 5
    assert 0 < raw["threshold"] < 1 and raw["temperature"] > 0
    assert {"C", "class_weight", "extra_weight"} <= set(raw["hyperparameters"])
    assert {"macro_f1", "accuracy", "stance_accuracy"} <= set(raw["cv"])
    # no text: every string in the file is a feature, class or setting name
    strings = [s for s in json.dumps(raw).split('"')[1::2]]
    assert max(len(s) for s in strings) < 40


def test_model_reproduces_from_its_training_rows():
    """The final fit on the shipped training rows (written by bench/fit_model.py) with the chosen
    hyper-parameters gives the model's coefficients again: the file is what the command makes."""
    raw = json.loads(MODEL.read_text(encoding="utf-8"))
    rows = learn.shipped_training()
    assert set(rows["source"]) <= {*learn.MAIN, "challenge"} and (rows["source"] == "dev").sum() > 100
    assert (rows["source"] == "agreements").sum() > 100  # the other agreements' dev half (issue 27)
    again = learn.export(learn.final_fit(rows, raw["hyperparameters"]), raw["temperature"], raw["threshold"])
    for key in ("mean", "scale", "coef", "intercept"):
        assert np.allclose(np.asarray(again[key]), np.asarray(raw[key]), atol=1e-5), key


def test_a_guard_keeps_rejected_settings_from_being_chosen():
    """bench/fit_model.py passes the seed regression check as a guard: a setting whose model fails it is never
    chosen, however well it cross-validates."""
    rows = learn.shipped_training()
    calls = []

    def second_only(model: dict) -> bool:  # accepts only the grid's second setting: C=0.03, balanced
        calls.append(len(model["coef"]))
        return len(calls) == 2

    model = learn.fit(rows, grid_extra=(1.0,), log=lambda *_: None, guard=second_only)
    assert len(calls) == len(learn.GRID_C) * len(learn.GRID_WEIGHTS)
    assert model["hyperparameters"] == {"C": learn.GRID_C[0], "class_weight": "balanced", "extra_weight": 1.0}
    with pytest.raises(ValueError, match="every setting fails the guard"):  # never a silent fall-back
        learn.fit(rows, grid_extra=(1.0,), log=lambda *_: None, guard=lambda model: False)


def test_a_tie_in_cross_validation_goes_to_the_most_regularized_setting(monkeypatch):
    """Settings whose cross-validated macro-F1 ties: the smallest C wins even where a larger C is more accurate
    (the one-standard-error rule), then the most accurate among the smallest C's settings."""
    calls = []

    def tied(y, predicted) -> dict:  # every setting ties on macro-F1; each later setting (larger C) more accurate
        calls.append(1)
        return {"macro_f1": 0.6, "accuracy": 0.5 + len(calls) / 1000, "stance_accuracy": 0.5}

    monkeypatch.setattr(learn, "scores", tied)
    model = learn.fit(learn.shipped_training(), grid_extra=(1.0,), log=lambda *_: None)
    assert model["hyperparameters"] == {"C": min(learn.GRID_C), "class_weight": "balanced", "extra_weight": 1.0}


def test_stance_layer_columns_on_the_seed_corpus(tmp_path):
    wb = vnpress.load(CORPUS, tmp_path / "cache")
    rows = wb.analysis("stance")
    assert list(rows.columns) == stance.BY_ARTICLE_COLUMNS
    assert rows["uncertain"].dtype == bool
    assert rows["confidence"].between(0, 1).all()
    model = decision.load_model(MODEL)
    assert (rows["uncertain"] == (rows["confidence"] < model["threshold"])).all()
    assert set(rows["stance"]) <= set(decision.STANCES)
    assert set(rows["rule_stance"]) <= set(decision.STANCES) | {""}
    # the seed articles' actors with statements keep their rule evidence beside the decision
    vn = rows[(rows["article_id"].str.startswith("004")) & (rows["iso"] == "VN")].iloc[0]
    assert vn["stance"] == "support" and vn["rule_stance"] == "support" and "act:" in vn["cues"]


def test_uncertain_follows_the_threshold_of_the_model_given(tmp_path):
    """A model file given as a data file replaces the packaged one: with a threshold of 1 every label is
    uncertain, and its confidence is still the calibrated probability."""
    raw = json.loads(MODEL.read_text(encoding="utf-8"))
    strict = tmp_path / decision.MODEL_FILE
    strict.write_text(json.dumps({**raw, "threshold": 1.0}), encoding="utf-8")
    text = ("Hà Nội, ngày 25/10/2025. Bộ trưởng Tư pháp Nam Phi dẫn đầu đoàn tới Hà Nội dự lễ mở ký Công ước. "
            "Đại sứ Nhật Bản cho biết Nhật Bản đang tích cực xem xét việc ký Công ước.")
    wb = from_texts({"a": text}, cache_dir=tmp_path / "cache")
    usual = wb.analysis("stance")
    strict_rows = wb.analysis("stance", {decision.MODEL_FILE: str(strict)})
    assert len(strict_rows) and strict_rows["uncertain"].all()
    assert strict_rows["confidence"].tolist() == usual["confidence"].tolist()
    assert (usual["uncertain"] == (usual["confidence"] < raw["threshold"])).all()


def test_decision_finds_candidates_the_rules_lack_and_keeps_rule_labels():
    text = ("Ngày 25/10/2025, Việt Nam đăng cai lễ mở ký Công ước Hà Nội. Chủ tịch nước chủ trì phiên khai mạc. "
            "Tổ chức Ân xá Quốc tế cảnh báo Công ước có thể bị lạm dụng để đàn áp người bất đồng chính kiến.")
    wb = from_texts({"b": text})
    rules = stance.stance_by_article(wb, rules_only=True)
    decided = stance.stance_by_article(wb)
    assert (rules["rule_stance"] == rules["stance"]).all() and not rules["uncertain"].any()
    vn = decided.set_index("iso").loc["VN"]
    assert vn["stance"] == "support" and vn["rule_stance"] == "support"
    table = decision.features(rules[stance.RULE_COLUMNS], vnpress.analyses.countries.find_mentions(wb),
                              vnpress.analyses.statements.extract(wb))
    assert list(table.columns) == decision.KEY + decision.FEATURES
    assert table.set_index("iso").loc["VN", "act_host"] > 0


ATTENDING = {  # a delegation attending the signing, nothing more: neutral by the codebook
    "za": "Bộ trưởng Tư pháp Nam Phi dẫn đầu đoàn tới Hà Nội dự lễ mở ký Công ước Hà Nội.",
    "pe": "Bộ trưởng Nội vụ Peru dẫn đầu đoàn tới Hà Nội dự lễ mở ký Công ước Hà Nội.",
    "ke": "Thứ trưởng Ngoại giao Kenya dẫn đầu đoàn tới Hà Nội dự lễ mở ký Công ước Hà Nội.",
    "cl": "Bộ trưởng Tư pháp Chile dẫn đầu đoàn tới Hà Nội dự lễ mở ký Công ước Hà Nội.",
    "ar": "Bộ trưởng An ninh Argentina dẫn đầu đoàn tới Hà Nội dự lễ mở ký Công ước Hà Nội.",
    "mn": "Bộ trưởng Công an Mông Cổ dẫn đầu đoàn tới Hà Nội dự lễ mở ký Công ước Hà Nội.",
}
ISO = {"za": "ZA", "pe": "PE", "ke": "KE", "cl": "CL", "ar": "AR", "mn": "MN"}


@pytest.fixture()
def attending_corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in ATTENDING.items():
        (folder / f"{name}.txt").write_text(f"{text} Lễ mở ký diễn ra ngày 25/10/2025 tại Trung tâm Hội nghị "
                                            "Quốc gia.\n", encoding="utf-8")
    return folder


def _labels(corpus, cache):
    code, out, err = _run(["stance", str(corpus), "--by", "article", "--format", "json", "--cache", cache])
    assert code == 0, err
    rows = pd.DataFrame(json.loads(out))
    return rows.assign(file=rows["article_id"].str.split("_").str[0])


def test_learn_with_a_few_codes_changes_similar_uncoded_rows(attending_corpus, tmp_path):
    """A research team whose coders label attending the signing as support: after `vnpress learn` on four coded
    articles, the two uncoded articles that say the same of another country get support too; removing the
    corpus's model returns to the shipped one."""
    cache = str(tmp_path / "cache")
    before = _labels(attending_corpus, cache)
    assert set(before["iso"]) == set(ISO.values())
    uncoded = {"ar", "mn"}
    assert (before.loc[before["file"].isin(uncoded), "stance"] != "support").all()
    codes = before[~before["file"].isin(uncoded)][["article_id", "iso"]].assign(stance="support", frames="",
                                                                                coder="ana", note="")
    (attending_corpus / "codes").mkdir()
    codes.to_csv(attending_corpus / "codes" / "ana.csv", index=False)
    code, out, err = _run(["learn", str(attending_corpus), "--cache", cache])
    assert code == 0, err
    assert "learned from 4 coded rows in 4 articles" in out
    saved = learn.corpus_model_path(attending_corpus)
    assert saved.is_file() and json.loads(saved.read_text(encoding="utf-8"))["codes"]["rows"] == 4
    after = _labels(attending_corpus, cache)
    assert (after.loc[after["file"].isin(uncoded), "machine_stance"] == "support").all()
    code, measures, err = _run(["agreement", str(attending_corpus), "--format", "json", "--cache", cache])
    figures = {r["measure"]: r for r in json.loads(measures)}
    assert figures["model_cv_accuracy"]["value"] is not None and figures["model_cv_accuracy"]["n"] == 4
    assert 0 <= figures["model_cv_macro_f1"]["value"] <= 1
    # the learning curve: the shipped model gets none of the held-out coded rows; one coded article teaches it
    wb = vnpress.load(attending_corpus, cache, lazy=True)
    coded_rows = learn.code_rows(learn.corpus_features(wb), coding.read_codes(attending_corpus, [])[0])
    curve = learn.learning_curve(coded_rows, step=1)
    assert list(curve.columns) == learn.CURVE_COLUMNS
    assert curve["coded_rows_learned"].tolist() == [0, 1, 2, 3] and curve["held_out_rows"].tolist() == [4, 3, 2, 1]
    assert curve["accuracy"].iloc[0] == 0.0 and curve["accuracy"].iloc[-1] == 1.0
    saved.unlink()  # back to the shipped model: the machine's labels are those before (codes still override)
    again = _labels(attending_corpus, cache)
    assert again["machine_stance"].tolist() == before["stance"].tolist()


def test_learn_without_codes_says_what_to_do(attending_corpus, tmp_path):
    code, out, err = _run(["learn", str(attending_corpus), "--cache", str(tmp_path / "cache")])
    assert code == 1 and "vnpress code" in err and not learn.corpus_model_path(attending_corpus).exists()


def test_code_puts_the_least_certain_rows_first(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    cache = str(tmp_path / "cache")
    code, out, err = _run(["code", str(corpus), "--sample", "5", "--cache", cache])
    assert code == 0, err
    sheet = pd.read_csv(io.StringIO(out), keep_default_na=False)
    everything = pd.DataFrame(json.loads(_run(["stance", str(corpus), "--by", "article", "--format", "json",
                                               "--cache", cache])[1]))
    assert len(sheet) == 5
    assert sheet["confidence"].tolist() == sorted(everything["confidence"])[:5]
    code, out, err = _run(["code", str(corpus), "--sample", "5", "--order", "stratified", "--cache", cache])
    assert code == 0 and len(pd.read_csv(io.StringIO(out))) == 5
