"""Benchmark of processing and of every registered per-article analysis on the engine, run on this machine.

Builds synthetic corpora of the given sizes (in articles) from the seed articles only: article i is seed
i mod 5 with its paragraphs shuffled (seeded by i) and a serial-number sentence appended, so every article
has its own content hash. For each size it measures, each step in a fresh process on a warm processing cache
(processing itself on an empty one):
- time with 1 worker and with all cores, and the speed-up (target ≥ 1.8 on 2 cores); an analysis step shorter
  than 10 s, where this machine's jitter weighs, is run three times (its results removed before each run) and
  the median run is kept; processing and longer steps run once; sizes above
  `--one-worker-max` are measured with all cores only. One worker means one core: the 1-worker step runs with
  Arrow on one thread (`OMP_NUM_THREADS=1`), as each worker process of the all-cores step does (without it,
  Arrow's thread per core lets a lone worker decode Parquet on the other core too);
- peak RSS of the process tree (sampled every 50 ms), of the driver (the loading process) and of its largest
  worker process, all cores;
- the time of loading the corpus on a warm cache (the file facts and shards cached), which every step pays;
- the corpus-level tables (`REDUCES`: term frequencies, TF-IDF and the topic model, from the per-article word
  counts that processing wrote; coverage over time, from the articles table; syndicated stories, from the
  `minhash` layer's signatures: every article of the synthetic corpus is a copy of one of the five seeds, so five
  stories of n/5 copies, the worst case of its buckets), each in a fresh process on the warm cache, all cores
  (they run in the loading process);
- the incremental cases against the cold run (all cores): +1 % new articles (processing and every analysis,
  target ≤ 0.1 of the cold total), and an edited `stance_cues.yaml` (statements and stance re-run, as a fraction
  of all analyses cold).
Targets across sizes: seconds per 1k articles flat (linear time), worker peak memory flat.
Rows are printed as they are measured, so a long run's output file shows the sizes finished so far.

Usage: python bench/bench_analyses.py [--sizes 1000,5000,20000] [--one-worker-max N] [--engine local|dask]
                                     [--analyses a,b]
e.g. the syndicated stories alone: --analyses minhash (the `minhash` layer; `stories` is among the corpus-level
tables, which every run measures)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
SHORT, REPEATS = 10.0, 3  # an analysis step shorter than SHORT seconds is run REPEATS times and its median kept
SERIAL = "Bài viết số {n} được tạo ra để đo hiệu năng."
REDUCES = {"term frequencies (corpus)": "terms.frequencies(wb)", "TF-IDF (corpus)": "terms.tfidf(wb)",
           "syndicated stories (corpus, MinHashLSH)": "stories.stories(wb)",
           "coverage by week and outlet type (corpus)": "coverage.coverage_table(wb, 'week', 'outlet_type')",
           "topics, k = 6 (corpus)": "topics.topic_shares(wb, 6)"}


def write_articles(source: Path, target: Path, first: int, count: int) -> None:
    """Articles first..first+count-1: a seed article with shuffled paragraphs and a serial-number sentence."""
    target.mkdir(parents=True, exist_ok=True)
    seeds = [p.read_text(encoding="utf-8") for p in sorted(source.glob("*.txt"))]
    for n in range(first, first + count):
        paragraphs = [p for p in re.split(r"\n\s*\n", seeds[n % len(seeds)]) if p.strip()]
        random.Random(n).shuffle(paragraphs)
        text = "\n\n".join(paragraphs + [SERIAL.format(n=n)])
        (target / f"a{n:07d}.txt").write_text(text, encoding="utf-8")


def timed(code: str, one_thread: bool = False) -> tuple[dict, float, float, float]:
    """Run python `code` in a fresh process (`one_thread`: with Arrow on one thread, as in each worker process):
    (the JSON it prints last, peak RSS in MB of the tree, of the process itself and of its largest child
    process)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "lib"), os.environ.get("PYTHONPATH")]))}
    if one_thread:
        env["OMP_NUM_THREADS"] = "1"  # Arrow's thread pool size
    proc = psutil.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                        env=env)
    peaks = [0, 0, 0]  # tree, driver, largest child
    while proc.poll() is None:
        try:
            rss = [p.memory_info().rss for p in [proc] + proc.children(recursive=True) if p.is_running()]
            peaks = [max(peaks[0], sum(rss)), max(peaks[1], rss[0]), max(peaks[2], max(rss[1:], default=0))]
        except psutil.Error:
            pass
        time.sleep(0.05)
    if proc.returncode:
        raise SystemExit(f"benchmark step failed:\n{code}")
    return json.loads(proc.stdout.read().strip().splitlines()[-1]), *(p / 1e6 for p in peaks)


def step(corpus: Path, cache: Path, workers: int, engine: str, names: list[str],
         data_files: dict[str, str] | None = None, call: str = "") -> str:
    """Code that loads the corpus (timed as `processing`) and then runs each analysis (timed by name), or the
    expression `call` of `wb` (timed as `call`)."""
    return ("import json, time, vnpress\nfrom vnpress import analyses, coverage, stories, terms, topics\n"
            "t = time.perf_counter()\n"
            f"wb = vnpress.load({str(corpus)!r}, {str(cache)!r}, workers={workers}, engine={engine!r}, lazy=True)\n"
            "out = {'processing': time.perf_counter() - t}\n"
            f"for name in {names!r}:\n"
            "    t = time.perf_counter()\n"
            f"    analyses.run(wb, name, {data_files!r})\n"
            "    out[name] = time.perf_counter() - t\n"
            + (f"t = time.perf_counter()\n{call}\nout['call'] = time.perf_counter() - t\n" if call else "")
            + "print(json.dumps(out))")


