"""Cold `vnpress run` of the four notebooks on the seed corpus: concurrent (--jobs = cores) against sequential.

Each run is a fresh `vnpress run` process with a fresh output folder (no processing cache, no reusable reports).
The two modes alternate, `ROUNDS` times each, and the best time of each is compared; the tables of both modes must
be identical. Prints the times and the ratio (target ≤ 0.7 on 2 cores).

    python bench/bench_run.py [ROUNDS]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cold_run(jobs: int, out: Path) -> float:
    """Seconds for one cold `vnpress run --jobs JOBS` into `out`."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "vnpress.cli", "run", "--corpus", str(ROOT / "corpus"), "--out", str(out),
                    "--jobs", str(jobs)], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def tables(out: Path) -> dict[str, bytes]:
    run_dir = (out / "latest").resolve()
    return {str(p.relative_to(run_dir)): p.read_bytes() for p in sorted(run_dir.glob("*/tables/*.csv"))}


def main(rounds: int = 2) -> None:
    cores = os.cpu_count() or 1
    times: dict[int, list[float]] = {1: [], cores: []}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            for jobs in (1, cores) if r % 2 == 0 else (cores, 1):
                out = Path(tmp) / f"jobs{jobs}-{r}"
                times[jobs].append(cold_run(jobs, out))
                print(f"round {r + 1}: --jobs {jobs}: {times[jobs][-1]:.1f} s", flush=True)
        same = tables(Path(tmp) / "jobs1-0") == tables(Path(tmp) / f"jobs{cores}-0")
    sequential, concurrent = min(times[1]), min(times[cores])
    print(f"cold run, {cores} cores: sequential {sequential:.1f} s, concurrent (--jobs {cores}) {concurrent:.1f} s, "
          f"ratio {concurrent / sequential:.2f} (target <= 0.7); tables identical: {same}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
