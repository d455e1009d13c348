"""Run whole spreadsheet test corpora through `villagepost import --json`, one process per file.

    python tests/bench/corpus.py DIR [DIR ...] [--workers 2] [--db registry.sqlite] [--out results.jsonl]

Intended for the public corpora of Apache POI (test-data/spreadsheet) and calamine (tests/): hundreds of
odd, broken and hostile files. Every file must give exactly one JSON document on stdout, exit 0, 2 or 3
(never 1: an internal error), within 30 s and 300 MB of peak memory (the child's maximum RSS), and a
refusal must carry one of the documented reasons. The registry must be byte for byte unchanged after
every refusal. Prints one line per rule broken and a summary table; exits 1 when any rule is broken.

tests/corpora/ holds a small vendored subset (see its README for the licences); tests/rosters/
test_corpora.py runs that subset on every test run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

MAX_SECONDS = 30.0
MAX_MB = 300.0
REASONS = {
    "not_xlsx", "legacy_xls", "wps_et", "not_a_workbook", "damaged", "zip_bomb", "too_large", "xml_entities",
    "encrypted", "empty", "no_rows", "formulas_without_values", "no_roster_sheet", "unreadable",
}


@dataclass
class Outcome:
    file: str
    exit: int
    seconds: float
    peak_mb: float
    status: str = ""
    reason: str = ""
    problem: str = ""


def _run_one(path: Path, db: Path, python: str) -> Outcome:
    work = Path(tempfile.mkdtemp(prefix="corpus-"))
    try:
        copy = work / "reg.sqlite"
        shutil.copyfile(db, copy)
        before = _registry_digest(copy)
        started = time.perf_counter()
        proc = subprocess.Popen([python, "-m", "villagepost", "--db", str(copy), "import", str(path), "--json"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                env=CHILD_ENV)
        try:
            out, err = proc.communicate(timeout=MAX_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return Outcome(str(path), -9, MAX_SECONDS, 0.0, problem="hang: killed after 30 s")
        seconds = time.perf_counter() - started
        peak = _peak_mb(proc)
        result = Outcome(str(path), proc.returncode, seconds, peak)
        problems = []
        try:
            doc = json.loads(out.decode("utf-8"))
            result.status, result.reason = doc.get("status", ""), doc.get("reason") or ""
        except (UnicodeDecodeError, json.JSONDecodeError):
            problems.append(f"stdout is not one JSON document: {out[:200]!r} / stderr {err[-300:]!r}")
            doc = None
        if proc.returncode not in (0, 2, 3):
            problems.append(f"exit {proc.returncode}: {err[-300:]!r}")
        if seconds > MAX_SECONDS:
            problems.append(f"took {seconds:.1f} s")
        if peak > MAX_MB:
            problems.append(f"peak memory {peak:.0f} MB")
        if doc is not None and proc.returncode == 2 and result.reason and result.reason not in REASONS:
            problems.append(f"undocumented reason {result.reason}")
        if doc is not None and proc.returncode == 2 and _registry_digest(copy) != before:
            problems.append("registry changed by a refusal")
        if b"Traceback" in err:
            problems.append("traceback on stderr")
        result.problem = "; ".join(problems)
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


#: The children run without the automatic backups: the first open of each day copies the registry into
#: `<name>-backups/` (and, through SQLite, may fold its write-ahead log into the file), which is not what
#: "the registry unchanged by a refusal" is about.
CHILD_ENV = {**os.environ, "VILLAGEPOST_AUTO_BACKUP": "0"}


def _registry_digest(db: Path) -> str:
    """SHA-256 of the registry's content: the file and its write-ahead log, not its backups folder."""
    digest = hashlib.sha256(db.read_bytes())
    wal = db.with_name(db.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        digest.update(wal.read_bytes())
    return digest.hexdigest()


def _peak_mb(proc: subprocess.Popen[bytes]) -> float:
    """Peak RSS of a finished child, from the rusage the kernel kept for it (Linux: KiB)."""
    return getattr(proc, "_peak_kib", 0) / 1024


class _Popen(subprocess.Popen):  # type: ignore[type-arg]
    """Popen that reaps with wait4 so the child's own peak RSS is known (not the sum of all children)."""

    def _try_wait(self, wait_flags: int) -> tuple[int, int]:
        try:
            pid, status, usage = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return self.pid, 0
        if pid:
            self._peak_kib = usage.ru_maxrss
        return pid, status


subprocess.Popen = _Popen  # type: ignore[misc]


def _registry(python: str) -> Path:
    """An empty registry (schema only): every roster's codes are unknown to it, which is fine here."""
    db = Path(tempfile.mkdtemp(prefix="corpus-db-")) / "registry.sqlite"
    subprocess.run([python, "-m", "villagepost", "--db", str(db), "db", "init"], check=True, capture_output=True)
    return db


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dirs", nargs="+", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", type=Path, help="registry to copy for each file (default: a new empty one)")
    parser.add_argument("--out", type=Path, help="append every outcome as a JSON line here, as it comes")
    parser.add_argument("--rotate", type=int, default=0, help="start at this index of the sorted file list")
    args = parser.parse_args()
    python = sys.executable
    db = args.db or _registry(python)
    files = sorted(p for d in args.dirs for p in (d.rglob("*") if d.is_dir() else [d]) if p.is_file())
    files = files[args.rotate:] + files[:args.rotate]
    started = time.perf_counter()
    lock = threading.Lock()

    def one(path: Path) -> Outcome:
        outcome = _run_one(path, db, python)
        if args.out:
            with lock, args.out.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(asdict(outcome), ensure_ascii=False) + "\n")
        return outcome

    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        outcomes = list(pool.map(one, files))
    wall = time.perf_counter() - started
    bad = [o for o in outcomes if o.problem]
    for o in bad:
        print(f"FAIL {o.file}: {o.problem}")
    exits = Counter(o.exit for o in outcomes)
    reasons = Counter(o.reason or o.status for o in outcomes)
    slowest = max(outcomes, key=lambda o: o.seconds, default=None)
    biggest = max(outcomes, key=lambda o: o.peak_mb, default=None)
    print(f"\n{'files':<28}{len(outcomes):>8}")
    print(f"{'rules broken':<28}{len(bad):>8}")
    for code, n in sorted(exits.items()):
        print(f"{'exit ' + str(code):<28}{n:>8}")
    for reason, n in reasons.most_common():
        print(f"{'  ' + reason:<28}{n:>8}")
    if slowest and biggest:
        print(f"{'slowest (s)':<28}{slowest.seconds:>8.2f}  {Path(slowest.file).name}")
        print(f"{'largest peak (MB)':<28}{biggest.peak_mb:>8.0f}  {Path(biggest.file).name}")
    print(f"{'wall time (s)':<28}{wall:>8.1f}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
