"""Latency of `casecheck serve`: from upload to full findings, one scanned file alone and four at once.

    .venv/bin/python scripts/bench_serve.py [--runs 2] [--workers 2] [--page-workers 1] [--pages 20]

The scanned files are cut from the bundled scan samples/fixed/demo-500-000.pdf (29 pages):
pages 1–20 for the single upload, and four different 20-page windows for the four at once (four
contents, so the service's de-duplication by hash does not answer them from one job). Each run
starts a fresh `casecheck serve` on loopback with an empty data folder and is timed from the
POST to the moment `GET /api/cases/{id}` reports the job done with its findings. Prints each
run and the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pymupdf

ROOT = Path(__file__).resolve().parent.parent
SCAN = ROOT / "samples" / "fixed" / "demo-500-000.pdf"


def cut(source: Path, first: int, count: int, target: Path) -> Path:
    with pymupdf.open(source) as doc:
        doc.select(list(range(first, first + count)))
        doc.save(target, garbage=3)
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path, workers: int, page_workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    casecheck = Path(sys.executable).with_name("casecheck")
    process = subprocess.Popen([str(casecheck), "serve", "--port", str(port), "--data", str(data),
                                "--workers", str(workers), "--page-workers", str(page_workers)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1).read()
            return process, url
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("casecheck serve did not start")


def post(url: str, pdf: Path) -> str:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{pdf.name}\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode() + pdf.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(f"{url}/api/cases", data=body, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.load(answer)["id"]


def until_done(url: str, job_id: str) -> dict:
    while True:
        with urllib.request.urlopen(f"{url}/api/cases/{job_id}", timeout=30) as answer:
            body = json.load(answer)
        if body["status"] == "done" and body["report"] is not None:
            return body
        if body["status"] == "failed":
            raise SystemExit(f"{job_id} failed: {body['error']}")
        time.sleep(0.1)


def upload_and_wait(url: str, pdf: Path, results: list, index: int) -> None:
    started = time.perf_counter()
    body = until_done(url, post(url, pdf))
    results[index] = (time.perf_counter() - started, len(body["report"]["findings"]), body["report"]["pages"])


def run(files: list[Path], workers: int, page_workers: int) -> list[tuple[float, int, int]]:
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as data:
        process, url = start_server(Path(data), workers, page_workers)
        try:
            results: list = [None] * len(files)
            threads = [threading.Thread(target=upload_and_wait, args=(url, pdf, results, i)) for i, pdf in enumerate(files)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return results
        finally:
            process.terminate()
            process.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="the service's --workers")
    parser.add_argument("--page-workers", type=int, default=1, help="the service's --page-workers")
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--only", choices=["single", "four"], default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-serve-files-") as tmp:
        folder = Path(tmp)
        with pymupdf.open(SCAN) as doc:
            spare = doc.page_count - args.pages
        single = [cut(SCAN, 0, args.pages, folder / "scan-20.pdf")]
        starts = [0, spare // 3, 2 * spare // 3, spare]
        four = [cut(SCAN, s, args.pages, folder / f"scan-20-{i}.pdf") for i, s in enumerate(starts)]
        print(f"casecheck serve --workers {args.workers} --page-workers {args.page_workers}, {os.cpu_count()} cores, "
              f"CASECHECK_OCR_THREADS={os.environ.get('CASECHECK_OCR_THREADS', '(cores / workers)')}")
        for label, files in (("single", single), ("four", four)):
            if args.only and args.only != label:
                continue
            lasts = []
            for r in range(args.runs):
                results = run(files, args.workers, args.page_workers)
                seconds = [s for s, _, _ in results]
                lasts.append(max(seconds))
                print(f"  {label} run {r + 1}: " + ", ".join(f"{s:.1f} s ({p} pages, {f} findings)" for s, f, p in results))
            pages = sum(p for _, _, p in results)
            print(f"{label}: median {statistics.median(lasts):.1f} s until the last file's findings "
                  f"({pages} pages, {len(files)} upload(s)); runs: {', '.join(f'{x:.1f}' for x in lasts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
