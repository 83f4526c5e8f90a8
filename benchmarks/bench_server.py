"""The store, the HTTP API and the web pages on this machine, the previous build beside this one (a benchmark,
never a test):

    python -m benchmarks.bench_server                    # this build against `main` (git archive), both measured here
    python -m benchmarks.bench_server --baseline none    # this build only
    python -m benchmarks.bench_server --baseline REV     # against any git revision

Each build runs from its own source tree (PYTHONPATH) in its own processes, on its own SQLite database holding the
same 3,321-commune table; the two servers run side by side and every measurement takes the old one, then the new
one, so that the load of the (shared, 2-core) machine weighs on both alike. Measured:

- importing the 3,321-commune table (dry run + commit in one transaction; issue 15's target < 10 s);
- `GET /api/v1/provinces/{code}/summary` of a 150-commune province, the first request after the server started
  (nothing cached) and warm (median of 5), round trip on loopback (target < 100 ms server time);
- the web province overview (150 communes) and a commune page, first visit and warm (issue 16: < 300 ms); the first
  visits come once the server says it has warmed up (`/healthz` `warm`, a build that warms up in the background);
- how long each server takes to listen, and to warm up, after it is launched;
- stateless `POST /api/v1/score` of the example commune with 1, 10 and 50 concurrent clients, and at a fixed
  100 requests/s for 10 s, latency counted from each request's scheduled time (target: p99 < 25 ms at 100/s);
- the server's memory (RSS): idle, after the scoring load, and after every province's summary (caches full).

The old and new answers are compared as they come (score bytes, summaries): a build that answers differently is
reported, not timed silently.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import resource
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "mat-khau-dai"
YEAR = 2024
COMMUNES = 3321

#: Run inside each build's tree (`python -c`): only store functions both builds have.
IMPORT_SCRIPT = """
import json, sys, time
from pathlib import Path
from chuanxa.store import db, importer, users
url, table = sys.argv[1], Path(sys.argv[2])
engine = db.make_engine(url)
db.upgrade(engine)
with db.transaction(db.sessions(engine)) as session:
    admin = users.add_user(session, "admin", %r, "admin")
start = time.perf_counter()
with db.transaction(db.sessions(engine)) as session:
    admin = session.merge(admin)
    plan = importer.plan_import(session, admin, table, %d, create_units=True)
    planned = time.perf_counter() - start
    importer.commit_import(session, admin, plan)
