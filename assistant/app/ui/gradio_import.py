"""Gradio without its stub writer. Every Gradio component class, as it is defined, re-reads and
re-parses its own source file to rewrite the `.pyi` type stubs beside it in site-packages
(`gradio.component_meta.create_or_modify_pyi`, a tool for Gradio's own developers). That is
half of `import gradio`, about 0.9 s of the page's cold start on this machine, and it writes
into the installed package at run time. The app needs no stubs, so the writer is replaced by a
no-op as its module loads. Gradio's components are defined exactly as before; if a future
Gradio drops the function, nothing here changes it.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys

_MODULE = "gradio.component_meta"


def _no_stubs(*_args, **_kwargs) -> None:
    return None


class _WithoutStubWriter(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != _MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        run = spec.loader.exec_module

        def exec_module(module) -> None:
            run(module)
            if hasattr(module, "create_or_modify_pyi"):
                module.create_or_modify_pyi = _no_stubs

        spec.loader.exec_module = exec_module
        return spec


def install() -> None:
    """Before the first `import gradio` of the process; later calls change nothing."""
    if _MODULE in sys.modules or any(isinstance(f, _WithoutStubWriter) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _WithoutStubWriter())
