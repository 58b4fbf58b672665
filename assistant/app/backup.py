"""Backup and restore of what a data dir holds that cannot be made again: drafts, settings,
accounts, the server secret (drafts' owner ids and the store's user ids derive from it), the
user's meeting registry and the local Chroma store. The model folder, the vector cache and the
logs are left out: they are rebuilt or not needed.

A backup is a folder with a manifest of every file and its SHA-256, checked before a restore
writes anything. SQLite files are copied through SQLite's backup API, so a running app's
writes never leave a half-written copy.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from assistant.core.errors import InputError

FORMAT = 1
MANIFEST = "manifest.json"
# What is backed up, relative to the data dir; absent ones are skipped.
KEPT = ("drafts", "chroma", "llm.json", "browser_secret", "accounts.sqlite", "meetings.yaml")


def _files(root: Path, name: str):
    path = root / name
    if path.is_file():
        yield path
    elif path.is_dir():
        yield from sorted(p for p in path.rglob("*") if p.is_file())


def _sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.suffix in (".sqlite", ".sqlite3"):
        with closing(sqlite3.connect(src)) as a, closing(sqlite3.connect(dst)) as b:
            a.backup(b)
        shutil.copymode(src, dst)
    else:
        shutil.copy2(src, dst)


def backup(data_dir: Path, target: Path) -> dict[str, str]:
    """Copies the data dir's kept files into `target` (new or empty). Returns path -> sha256."""
    if target.exists() and any(target.iterdir()):
        raise InputError(f"备份目录 {target} 不是空的，请换一个新目录")
    if not data_dir.exists():
        raise InputError(f"数据目录 {data_dir} 不存在，没有可备份的内容")
    target.mkdir(parents=True, exist_ok=True)
    os.chmod(target, 0o700)  # it holds the secret, the key and the password hashes
    files: dict[str, str] = {}
    for name in KEPT:
        for src in _files(data_dir, name):
            rel = src.relative_to(data_dir).as_posix()
            _copy(src, target / rel)
            files[rel] = _sha(target / rel)
    (target / MANIFEST).write_text(json.dumps({"format": FORMAT, "created": time.time(), "files": files},
                                              ensure_ascii=False, indent=1), encoding="utf-8")
    return files


def _read_manifest(source: Path) -> dict[str, str]:
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(f"{source} 不是对照的备份（缺少或无法读取 {MANIFEST}）") from None
    if manifest.get("format") != FORMAT:
        raise InputError(f"备份格式 {manifest.get('format')} 不是本版本能恢复的格式 {FORMAT}")
    files = manifest.get("files") or {}
    for rel, sha in files.items():
        path = source / rel
        if ".." in Path(rel).parts or not path.is_file() or _sha(path) != sha:
            raise InputError(f"备份中的文件 {rel} 缺失或已损坏，未恢复任何内容")
    return files


def restore(source: Path, data_dir: Path, *, force: bool = False) -> tuple[dict[str, str], Path | None]:
    """Puts a backup into `data_dir`. What is there already is refused unless `force`, and then
    moved aside (never deleted) into a folder whose path is returned."""
    files = _read_manifest(source)
    present = [n for n in KEPT if (data_dir / n).exists()]
    aside = None
    if present and not force:
        raise InputError(f"数据目录 {data_dir} 里已有内容（{'、'.join(present)}）；确认要覆盖请加 --force，原内容会先移到旁边保存")
    if present:
        aside = data_dir / f"before-restore-{time.strftime('%Y%m%d-%H%M%S')}"
        aside.mkdir(parents=True)
        for name in present:
            (data_dir / name).rename(aside / name)
    data_dir.mkdir(parents=True, exist_ok=True)
    for rel in files:
        _copy(source / rel, data_dir / rel)
    for name in ("browser_secret", "llm.json", "accounts.sqlite"):
        if (data_dir / name).exists():
            os.chmod(data_dir / name, 0o600)
    return files, aside
