"""The HTTP service's settings: command-line options over `CASECHECK_*` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _cores() -> int:
    return os.cpu_count() or 1


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a whole number") from None


@dataclass
class ServeSettings:
    host: str = "127.0.0.1"  # loopback unless told otherwise: case files are personal data
    port: int = 8000
    data_dir: Path = Path("casecheck-data")
    db_path: Path | None = None  # default data_dir / jobs.sqlite3
    # Case files checked at once, each in its own process, and the page-reading processes each
    # of them uses. Reviewers wait for one file: two page readers per file bring a lone 20-page
    # scan's findings in 22 s instead of 35 s on two cores (scripts/bench_serve.py), so the
    # cores go to page readers first, then to more files at once (at most 4: ~1 GiB each).
    workers: int = field(default_factory=lambda: min(4, max(1, _cores() // 2)))
    page_workers: int = field(default_factory=lambda: 2 if _cores() >= 2 else 1)
    max_upload_mb: int = 200
    max_pages: int = 800
    token: str | None = None  # with a token, every /api/ call needs `Authorization: Bearer <token>`
    rules: str | None = None  # a rule pack laid over the national one
    engine: str | None = None
    dpi: int = 150
    time_limit: float | None = None  # seconds per file (None: CASECHECK_TIME_LIMIT, default 1800)
    # Host names the service answers to when it has no token (against DNS rebinding): the bound
    # address and the loopback names, plus CASECHECK_ALLOWED_HOSTS (comma-separated; "*": any).
    allowed_hosts: tuple[str, ...] = ()
    # In-process (threads) instead of worker processes: for tests and debugging only.
    in_process: bool = field(default=False, repr=False)

    @property
    def db(self) -> Path:
        return self.db_path or self.data_dir / "jobs.sqlite3"

    def trusted_hosts(self) -> frozenset[str] | None:
        """The Host names accepted without a token; None when any is (CASECHECK_ALLOWED_HOSTS=*)."""
        names = {h.strip().lower().strip("[]") for h in self.allowed_hosts if h.strip()}
        if "*" in names:
            return None
        names |= {"localhost", "127.0.0.1", "::1"}
        if self.host not in {"0.0.0.0", "::", ""}:
            names.add(self.host.lower().strip("[]"))
        return frozenset(names)

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @classmethod
    def from_env(cls, **overrides: object) -> ServeSettings:
        """Settings from `CASECHECK_*` variables; `overrides` that are not None win."""
        env = os.environ
        default = cls()
        settings = cls(
            host=env.get("CASECHECK_HOST") or default.host,
            port=_env_int("CASECHECK_PORT", default.port),
            data_dir=Path(env.get("CASECHECK_DATA_DIR") or default.data_dir),
            db_path=Path(env["CASECHECK_DB"]) if env.get("CASECHECK_DB") else None,
            workers=_env_int("CASECHECK_WORKERS", default.workers),
            page_workers=_env_int("CASECHECK_PAGE_WORKERS", default.page_workers),
            max_upload_mb=_env_int("CASECHECK_MAX_UPLOAD_MB", default.max_upload_mb),
            max_pages=_env_int("CASECHECK_MAX_PAGES", default.max_pages),
            token=env.get("CASECHECK_TOKEN") or None,
            rules=env.get("CASECHECK_RULES") or None,
            engine=env.get("CASECHECK_OCR_ENGINE") or None,
            allowed_hosts=tuple(h for h in (env.get("CASECHECK_ALLOWED_HOSTS") or "").split(",") if h.strip()),
        )
        for key, value in overrides.items():
            if value is not None:
                setattr(settings, key, Path(value) if key in {"data_dir", "db_path"} else value)
        if settings.workers < 1 or settings.page_workers < 1:
            raise ValueError("workers and page workers must be at least 1")
        if settings.max_upload_mb < 1 or settings.max_pages < 1:
            raise ValueError("upload limits must be positive")
        return settings
