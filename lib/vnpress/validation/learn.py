"""Fitting the learned stance decision (`vnpress.analyses.decision`) from labelled (article, actor) rows.

`labelled_rows` pairs the feature table of a workbook with hand labels (every candidate the labels do not name an
actor of is `not_actor`); `fit` chooses the hyper-parameters by article-grouped cross-validation (repeated
StratifiedGroupKFold), maximizing the macro-F1 of the four stance labels over the candidates (a gold actor
called `not_actor` counts against its label's recall), then fits a temperature (calibration of the
cross-validated probabilities, by log loss) and the `uncertain` threshold (the probability below which a label
is flagged: the highest under which the cross-validated labels are right at most half the time), and returns the model as a
JSON-ready dict (`decision` module docstring). The grid: C (inverse regularization), class weights (none or
balanced), and the weight of extra rows (the challenge cases, a researcher's codes) beside the development rows.

The training table shipped beside the model (`data/stance_training.csv`: article ids, actor codes, feature values,
labels, weights and groups; no text) lets `vnpress learn` re-fit with a corpus's codes added.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold

from vnpress.analyses import decision
from vnpress.analyses.decision import CLASSES, FEATURES, KEY, STANCES
from vnpress.analyses.stance import stance_by_article
from vnpress.data import path as data_path
from vnpress.processing.workbook import CORPUS_DATA
from vnpress.util.atomic import replacing
from vnpress.validation.coding import consensus, latest

TRAINING_FILE = "stance_training.csv"
TRAINING_COLUMNS = KEY + ["label", "weight", "group", "source"] + FEATURES
GRID_C = (0.03, 0.1, 0.3, 1.0)
GRID_WEIGHTS = (None, "balanced")
GRID_EXTRA = (0.0, 0.25, 1.0)
# The sources of hand-labelled development rows: the Convention's (`tests/dev`) and other agreements'
# (`tests/dev_agreements`, each article with its topic profile); cross-validation scores them, pooled.
MAIN = ("dev", "agreements")
FOLDS, REPEATS = 5, 5
# macro-F1 within this of the best is a tie (one repeat's macro-F1 varies by about 0.012 across seeds, the mean of
# REPEATS by about 0.006): among tied settings the most regularized (smallest C) wins, then the most accurate (in the
# spirit of the one-standard-error rule, Hastie, Tibshirani & Friedman 2009 §7.10: a tie is noise, the simpler model
# is stabler; the tie is a fixed margin here, not a standard error)
TIE = 0.01


def labelled_rows(table: pd.DataFrame, gold: pd.DataFrame, source: str, articles: set[str] | None = None,
                  unknown_is_not_actor: bool = True) -> pd.DataFrame:
    """TRAINING_COLUMNS rows: the feature `table` with `label` from `gold` (article_id, actor or iso, stance;
    `absent` or `not_actor` = not an actor); a candidate gold does not name is `not_actor`
    (`unknown_is_not_actor`) or dropped; only the articles in `articles` if given. `group` = the article."""
    gold = gold.rename(columns={"actor": "iso"})
    labels = {(a, i): ("not_actor" if s in ("absent", "not_actor") else s)
              for a, i, s in zip(gold["article_id"], gold["iso"], gold["stance"])}
    rows = table if articles is None else table[table["article_id"].isin(articles)]
    lab = [labels.get(k, "not_actor" if unknown_is_not_actor else None)
           for k in zip(rows["article_id"], rows["iso"])]
    out = rows.assign(label=lab, weight=1.0, group=rows["article_id"], source=source)
    return out[out["label"].isin(CLASSES)][TRAINING_COLUMNS].reset_index(drop=True)


def _standardize(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    return mean, np.where(scale > 1e-9, scale, 1.0)


def _fit_one(x: np.ndarray, y: np.ndarray, w: np.ndarray, c: float, class_weight) -> tuple:
    mean, scale = _standardize(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = LogisticRegression(C=c, class_weight=class_weight, max_iter=5000)
        clf.fit((x - mean) / scale, y, sample_weight=w)
    return mean, scale, clf


def _logits(model: tuple, x: np.ndarray) -> np.ndarray:
    """Logits in CLASSES order (a class absent from training gets -inf)."""
    mean, scale, clf = model
    raw = clf.decision_function((x - mean) / scale)
    if raw.ndim == 1:  # two classes
        raw = np.column_stack([-raw / 2, raw / 2])
    out = np.full((len(x), len(CLASSES)), -1e9)
    for j, c in enumerate(clf.classes_):
        out[:, CLASSES.index(c)] = raw[:, j]
    return out


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def scores(gold: list[str] | np.ndarray, predicted: list[str] | np.ndarray) -> dict[str, float]:
    """accuracy (over every candidate), stance accuracy (over gold actors, `not_actor` predicted = wrong) and
    macro-F1 of the stance labels present in gold (over every candidate)."""
    g, p = np.asarray(gold, dtype=object), np.asarray(predicted, dtype=object)
    actor = g != "not_actor"
    f1s = []
    for lab in STANCES:
        want = int((g == lab).sum())
        if want:
            tp, found = int(((g == lab) & (p == lab)).sum()), int((p == lab).sum())
            prec, rec = (tp / found if found else 0.0), tp / want
            f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return {"accuracy": round(float((g == p).mean()), 3) if len(g) else 0.0,
            "stance_accuracy": round(float((g[actor] == p[actor]).mean()), 3) if actor.any() else 0.0,
            "macro_f1": round(float(np.mean(f1s)), 3) if f1s else 0.0}


def _weights(rows: pd.DataFrame, main: tuple[str, ...], extra_weight: float) -> tuple[np.ndarray, np.ndarray]:
    """(is_main, weight): the rows whose source is one of `main` keep their weight, the others (challenge cases,
    codes) get it × `extra_weight`."""
    is_main = rows["source"].isin(main).to_numpy()
    return is_main, rows["weight"].to_numpy(float) * np.where(is_main, 1.0, extra_weight)


def _fold_fits(rows: pd.DataFrame, c: float, class_weight, extra_weight: float, seed: int,
               main: tuple[str, ...]) -> Iterator[tuple[np.ndarray, np.ndarray, set[str], tuple]]:
    """For each fold of the `main` rows grouped by article: the positions among them of its held-out rows, their
    features, their articles, and the model fitted on the other `main` rows and the other sources' rows of
    weight > 0."""
    is_main, w_all = _weights(rows, main, extra_weight)
    x_all, y_all = decision.matrix(rows, FEATURES), rows["label"].to_numpy(dtype=object)
    x, y, g = x_all[is_main], y_all[is_main], rows.loc[is_main, "group"].to_numpy(dtype=object)
    extra = (~is_main) & (w_all > 0)
    folds = StratifiedGroupKFold(n_splits=min(FOLDS, len(set(g))), shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a class with fewer members than folds
        splits = list(folds.split(x, y, g))
    for train, test in splits:
        fitted = _fit_one(np.vstack([x[train], x_all[extra]]), np.concatenate([y[train], y_all[extra]]),
                          np.concatenate([w_all[is_main][train], w_all[extra]]), c, class_weight)
        yield test, x[test], set(g[test]), fitted


def cross_validated(rows: pd.DataFrame, c: float, class_weight, extra_weight: float, seed: int = 0,
                    main: tuple[str, ...] = MAIN) -> np.ndarray:
    """Out-of-fold logits (CLASSES order) of the rows whose source is one of `main`, folds grouped by article;
    rows of other sources (challenge cases, codes) join every training fold with weight × `extra_weight`."""
    out = np.zeros((int(rows["source"].isin(main).sum()), len(CLASSES)))
    for test, x_test, _, fitted in _fold_fits(rows, c, class_weight, extra_weight, seed, main):
        out[test] = _logits(fitted, x_test)
    return out


def _temperature(logits: np.ndarray, y: np.ndarray) -> float:
    idx = np.array([CLASSES.index(v) for v in y])
    best, best_t = np.inf, 1.0
    for t in np.round(np.arange(0.5, 3.01, 0.1), 2):
        p = _softmax(logits / t)
        nll = -np.log(np.clip(p[np.arange(len(y)), idx], 1e-12, 1)).mean()
        if nll < best - 1e-12:
            best, best_t = nll, float(t)
    return best_t


def _threshold(prob: np.ndarray, right: np.ndarray) -> tuple[float, float]:
    """(threshold, cross-validated accuracy of the rows below it): the highest threshold (0.30 to 0.95 by 0.05)
    under which the labels are right at most half the time, i.e. a flagged label is as likely wrong as right;
    0.5 when no threshold flags such rows."""
    best = (0.5, float("nan"))
    for t in np.round(np.arange(0.30, 0.951, 0.05), 2):
        flag = prob < t
        if flag.sum() and right[flag].mean() <= 0.5:
            best = (float(t), round(float(right[flag].mean()), 3))
    return best


def fit(rows: pd.DataFrame, main: tuple[str, ...] = MAIN, grid_extra: tuple[float, ...] = GRID_EXTRA,
        log=print, guard: Callable[[dict], bool] | None = None) -> dict:
    """Choose C, class weights and the extra rows' weight by repeated article-grouped cross-validation on the
    `main` rows (of the settings whose macro-F1 is within TIE of the best, the smallest C, then the most accurate),
    calibrate, choose the threshold, fit on all rows; the model dict. `guard`: a check of a setting's model fitted
    on all rows (uncalibrated: its labels only), e.g. a regression check; settings it rejects are not chosen, and
    when it rejects all, ValueError."""
    has_extra = bool((~rows["source"].isin(main)).any())
    grid = [(c, w, e) for c in GRID_C for w in GRID_WEIGHTS for e in (grid_extra if has_extra else (0.0,))]
    y = rows.loc[rows["source"].isin(main), "label"].to_numpy(dtype=object)
    results = []
    for c, w, e in grid:
        runs = [cross_validated(rows, c, w, e, seed, main) for seed in range(REPEATS)]
        figs = [scores(y, np.array(CLASSES, dtype=object)[r.argmax(axis=1)]) for r in runs]
        mean = {k: round(float(np.mean([f[k] for f in figs])), 3) for k in figs[0]}
        results.append(((mean["macro_f1"], mean["accuracy"]), (c, w, e), mean, runs[0]))
        log(f"  C={c:<5} class_weight={str(w):<8} extra_weight={e:<5} cv macro-F1 {mean['macro_f1']:.3f} "
            f"accuracy {mean['accuracy']:.3f} stance accuracy {mean['stance_accuracy']:.3f}")
    if guard is not None:
        passed = [guard(export(final_fit(rows, _hp(*r[1]), main))) for r in results]
        failed = [f"C={c} class_weight={w} extra_weight={e}" for r, ok in zip(results, passed) if not ok
                  for c, w, e in [r[1]]]
        log(f"  {len(failed)} of {len(results)} settings fail the guard: {', '.join(failed) or 'none'}")
        results = [r for r, ok in zip(results, passed) if ok]
        if not results:
            raise ValueError("every setting fails the guard: no model is chosen")
    best = max(r[0][0] for r in results)
    (_, (c, w, e), cv, logits) = max((r for r in results if r[0][0] >= best - TIE), key=lambda r: (-r[1][0], r[0][1]))
    temperature = _temperature(logits, y)
    prob = _softmax(logits / temperature)
    predicted = np.array(CLASSES, dtype=object)[prob.argmax(axis=1)]
    threshold, flagged_acc = _threshold(prob.max(axis=1), predicted == y)
    uncertain = prob.max(axis=1) < threshold
    certain_acc = float((predicted[~uncertain] == y[~uncertain]).mean()) if (~uncertain).any() else 0.0
    hp = _hp(c, w, e)
    keep = _weights(rows, main, e)[1] > 0
    counts = rows[keep].groupby(["source", "label"]).size()
    return {**export(final_fit(rows, hp, main), temperature, threshold),
            "hyperparameters": hp,
            "cv": {**cv, "folds": FOLDS, "repeats": REPEATS, "accuracy_when_uncertain": flagged_acc,
                   "uncertain_share": round(float(uncertain.mean()), 3),
                   "accuracy_when_certain": round(certain_acc, 3)},
            "training": {f"{s}:{lab}": int(n) for (s, lab), n in counts.items()}}


def _hp(c: float, class_weight, extra_weight: float) -> dict:
    return {"C": c, "class_weight": class_weight or "none", "extra_weight": extra_weight}


def final_fit(rows: pd.DataFrame, hyperparameters: dict, main: tuple[str, ...] = MAIN) -> tuple:
    """The fitted (mean, scale, classifier) on every row: the `main` rows with their weight, the others with
    their weight × the `extra_weight` hyper-parameter (rows of weight 0 left out)."""
    hp = hyperparameters
    _, weights = _weights(rows, main, hp["extra_weight"])
    keep = weights > 0
    return _fit_one(decision.matrix(rows, FEATURES)[keep], rows["label"].to_numpy(dtype=object)[keep], weights[keep],
                    hp["C"], _class_weight(hp))


def _class_weight(hp: dict):
    """The class weights of hyper-parameters (`none` → None, for scikit-learn)."""
    return None if hp["class_weight"] == "none" else hp["class_weight"]


def export(fitted: tuple, temperature: float = 1.0, threshold: float = 0.0) -> dict:
    """The model dict of a fitted (mean, scale, classifier): features, classes, mean, scale, coef, intercept (in
    CLASSES order; a class never seen in training gets a very low intercept), temperature, threshold."""
    mean, scale, clf = fitted
    coef = np.zeros((len(CLASSES), len(FEATURES)))
    intercept = np.full(len(CLASSES), -30.0)
    raw_coef = clf.coef_ if len(clf.classes_) > 2 else np.vstack([-clf.coef_ / 2, clf.coef_ / 2])
    raw_int = clf.intercept_ if len(clf.classes_) > 2 else np.array([-clf.intercept_[0] / 2, clf.intercept_[0] / 2])
    for j, cls in enumerate(clf.classes_):
        coef[CLASSES.index(cls)], intercept[CLASSES.index(cls)] = raw_coef[j], raw_int[j]
    return {"features": list(FEATURES), "classes": list(CLASSES),
            "mean": [round(float(v), 6) for v in mean], "scale": [round(float(v), 6) for v in scale],
            "coef": [[round(float(v), 6) for v in r] for r in coef],
            "intercept": [round(float(v), 6) for v in intercept],
            "temperature": float(temperature), "threshold": float(threshold)}


def fold_models(rows: pd.DataFrame, model: dict, main: tuple[str, ...] = MAIN,
                seed: int = 0) -> list[tuple[set[str], dict]]:
    """For cross-validated predictions: (held-out articles, model dict fitted without them) for each fold of the
    `main` rows, with `model`'s hyper-parameters, temperature and threshold (the folds of `cross_validated`)."""
    hp = model["hyperparameters"]
    return [(articles, export(fitted, model["temperature"], model["threshold"]))
            for _, _, articles, fitted in _fold_fits(rows, hp["C"], _class_weight(hp), hp["extra_weight"], seed,
                                                     main)]


