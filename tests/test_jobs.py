"""The job store every adapter keeps, and `process_case`, the one thing they run per file."""

from __future__ import annotations

import json
import multiprocessing
import time
from pathlib import Path

import pytest

from service.jobs import JobStore
from service.pipeline import CheckOptions
from service.process import process_case

FIXED = Path(__file__).resolve().parents[1] / "samples" / "fixed"


def test_same_content_is_one_job(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    job, created = store.add("a" * 64, "案卷一.pdf", "/x/a.pdf")
    again, created_again = store.add("a" * 64, "另一个名字.pdf", "/x/b.pdf")
    assert created and not created_again
    assert again.id == job.id and again.name == "案卷一.pdf"
    assert store.counts() == {"queued": 1, "running": 0, "done": 0, "failed": 0}


def test_a_deleted_job_is_forgotten_and_its_content_can_come_again(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    job, _ = store.add("ab" * 32, "a.pdf", "/in/a.pdf")
    assert store.delete(job.id) and store.get(job.id) is None and store.by_hash("ab" * 32) is None
    assert not store.delete(job.id)  # nothing left to delete
    again, created = store.add("ab" * 32, "a.pdf", "/in/a.pdf")
    assert created and again.id != job.id


def test_claim_finish_and_fail(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    first, _ = store.add("a" * 64, "a.pdf", "a")
    second, _ = store.add("b" * 64, "b.pdf", "b")
    claimed = store.claim_next()
    assert claimed is not None and claimed.id == first.id and claimed.status == "running"
    assert claimed.attempts == 1
    store.progress(first.id, 3, 10)
    assert (store.get(first.id).done, store.get(first.id).total) == (3, 10)
    store.finish(first.id, {"report": "/out/a.report.json"}, {"findings": 2})
    done = store.get(first.id)
    assert done.status == "done" and done.done == 10 and done.outputs["report"].endswith("a.report.json")
    assert done.summary == {"findings": 2}
    assert store.claim(second.id) is not None
    assert store.claim(second.id) is None  # already running: a second worker does not get it
    store.fail(second.id, "b.pdf: not a PDF file", "input")
    failed = store.get(second.id)
    assert failed.status == "failed" and failed.failure == "input" and "not a PDF" in failed.error
    assert store.claim_next() is None


def test_a_failed_job_is_queued_again_only_when_asked(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    job, _ = store.add("a" * 64, "a.pdf", "a")
    store.claim(job.id)
    store.fail(job.id, "boom")
    same, created = store.add("a" * 64, "a.pdf", "a")
    assert not created and same.status == "failed"
    retried, created = store.add("a" * 64, "a.pdf", "a", retry_failed=True)
    assert created and retried.status == "queued" and retried.error is None


def test_jobs_running_at_a_crash_are_queued_again(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    store = JobStore(path)
    job, _ = store.add("a" * 64, "a.pdf", "a")
    store.claim(job.id)
    store.progress(job.id, 5, 20)
    store.close()
    reopened = JobStore(path)  # the next process
    requeued = reopened.requeue_interrupted()
    assert [j.id for j in requeued] == [job.id]
    again = reopened.get(job.id)
    assert again.status == "queued" and again.done == 0 and again.attempts == 1


def _claim_all(path: str, queue) -> None:
    store = JobStore(Path(path))
    got = []
    while (job := store.claim_next()) is not None:
        got.append(job.id)
    queue.put(got)


def test_processes_never_claim_the_same_job(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    store = JobStore(path)
    ids = {store.add(f"{i:064x}", f"{i}.pdf", str(i))[0].id for i in range(60)}
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_claim_all, args=(str(path), queue)) for _ in range(3)]
    for p in procs:
        p.start()
    claimed = [job_id for _ in procs for job_id in queue.get(timeout=60)]
    for p in procs:
        p.join(timeout=60)
    assert sorted(claimed) == sorted(ids)  # each exactly once


def test_process_case_writes_the_outputs(tmp_path: Path) -> None:
    outcome = process_case(FIXED / "demo-503-000.pdf", tmp_path / "out", name="我的案卷.pdf",
                           options=CheckOptions(workers=1))
    assert outcome.ok and outcome.error is None and outcome.report is not None
    assert outcome.report.file == "我的案卷.pdf"
    assert sorted(Path(p).name for p in outcome.outputs.values()) == [
        "我的案卷.annotated.pdf", "我的案卷.report.json", "我的案卷.自查单.docx"]
    written = json.loads((tmp_path / "out" / "我的案卷.report.json").read_text("utf-8"))
    assert written["findings"] and written["file"] == "我的案卷.pdf"


def test_process_case_reports_a_bad_file_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "stored-copy.bin"
    bad.write_bytes(b"GIF89a not a pdf")
    outcome = process_case(bad, tmp_path / "out", name="上传.pdf")
    assert not outcome.ok and outcome.failure == "input"
    assert outcome.error == "上传.pdf: 不是 PDF 文件（not a PDF file）"
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_progress_is_written_at_most_once_per_interval_and_always_at_the_end(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    job, _ = store.add("a" * 64, "a.pdf", "a")
    report = store.progress_reporter(job.id, every=3600)
    report(1, 10)
    report(5, 10)  # within the interval: not written
    assert (store.get(job.id).done, store.get(job.id).total) == (1, 10)
    report(10, 10)  # the last page always is
    assert store.get(job.id).done == 10
    store.close()
    (tmp_path / "jobs.sqlite3").unlink()
    (tmp_path / "jobs.sqlite3").mkdir()  # the database gone from under it: progress only, no failure
    report(10, 10)


def test_first_progress_is_written_on_a_machine_just_booted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # time.monotonic() counts from boot: ten seconds after it, with a one-hour interval, the first
    # report must still be written (a reporter starting from 0.0 would hold it back).
    monkeypatch.setattr(time, "monotonic", lambda: 10.0)
    store = JobStore(tmp_path / "jobs.sqlite3")
    job, _ = store.add("a" * 64, "a.pdf", "a")
    report = store.progress_reporter(job.id, every=3600)
    report(1, 10)
    assert (store.get(job.id).done, store.get(job.id).total) == (1, 10)
    report(2, 10)  # within the interval: not written
    assert store.get(job.id).done == 1
    store.close()
