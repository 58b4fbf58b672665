"""Saved drafts: every request, draft and edit written to disk as it happens.

One JSON file per draft under <data_dir>/drafts/<owner>/, where the owner is a random id
the browser keeps; another browser (another user) has another owner and sees nothing of
this one's. Writes go to a temporary file that is then renamed over the old one, so a
crash mid-save leaves the previous version intact, never half a file.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import threading
import time
import uuid
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.app.history import Version
from assistant.core.types import Draft, Request

_SAFE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# The format of a saved draft. A file of an older format is migrated when read (MIGRATIONS);
# one of a newer format, or damaged, is listed as unreadable and kept as it is.
SCHEMA_VERSION = 2


class ChatTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: str  # user | assistant
    content: str


class RepeatView(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str
    new: str
    old: str
    cosine: float
    overlap: float


class DraftRecord(BaseModel):
    """What the user is working on: the request, the generated draft (with its sources),
    and the current text of every section, edits included. The texts are the document."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = SCHEMA_VERSION
    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:16])
    owner: str
    created: float = Field(default_factory=time.time)
    updated: float = Field(default_factory=time.time)
    request: Request = Field(default_factory=Request)
    draft: Draft | None = None
    texts: dict[str, str] = Field(default_factory=dict, description="section key -> current text")
    chat: list[ChatTurn] = Field(default_factory=list)
    last_year: str = Field("", description="last year's material, as uploaded text")
    last_year_name: str = ""
    last_year_role: str = ""
    last_year_year: int | None = None
    last_year_notes: list[str] = Field(default_factory=list, description="what to check in it (an OCR'd scan)")
    repeats: list[RepeatView] = Field(default_factory=list, description="near-copies of last year")
    versions: list[Version] = Field(default_factory=list, description="every change of the texts (history.py)")
    head: int | None = Field(None, description="the version the texts are at")
    redo: list[int] = Field(default_factory=list, description="versions undone, newest last")
    exported: int | None = Field(None, description="the version last exported (for 导入修改稿)")
    pending_delete: str = Field("", description="a 删掉… shown to the user, waiting for 确认删除")

    @property
    def label(self) -> str:
        r = self.request
        when = time.strftime("%m-%d %H:%M", time.localtime(self.updated))
        what = f"{r.year or ''}{'年度' if r.year else ''}{r.meeting} {r.role.value}"
        return f"{when} · {what} · {r.unit or '未填单位'}"


def _v1_to_v2(raw: dict) -> dict:
    """Format 1 (before versions): the text as it was becomes version 0."""
    texts = raw.get("texts") or {}
    if texts:
        raw["versions"] = [{"n": 0, "time": raw.get("updated", time.time()), "what": "升级前的内容",
                            "summary": "", "texts": texts, "parent": None, "group": ""}]
        raw["head"] = 0
    return raw


MIGRATIONS = {1: _v1_to_v2}


def read_record(data: str) -> DraftRecord:
    """A saved draft of this or an older format; ValueError (in Chinese) when it cannot be read."""
    try:
        raw = json.loads(data)
    except json.JSONDecodeError as e:
        raise ValueError(f"文件已损坏，不是完整的 JSON（第 {e.lineno} 行）") from e
    if not isinstance(raw, dict):
        raise ValueError("文件内容不是一份草稿")
    version = raw.get("schema_version", 1)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise ValueError(f"这份草稿由更新版本的对照保存（格式 {version}），请升级对照后再打开")
    while version < SCHEMA_VERSION:
        raw = MIGRATIONS[version](raw)
        version += 1
        raw["schema_version"] = version
    try:
        return DraftRecord.model_validate(raw)
    except ValidationError as e:
        err = e.errors()[0]
        raise ValueError(f"草稿中有无法读取的内容：{'.'.join(map(str, err['loc']))}（{err['msg']}）") from e


class Unreadable(BaseModel):
    """A saved draft that could not be read: listed with its reason, its file left as it is."""

    file: str
    reason: str


def new_owner() -> str:
    return secrets.token_urlsafe(18).replace("-", "_")


class DraftStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._locks: dict[str, threading.RLock] = {}
        self._guard = threading.Lock()

    def lock(self, draft_id: str) -> threading.RLock:
        with self._guard:
            return self._locks.setdefault(draft_id, threading.RLock())

    def update(self, owner: str, draft_id: str, change) -> DraftRecord | None:
        """Load the newest saved version, apply `change` to it, save: an edit never writes
        back a stale copy over what another event saved meanwhile."""
        with self.lock(draft_id):
            record = self.load(owner, draft_id)
            if record is None:
                return None
            if change(record) is False:
                return record
            return self.save(record)

    def _dir(self, owner: str) -> Path:
        if not _SAFE.match(owner):
            raise ValueError("invalid owner id")
        return self.root / owner

    def save(self, record: DraftRecord) -> DraftRecord:
        with self.lock(record.id):
            return self._save(record)

    def _save(self, record: DraftRecord) -> DraftRecord:
        record.updated = time.time()
        folder = self._dir(record.owner)
        folder.mkdir(parents=True, exist_ok=True)
        data = record.model_dump_json(indent=1)
        # Not *.json: a crash between write and rename must not leave a second "draft".
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".saving-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, folder / f"{record.id}.json")
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return record

    def load(self, owner: str, draft_id: str) -> DraftRecord | None:
        if not _SAFE.match(draft_id):
            return None
        path = self._dir(owner) / f"{draft_id}.json"
        try:
            record = read_record(path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return record if record.owner == owner else None

    def list(self, owner: str) -> list[DraftRecord]:
        return self.scan(owner)[0]

    def scan(self, owner: str) -> tuple[list[DraftRecord], list[Unreadable]]:
        """The owner's drafts, newest first, and the files that could not be read (kept on
        disk as they are, with the reason, so the user can see them and nothing is hidden)."""
        folder = self._dir(owner)
        out, bad = [], []
        for path in folder.glob("*.json") if folder.exists() else []:
            if path.name.startswith("."):
                continue  # a temporary file of an interrupted save (older versions)
            try:
                out.append(read_record(path.read_text("utf-8")))
            except (OSError, UnicodeDecodeError) as e:
                bad.append(Unreadable(file=str(path), reason=f"无法读取文件（{type(e).__name__}）"))
            except ValueError as e:
                bad.append(Unreadable(file=str(path), reason=str(e)))
        return sorted(out, key=lambda r: r.updated, reverse=True), sorted(bad, key=lambda u: u.file)

    def owners(self) -> list[str]:
        """Every owner with saved drafts (the command line reads them all on this machine)."""
        if not self.root.exists():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and _SAFE.match(p.name))

    def find(self, draft_id: str) -> DraftRecord | None:
        for owner in self.owners():
            record = self.load(owner, draft_id)
            if record is not None:
                return record
        return None

    def latest(self, owner: str) -> DraftRecord | None:
        records = self.list(owner)
        return records[0] if records else None


def browser_secret(data_dir: Path) -> str:
    """The key the browser's stored owner id is encrypted with. Kept on disk so a server
    restart can still read what browsers stored before it."""
    path = data_dir / "browser_secret"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(24)
    # Created owner-only: written first and chmod-ed after, it would be readable in between.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secret)
    return secret
