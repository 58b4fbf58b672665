"""Old Word (.doc) and WPS (.wps) files: converted to .docx by LibreOffice headless, then
read like any .docx, Word's automatic numbering included.

Each conversion runs with its own throw-away LibreOffice profile, so two uploads at once (or
a user's own LibreOffice) never wait on one profile's lock, and nothing is left behind.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from assistant.core.errors import InputError
from assistant.ingest.load_docx import _docx_text

LOG = logging.getLogger(__name__)

LEGACY_SUFFIXES = (".doc", ".wps")
# A conversion takes 3-10 s (most of it LibreOffice starting); a file that takes minutes is
# one LibreOffice hangs on.
TIMEOUT_S = 180
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
# What a file named .doc/.wps really is: Word 97-2003 and WPS 文字 are OLE compound files;
# web systems that "export to Word" write RTF or HTML under .doc. LibreOffice reads all of
# these. Anything else it would import as plain text, which is not what the user meant.
_LEGACY_STARTS = (OLE_MAGIC, b"{\\rtf", b"<html", b"<!doctype", b"<?xml", b"mime-version")

_INSTALL_HINT = (
    "读取 .doc/.wps 需要 LibreOffice：请运行 make setup（会自动安装 libreoffice-writer-nogui），"
    "或请管理员执行 apt-get install libreoffice-writer-nogui；也可以用 Word/WPS 另存为 .docx 后再上传"
)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def legacy_word_text(data: bytes, source: str, suffix: str) -> str:
    """The text of a .doc/.wps file (or a .doc saved under another name), via .docx."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head.startswith(_LEGACY_STARTS):
        raise InputError(f"不是有效的 {suffix} 文件（内容不是 Word/WPS 文档），"
                         "请用 Word/WPS 打开后另存为 .docx 再试", source)
    program = soffice()
    if program is None:
        raise InputError(_INSTALL_HINT, source)
    with tempfile.TemporaryDirectory(prefix="duizhao-office-") as tmp:
        work = Path(tmp)
        given = work / f"upload{suffix}"
        given.write_bytes(data)
        out = work / "out"
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless", "--norestore", "--nolockcheck",
            "--convert-to", "docx:MS Word 2007 XML",
            "--outdir", str(out), str(given),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_S, cwd=work)
        except subprocess.TimeoutExpired:
            raise InputError(f"转换超时（超过 {TIMEOUT_S} 秒），文件可能已损坏；"
                             "请用 Word/WPS 另存为 .docx 后再试", source) from None
        converted = out / "upload.docx"
        if done.returncode != 0 or not converted.exists():
            LOG.warning("soffice conversion failed rc=%s", done.returncode)
            raise InputError("无法转换该文件（文件可能已损坏、设置了打开密码，或不是 Word/WPS 文字文档），"
                             "请用 Word/WPS 打开后另存为 .docx 再试", source)
        return _docx_text(converted.read_bytes(), source)
