"""The office deployment's commands, run on the server by whoever looks after it: `users`
(the accounts when DUIZHAO_LOGIN=1: add, reset a password, disable, enable, make admin, list)
and `backup` / `restore` of the data dir."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.app import backup as backups
from assistant.app.accounts import Accounts
from assistant.app.cli_common import fail, load_settings
from assistant.core.errors import InputError

users = typer.Typer(no_args_is_help=True, help="账号管理（DUIZHAO_LOGIN=1 时使用）：添加、重置密码、停用、列出")
Stdin = Annotated[bool, typer.Option("--password-stdin", help="从标准输入读取密码（脚本用），不再提示")]


def _accounts() -> Accounts:
    return Accounts(load_settings().data_dir)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("密码", hide_input=True, confirmation_prompt="再输入一次")


def _run(step) -> None:
    try:
        step()
    except InputError as e:
        fail(e.user_message)


@users.command()
def add(name: str, admin: Annotated[bool, typer.Option("--admin", help="管理员：可修改大模型设置")] = False,
        password_stdin: Stdin = False):
    """添加账号。"""
    accounts = _accounts()
    _run(lambda: accounts.add(name, _password(password_stdin), admin=admin))
    print(f"已添加{'管理员' if admin else '用户'} {name}")


@users.command()
def reset(name: str, password_stdin: Stdin = False):
    """重置密码。"""
    accounts = _accounts()
    _run(lambda: accounts.reset(name, _password(password_stdin)))
    print(f"已重置 {name} 的密码")


@users.command()
def disable(name: str):
    """停用账号：立即不能再登录或操作；草稿保留。"""
    _run(lambda: _accounts().set_disabled(name, True))
    print(f"已停用 {name}")


@users.command()
def enable(name: str):
    """重新启用账号。"""
    _run(lambda: _accounts().set_disabled(name, False))
    print(f"已启用 {name}")


@users.command()
def admin(name: str, off: Annotated[bool, typer.Option("--off", help="取消管理员")] = False):
    """设为管理员（--off 取消）。"""
    _run(lambda: _accounts().set_admin(name, not off))
    print(f"{name} {'不再是' if off else '已设为'}管理员")


@users.command("list")
def list_():
    """列出账号。"""
    for a in _accounts().all():
        flags = [f for f, on in (("管理员", a.admin), ("已停用", a.disabled)) if on]
        print(f"{a.name}\t{'、'.join(flags) or '用户'}")


def backup(target: Annotated[Path, typer.Argument(help="备份到的目录（新目录或空目录）")]):
    """备份草稿、设置、账号和本地检索库。"""
    settings = load_settings()
    files = {}
    _run(lambda: files.update(backups.backup(settings.data_dir, target)))
    print(f"已备份 {len(files)} 个文件到 {target}")


def restore(source: Annotated[Path, typer.Argument(help="备份目录")],
            force: Annotated[bool, typer.Option("--force", help="数据目录已有内容时也恢复（原内容移到旁边保存）")] = False):
    """从备份恢复到数据目录（DUIZHAO_DATA_DIR）。请先停止对照。"""
    settings = load_settings()
    done: list = []
    _run(lambda: done.extend(backups.restore(source, settings.data_dir, force=force)))
    files, aside = done
    print(f"已恢复 {len(files)} 个文件到 {settings.data_dir}")
    if aside:
        print(f"原有内容已移到 {aside}")


def register(app: typer.Typer) -> None:
    app.add_typer(users, name="users")
    for command in (backup, restore):
        app.command()(command)
