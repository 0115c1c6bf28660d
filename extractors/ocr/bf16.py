"""bf16 by default where this machine has shown that it reads what f32 reads.

On CPUs with AMX or AVX512-BF16, OpenVINO runs the OCR models in bf16 two to three times faster
than in f32 (issue 20's table: detector 165 -> 84 ms, recogniser 257 -> 92 ms, one thread).
Whether bf16 keeps the text read was measured on any CPU by emulating its arithmetic
(`scripts/bf16_emulation.py`, 40 generated scanned pages): character recall 99.77% against f32's
99.78%, 99.94% of f32's characters read alike, orientation 40/40 either way.

But a runtime's bf16 kernels are young code (OpenVINO's INT8 kernels with changing input shapes
crash on AMX CPUs, openvinotoolkit/openvino#37577), and a crash in a page worker would cost a
user's check. So bf16 becomes the default only after this machine has shown it: once per CPU,
OpenVINO version and model files, a process of its own (`python -m extractors.ocr.bf16`) reads
two built-in test pages of different sizes in f32 and in bf16; bf16 is kept when that process
completed, the runtime really computed bf16, and bf16 read at least `MIN_AGREEMENT` of f32's
characters with the same orientation. The verdict is kept on disk beside OpenVINO's model cache,
so later processes only read a file. Asking for a precision (`--precision`, env
CASECHECK_OCR_PRECISION) skips all of this.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from extractors.ocr.base import file_digest
from extractors.ocr.runtime import RuntimeChoice, cache_root, cpu_info

log = logging.getLogger(__name__)

# Share of f32's characters bf16 must also read on the test pages (clean print: anything less is
# a real difference, not the odd flipped character of a noisy scan).
MIN_AGREEMENT = 0.99
CHECK_TIMEOUT_S = 300
# Bump when the test pages or the criteria change: old verdicts are then asked again.
CHECK_VERSION = 1
BF16_FLAGS = ("amx_bf16", "avx512_bf16")

_TEST_LINES = (
    "行政处罚决定书",
    "遂环罚〔2024〕43号",
    "当事人：四川某某化工有限公司",
    "统一社会信用代码：91510900MA62XY1234",
    "经查，你单位于2024年3月12日未按规定运行大气污染防治设施，",
    "违反了《中华人民共和国大气污染防治法》第二十条第二款的规定。",
    "依据《中华人民共和国行政处罚法》第四十五条，你单位有权进行陈述和申辩。",
    "罚款人民币贰拾万元整（¥200,000.00）",
    "二〇二四年七月十五日",
)


class Bf16Verdict(BaseModel):
    """What the check found on this machine (kept as JSON beside the model cache)."""

    ok: bool
    reason: str  # one line, for logs
    agreement: float | None = None  # share of f32's characters bf16 also read
    f32_s: float | None = None  # CPU seconds for the test pages
    bf16_s: float | None = None
    checked_at: str = ""


def cpu_has_bf16() -> bool:
    """The CPU multiplies bf16 in hardware (AMX or AVX512-BF16); elsewhere a bf16 hint runs f32."""
    return bool(set(BF16_FLAGS) & cpu_info()[1])


def _openvino_version() -> str:
    try:
        import openvino

        return str(openvino.__version__)
    except Exception:  # a missing or broken install: the check itself will say so
        return "none"


def verdict_path(cache_dir: Path, models: dict[str, Path]) -> Path:
    """Where the verdict for this CPU, OpenVINO and these model files is kept."""
    name, flags = cpu_info()
    identity = {"cpu": name, "flags": sorted(set(BF16_FLAGS) & flags),
                "openvino": _openvino_version(), "check": CHECK_VERSION,
                "models": {kind: [path.name, file_digest(path)] for kind, path in sorted(models.items())}}
    key = hashlib.blake2b(json.dumps(identity, sort_keys=True).encode(), digest_size=8).hexdigest()
    return cache_dir / f"bf16-verdict-{key}.json"


def _run_check(models: dict[str, Path]) -> Bf16Verdict:
    """Run the check in a process of its own; whatever becomes of it, a verdict."""
    command = [sys.executable, "-m", "extractors.ocr.bf16", "--measure",
               *(f"--{kind}={path}" for kind, path in sorted(models.items()))]
    env = {k: v for k, v in os.environ.items() if k != "CASECHECK_OCR_REPLAY"}
    root = Path(__file__).resolve().parents[2]
    try:
        done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=CHECK_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return Bf16Verdict(ok=False, reason=f"the bf16 check did not finish in {CHECK_TIMEOUT_S} s")
    except OSError as exc:
        return Bf16Verdict(ok=False, reason=f"the bf16 check could not start: {exc}")
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1][:200]
        return Bf16Verdict(ok=False, reason=f"the bf16 check ended with {done.returncode}: {last}")
    try:
        return Bf16Verdict.model_validate_json(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError) as exc:
        return Bf16Verdict(ok=False, reason=f"the bf16 check printed no verdict ({exc})")


# Replaced in tests: the check as a function of the model files.
run_check: Callable[[dict[str, Path]], Bf16Verdict] = _run_check


def bf16_verified(cache_dir: Path | None, models: dict[str, Path]) -> bool:
    """bf16 has been shown on this machine to read what f32 reads (checked once, then remembered).

    Where no verdict can be kept (no cache folder, or one that cannot be written) nothing is
    checked and the answer is no: every process would otherwise pay for the check again."""
    if cache_dir is None:
        return False
    path = verdict_path(cache_dir, models)
    known = _load(path)
    if known is not None:
        return known.ok
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        lock = open(path.with_suffix(".lock"), "a+")  # noqa: SIM115 (held across the check)
    except OSError as exc:
        log.warning("bf16 not tried: its verdict cannot be kept in %s (%s); OCR models run in f32", cache_dir, exc)
        return False
    with lock:
        _lock(lock)  # page workers starting together: one checks, the others read its verdict
        known = _load(path)
        if known is not None:
            return known.ok
        started = time.perf_counter()
        verdict = run_check(models)
        verdict.checked_at = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        try:
            tmp = path.with_suffix(".tmp")
            tmp.write_text(verdict.model_dump_json(indent=1), "utf-8")
            tmp.replace(path)
        except OSError as exc:  # a full disk: this process still knows the answer
            log.warning("bf16 verdict could not be kept in %s (%s)", path, exc)
    took = time.perf_counter() - started
    if verdict.ok:
        log.info("bf16 checked on this CPU in %.0f s: %s; OCR models run in bf16", took, verdict.reason)
    else:
        log.warning("bf16 not used for OCR on this CPU: %s (kept in %s)", verdict.reason, path)
    return verdict.ok


def kept_verdict(cache_dir: Path, models: dict[str, Path]) -> Bf16Verdict | None:
    """The verdict kept for this machine and these models, if the check has run."""
    return _load(verdict_path(cache_dir, models))


def _load(path: Path) -> Bf16Verdict | None:
    try:
        return Bf16Verdict.model_validate_json(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _lock(handle) -> None:  # type: ignore[no-untyped-def]
    try:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
    except (ImportError, OSError):  # no flock here: at worst two processes both check
        pass


# Models run in bf16 once it is shown; the direction classifier stays f32 (a fraction of a
# millisecond per page, and it decides which way up the page is read).
BF16_MODELS: tuple[str, ...] = ("det", "rec")


def bf16_where_shown(choice: RuntimeChoice, models: dict[str, Path]) -> RuntimeChoice:
    """`choice` with det and rec in bf16 when nobody asked for a precision, OpenVINO runs on a CPU
    with bf16 arithmetic, and this machine has shown bf16 to read what f32 reads; else `choice`."""
    if choice.precision_asked or choice.runtime != "openvino" or choice.device != "cpu" or not cpu_has_bf16():
        return choice
    if not bf16_verified(choice.cache_dir, models):
        return choice
    return choice.model_copy(update={"precision": {**choice.precision, **dict.fromkeys(BF16_MODELS, "bf16")}})


# -- the check itself (run in its own process) ---------------------------------------------------------
def check_pages() -> list[np.ndarray]:
    """Two printed pages (A4 at 150 dpi, and a half page), so the kernels meet more than one shape."""
    import pymupdf

    images = []
    for width, height, lines in ((595, 842, _TEST_LINES), (595, 421, _TEST_LINES[2:7])):
        with pymupdf.open() as doc:
            page = doc.new_page(width=width, height=height)
            y = 80.0
            for i, line in enumerate(lines):
                size = 16.0 if i == 0 else 11.0
                page.insert_text((60, y), line, fontname="china-s", fontsize=size)
                y += size * 2.2
            pix = page.get_pixmap(dpi=150, colorspace=pymupdf.csRGB, alpha=False)
            images.append(np.frombuffer(pix.samples, np.uint8).reshape(pix.h, pix.w, 3).copy())
    return images


def measure(models: dict[str, Path], candidate: str = "bf16") -> Bf16Verdict:
    """Read the test pages with OpenVINO in f32 and in `candidate` (bf16; f32 again in tests) and
    compare. This process may crash: run it in one of its own."""
    from extractors.ocr.rapid import RapidOcrEngine

    pages = check_pages()
    files = {f"{kind}_model": path for kind, path in models.items()}
    readings, seconds = {}, {}
    for precision in ("f32", candidate):
        engine = RapidOcrEngine(threads=1, runtime="openvino", device="cpu", precision=precision, **files)
        runs_on = {kind: ident for kind, ident in engine.inference.items() if kind in BF16_MODELS}
        if precision == "bf16" and any(i.precision != "bf16" or i.runtime != "openvino" for i in runs_on.values()):
            return Bf16Verdict(ok=False, reason="the runtime does not compute these models in bf16 here ("
                               + ", ".join(f"{k} {i.label()}" for k, i in runs_on.items()) + ")")
        engine.read(pages[1])  # the first inference builds kernels: not part of the timing
        started = time.process_time()
        readings[precision] = [engine.read(page) for page in pages]
        seconds[precision] = time.process_time() - started
    texts = {p: ["".join("".join(line.text.split()) for line in r.lines) for r in readings[p]] for p in readings}
    log.debug("test pages read in f32: %s", texts["f32"])
    f32_chars = sum(map(len, texts["f32"]))
    if f32_chars < 100:
        return Bf16Verdict(ok=False, reason=f"f32 read only {f32_chars} characters of the test pages")
    common = sum(sum((Counter(a) & Counter(b)).values())
                 for a, b in zip(texts["f32"], texts[candidate], strict=True))
    agreement = common / f32_chars
    turned = [a.rotation for a in readings["f32"]] != [b.rotation for b in readings[candidate]]
    ok = agreement >= MIN_AGREEMENT and not turned
    reason = (f"{candidate} read {agreement:.2%} of f32's {f32_chars} characters"
              + (", pages turned differently" if turned else "")
              + f"; CPU {seconds['f32']:.2f} s f32, {seconds[candidate]:.2f} s {candidate}")
    return Bf16Verdict(ok=ok, reason=reason, agreement=agreement, f32_s=seconds["f32"], bf16_s=seconds[candidate])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check (once) whether bf16 OCR reads what f32 reads here.")
    parser.add_argument("--measure", action="store_true", help="run the check in this process, print the verdict")
    parser.add_argument("--force", action="store_true", help="forget a kept verdict and check again")
    for kind in ("det", "rec", "cls"):
        parser.add_argument(f"--{kind}", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from extractors.ocr.rapid import find_model

    models = {kind: getattr(args, kind) or find_model(kind) for kind in ("det", "rec", "cls")}
    if args.measure:
        print(measure(models).model_dump_json())
        return 0
    cache_dir = cache_root() / "ov"
    if args.force:
        verdict_path(cache_dir, models).unlink(missing_ok=True)
    if not cpu_has_bf16():
        print("this CPU has no bf16 arithmetic (AMX / AVX512-BF16): the OCR models run in f32")
        return 0
    bf16_verified(cache_dir, models)
    verdict = kept_verdict(cache_dir, models)
    print(verdict.model_dump_json(indent=1) if verdict else "no verdict could be kept (see the log)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