def cv_predictions(rows: pd.DataFrame, model: dict, main: tuple[str, ...] = MAIN) -> pd.DataFrame:
    """The cross-validated predictions of the `main` rows with the model's hyper-parameters and calibration:
    article_id, iso, label (gold), predicted, probability, uncertain."""
    hp = model["hyperparameters"]
    logits = cross_validated(rows, hp["C"], _class_weight(hp), hp["extra_weight"], 0, main)
    prob = _softmax(logits / model["temperature"])
    sub = rows[rows["source"].isin(main)]
    return pd.DataFrame({"article_id": sub["article_id"].to_numpy(), "iso": sub["iso"].to_numpy(),
                         "label": sub["label"].to_numpy(),
                         "predicted": np.array(CLASSES, dtype=object)[prob.argmax(axis=1)],
                         "probability": prob.max(axis=1).round(3),
                         "uncertain": prob.max(axis=1) < model["threshold"]})


def save(model: dict, path: str | Path) -> Path:
    """Write the model as JSON (sorted keys, one file, replaced whole)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as tmp:
        Path(tmp).write_text(json.dumps(model, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    return path


def save_training(rows: pd.DataFrame, path: str | Path) -> Path:
    """Write the training rows (TRAINING_COLUMNS, numbers rounded; no text)."""
    path = Path(path)
    out = rows[TRAINING_COLUMNS].copy()
    out[FEATURES] = out[FEATURES].astype(float).round(6)
    with replacing(path) as tmp:
        out.to_csv(tmp, index=False, lineterminator="\n")
    return path


def shipped_training() -> pd.DataFrame:
    """The training rows shipped beside the model (`data/stance_training.csv`)."""
    return pd.read_csv(data_path(TRAINING_FILE), dtype={"article_id": str, "iso": str, "label": str, "group": str,
                                                       "source": str}, keep_default_na=False)


CODES_WEIGHTS = (1.0, 3.0, 10.0)
DEFAULT_CODES_WEIGHT = 3.0


def _fit_weighted(rows: pd.DataFrame, model: dict, codes_weight: float) -> tuple:
    hp = model["hyperparameters"]
    w = rows["weight"].to_numpy(float) * rows["source"].map(
        {**dict.fromkeys(MAIN, 1.0), "codes": codes_weight}).fillna(hp["extra_weight"]).to_numpy(float)
    keep = w > 0
    return _fit_one(decision.matrix(rows, FEATURES)[keep], rows["label"].to_numpy(dtype=object)[keep], w[keep],
                    hp["C"], _class_weight(hp))


def codes_cv(rows: pd.DataFrame, model: dict, codes_weight: float) -> dict[str, float] | None:
    """Cross-validated figures over the coded rows (source `codes`): folds by article (up to FOLDS); each fold's
    model is fitted on the shipped rows and the other folds' codes. None with fewer than two coded articles."""
    is_code = (rows["source"] == "codes").to_numpy()
    groups = rows.loc[is_code, "group"].to_numpy(dtype=object)
    if len(set(groups)) < 2:
        return None
    from_codes = rows[is_code].reset_index(drop=True)
    others = rows[~is_code]
    predicted = np.empty(len(from_codes), dtype=object)
    folds = StratifiedGroupKFold(n_splits=min(FOLDS, len(set(groups))), shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        splits = list(folds.split(np.zeros(len(groups)), from_codes["label"].to_numpy(dtype=object), groups))
    for train, test in splits:
        fitted = _fit_weighted(pd.concat([others, from_codes.iloc[train]], ignore_index=True), model, codes_weight)
        predicted[test] = np.array(CLASSES, dtype=object)[
            _logits(fitted, decision.matrix(from_codes.iloc[test], FEATURES)).argmax(axis=1)]
    return {**scores(from_codes["label"], predicted), "rows": int(len(from_codes)),
            "articles": int(len(set(groups)))}


def refit_with_codes(codes_rows: pd.DataFrame, base: pd.DataFrame | None = None, model: dict | None = None,
                     weights: tuple[float, ...] = CODES_WEIGHTS) -> dict:
    """The decision re-fitted with a corpus's coded rows (TRAINING_COLUMNS, source `codes`) added to the shipped
    training rows (`base`), with the shipped model's hyper-parameters, calibration and threshold. The weight of
    the coded rows is chosen among `weights` by the cross-validated macro-F1 (then accuracy) over the coded rows
    (`codes_cv`; DEFAULT_CODES_WEIGHT when there are too few coded articles). The model dict gets `codes`: the
    weight, and the cross-validated accuracy and macro-F1 over the coded rows."""
    model = model or decision.load_model(data_path(decision.MODEL_FILE))
    base = shipped_training() if base is None else base
    rows = pd.concat([base, codes_rows.assign(source="codes", group="codes:" + codes_rows["article_id"])],
                     ignore_index=True)[TRAINING_COLUMNS]
    tried = [(w, codes_cv(rows, model, w)) for w in weights]
    scored = [(w, cv) for w, cv in tried if cv is not None]
    weight, cv = max(scored, key=lambda t: (t[1]["macro_f1"], t[1]["accuracy"], -t[0])) if scored else \
        (DEFAULT_CODES_WEIGHT, None)
    out = {**model, **export(_fit_weighted(rows, model, weight), model["temperature"], model["threshold"])}
    out["codes"] = {"weight": weight, "rows": int(len(codes_rows)),
                    "articles": int(codes_rows["article_id"].nunique()),
                    "model_cv_accuracy": cv["accuracy"] if cv else None,
                    "model_cv_macro_f1": cv["macro_f1"] if cv else None}
    return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in out.items()}


