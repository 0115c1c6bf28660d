"""Installation: the lock, the set-up script's package lists, and the offline bundle.

The bundle test builds a bundle for this machine's platform and Python (`scripts/bundle.sh
--native`; the network and uv are needed to build it), then installs it into a fresh venv with no
index and every proxy pointed at a closed port, and checks a born-digital sample with the
installed `casecheck`. It downloads and installs a few hundred MB: marked slow. Set
CASECHECK_BUNDLE=DIR to test a bundle built beforehand instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
SETUP = ROOT / "scripts" / "setup.sh"
BUNDLE = ROOT / "scripts" / "bundle.sh"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock_pins() -> dict[str, list[str]]:
    """name -> the lock's lines for it (one per Python range)."""
    pins: dict[str, list[str]] = {}
    for line in LOCK.read_text("utf-8").splitlines():
        if m := re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==", line):
            pins.setdefault(_normal(m.group(1)), []).append(line)
    return pins


def test_lock_pins_every_dependency_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    pins = _lock_pins()
    for requirement in project["dependencies"]:
        name = _normal(re.match(r"[A-Za-z0-9._-]+", requirement).group(0))
        assert name in pins, f"{name} is not in requirements.lock (scripts/bundle.sh --lock)"
    text = LOCK.read_text("utf-8")
    # Every pin exact and hash-checked: pip --require-hashes refuses anything else.
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 1)[1] if text.startswith("#") else text)
    for entry in filter(str.strip, entries):
        if entry.lstrip().startswith("#"):
            continue
        assert "==" in entry and "--hash=sha256:" in entry, entry[:80]
    # Both the oldest Python allowed and the one the tests run on are covered.
    assert any("< '3.11'" in line for line in pins["numpy"]) and any("'3.11'" in line for line in pins["numpy"])


def test_lock_pins_what_the_tests_run_with() -> None:
    """On Python 3.11+ the lock's versions are this environment's (bundle.sh --lock prefers them)."""
    from importlib.metadata import PackageNotFoundError, version

    if sys.version_info < (3, 11):
        pytest.skip("the lock prefers the 3.11+ environment's versions; this is an older Python")
    checked = 0
    for name in ("pydantic", "pymupdf", "numpy", "python-docx", "openpyxl", "fastapi", "rapidocr", "onnxruntime"):
        newer = [line for line in _lock_pins()[name] if "< '3.11'" not in line]
        pinned = re.search(r"==([^ ;\\]+)", newer[0]).group(1)
        try:
            assert version(name) == pinned, f"{name}: installed {version(name)}, locked {pinned}"
            checked += 1
        except PackageNotFoundError:
            continue
    assert checked >= 6


def test_setup_knows_apt_and_dnf_and_the_oldest_python() -> None:
    script = SETUP.read_text("utf-8")
    entries = re.findall(r'^\s+"([^"|]+)\|([^"]+)"', script, flags=re.M)
    debian = {deb for deb, _ in entries}
    assert {"tesseract-ocr-chi-sim", "fonts-noto-cjk", "libreoffice-writer-nogui"} <= debian
    assert all(rpm.strip() for _, rpm in entries), "every package has its RPM name"
    assert "tesseract-langpack-chi_sim" in script and "dnf" in script and "yum" in script
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    floor = re.search(r">=\s*3\.(\d+)", project["requires-python"]).group(1)
    assert f"PY_MIN_MINOR={floor}" in script, "setup.sh looks for the Python pyproject.toml allows"
    for path in (SETUP, BUNDLE):
        subprocess.run(["bash", "-n", str(path)], check=True)


def _offline_env(tmp: Path) -> dict[str, str]:
    """No index, no pip.conf, every proxy a closed port: only the bundle's wheels can be used."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV"))}
    closed = "http://127.0.0.1:9"
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1", HTTP_PROXY=closed, HTTPS_PROXY=closed,
               http_proxy=closed, https_proxy=closed, NO_PROXY="", no_proxy="", HOME=str(tmp))
    return env


@pytest.mark.slow
def test_bundle_installs_into_a_fresh_venv_without_network(tmp_path: Path) -> None:
    given = os.environ.get("CASECHECK_BUNDLE")
    if given:
        bundle = Path(given)
    else:
        if not (shutil.which("uv") or (ROOT / ".venv" / "bin" / "uv").exists()):
            pytest.skip("building the bundle needs uv (pip install uv) and the network")
        bundle = tmp_path / "casecheck-bundle"
        subprocess.run([str(BUNDLE), "--native", "-o", str(bundle)], cwd=ROOT, check=True, timeout=1800)
        assert (tmp_path / "casecheck-bundle.tar.gz").stat().st_size > 10_000_000
    wheels = sorted(p.name for p in (bundle / "wheels").glob("*.whl"))
    assert any(name.startswith("casecheck-") for name in wheels)
    assert any(name.lower().startswith("pymupdf-") for name in wheels)

    venv = tmp_path / "venv"
    env = _offline_env(tmp_path)
    env["PYTHON"] = sys.executable
    result = subprocess.run([str(bundle / "install.sh"), str(venv)], env=env, capture_output=True, text=True,
                            timeout=1800)
    assert result.returncode == 0, result.stderr[-2000:]
    assert subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "check"], env=env,
                          capture_output=True, text=True).returncode == 0

    out = tmp_path / "out"
    sample = ROOT / "samples" / "fixed" / "demo-503-000.pdf"
    check = subprocess.run([str(venv / "bin" / "casecheck"), "check", str(sample), "-o", str(out)],
                           env=env, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert check.returncode == 0, check.stderr[-2000:]
    assert {p.name for p in out.iterdir()} >= {"demo-503-000.report.json", "demo-503-000.自查单.docx",
                                              "demo-503-000.annotated.pdf"}


def test_api_docs_assets_ship_with_a_package() -> None:
    """Swagger UI and ReDoc for /docs and /redoc come from fastapi-offline's wheel, not a CDN."""
    from fastapi.testclient import TestClient
    from fastapi_offline import FastAPIOffline

    client = TestClient(FastAPIOffline(title="casecheck"))
    page = client.get("/docs").text
    assert "cdn." not in page and "/static-offline-docs/swagger-ui-bundle.js" in page
    assert client.get("/static-offline-docs/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static-offline-docs/redoc.standalone.js").status_code == 200
    assert "cdn." not in client.get("/redoc").text
