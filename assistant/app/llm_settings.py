"""The LLM settings: one source for the web page and the command line.

The settings page saves them in <data_dir>/llm.json (mode 600). A DUIZHAO_LLM_* variable
that is set (any llm_* value the Settings were given) overrides that file field by field;
with neither, drafting stays offline. Only a browser on this machine may save or test them.
The key is never shown or logged, and a saved key goes only to the saved address.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, SecretStr

from assistant.core.settings import Settings

if TYPE_CHECKING:
    from assistant.app.workspace import Workspace

FILE_NAME = "llm.json"
NOT_LOCAL = "只能在运行本程序的电脑上修改或测试大模型设置。"
LOCAL_HOSTS = ("127.0.0.1", "::1", "localhost")


class LLMConfig(BaseModel):
    """The effective LLM settings. `enabled` is the settings page's switch for the web app;
    the command line asks for the model with `draft --llm` instead."""

    enabled: bool = False
    provider: str = "openai"
    base_url: str = ""
    model: str = ""
    api_key: SecretStr = SecretStr("")
    timeout: float = 60.0
    overridden: tuple[str, ...] = ()  # the Settings fields (llm_*) that won over the file

    def endpoint(self) -> dict:
        """What Workspace.use_llm and test_llm take; the key only leaves the SecretStr here."""
        return {"provider": self.provider, "base_url": self.base_url, "model": self.model,
                "api_key": self.api_key.get_secret_value(), "timeout": self.timeout}

    def apply_to(self, settings: Settings) -> Settings:
        """`settings` with this endpoint as its llm_* values (what Drafter.from_settings and
        make_chat_model read)."""
        return settings.model_copy(update={
            "llm_provider": self.provider, "llm_base_url": self.base_url, "llm_model": self.model,
            "llm_api_key": self.api_key, "llm_timeout": self.timeout})


def settings_file(settings: Settings) -> Path:
    return settings.data_dir / FILE_NAME


def read_saved(settings: Settings) -> dict:
    """The file as the settings page saved it; {} when there is none or it cannot be read."""
    try:
        data = json.loads(settings_file(settings).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def from_dict(data: dict) -> LLMConfig:
    """The settings as the page (or the saved file) gives them, loosely typed."""
    def text(key: str) -> str:
        value = data.get(key)
        return value.strip() if isinstance(value, str) else ""

    try:
        timeout = float(data.get("timeout") or 60)
    except (TypeError, ValueError):
        timeout = 60.0
    return LLMConfig(enabled=bool(data.get("enabled")), provider=text("provider") or "openai",
                     base_url=text("base_url"), model=text("model"), api_key=SecretStr(text("api_key")),
                     timeout=timeout)


def effective(settings: Settings) -> LLMConfig:
    """The LLM settings in force: the saved file, overridden field by field by DUIZHAO_LLM_*."""
    config = from_dict(read_saved(settings))
    overrides = settings.llm_overrides()
    update = {field.removeprefix("llm_"): value for field, value in overrides.items()}
    # The saved key goes only to the saved address: an address from the environment gets
    # the key from the environment, or none.
    if "base_url" in update and update["base_url"] != config.base_url and "api_key" not in update:
        update["api_key"] = SecretStr("")
    return config.model_copy(update={**update, "overridden": tuple(overrides)})


def effective_settings(settings: Settings) -> Settings:
    """`settings` with the LLM endpoint in force (the command line, app/service.py)."""
    return effective(settings).apply_to(settings)


def caller_is_local(client) -> bool:
    """True for a caller on this machine. `client`: the caller's address as the web server
    gives it (with .host); None for a direct call (this process, tests)."""
    if client is None:
        return True
    return client.host in LOCAL_HOSTS


class LLMSettings:
    """Saving, testing and applying the LLM settings for the web app."""

    def __init__(self, settings: Settings, workspace: Workspace) -> None:
        self.settings = settings
        self.ws = workspace

    def current(self) -> LLMConfig:
        return effective(self.settings)

    def apply(self) -> LLMConfig:
        """At start: draft with the model when the settings page switched it on."""
        config = self.current()
        if config.enabled:
            self.ws.use_llm(config.endpoint())
        return config

    def save(self, enabled, provider, url, model, key, timeout, *, local: bool) -> str:
        """Save the page's values and switch drafting. An empty key keeps the saved one for
        the address it was saved with; a new address drops it, so a key never goes to an
        address it was not entered for."""
        if not local:
            return NOT_LOCAL
        data = {"enabled": bool(enabled), "provider": provider, "base_url": (url or "").strip(),
                "model": (model or "").strip(), "timeout": float(timeout or 60)}
        saved = read_saved(self.settings)
        # The file's own key, never one from the environment: that one stays off the disk.
        kept = saved.get("api_key") or "" if saved.get("base_url") == data["base_url"] else ""
        dropped = bool(saved.get("api_key")) and not kept and not (key and key.strip())
        data["api_key"] = key.strip() if key and key.strip() else kept
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        path = settings_file(self.settings)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # never readable by others
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(data, ensure_ascii=False))
        os.chmod(path, 0o600)  # a file saved before keeps its old mode otherwise
        config = self.current()
        self.ws.use_llm(config.endpoint() if config.enabled else None)
        state = "已启用大模型模式" if config.enabled and config.base_url else "使用离线模式（默认）"
        status = f"已保存。{state}。密钥{'已保存（不显示）' if data['api_key'] else '未设置'}。"
        if dropped:
            status += "服务地址已更改，原来的密钥只用于原地址，已清除；新地址需要密钥时请重新填写。"
        if config.overridden:
            names = "、".join(f"DUIZHAO_{f.upper()}" for f in config.overridden)
            status += f"环境变量 {names} 已设置，优先于此处的设置。"
        return status

    def test(self, provider, url, model, key, timeout, *, local: bool) -> str:
        """One short call with the values typed in; the answer never holds the key."""
        if not local:
            return NOT_LOCAL
        saved = self.current()
        url = (url or "").strip()
        # The saved key goes only to the saved endpoint, never to a URL typed in to test.
        saved_key = saved.api_key.get_secret_value() if url and url == saved.base_url else ""
        data = {"provider": provider, "base_url": url, "model": (model or "").strip(),
                "api_key": (key or "").strip() or saved_key, "timeout": float(timeout or 20)}
        return self.ws.test_llm(data)
