"""Start-up of the page, without a browser: what the app's import of Gradio does to the
installed packages (the page's timing itself lives in bench/)."""

from __future__ import annotations

import subprocess
import sys

from support import ROOT

# In a fresh interpreter: every file opened while the UI package imports Gradio.
PROBE = """
import json, sys
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" and isinstance(args[0], str) else None)
import assistant.app.ui
import gradio
print(json.dumps({"opened": opened, "button_click": callable(getattr(gradio.Button, "click", None))}))
"""


def test_importing_the_ui_does_not_rewrite_gradios_type_stubs():
    import json

    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    stubs = [p for p in seen["opened"] if "gradio" in p and p.endswith(".pyi")]
    assert not stubs, stubs[:5]  # Gradio's own stub writer re-reads these at every import
    assert seen["button_click"]  # the components keep their events
