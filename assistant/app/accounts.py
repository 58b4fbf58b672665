"""Accounts for an office deployment (DUIZHAO_LOGIN=1), and the ids a user's data is kept under.

Users live in <data_dir>/accounts.sqlite, passwords hashed with argon2 (argon2-cffi). An
account's drafts are kept under an owner id derived from its name with the server's secret,
and whatever of a user's goes into the shared Chroma store carries another such id, so neither
the drafts folder nor the store shows who wrote what, and nobody can compute one from a name.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import BaseModel

from assistant.app.store import browser_secret
from assistant.core.errors import InputError
from assistant.core.log import get as get_logger

LOG = get_logger("accounts")
MIN_PASSWORD = 8
MAX_NAME = 64
_HASHER = PasswordHasher()
_SCHEMA = """CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, hash TEXT NOT NULL, admin INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL)"""


class Account(BaseModel):
    name: str
    admin: bool = False
    disabled: bool = False
    created: float = 0.0


@functools.cache
def _dummy() -> str:
    """Verified against when the name is unknown, so a wrong name costs as long as a wrong
    password. Made on first use: an argon2 hash is not work for every import of this module."""
    return _HASHER.hash("not a password of anyone")


def _account(row) -> Account:
    return Account(name=row[0], admin=bool(row[1]), disabled=bool(row[2]), created=row[3])


def _keyed(secret: str, what: str) -> str:
    return hmac.new(secret.encode(), what.encode(), hashlib.sha256).hexdigest()


def account_owner(name: str, secret: str) -> str:
    """The folder an account's drafts are kept in: stable for the name, not derivable without the secret."""
    return "a_" + _keyed(secret, f"account:{name}")[:32]


def store_owner(owner: str, secret: str) -> str:
    """What a user's uploads are tagged with in the (possibly shared) Chroma store."""
    return "u_" + _keyed(secret, f"store:{owner}")[:32]


class Accounts:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "accounts.sqlite"

    def _db(self) -> sqlite3.Connection:
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Created owner-only before SQLite opens it: the hashes are nobody else's business.
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        db = sqlite3.connect(self.path, timeout=10)
        db.execute(_SCHEMA)
        return db

    @staticmethod
    def _check_name(name: str) -> str:
        name = (name or "").strip()
        if not name or len(name) > MAX_NAME or any(c.isspace() or not c.isprintable() for c in name):
            raise InputError(f"用户名不能为空、不能含空格，最多 {MAX_NAME} 个字符")
        return name

    @staticmethod
    def _check_password(password: str) -> None:
        if len(password or "") < MIN_PASSWORD:
            raise InputError(f"密码至少 {MIN_PASSWORD} 位")

    def add(self, name: str, password: str, *, admin: bool = False) -> Account:
        name = self._check_name(name)
        self._check_password(password)
        with closing(self._db()) as db, db:
            if db.execute("SELECT 1 FROM users WHERE name=?", (name,)).fetchone():
                raise InputError(f"用户 {name} 已存在；改密码请用 users reset")
            db.execute("INSERT INTO users(name, hash, admin, disabled, created) VALUES (?,?,?,0,?)",
                       (name, _HASHER.hash(password), int(admin), time.time()))
        LOG.info("account added admin=%s", admin)
        return Account(name=name, admin=admin, created=time.time())

    def _set(self, name: str, column: str, value) -> None:
        with closing(self._db()) as db, db:
            if db.execute(f"UPDATE users SET {column}=? WHERE name=?", (value, name)).rowcount == 0:
                raise InputError(f"没有用户 {name}")

    def reset(self, name: str, password: str) -> None:
        self._check_password(password)
        self._set(name, "hash", _HASHER.hash(password))

    def set_disabled(self, name: str, disabled: bool) -> None:
        self._set(name, "disabled", int(disabled))

    def set_admin(self, name: str, admin: bool) -> None:
        self._set(name, "admin", int(admin))

    def get(self, name: str) -> Account | None:
        if not self.path.exists():
            return None
        with closing(self._db()) as db:
            row = db.execute("SELECT name, admin, disabled, created FROM users WHERE name=?", (name,)).fetchone()
        return _account(row) if row else None

    def all(self) -> list[Account]:
        if not self.path.exists():
            return []
        with closing(self._db()) as db:
            rows = db.execute("SELECT name, admin, disabled, created FROM users ORDER BY name").fetchall()
        return [_account(r) for r in rows]

    def verify(self, name: str, password: str) -> bool:
        """The login page's check: a known, enabled user with the right password."""
        row = None
        if self.path.exists():
            with closing(self._db()) as db:
                row = db.execute("SELECT hash, disabled FROM users WHERE name=?", ((name or "").strip(),)).fetchone()
        try:
            _HASHER.verify(row[0] if row else _dummy(), password or "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        return row is not None and not row[1]


class Identity:
    """Who a request acts for. Without login the browser's own id (the single-user default);
    with login (or a trusted proxy header) the signed-in account, whatever the request body says."""

    def __init__(self, data_dir: Path, *, login: bool, header: str = "") -> None:
        self.accounts = Accounts(data_dir)
        self.secret = browser_secret(data_dir)
        self.login = login or bool(header)
        self.header = header

    def owner(self, browser_owner: str, username: str | None) -> str:
        if not self.login:
            return browser_owner
        if not username:
            raise InputError("请先登录")
        account = self.accounts.get(username)
        # Behind a trusted proxy a user need not have an account here; with passwords they must.
        if (account is None and not self.header) or (account is not None and account.disabled):
            raise InputError("账号不存在或已停用，请联系管理员")
        return account_owner(username, self.secret)

    def header_user(self, request) -> str | None:
        """The user a trusted proxy names in the header, unless that account is disabled here."""
        name = (request.headers.get(self.header) or "").strip()
        account = self.accounts.get(name) if name else None
        return name if name and not (account is not None and account.disabled) else None

    def is_admin(self, username: str | None) -> bool:
        account = self.accounts.get(username) if username else None
        return account is not None and account.admin and not account.disabled
