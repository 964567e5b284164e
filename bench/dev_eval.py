"""Score the current analyses against the development set (tests/dev/README.md).

python bench/dev_eval.py --texts /work/devdata/texts --labels /work/devdata/labels [--split dev|test|fresh|all]
                         [--task countries|actors|stance|frames|dates|all] [--cache /tmp/devcache] [--errors]
                         [--model PATH] [--profile NAME|by-agreement] [--agreements A,B] [--no-cv]

Texts are loaded with `vnpress.load` (a leading `date YYYY-MM-DD` line gives the publication date, else the date
the labelled URL states: `with_urls`); labels are the four CSV files described in tests/dev/README.md. Labelled
articles without a text are skipped (listed); `--agreements` keeps the articles of some agreements only. Prints,
per split, one table per task.

Stance is the learned decision's (`vnpress.analyses.decision`, the packaged model or `--model`), with the rules'
labels, the majority baseline and the share of uncertain labels beside. On the articles the model was fitted on
(the `dev` splits of `tests/dev` and `tests/dev_agreements`, the rows of the shipped `stance_training.csv`), the
decision's labels are cross-validated: each article is labelled by a model fitted without its fold's articles (same
hyper-parameters and calibration), so dev figures are not in-sample; `--no-cv` shows the in-sample labels instead.
The `test` and `fresh` splits were never fitted on (`fresh`: labelled after the decision was fitted).
"""

from __future__ import annotations

import argparse
import atexit
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

import vnpress
from vnpress.analyses import countries, decision, stance, statements, timeline
from vnpress.corpus.journal import MANIFEST_COLUMNS
from vnpress.corpus.reader import SUFFIXES
from vnpress.data import path as data_path
from vnpress.util.csvio import write_csv
from vnpress.util.textnorm import fold
from vnpress.validation import learn

TASKS = ["countries", "actors", "stance", "frames", "dates"]
LABEL_FILES = ["articles", "countries", "stance", "dates"]


def read_labels(folder: Path) -> dict[str, pd.DataFrame]:
    """The four label tables, all columns as strings (empty cells as '')."""
    missing = [n for n in LABEL_FILES if not (folder / f"{n}.csv").is_file()]
    if missing:
        sys.exit(f"error: {folder} lacks {', '.join(m + '.csv' for m in missing)}")
    return {n: pd.read_csv(folder / f"{n}.csv", dtype=str, keep_default_na=False) for n in LABEL_FILES}


def check_texts(folder: Path, ids: set[str]) -> list[str]:
    """Exit with a clear message if the texts folder is missing; the labelled articles without a text (sorted)."""
    if not folder.is_dir():
        sys.exit(f"error: texts folder {folder} not found (gather the texts first: see tests/dev/README.md)")
    have = {p.stem for p in folder.iterdir() if p.suffix in SUFFIXES}
    return sorted(ids - have)


