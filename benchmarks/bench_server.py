"""The store and the HTTP API on this machine (a benchmark, never a test):

    python -m benchmarks.bench_server            # prints the figures copied into benchmarks/RESULTS.md

- stateless `POST /api/v1/score` on a real `chuanxa serve` (uvicorn, one process): p50/p99 latency and throughput
  with 1, 10 and 50 concurrent clients (target of issue 15: p99 < 25 ms at 100 requests/s);
- importing a 3,321-commune table into SQLite (dry run + commit in one transaction; target < 10 s);
- a province summary of 150 communes, server time, cold (results not cached) and warm (target < 100 ms);
- memory (RSS) of the server idle and after the load.
Baseline in the same run: the library's own `chuanxa.score` of the same document, in-process.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "mat-khau-dai"


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _latencies(base: str, headers: dict[str, str], document: dict[str, Any], clients: int, per_client: int) -> tuple[list[float], float]:
    times: list[float] = []
    lock = threading.Lock()

    def client() -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=60) as session:
            for _ in range(per_client):
                start = time.perf_counter()
                answer = session.post("/api/v1/score", json=document)
                took = time.perf_counter() - start
                assert answer.status_code == 200
                with lock:
                    times.append(took)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, time.perf_counter() - began


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def bench_score(folder: Path) -> None:
    import chuanxa
    from chuanxa.store import db, users

    url = f"sqlite:///{folder / 'bench.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    with db.transaction(db.sessions(engine)) as session:
        users.add_user(session, "admin", PASSWORD, "admin")
    engine.dispose()
    document = json.loads(json.dumps(yaml.safe_load((ROOT / "examples" / "xa-thieu-giao.yaml").read_text(encoding="utf-8")), default=str))
    chuanxa.score(document)
    start = time.perf_counter()
    for _ in range(200):
        chuanxa.score(document)
    print(f"baseline: chuanxa.score in-process: {(time.perf_counter() - start) / 200 * 1000:.2f} ms per commune")
    port = 18000 + int(time.time()) % 1000
    server = subprocess.Popen([sys.executable, "-m", "chuanxa.cli.main", "serve", "--db", url, "--port", str(port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        token = httpx.post(base + "/api/v1/auth/token", data={"username": "admin", "password": PASSWORD}, timeout=30).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        httpx.post(base + "/api/v1/score", json=document, headers=headers, timeout=30)
        print(f"server RSS idle (after one request): {_rss_kb(server.pid) / 1024:.0f} MiB")
        for clients, per_client in ((1, 300), (10, 60), (50, 16)):
            times, wall = _latencies(base, headers, document, clients, per_client)
            print(f"POST /api/v1/score, {clients:>2} clients: p50 {_percentile(times, 0.5) * 1000:.1f} ms, p99 {_percentile(times, 0.99) * 1000:.1f} ms, "
                  f"{len(times) / wall:.0f} requests/s ({len(times)} requests)")
        print(f"server RSS after the load: {_rss_kb(server.pid) / 1024:.0f} MiB")
    finally:
        server.terminate()
        server.wait(timeout=30)


def bench_import_and_summary(folder: Path) -> None:
    from fastapi.testclient import TestClient

    from chuanxa.server import create_app
    from chuanxa.store import db, importer, results, users
    from chuanxa.store.sample import sample_table

    table = sample_table(3321, folder / "ca-nuoc.csv")
    url = f"sqlite:///{folder / 'import.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    with db.transaction(db.sessions(engine)) as session:
        admin = users.add_user(session, "admin", PASSWORD, "admin")
    start = time.perf_counter()
    with db.transaction(db.sessions(engine)) as session:
        admin = session.merge(admin)
        plan = importer.plan_import(session, admin, table, 2024, create_units=True)
        planned = time.perf_counter() - start
        importer.commit_import(session, admin, plan)
    took = time.perf_counter() - start
    print(f"import of 3,321 communes (SQLite): {took:.1f} s (dry run {planned:.1f} s, then commit; {plan.counts()})")
    app = create_app(engine=engine, migrate=False, extensions=[])
    with TestClient(app) as client:
        token = client.post("/api/v1/auth/token", data={"username": "admin", "password": PASSWORD}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        province = client.get("/api/v1/provinces", headers=headers).json()[0]
        results.clear_cache()
        runs = []
        for index in range(6):
            start = time.perf_counter()
            answer = client.get(f"/api/v1/provinces/{province['code']}/summary?year=2024", headers=headers)
            runs.append(time.perf_counter() - start)
            assert answer.status_code == 200 and answer.json()["communes"] == province["communes"]
        print(f"province summary of {province['communes']} communes: cold {runs[0] * 1000:.0f} ms, warm median {statistics.median(runs[1:]) * 1000:.0f} ms "
              "(in-process request, server time)")
    engine.dispose()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="chuanxa-bench-") as folder:
        bench_score(Path(folder))
        bench_import_and_summary(Path(folder))


if __name__ == "__main__":
    main()