HEADER = ("articles", "step", "1 worker s", "all cores s", "speed-up", "s / 1k art.", "tree MB", "driver MB",
          "worker MB")
WIDTHS = (8, 52, 10, 11, 8, 11, 8, 9, 9)


def show(row: tuple) -> None:
    """Print one table row (None → empty, floats with two decimals), flushed."""
    fmt = lambda v: "" if v is None else f"{v:.2f}" if isinstance(v, float) else str(v)  # noqa: E731
    print("  ".join(fmt(v).ljust(w) for v, w in zip(row, WIDTHS)), flush=True)


def bench_size(seeds: Path, tmp: Path, n: int, names: list[str], engine: str, cores: int, one_worker: bool) -> None:
    """Print rows (size, step, 1 worker s, all cores s, speed-up, s per 1k, tree MB, driver MB, worker MB), then
    the incremental rows; without `one_worker` only all cores are measured."""
    corpus, cache = tmp / f"corpus{n}", tmp / f"cache{n}"
    write_articles(seeds, corpus, 0, n)
    rows: dict[str, dict[int, tuple]] = {}
    warm: dict[int, float] = {}  # loading the corpus on a warm cache, as every later step does
    for workers in (1, cores) if one_worker else (cores,):
        shutil.rmtree(cache, ignore_errors=True)
        for name in ["processing", *names]:  # each in its own process, upstream steps already cached
            code = step(corpus, cache, workers, engine, [] if name == "processing" else [name])
            runs = [timed(code, one_thread=workers == 1)]
            if name != "processing" and runs[0][0][name] < SHORT:
                for _ in range(REPEATS - 1):
                    for done in cache.glob(f"*/analyses/{name}-*"):  # a repeat analyses every article again
                        shutil.rmtree(done)
                    runs.append(timed(code, one_thread=workers == 1))
            times, *peaks = sorted(runs, key=lambda run: run[0][name])[len(runs) // 2]  # the median run
            rows.setdefault(name, {})[workers] = (times[name], *peaks)
            if name != "processing":
                warm.setdefault(workers, times["processing"])
            print(f"# {n} articles, {workers} worker(s), {name}: {times[name]:.2f} s "
                  f"({', '.join(f'{run[0][name]:.2f}' for run in runs)})", flush=True)
    for name, by_workers in rows.items():
        t1, (tn, *peaks) = by_workers.get(1, (None,))[0], by_workers[cores]
        show((n, name, t1, tn, t1 / tn if t1 and tn else None, tn / n * 1000, *peaks))
    if warm:
        show((n, "loading on a warm cache (in each step)", warm.get(1), warm[cores], None, warm[cores] / n * 1000,
              None, None, None))
    for name, call in REDUCES.items():
        times, *peaks = timed(step(corpus, cache, cores, engine, [], call=call))
        show((n, name, None, times["call"], None, times["call"] / n * 1000, *peaks))
    cold = sum(r[cores][0] for r in rows.values())
    cold_one = sum(r[1][0] for r in rows.values()) if one_worker else None
    show((n, "cold total (all steps, all cores)", cold_one, cold, None, cold / n * 1000, None, None, None))

    write_articles(seeds, corpus, n, max(1, n // 100))
    times, *peaks = timed(step(corpus, cache, cores, engine, names))
    more = sum(times.values())
    show((n, f"+1 % articles (all steps): {more / cold:.3f} of cold [<= 0.1]", None, more, None, None, *peaks))

    cues = tmp / "stance_cues.yaml"
    shutil.copy(ROOT / "lib" / "vnpress" / "data" / "stance_cues.yaml", cues)
    with cues.open("a", encoding="utf-8") as f:
        f.write(f"\n# edited for the benchmark {time.time()}\nextra_cues: [công ước]\n")
    times, *peaks = timed(step(corpus, cache, cores, engine, names, {"stance_cues.yaml": str(cues)}))
    edited = sum(times[name] for name in names)
    cold_analyses = sum(r[cores][0] for name, r in rows.items() if name != "processing")
    show((n, f"edited stance_cues.yaml (analyses): {edited / cold_analyses:.3f} of cold", None, edited, None, None,
          *peaks))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT / "corpus"), help="folder of seed articles")
    ap.add_argument("--sizes", default="1000,5000,20000", help="corpus sizes in articles, comma-separated")
    ap.add_argument("--one-worker-max", type=int, default=None,
                    help="largest size also measured with 1 worker (default: every size)")
    ap.add_argument("--engine", default="local", choices=["local", "dask"])
    ap.add_argument("--analyses", default="", help="comma-separated analyses (default: all registered)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "lib"))
    from vnpress.processing.layers import REGISTRY

    names = [a for a in args.analyses.split(",") if a] or list(REGISTRY)
    cores = os.cpu_count() or 1
    print(f"{cores} cores, engine {args.engine}; analyses: {', '.join(names)}", flush=True)
    show(HEADER)
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            one_worker = args.one_worker_max is None or n <= args.one_worker_max
            bench_size(Path(args.corpus), Path(tmp), n, names, args.engine, cores, one_worker)
    print("targets: speed-up >= 1.8 on 2 cores; s / 1k and worker MB flat across sizes; +1 % <= 0.1 of cold")


if __name__ == "__main__":
    main()