print(json.dumps({"seconds": time.perf_counter() - start, "plan_seconds": planned, "counts": plan.counts()}))
""" % (PASSWORD, YEAR)


@dataclass
class Build:
    name: str
    root: Path
    url: str = ""
    server: subprocess.Popen[bytes] | None = None
    base: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        return os.environ | {"PYTHONPATH": str(self.root), "CHUANXA_RULESETS": ""}

    def cpu_seconds(self) -> float:
        """CPU time the server process has used (user + system): what a request costs, whatever the machine's load."""
        assert self.server is not None
        fields = Path(f"/proc/{self.server.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mib(self) -> float:
        assert self.server is not None
        for line in Path(f"/proc/{self.server.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


def _tree(revision: str, folder: Path) -> Path:
    """The source tree of a git revision (`git archive`), to run the previous build from."""
    archive = folder / "old.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(archive), revision], check=True)
    target = folder / "old"
    target.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    return target


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _import(build: Build, folder: Path, table: Path) -> None:
    build.url = f"sqlite:///{folder / (build.name + '.db')}"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-c", IMPORT_SCRIPT, build.url, str(table)], cwd=build.root, env=build.env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{build.name}: import failed\n{done.stderr}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    build.figures["import"] = json.loads(done.stdout.strip().splitlines()[-1])
    build.figures["import"]["cpu_seconds"] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime  # the whole process


def _start(build: Build) -> None:
    port = _free_port()
    build.server = subprocess.Popen([sys.executable, "-m", "chuanxa.cli.main", "serve", "--db", build.url, "--port", str(port)], cwd=build.root,
                                    env=build.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    build.base = f"http://127.0.0.1:{port}"
    launched = time.perf_counter()
    for _ in range(600):
        try:
            if httpx.get(build.base + "/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    build.figures["ready_s"] = time.perf_counter() - launched
    while not httpx.get(build.base + "/healthz", timeout=60).json().get("warm", True):  # a build that warms up in the background
        time.sleep(0.1)
    build.figures["warm_s"] = time.perf_counter() - launched
    build.figures["start_cpu_s"] = build.cpu_seconds()
    token = httpx.post(build.base + "/api/v1/auth/token", data={"username": "admin", "password": PASSWORD}, timeout=60).json()["access_token"]
    build.headers = {"Authorization": f"Bearer {token}"}


def _timed_get(build: Build, path: str) -> tuple[float, httpx.Response]:
    start = time.perf_counter()
    answer = httpx.get(build.base + path, headers=build.headers, timeout=120)
    took = time.perf_counter() - start
    if answer.status_code != 200:
        raise SystemExit(f"{build.name}: GET {path} → {answer.status_code}\n{answer.text[:500]}")
    return took * 1000, answer


def _first_and_warm(builds: list[Build], name: str, path: str, compare: bool = True) -> None:
    """The first request to `path` on each server, then the median of 5 more, taking the builds in turn."""
    answers = {}
    for build in builds:
        before = build.cpu_seconds()
        first, answer = _timed_get(build, path)
        build.figures[name] = {"first_ms": first, "first_cpu_ms": (build.cpu_seconds() - before) * 1000}
        answers[build.name] = answer
    runs: dict[str, list[float]] = {b.name: [] for b in builds}
    cpu = {b.name: 0.0 for b in builds}
    for _ in range(5):
        for build in builds:
            before = build.cpu_seconds()
            runs[build.name].append(_timed_get(build, path)[0])
            cpu[build.name] += build.cpu_seconds() - before
    for build in builds:
        build.figures[name]["warm_ms"] = statistics.median(runs[build.name])
        build.figures[name]["cpu_ms"] = cpu[build.name] / 5 * 1000
    if compare and len(answers) == 2:
        old, new = (answers[b.name].json() for b in builds)
        if old != new:
            print(f"!! {name}: the builds answer differently", file=sys.stderr)
            builds[-1].figures[name]["differs"] = True


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _closed_loop(build: Build, document: dict[str, Any], clients: int, per_client: int) -> dict[str, float]:
    """`clients` threads, each sending its next request as soon as the last is answered."""
    times: list[float] = []
    lock = threading.Lock()

    def client() -> None:
        with httpx.Client(base_url=build.base, headers=build.headers, timeout=120) as session:
            for _ in range(per_client):
                start = time.perf_counter()
                answer = session.post("/api/v1/score", json=document)
                took = time.perf_counter() - start
                assert answer.status_code == 200, answer.text[:300]
                with lock:
                    times.append(took)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    cpu = build.cpu_seconds()
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    return {"p50_ms": _percentile(times, 0.5) * 1000, "p99_ms": _percentile(times, 0.99) * 1000, "per_s": len(times) / wall, "n": len(times),
            "cpu_ms": (build.cpu_seconds() - cpu) / len(times) * 1000}


def _fixed_rate(build: Build, document: dict[str, Any], rate: float, seconds: float, workers: int = 16) -> dict[str, float]:
    """Requests scheduled at `rate` per second (open loop); each latency counts from the request's scheduled time,
    so a server (or client) that falls behind shows it (no coordinated omission)."""
    total = int(rate * seconds)
    times: list[float] = []
    lock = threading.Lock()
    counter = iter(range(total))
    began = time.perf_counter() + 0.2

    def worker() -> None:
        with httpx.Client(base_url=build.base, headers=build.headers, timeout=120) as session:
            while True:
                with lock:
                    index = next(counter, None)
                if index is None:
                    return
                due = began + index / rate
                wait = due - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                answer = session.post("/api/v1/score", json=document)
                took = time.perf_counter() - due
                assert answer.status_code == 200, answer.text[:300]
                with lock:
                    times.append(took)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    return {"p50_ms": _percentile(times, 0.5) * 1000, "p99_ms": _percentile(times, 0.99) * 1000, "per_s": len(times) / wall, "n": len(times)}


def _document() -> dict[str, Any]:
    import yaml

    return json.loads(json.dumps(yaml.safe_load((ROOT / "examples" / "xa-thieu-giao.yaml").read_text(encoding="utf-8")), default=str))


def run(baseline: str | None, quick: bool) -> list[Build]:
    from chuanxa.store.sample import sample_table

    with tempfile.TemporaryDirectory(prefix="chuanxa-bench-server-") as name:
        folder = Path(name)
        builds = ([Build("old", _tree(baseline, folder))] if baseline else []) + [Build("new", ROOT)]
        table = sample_table(600 if quick else COMMUNES, folder / "ca-nuoc.csv")
        for build in builds:
            _import(build, folder, table)
        try:
            for build in builds:
                _start(build)
            document = _document()
            scored = {}
            for build in builds:
                answer = httpx.post(build.base + "/api/v1/score", json=document, headers=build.headers, timeout=60)
                scored[build.name] = answer.content
                build.figures["rss_idle"] = build.rss_mib()
            if len(set(scored.values())) != 1:
                print("!! POST /score: the builds answer with different bytes", file=sys.stderr)
            provinces = httpx.get(builds[0].base + "/api/v1/provinces", headers=builds[0].headers, timeout=60).json()
            first, second = provinces[0], provinces[1]
            _first_and_warm(builds, "summary", f"/api/v1/provinces/{first['code']}/summary?year={YEAR}")
            builds[-1].figures["summary_communes"] = first["communes"]
            _first_and_warm(builds, "overview", f"/province?province={second['code']}&year={YEAR}", compare=False)
            code = httpx.get(builds[0].base + f"/api/v1/communes?year={YEAR}&province={second['code']}", headers=builds[0].headers,
                             timeout=60).json()[0]["code"]
            _first_and_warm(builds, "commune_page", f"/communes/{code}?year={YEAR}", compare=False)
            loads = [("1 client", 1, 100 if quick else 300), ("10 clients", 10, 20 if quick else 60), ("50 clients", 50, 4 if quick else 16)]
            for label, clients, per_client in loads:
                for build in builds:
                    build.figures[label] = _closed_loop(build, document, clients, per_client)
            for build in builds:
                build.figures["100/s"] = _fixed_rate(build, document, 100, 3 if quick else 10)
            for build in builds:
                build.figures["rss_after_score"] = build.rss_mib()
            for build in builds:
                start = time.perf_counter()
                for province in provinces:
                    _timed_get(build, f"/api/v1/provinces/{province['code']}/summary?year={YEAR}")
                build.figures["all_summaries_s"] = time.perf_counter() - start
                build.figures["rss_loaded"] = build.rss_mib()
        finally:
            for build in builds:
                if build.server is not None:
                    build.server.terminate()
                    build.server.wait(timeout=60)
    return builds


def report(builds: list[Build]) -> str:
    names = [b.name for b in builds]
    lines = [f"{'measure':<44}" + "".join(f"{n:>26}" for n in names)]

    def row(label: str, cell: Any) -> None:
        lines.append(f"{label:<44}" + "".join(f"{cell(b):>26}" for b in builds))

    imported = builds[-1].figures["import"]["counts"]
    row(f"import {sum(imported.values()):,} communes (dry run)", lambda b: f"{b.figures['import']['seconds']:.1f} s ({b.figures['import']['plan_seconds']:.1f} s)")
    row("  CPU of the importing process (whole run)", lambda b: f"{b.figures['import']['cpu_seconds']:.1f} s")
    row("server start: listening / warmed up", lambda b: f"{b.figures['ready_s']:.1f} / {b.figures['warm_s']:.1f} s")
    row("  server CPU by then", lambda b: f"{b.figures['start_cpu_s']:.1f} s")
    n = builds[-1].figures["summary_communes"]
    row(f"summary of {n} communes: first / warm", lambda b: f"{b.figures['summary']['first_ms']:.0f} / {b.figures['summary']['warm_ms']:.0f} ms")
    row(f"web overview, {n} communes: first / warm", lambda b: f"{b.figures['overview']['first_ms']:.0f} / {b.figures['overview']['warm_ms']:.0f} ms")
    row("web commune page: first / warm", lambda b: f"{b.figures['commune_page']['first_ms']:.0f} / {b.figures['commune_page']['warm_ms']:.0f} ms")
    for key, label in (("summary", "summary"), ("overview", "web overview"), ("commune_page", "commune page")):
        row(f"  server CPU, {label}: first / warm", lambda b, k=key: f"{b.figures[k]['first_cpu_ms']:.0f} / {b.figures[k]['cpu_ms']:.0f} ms")
    for label in ("1 client", "10 clients", "50 clients", "100/s"):
        title = "POST /score at 100 requests/s (open loop)" if label == "100/s" else f"POST /score, {label}"
        row(title + ": p50 / p99", lambda b, k=label: f"{b.figures[k]['p50_ms']:.1f} / {b.figures[k]['p99_ms']:.1f} ms")
        row("  throughput", lambda b, k=label: f"{b.figures[k]['per_s']:.0f}/s ({b.figures[k]['n']})")
        if "cpu_ms" in builds[-1].figures[label]:
            row("  server CPU per request", lambda b, k=label: f"{b.figures[k]['cpu_ms']:.2f} ms")
    row("summaries of every province (caches fill)", lambda b: f"{b.figures['all_summaries_s']:.1f} s")
    row("server RSS: idle / after scoring / loaded", lambda b: f"{b.figures['rss_idle']:.0f} / {b.figures['rss_after_score']:.0f} / {b.figures['rss_loaded']:.0f} MiB")
    if any(b.figures.get(k, {}).get("differs") for b in builds for k in ("summary",)):
        lines.append("!! the builds' summaries differ")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--baseline", default="main", help="git revision of the previous build, or 'none'")
    parser.add_argument("--quick", action="store_true", help="600 communes and short loads (a smoke run)")
    args = parser.parse_args(argv)
    builds = run(None if args.baseline == "none" else args.baseline, args.quick)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores)")
    print(report(builds))


if __name__ == "__main__":
    main()
