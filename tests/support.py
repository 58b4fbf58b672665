"""What several test files share: the repository's paths, a free local port, the six 方面,
the product's server started as a subprocess, and a stub LLM endpoint on the real wire."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
# The phrase bank's and the prototypes' vectors, kept between test runs like `make run`
# keeps them in data/cache: the first run embeds them, later ones read them.
VECTORS = ROOT / ".cache" / "vectors"

# The six 方面 of the 2023 主题教育 meetings (and of the seed materials that follow them).
SIX = ["理论学习", "政治素质", "能力本领", "担当作为", "工作作风", "廉洁自律"]


# An audit hook (written as a sitecustomize.py onto a subprocess's PYTHONPATH) that logs to
# $DUIZHAO_NETLOG every name look-up and every connect/sendto to an address outside the
# loopback, in any Python process of the run.
NET_HOOK = r'''
import os, sys

_LOG = os.environ.get("DUIZHAO_NETLOG")
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "", None}


def _local(host):
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host in _LOCAL_NAMES:
        return True
    host = str(host).split("%")[0]
    return host.startswith("127.") or host in ("::1", "0.0.0.0", "::")


def _record(event, what):
    with open(_LOG, "a", encoding="utf-8") as f:
        f.write(f"{os.getpid()} {' '.join(sys.argv)[:120]} | {event} {what!r}\n")


def _hook(event, args):
    try:
        if event in ("socket.connect", "socket.sendto"):
            sock, address = args[0], args[1]
            if getattr(sock, "family", None) in (2, 10) and isinstance(address, tuple) and not _local(address[0]):
                _record(event, address)
        elif event == "socket.getaddrinfo":
            if not _local(args[0]):
                _record(event, args[0])
        elif event in ("socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr"):
            if not _local(args[0]):
                _record(event, args[0])
    except Exception:
        pass


if _LOG:
    sys.addaudithook(_hook)
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def squash(s: str) -> str:
    """The text without its white space: what parsing and exporting must keep whole."""
    return re.sub(r"\s", "", s)


# ------------------------------------------------------------ the product as a subprocess

def child_env(data_dir: Path, model_path: str, **extra: str) -> dict[str, str]:
    """The environment of a subprocess of the product on the test model, its kept vectors and data_dir."""
    return dict(os.environ, DUIZHAO_DATA_DIR=str(data_dir), DUIZHAO_EMBEDDING_MODEL=model_path,
                DUIZHAO_CACHE_DIR=str(VECTORS), PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1", **extra)


def _tail(log: Path, n: int = 4000) -> str:
    try:
        return log.read_text("utf-8", "replace")[-n:]
    except OSError as e:
        return f"(no log: {e})"


def start_server(cmd: list[str], url: str, log: Path, *, env: dict[str, str] | None = None,
                 cwd: Path | None = ROOT, timeout: float = 400) -> subprocess.Popen:
    """Start `cmd` with its output appended to `log` and wait until `url` answers 200. If it
    exits first or never answers within `timeout` seconds, it is stopped and a RuntimeError
    gives the end of its log."""
    with open(log, "a") as out:  # the child keeps its own handle
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.time() + timeout
    while proc.poll() is None and time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return proc
        except OSError:
            pass
        time.sleep(0.5)
    why = f"exited with {proc.returncode}" if proc.poll() is not None else f"did not answer {url} in {timeout:.0f} s"
    stop_server(proc)
    raise RuntimeError(f"{' '.join(map(str, cmd))} {why}; the end of {log}:\n{_tail(log)}")


def start_app(port: int, env: dict[str, str], *, log: Path | None = None, timeout: float = 400) -> subprocess.Popen:
    """`python app.py` on 127.0.0.1:port with the repository's corpus, as `make run` starts it,
    in `env` (child_env(...), or the caller's own). Its output goes to `log`, by default
    app-PORT.log beside the data folder."""
    log = log or Path(env["DUIZHAO_DATA_DIR"]).parent / f"app-{port}.log"
    env = dict(env, DUIZHAO_PORT=str(port), DUIZHAO_CORPUS_DIR=str(CORPUS))
    return start_server([sys.executable, "app.py"], f"http://127.0.0.1:{port}/", log, env=env, timeout=timeout)


def stop_server(proc: subprocess.Popen, timeout: float = 30) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# ------------------------------------------------------------ a stub LLM endpoint on the real wire

SSE_DONE = b"data: [DONE]\n\n"


def sse_chunk(content: str | None, finish: str | None = None, model: str = "stub") -> bytes:
    """One event of an OpenAI chat-completions stream: a piece of the answer, or its end."""
    delta = {"content": content} if content is not None else {}
    chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": model,
             "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode()


def _pieces(text: str, size: int | None) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)] if size else [text]


@dataclass
class Reply:
    """What the stub answers: the body in parts, each written and flushed as it comes. On an
    HTTP/1.1 server the parts go out chunked (or, `whole`, at once with a Content-Length); on
    an HTTP/1.0 server the body ends when the connection closes."""

    parts: list[bytes]
    content_type: str = "text/event-stream"
    whole: bool = False
    delay: float = 0.0  # seconds before answering: a slow model
    pause: float = 0.0  # seconds after each part
    drop: bool = False  # cut the connection after the parts, mid-answer


def openai_stream(text: str, *, model: str = "stub", piece: int | None = None, **kw) -> Reply:
    """A streamed chat completion saying `text` (in pieces of `piece` characters), its end and [DONE]."""
    parts = [sse_chunk(p, model=model) for p in _pieces(text, piece)]
    return Reply([*parts, sse_chunk(None, "stop", model), SSE_DONE], **kw)


def openai_json(text: str, *, model: str = "stub", **kw) -> Reply:
    """A chat completion saying `text`, not streamed."""
    body = {"id": "c1", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}]}
    return Reply([json.dumps(body).encode()], "application/json", **kw)


def ollama_stream(text: str, *, model: str, piece: int | None = None, **kw) -> Reply:
    """Ollama's /api/chat stream: a JSON line per piece of `text`, then the line that ends it."""
    def line(content: str, **more) -> bytes:
        return (json.dumps({"model": model, "created_at": "2026-01-01T00:00:00Z",
                            "message": {"role": "assistant", "content": content}, **more},
                           ensure_ascii=False) + "\n").encode()

    end = line("", done=True, done_reason="stop", total_duration=1, load_duration=1, prompt_eval_count=1,
               prompt_eval_duration=1, eval_count=1, eval_duration=1)
    return Reply([*(line(p, done=False) for p in _pieces(text, piece)), end], "application/x-ndjson", **kw)


def task_of(request: dict) -> str:
    """The last message of a chat request: the task we sent."""
    return request["body"]["messages"][-1]["content"]


class StubLLM:
    """A chat endpoint on 127.0.0.1: real HTTP, real JSON/SSE bodies. Each POST is recorded in
    `requests` ({"path", "auth", "body", "raw"}) and answered with `reply(request)`, which a
    test may replace while it runs."""

    def __init__(self, reply: Callable[[dict], Reply], protocol: str = "HTTP/1.1"):
        self.reply = reply
        self.requests: list[dict] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = protocol

            def log_message(self, *a):
                pass

            def do_POST(self):
                try:
                    stub._answer(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a time-out): nothing to answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"

    def _answer(self, h: BaseHTTPRequestHandler) -> None:
        body = json.loads(h.rfile.read(int(h.headers["Content-Length"])))
        request = {"path": h.path, "auth": h.headers.get("Authorization"), "body": body,
                   "raw": json.dumps(body, ensure_ascii=False)}
        self.requests.append(request)
        reply = self.reply(request)
        time.sleep(reply.delay)
        chunked = h.protocol_version >= "HTTP/1.1" and not reply.whole
        h.send_response(200)
        h.send_header("Content-Type", reply.content_type)
        if reply.whole:
            h.send_header("Content-Length", str(sum(map(len, reply.parts))))
        elif chunked:
            h.send_header("Transfer-Encoding", "chunked")  # as vLLM, Ollama and nginx stream
        h.end_headers()
        for part in ([b"".join(reply.parts)] if reply.whole else reply.parts):
            h.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n" if chunked else part)
            h.wfile.flush()
            time.sleep(reply.pause)
        if reply.drop:
            try:
                h.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            h.close_connection = True
        elif chunked:
            h.wfile.write(b"0\r\n\r\n")


@contextmanager
def llm_stub(reply: Callable[[dict], Reply], protocol: str = "HTTP/1.1") -> Iterator[StubLLM]:
    """A StubLLM serving while the block runs: `with llm_stub(reply) as stub: ... stub.url ...`."""
    stub = StubLLM(reply, protocol)
    threading.Thread(target=stub.server.serve_forever, daemon=True).start()
    try:
        yield stub
    finally:
        stub.server.shutdown()
        stub.server.server_close()
