"""The browser UI (Gradio Blocks). It only calls the Workspace; nothing here drafts.

layout.py builds the page and wires its events; handlers.py holds the on_* handlers that call
the service layer; views.py turns a record into what the page shows, and parts.py the boxes
of each 方面, cause and measure.
"""

from assistant.app.ui import gradio_import

gradio_import.install()  # before any module below imports gradio

from assistant.app.ui.layout import UI, launch  # noqa: E402

__all__ = ["UI", "launch"]