def rule_evidence(wb) -> dict[str, pd.DataFrame]:
    """What the decision reads for a workbook's articles, through its layers and with its data files (its
    profile's and the corpus's own) as the `stance` layer reads them: `mentions`, `statements`, `rules` (the
    rules' stance table) and `features` (the decision's feature table). `bench/fit_model.py` and
    `bench/dev_eval.py` use it too, so the model is fitted and scored on what the workbook computes."""
    files = wb.data_files() or {}
    mentions, stmts = wb.analysis("mentions"), wb.analysis("statements")
    cues = files.get("stance_cues.yaml")
    rules = stance_by_article(wb, mentions, cues, files.get("frames.yaml"), statements=stmts, rules_only=True)
    return {"mentions": mentions, "statements": stmts, "rules": rules,
            "features": decision.features(rules, mentions, stmts, cues_path=cues)}


def corpus_features(wb) -> pd.DataFrame:
    """The decision's feature table of a workbook's articles (`rule_evidence`)."""
    return rule_evidence(wb)["features"]


def coded_rows(wb, codes: pd.DataFrame) -> pd.DataFrame:
    """The feature rows of the (article, actor) pairs `codes` label (`code_rows`); empty without codes."""
    return code_rows(corpus_features(wb), codes) if len(codes) else pd.DataFrame()