def version() -> str:
    """vnpress version and the git commit of this checkout (with '+dirty' for uncommitted changes)."""
    here = Path(__file__).resolve().parent
    try:
        sha = subprocess.run(["git", "-C", str(here), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(here), "status", "--porcelain", "--", "lib"], capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        sha, dirty = "unknown", ""
    return f"vnpress {vnpress.__version__}, commit {sha}{'+dirty' if dirty else ''}"


def prf(found: set, gold: set) -> dict[str, float]:
    """Precision, recall, F1 and counts of two sets."""
    tp = len(found & gold)
    p = tp / len(found) if found else 0.0
    r = tp / len(gold) if gold else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "F1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "tp": tp, "found": len(found), "gold": len(gold)}


def is_org(actor: str) -> bool:
    return str(actor).startswith("org:")


def score_countries(mentions: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """countries.evaluate (P/R of countries and actors) with F1 added."""
    table = countries.evaluate(mentions, gold).set_index("metric")
    rows = []
    for label in ("countries", "actors"):
        p, r = table.loc[f"{label} precision", "value"], table.loc[f"{label} recall", "value"]
        rows.append({"task": label, "precision": round(p, 3), "recall": round(r, 3),
                     "F1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
                     "tp": int(table.loc[f"{label} recall", "tp"]), "found": int(table.loc[f"{label} recall", "found"]),
                     "gold": int(table.loc[f"{label} recall", "gold"])})
    return pd.DataFrame(rows)


def country_lookalikes(mentions: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """System country mentions whose (article, iso) the gold does not have, counted by surface."""
    gold_pairs = set(zip(gold["article_id"], gold["iso"]))
    fp = mentions[[(a, i) not in gold_pairs for a, i in zip(mentions["article_id"], mentions["iso"])]]
    return (fp.groupby(["iso", "surface"]).agg(articles=("article_id", "nunique"), mentions=("article_id", "size"))
            .reset_index().sort_values("mentions", ascending=False, ignore_index=True))


def country_errors(mentions: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Missed gold and spurious system (article, iso) pairs, with the system's surfaces (spurious) or the gold note."""
    found, want = set(zip(mentions["article_id"], mentions["iso"])), set(zip(gold["article_id"], gold["iso"]))
    notes = {(a, i): n for a, i, n in zip(gold["article_id"], gold["iso"], gold["note"])}
    surfaces = mentions.groupby(["article_id", "iso"])["surface"].agg(lambda s: "; ".join(sorted(set(s))))
    rows = [("missed", a, i, notes.get((a, i), "")) for a, i in sorted(want - found)]
    rows += [("spurious", a, i, surfaces[(a, i)]) for a, i in sorted(found - want)]
    return pd.DataFrame(rows, columns=["error", "article_id", "iso", "surface / gold note"])


LABELS = ["support", "conditional", "oppose", "neutral"]


def per_label(gold: pd.Series, predicted: pd.Series) -> pd.DataFrame:
    """Precision, recall, F1 and support of each stance label (a missed pair is a wrong prediction), and macro-F1."""
    rows = []
    for label in LABELS:
        tp = int(((gold == label) & (predicted == label)).sum())
        found, want = int((predicted == label).sum()), int((gold == label).sum())
        p, r = (tp / found if found else 0.0), (tp / want if want else 0.0)
        rows.append({"label": label, "precision": round(p, 3), "recall": round(r, 3),
                     "F1": round(2 * p * r / (p + r), 3) if p + r else 0.0, "gold": want, "found": found})
    present = [row["F1"] for row in rows if row["gold"]]
    rows.append({"label": "macro-F1 (labels in gold)", "precision": "", "recall": "",
                 "F1": round(sum(present) / len(present), 3) if present else 0.0, "gold": len(gold), "found": ""})
    return pd.DataFrame(rows)


def stance_tables(system: pd.DataFrame, gold: pd.DataFrame, mentioned: set[tuple[str, str]],
                  rules: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Stance accuracy over gold pairs (missing = wrong), on found pairs, and of the majority baseline (every
    (article, actor) in `mentioned` = support); per-label P/R/F1 with macro-F1 for the system and the baseline;
    confusion gold x system."""
    merged = gold.merge(system[["article_id", "iso", "stance"]], on=["article_id", "iso"], how="left",
                        suffixes=("_gold", "")).fillna({"stance": "(missing)"})
    baseline = pd.Series(["support" if pair in mentioned else "(missing)"
                          for pair in zip(merged["article_id"], merged["iso"])], index=merged.index)
    found = merged[merged["stance"] != "(missing)"]
    on_found = stance.evaluate(system, gold).set_index("metric")

    def accuracy(predicted: pd.Series) -> float:
        return round(float((merged["stance_gold"] == predicted).mean()), 3) if len(merged) else 0.0

    summary = pd.DataFrame([
        {"measure": "accuracy over gold pairs (missing = wrong)", "value": accuracy(merged["stance"]),
         "n": len(merged)},
        {"measure": "majority baseline (every country mentioned, organization found = support)", "value": accuracy(baseline),
         "n": len(merged)},
        *([{"measure": "rules alone (rule_stance, missing = wrong)", "value": accuracy(
            merged[["article_id", "iso"]].merge(rules[["article_id", "iso", "stance"]], how="left",
                                                on=["article_id", "iso"])["stance"].fillna("(missing)")
            .set_axis(merged.index)), "n": len(merged)}] if rules is not None else []),
        *([{"measure": "uncertain labels (share of the system's rows)",
            "value": round(float(system["uncertain"].astype(bool).mean()), 3) if len(system) else 0.0,
            "n": int(system["uncertain"].astype(bool).sum())}] if "uncertain" in system else []),
        {"measure": "accuracy on found pairs",
         "value": on_found.loc["stance accuracy", "value"] if len(found) else 0.0, "n": len(found)},
        {"measure": "gold pairs found (recall)", "value": on_found.loc["actor pairs found (recall)", "value"],
         "n": len(merged)}])
    labels = per_label(merged["stance_gold"], merged["stance"]).merge(
        per_label(merged["stance_gold"], baseline)[["label", "F1"]].rename(columns={"F1": "baseline F1"}), on="label")
    if rules is not None:
        by_rules = merged[["article_id", "iso"]].merge(rules[["article_id", "iso", "stance"]], how="left",
                                                       on=["article_id", "iso"])["stance"].fillna("(missing)")
        labels = labels.merge(per_label(merged["stance_gold"], by_rules.set_axis(merged.index))[["label", "F1"]]
                              .rename(columns={"F1": "rules F1"}), on="label")
    confusion = pd.crosstab(merged["stance_gold"].rename("gold"), merged["stance"].rename("system"))
    return summary, labels, confusion


def frame_triples(df: pd.DataFrame) -> set[tuple[str, str, str]]:
    return {(a, i, f.strip()) for a, i, fs in zip(df["article_id"], df["iso"], df["frames"].fillna(""))
            for f in str(fs).split(";") if f.strip()}


def per_frame(system: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """P/R/F1 of each frame over (article, actor) pairs, every frame the gold or the system names."""
    found, want = frame_triples(system), frame_triples(gold)
    frames = sorted({f for *_, f in found | want})
    return pd.DataFrame([{"frame": fr, **prf({t for t in found if t[2] == fr}, {t for t in want if t[2] == fr})}
                         for fr in frames], columns=["frame", "precision", "recall", "F1", "tp", "found", "gold"])


def frame_errors(system: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Missed gold and spurious system (article, actor, frame) triples, with the frame cues that fired
    (spurious) or the actor's system frames (missed; '(no actor)' if the system lacks the pair)."""
    f, g = frame_triples(system), frame_triples(gold)
    cues = {(a, i): str(c) for a, i, c in zip(system["article_id"], system["iso"], system["cues"].fillna(""))}
    frames = {(a, i): str(fs) for a, i, fs in zip(system["article_id"], system["iso"], system["frames"].fillna(""))}
    rows = [("missed", a, i, fr, frames.get((a, i), "(no actor)")) for a, i, fr in sorted(g - f)]
    rows += [("spurious", a, i, fr, ";".join(c for c in cues[(a, i)].split(";") if c.startswith(fr + ":")))
             for a, i, fr in sorted(f - g)]
    return pd.DataFrame(rows, columns=["error", "article_id", "actor", "frame", "system frames / cues"])


def date_tables(found: pd.DataFrame, gold: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """P/R over (article, value) for gold rows with a value, and the look-alikes found.

    Look-alikes: system dates with a value whose surface is one the gold marks as not an event date
    (a treaty's name year, a photo credit...: gold rows with an empty value and a note starting 'name' or 'not').
    """
    resolved = found[found["value"].fillna("") != ""]
    scores = prf(set(zip(resolved["article_id"], resolved["value"])),
                 set(zip(gold.loc[gold["value"] != "", "article_id"], gold.loc[gold["value"] != "", "value"])))
    not_dates = gold[(gold["value"] == "") & gold["note"].str.match(r"(?i)(name|not)\b")]
    keys = {(a, fold(s)) for a, s in zip(not_dates["article_id"], not_dates["surface"])}
    hits = resolved[[(a, fold(s)) in keys or any(k[0] == a and k[1] in fold(s) for k in keys)
                     for a, s in zip(resolved["article_id"], resolved["surface"])]]
    summary = pd.DataFrame([{**scores, "unresolvable gold (excluded)": int((gold["value"] == "").sum())}])
    return summary, hits[["article_id", "surface", "value", "granularity"]]


def date_errors(found: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Missed gold and spurious system (article, value) pairs, with their surfaces."""
    resolved, gold = found[found["value"].fillna("") != ""], gold[gold["value"] != ""]
    f, g = set(zip(resolved["article_id"], resolved["value"])), set(zip(gold["article_id"], gold["value"]))
    rows = [("missed", a, v, s) for a, v, s in zip(gold["article_id"], gold["value"], gold["surface"]) if (a, v) not in f]
    rows += [("spurious", a, v, s) for a, v, s in zip(resolved["article_id"], resolved["value"], resolved["surface"])
             if (a, v) not in g]
    return pd.DataFrame(rows, columns=["error", "article_id", "value", "surface"]).drop_duplicates()


def show(title: str, table: pd.DataFrame) -> None:
    print(f"\n-- {title}")
    print(table.to_string(index=False) if len(table) else "(none)")


def stance_errors(system: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Gold (article, actor) pairs labelled wrong or missed: article_id, actor, gold, system, cues."""
    merged = gold.merge(system[["article_id", "iso", "stance", "cues"]], on=["article_id", "iso"], how="left",
                        suffixes=("_gold", "")).fillna({"stance": "(missing)", "cues": ""})
    wrong = merged[merged["stance_gold"] != merged["stance"]]
    return pd.DataFrame({"article_id": wrong["article_id"], "actor": wrong["iso"], "gold": wrong["stance_gold"],
                         "system": wrong["stance"], "cues": wrong["cues"].str.slice(0, 80)})


def report_stance(tasks: list[str], gold_s: pd.DataFrame, by_article: pd.DataFrame, mentions: pd.DataFrame,
                  errors: bool = False, rules: pd.DataFrame | None = None) -> None:
    """Stance and frames tables, countries and (once the system outputs them) organizations apart; the baseline
    calls every country the workbook mentions, and every organization it finds, a supporter."""
    sys_orgs = by_article["iso"].map(is_org).any()
    groups = [("countries", ~gold_s["iso"].map(is_org), ~by_article["iso"].map(is_org))]
    if sys_orgs:
        groups.append(("organizations", gold_s["iso"].map(is_org), by_article["iso"].map(is_org)))
    for name, gmask, smask in groups:
        g, s = gold_s[gmask], by_article[smask]
        if "stance" in tasks:
            r = None if rules is None else rules[rules["iso"].map(is_org) == (name == "organizations")]
            # the baseline's organizations are those the rules find (the same with or without the model)
            source = (s if r is None else r) if name == "organizations" else mentions
            summary, labels, confusion = stance_tables(s, g, set(zip(source["article_id"], source["iso"])), r)
            show(f"stance ({name})", summary)
            show(f"stance per label ({name}; baseline F1 beside)", labels)
            show(f"stance confusion ({name}; rows gold, columns system)", confusion.reset_index())
            if errors:
                show(f"stance errors ({name})", stance_errors(s, g))
        if "frames" in tasks:
            show(f"frames ({name}): P/R/F1 over (article, actor, frame)",
                 pd.DataFrame([prf(frame_triples(s), frame_triples(g))]))
            show(f"frames per frame ({name})", per_frame(s, g))
            if errors:
                show(f"frame errors ({name})", frame_errors(s, g))
    if not sys_orgs:
        print(f"\n(organizations: {int(gold_s['iso'].map(is_org).sum())} gold rows not scored; "
              "the system outputs no org:* actors)")


def report(split: str, ids: set[str], tasks: list[str], labels: dict[str, pd.DataFrame], system: dict,
           errors: bool = False) -> None:
    """Print every requested task's tables for the articles in `ids`."""
    def sub(df: pd.DataFrame) -> pd.DataFrame:
        return df[df["article_id"].isin(ids)]

    gold_c = sub(labels["countries"])
    gold_s = sub(labels["stance"]).rename(columns={"actor": "iso"})
    print(f"\n==== split {split}: {len(ids)} articles")
    if "countries" in tasks or "actors" in tasks:
        scores = score_countries(sub(system["mentions"]), gold_c)
        show("countries / actors: P/R/F1 over (article, iso)", scores[scores["task"].isin(tasks)])
        if "countries" in tasks:
            show("country false positives by surface (look-alikes)", country_lookalikes(sub(system["mentions"]), gold_c))
            if errors:
                show("country errors (article, iso)", country_errors(sub(system["mentions"]), gold_c))
    if set(tasks) & {"stance", "frames"}:
        report_stance(tasks, gold_s, sub(system["stance"]), sub(system["mentions"]), errors, sub(system["rules"]))
    if "dates" in tasks:
        summary, hits = date_tables(sub(system["dates"]), sub(labels["dates"]))
        show("dates: P/R over (article, value), gold rows with a value", summary)
        show("date look-alikes found (gold marks them as not event dates)", hits)
        if errors:
            show("date errors (article, value)", date_errors(sub(system["dates"]), sub(labels["dates"])))


def cross_validated_stance(rules: pd.DataFrame, mentions: pd.DataFrame, stmts: pd.DataFrame, model: dict,
                           training: pd.DataFrame, cues: str | None = None) -> pd.DataFrame:
    """The decision's stance rows where each article the model was fitted on is labelled by the model of its
    cross-validation fold (fitted without that fold's articles); other articles by `model`."""
    parts, done = [], set()
    for held_out, fold_model in learn.fold_models(training, model):
        fold_model = decision.with_arrays(fold_model)
        pick = [df[df["article_id"].isin(held_out)] for df in (rules, mentions, stmts)]
        parts.append(decision.decide(*pick, fold_model, stance.BY_ARTICLE_COLUMNS, cues_path=cues))
        done |= held_out
    rest = [df[~df["article_id"].isin(done)] for df in (rules, mentions, stmts)]
    parts.append(decision.decide(*rest, model, stance.BY_ARTICLE_COLUMNS, cues_path=cues))
    return pd.concat(parts, ignore_index=True)


def _analyse(wb, tasks: list[str], model: dict, cv_training: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """The analyses the tasks need on `wb`, with its data files (its profile's): what the workbook computes
    (`learn.rule_evidence`), the decision's labels and the timeline."""
    out: dict[str, pd.DataFrame] = {}
    files = wb.data_files() or {}
    if set(tasks) & {"countries", "actors", "stance", "frames"}:
        evidence = learn.rule_evidence(wb)
        mentions, stmts, cues = evidence["mentions"], evidence["statements"], files.get("stance_cues.yaml")
        out["mentions"] = statements.mark_actors(mentions, stmts)  # as `vnpress countries` reports roles
        out["rules"] = evidence["rules"]
        out["stance"] = decision.decide(out["rules"], mentions, stmts, model, stance.BY_ARTICLE_COLUMNS,
                                        cues_path=cues) \
            if cv_training is None else cross_validated_stance(out["rules"], mentions, stmts, model, cv_training,
                                                                           cues)
    if "dates" in tasks:
        out["dates"] = timeline.timeline(wb, grammar_path=files.get("dates.yaml"))
    return out


def with_urls(texts: Path, articles: pd.DataFrame) -> Path:
    """The texts as a corpus whose manifest gives each labelled article's URL, as a researcher's corpus has it
    (the reader takes the publication date a URL states): a temporary copy removed at exit; a folder with a
    manifest of its own is used as it is."""
    if (texts / "manifest.csv").exists():
        return texts
    folder = Path(tempfile.mkdtemp(prefix=f"dev_eval-{texts.name}-"))
    atexit.register(shutil.rmtree, folder, True)
    files = sorted(path for path in texts.iterdir() if path.suffix in SUFFIXES)
    for path in files:
        shutil.copy2(path, folder / path.name)
    urls = dict(zip(articles["article_id"], articles["url"]))
    rows = [{**dict.fromkeys(MANIFEST_COLUMNS, ""), "file": path.name, "url": urls.get(path.stem, "")}
            for path in files]
    write_csv(pd.DataFrame(rows, columns=MANIFEST_COLUMNS), folder / "manifest.csv")
    return folder


def run_system(texts: Path, cache: str, tasks: list[str], model_path: Path | None = None,
               cv_training: pd.DataFrame | None = None, profiles: dict[str, list[str]] | None = None
               ) -> dict[str, pd.DataFrame]:
    """Load the texts and run the analyses the tasks need; stance by the decision (cross-validated over the
    articles of `cv_training` when given), the rules' table as `rules`. `profiles`: {profile: article ids}, each
    group of articles loaded with its topic profile (dates anchored within the group)."""
    wb = vnpress.load(texts, cache or None)
    if len(wb.problems):
        print(wb.problems.to_string(index=False), file=sys.stderr)
    model = decision.load_model(model_path or data_path(decision.MODEL_FILE))
    if not profiles:
        return _analyse(wb, tasks, model, cv_training)
    parts = [_analyse(vnpress.load(texts, cache or None, profile=name).subset(ids), tasks, model, cv_training)
             for name, ids in profiles.items()]
    return {k: pd.concat([part[k] for part in parts], ignore_index=True) for k in parts[0]}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", required=True, type=Path)
    ap.add_argument("--labels", required=True, type=Path)
    ap.add_argument("--split", choices=["dev", "test", "fresh", "all"], default="all",
                    help="fresh: articles labelled after the decision was fitted (tests/dev/README.md)")
    ap.add_argument("--task", choices=TASKS + ["all"], default="all")
    ap.add_argument("--cache", default="/tmp/devcache", help="processing cache folder ('' for none)")
    ap.add_argument("--errors", action="store_true",
                    help="list the missed and spurious countries, dates and frames and the wrong stance pairs")
    ap.add_argument("--model", type=Path, help="the decision's model file (default: the packaged one)")
    ap.add_argument("--profile", default="",
                    help="topic profile (a name or a .yaml path), or 'by-agreement': each article with the profile "
                         "named by its `agreement` column (tests/dev_agreements); default: none")
    ap.add_argument("--agreements", default="",
                    help="only the articles of these agreements (comma-separated `agreement` values of "
                         "tests/dev_agreements), e.g. inf,jcpoa,ottawa,rome_statute")
    ap.add_argument("--no-cv", action="store_true",
                    help="label the model's own training articles in-sample instead of by cross-validation")
    args = ap.parse_args(argv)
    tasks = TASKS if args.task == "all" else [args.task]
    labels = read_labels(args.labels)
    if args.agreements:
        names = set(args.agreements.split(","))
        known = set(labels["articles"]["agreement"]) if "agreement" in labels["articles"] else set()
        if names - known:
            sys.exit(f"error: --agreements {','.join(sorted(names - known))}: no such `agreement` in "
                     f"{args.labels / 'articles.csv'} (have: {', '.join(sorted(known)) or 'none'})")
        chosen = labels["articles"]["agreement"].isin(names)
        kept = set(labels["articles"].loc[chosen, "article_id"])
        labels = {n: df[df["article_id"].isin(kept)] for n, df in labels.items()}
    missing = check_texts(args.texts, set(labels["articles"]["article_id"]))
    if missing:
        print(f"note: {len(missing)} labelled article(s) have no text in {args.texts} and are skipped: "
              + " ".join(missing))
        labels = {n: df[~df["article_id"].isin(missing)] for n, df in labels.items()}
    arts = labels["articles"]
    sizes = arts["split"].value_counts().to_dict()
    print(f"{version()}; labels {args.labels}; splits (articles with a text): "
          + ", ".join(f"{k} {v}" for k, v in sorted(sizes.items())))
    training = None
    if not args.no_cv and args.model is None:
        shipped = learn.shipped_training()
        trained_on = set(shipped.loc[shipped["source"].isin(learn.MAIN), "article_id"]) & set(arts["article_id"])
        if trained_on:
            training = shipped
            print(f"stance on the {len(trained_on)} of these articles the model was fitted on: cross-validated "
                  f"({learn.FOLDS} folds by article)")
    groups = None
    if args.profile == "by-agreement":
        groups = {name: ids["article_id"].tolist() for name, ids in arts.groupby("agreement")}
    elif args.profile:
        groups = {args.profile: arts["article_id"].tolist()}
    if groups:
        print("profiles: " + ", ".join(f"{name} ({len(ids)} articles)" for name, ids in groups.items()))
    system = run_system(with_urls(args.texts, arts), args.cache, tasks, args.model, training, groups)
    splits = [x for x in ("dev", "test", "fresh") if x in sizes] if args.split == "all" else [args.split]
    for split in splits + (["all"] if args.split == "all" else []):
        ids = set(arts["article_id"]) if split == "all" else set(arts.loc[arts["split"] == split, "article_id"])
        report(split, ids, tasks, labels, system, args.errors)


if __name__ == "__main__":
    main()
