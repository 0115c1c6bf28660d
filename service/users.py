"""The service's people: named accounts with roles, and who is asking.

Accounts live in the service's SQLite file (table `users`) with only the SHA-256 of their token:
`casecheck users add 王芳 --role 自查员` prints the token once. Roles: 自查员 (reviews cases),
法制审核 (reads cases and reviews, changes nothing), 管理员 (everything, deleting cases too).
`CASECHECK_TOKEN` stays the administrator's token.

Who is asking (`authenticate`): the administrator's token, a user's token, or — only when
`CASECHECK_USER_HEADER` names a header and the request comes from one of
`CASECHECK_TRUSTED_PROXIES` — the bureau's identity proxy naming a registered user in that
header. With no token and no account at all the service is open (one person on loopback) and
whoever asks is the administrator.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import logging
import os
import secrets
import sqlite3
import sys
import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from models.errors import CasecheckError, UsageError
from service.jobs import SqliteFile

log = logging.getLogger(__name__)

Role = Literal["自查员", "法制审核", "管理员"]
ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]
REVIEW_ROLES = frozenset({"自查员", "管理员"})  # may change a review
ADMIN_ROLES = frozenset({"管理员"})  # may delete a case
ADMIN_NAME = "管理员"
ROLE_ALIASES = {"reviewer": "自查员", "legal": "法制审核", "admin": "管理员"}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name       TEXT PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('自查员', '法制审核', '管理员')),
    token_hash TEXT NOT NULL UNIQUE,
    created    REAL NOT NULL
);
"""


class User(BaseModel):
    name: str
    role: Role
    created: float | None = None

    @property
    def may_review(self) -> bool:
        return self.role in REVIEW_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES


class UserError(UsageError, ValueError):
    """A user that cannot be added as asked (unknown role, a name taken): exit 2, HTTP 400."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class UserStore(SqliteFile):
    """The users table of the service's SQLite file."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA)

    def add(self, name: str, role: str) -> str:
        """A new account; its token (shown once: only its hash is kept)."""
        name = " ".join(name.split())
        role = ROLE_ALIASES.get(role, role)
        if not name or len(name) > 40:
            raise UserError("a name of 1 to 40 characters is needed")
        if role not in ROLES:
            raise UserError(f"role must be one of {', '.join(ROLES)}")
        token = secrets.token_urlsafe(32)
        try:
            self._connect().execute("INSERT INTO users (name, role, token_hash, created) VALUES (?, ?, ?, ?)",
                                    (name, role, token_hash(token), time.time()))
        except sqlite3.IntegrityError:
            raise UserError(f"{name}: there is already such a user") from None
        return token

    def remove(self, name: str) -> bool:
        return self._connect().execute("DELETE FROM users WHERE name=?", (name,)).rowcount > 0

    def list(self) -> list[User]:
        rows = self._connect().execute("SELECT name, role, created FROM users ORDER BY created").fetchall()
        return [User(**dict(r)) for r in rows]

    def count(self) -> int:
        return int(self._connect().execute("SELECT COUNT(*) FROM users").fetchone()[0])

    def by_token(self, token: str) -> User | None:
        row = self._connect().execute("SELECT name, role, created FROM users WHERE token_hash=?",
                                      (token_hash(token),)).fetchone()
        return User(**dict(row)) if row else None

    def by_name(self, name: str) -> User | None:
        row = self._connect().execute("SELECT name, role, created FROM users WHERE name=?", (name,)).fetchone()
        return User(**dict(row)) if row else None


_stores: dict[Path, UserStore] = {}


def store_for(db: Path) -> UserStore:
    db = Path(db)
    if db not in _stores:
        _stores[db] = UserStore(db)
    return _stores[db]


def _proxy_settings() -> tuple[str | None, frozenset[str]]:
    header = (os.environ.get("CASECHECK_USER_HEADER") or "").strip() or None
    hosts = frozenset(h.strip() for h in (os.environ.get("CASECHECK_TRUSTED_PROXIES") or "").split(",") if h.strip())
    return header, hosts


class AuthError(CasecheckError):
    """No credential fits (401) or the user may not do this (403); `status` says which."""

    exit_code = 2

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def identify(authorization: str, client_host: str | None, headers: dict[str, str], admin_token: str | None,
             db: Path) -> User:
    """Who is asking, from the request's Authorization header (and the proxy's, if trusted).

    Raises AuthError(401) when a credential is needed and none fits."""
    store = store_for(db)
    scheme, _, given = authorization.partition(" ")
    given = given.strip() if scheme.lower() == "bearer" else ""
    if given:
        if admin_token and hmac.compare_digest(given.encode(), admin_token.encode()):
            return User(name=ADMIN_NAME, role="管理员")
        user = store.by_token(given)
        if user is not None:
            return user
        raise AuthError(401, "a valid token is needed: Authorization: Bearer <token>")
    header, trusted = _proxy_settings()
    if header and client_host and client_host in trusted:
        named = headers.get(header.lower(), "").strip()
        if named:
            user = store.by_name(named)
            if user is None:
                raise AuthError(401, f"{named}: no such user of this service (casecheck users add)")
            return user
    if not admin_token and store.count() == 0:
        return User(name=ADMIN_NAME, role="管理员")  # an open service: whoever asks runs it
    raise AuthError(401, "a valid token is needed: Authorization: Bearer <token>")


def authenticate(request, admin_token: str | None, db: Path) -> User:
    """The user of a FastAPI request (kept on request.state.user); HTTP 401 otherwise."""
    from fastapi import HTTPException

    try:
        user = identify(request.headers.get("authorization", ""), request.client.host if request.client else None,
                        {k.lower(): v for k, v in request.headers.items()}, admin_token, db)
    except AuthError as exc:
        raise HTTPException(exc.status, exc.message, headers={"WWW-Authenticate": "Bearer"}) from None
    request.state.user = user
    return user


# -- the command --------------------------------------------------------------------------------
def cmd_users(args: argparse.Namespace) -> int:
    """`casecheck users add NAME --role ROLE | list | remove NAME` on the service's database."""
    from service.web.settings import ServeSettings

    try:
        settings = ServeSettings.from_env(data_dir=args.data, db_path=args.db)
        store = UserStore(settings.db)
    except (ValueError, OSError, sqlite3.Error) as exc:
        print(f"casecheck: {exc}", file=sys.stderr)
        return 2
    if args.action == "list":
        for user in store.list():
            print(f"{user.name}\t{user.role}")
        return 0
    if not args.name:
        print(f"casecheck: users {args.action} needs a NAME", file=sys.stderr)
        return 2
    if args.action == "remove":
        if not store.remove(args.name):
            print(f"casecheck: {args.name}: no such user", file=sys.stderr)
            return 1
        print(f"removed {args.name}")
        return 0
    try:
        token = store.add(args.name, args.role)
    except UserError as exc:
        print(f"casecheck: {exc}", file=sys.stderr)
        return 2
    print(token)
    print(f"{args.name} ({ROLE_ALIASES.get(args.role, args.role)}): keep this token, it is not shown again",
          file=sys.stderr)
    return 0
