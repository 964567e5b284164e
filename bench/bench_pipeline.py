"""Benchmark of the processing pipeline against raw underthesea, run on this machine.

Builds corpora of the given sizes from the corpus articles (copies with a numbered line appended, so every
copy has its own content hash), then measures in one run, on the same text:
- raw underthesea on one core doing exactly the pipeline's work (sent_tokenize per paragraph, pos_tag per
  sentence) vs the pipeline with 1 worker (cleaning, processing, Parquet shards, reading back), best of two
  each: ratio ≥ 0.9;
- the pipeline with all cores vs 1 worker on the larger corpus: speed-up ≥ 1.7 on 2 cores;
- `vnpress run` on the seed corpus, cold (empty output folder) vs cached re-run: ratio ≤ 0.2;
- peak memory (RSS of the process tree) processing the small and the large corpus: should not grow.

Usage: python bench/bench_pipeline.py [--corpus corpus] [--sizes 0.5,2]   (sizes in MB of text)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import underthesea

ROOT = Path(__file__).resolve().parents[1]


def make_corpus(source: Path, target: Path, megabytes: float) -> int:
    """Copies of the source articles until the folder holds `megabytes` of text; returns the article count."""
    target.mkdir(parents=True)
    texts = [p.read_text(encoding="utf-8") for p in sorted(source.glob("*.txt"))]
    size, n = 0, 0
    while size < megabytes * 1_000_000:
        text = texts[n % len(texts)] + f"\n\nBản sao số {n} của bài viết phục vụ đo hiệu năng."
        (target / f"copy{n:06d}.txt").write_text(text, encoding="utf-8")
        size += len(text.encode("utf-8"))
        n += 1
    return n


def raw_underthesea(corpus: Path) -> float:
    from vnpress.corpus.reader import load_corpus

    texts = load_corpus(corpus).articles["text"].tolist()
    started = time.perf_counter()
    for text in texts:
        for line in text.split("\n"):
            if line.strip():
                for sentence in underthesea.sent_tokenize(line):
                    underthesea.pos_tag(sentence)
    return time.perf_counter() - started


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall time (the command's own figure if it prints one) and peak RSS (MB, process tree, sampled every
    50 ms) of a command."""
    started = time.perf_counter()
    proc = psutil.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [proc] + proc.children(recursive=True)
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    if proc.returncode:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    printed = proc.stdout.read().strip().splitlines()
    own = float(printed[-1]) if printed and printed[-1].replace(".", "", 1).isdigit() else None
    return own if own is not None else time.perf_counter() - started, peak / 1e6


def pipeline_cmd(corpus: Path, cache: Path, workers: int, lazy: bool = False) -> list[str]:
    """Load (clean, process, write and read the cache) in a fresh process; prints the seconds load() took."""
    return [sys.executable, "-c", "import time, vnpress; t = time.perf_counter(); "
            f"vnpress.load({str(corpus)!r}, {str(cache)!r}, workers={workers}, lazy={lazy}); "
            "print(time.perf_counter() - t)"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    ap.add_argument("--sizes", default="0.5,2", help="small,large corpus sizes in MB")
    args = ap.parse_args()
    small_mb, large_mb = (float(x) for x in args.sizes.split(","))
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        n_small = make_corpus(Path(args.corpus), tmp / "small", small_mb)
        n_large = make_corpus(Path(args.corpus), tmp / "large", large_mb)
        print(f"corpora: {small_mb} MB ({n_small} articles), {large_mb} MB ({n_large} articles); {cores} cores")

        # best of two, alternating, for the closest comparison on a noisy machine
        raw = min(raw_underthesea(tmp / "small"), raw_underthesea(tmp / "small"))
        one = min(timed(pipeline_cmd(tmp / "small", tmp / f"c1{i}", 1))[0] for i in range(2))
        chars = sum(len(p.read_text(encoding="utf-8")) for p in (tmp / "small").glob("*.txt"))
        print(f"{small_mb} MB: raw underthesea, 1 core {raw:.1f} s ({chars / raw / 1000:.0f}k chars/s); "
              f"pipeline, 1 worker {one:.1f} s (vnpress.load: cleaning, processing, Parquet write and read)")
        _, mem_small = timed(pipeline_cmd(tmp / "small", tmp / "c2", 0, lazy=True))
        one_large, _ = timed(pipeline_cmd(tmp / "large", tmp / "c3", 1))
        all_large, mem_large = timed(pipeline_cmd(tmp / "large", tmp / "c4", 0, lazy=True))
        print(f"{large_mb} MB: pipeline, 1 worker {one_large:.1f} s; {cores} workers {all_large:.1f} s")
        print(f"peak RSS of the process tree, all workers: {mem_small:.0f} MB at {small_mb} MB, "
              f"{mem_large:.0f} MB at {large_mb} MB")

        out = tmp / "out"
        cold, _ = timed([sys.executable, "-m", "vnpress.cli", "run", "--corpus", args.corpus, "--out", str(out)])
        warm, _ = timed([sys.executable, "-m", "vnpress.cli", "run", "--corpus", args.corpus, "--out", str(out)])
        shutil.rmtree(out / "runs")
        (out / "latest").unlink()
        cache_only, _ = timed([sys.executable, "-m", "vnpress.cli", "run", "--corpus", args.corpus, "--out", str(out)])
        print(f"vnpress run (all notebooks, seed corpus): cold {cold:.1f} s, cached re-run {warm:.1f} s, "
              f"re-executed on a warm processing cache {cache_only:.1f} s")

        print("\nratios (targets in brackets)")
        print(f"pipeline / raw, 1 worker (throughput): {raw / one:.2f}   [>= 0.9]")
        print(f"all cores / 1 worker (speed-up, {large_mb} MB): {one_large / all_large:.2f}   [>= 1.7 on 2 cores]")
        print(f"cached / cold vnpress run:             {warm / cold:.2f}   [<= 0.2]")
        print(f"peak memory large / small:             {mem_large / mem_small:.2f}   [~1: does not grow]")


if __name__ == "__main__":
    main()