def model_cv_table(rows: pd.DataFrame) -> pd.DataFrame:
    """measure, value, n: `model_cv_accuracy` and `model_cv_macro_f1`, the decision re-fitted with the coded rows
    and cross-validated over them by article (empty values with fewer than two coded articles)."""
    figs = refit_with_codes(rows)["codes"] if len(rows) else {}
    return pd.DataFrame([(m, figs.get(m), len(rows)) for m in ("model_cv_accuracy", "model_cv_macro_f1")],
                        columns=["measure", "value", "n"]).astype({"value": float})


def code_rows(table: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Training rows (TRAINING_COLUMNS, source `codes`) of the coded (article, actor) pairs that are candidates
    in `table` (article-level codes, disputed ones left out; a coded actor the machine never saw as a candidate
    has no features and is left out)."""
    cons = consensus(latest(codes[codes["statement_id"].fillna("") == ""])) if len(codes) else pd.DataFrame(
        columns=KEY + ["stance", "disputed"])
    cons = cons[~cons["disputed"].astype(bool) & cons["stance"].notna()]
    rows = labelled_rows(table, cons[KEY + ["stance"]], "codes", articles=set(cons["article_id"]),
                         unknown_is_not_actor=False)
    return rows.assign(group="codes:" + rows["article_id"])


def corpus_model_path(corpus_dir: str | Path) -> Path:
    """Where `vnpress learn` saves a corpus's model: `<corpus>/model/stance_model.json`."""
    return Path(corpus_dir) / CORPUS_DATA / decision.MODEL_FILE


CURVE_COLUMNS = ["coded_rows_learned", "articles_learned", "held_out_rows", "accuracy", "macro_f1"]


def learning_curve(codes_rows: pd.DataFrame, step: int = 20, base: pd.DataFrame | None = None,
                   model: dict | None = None) -> pd.DataFrame:
    """How the decision improves with coding: CURVE_COLUMNS, one row per 0, `step`, 2 × `step` … coded rows.
    The coded rows (`code_rows`) are taken article by article in the order of the codes; for each size, the
    decision re-fitted with the first coded articles (`refit_with_codes`' weight choice left out: weight
    DEFAULT_CODES_WEIGHT) labels the coded rows of the other articles, and is scored on them (accuracy,
    macro-F1 of the stance labels present). 0 is the shipped model. Stops before the held-out rows run out."""
    model = model or decision.load_model(data_path(decision.MODEL_FILE))
    base = shipped_training() if base is None else base
    articles = list(dict.fromkeys(codes_rows["article_id"]))
    rows_upto, total, out = {}, 0, []
    for a in articles:  # coded rows learned once the first k articles are
        total += int((codes_rows["article_id"] == a).sum())
        rows_upto[a] = total
    sizes = [0] + [n for n in range(step, len(codes_rows), step)]
    for size in sizes:
        learned = [a for a in articles if rows_upto[a] <= size] if size else []
        held = codes_rows[~codes_rows["article_id"].isin(learned)]
        if held.empty:
            break
        if learned:
            taught = codes_rows[codes_rows["article_id"].isin(learned)]
            rows = pd.concat([base, taught.assign(source="codes", group="codes:" + taught["article_id"])],
                             ignore_index=True)[TRAINING_COLUMNS]
            current = decision.with_arrays(export(_fit_weighted(rows, model, DEFAULT_CODES_WEIGHT),
                                                  model["temperature"], model["threshold"]))
        else:
            current = model
        predicted = decision.predict(current, held)["label"]
        figs = scores(held["label"], predicted)
        out.append((int(len(codes_rows) - len(held)), len(learned), int(len(held)), figs["accuracy"],
                    figs["macro_f1"]))
    return pd.DataFrame(out, columns=CURVE_COLUMNS)
