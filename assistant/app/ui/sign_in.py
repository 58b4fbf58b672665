"""Sign-in for the office deployment (DUIZHAO_LOGIN=1): our own login page and session cookie
in front of the Gradio app, which then only sees who is signed in (Gradio's `auth_dependency`).

Why not Gradio's own `auth=`: its login page still embeds the app's API description (every
endpoint and input label) for anyone who opens it, and its sessions live in memory, so every
restart signs the whole office out. Here an anonymous request gets the login page or a 401 and
nothing else, and a session is a cookie signed with the server's secret that outlives restarts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import time

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from assistant.app.accounts import Identity
from assistant.core.log import get as get_logger

LOG = get_logger("sign_in")
COOKIE = "duizhao_session"
# Paths served without a session: the login page itself. Everything else needs one.
OPEN = ("/login", "/login/", "/logout", "/logout/")

PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>登录 · 对照</title>
<style>
body {{font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; background: #f5f5f5;
  display: flex; justify-content: center; padding-top: 12vh; margin: 0}}
form {{background: #fff; padding: 2em 2.5em; border-radius: 8px; box-shadow: 0 1px 4px #0002; width: 20em}}
h1 {{font-size: 1.3em; margin: 0 0 1em}} label {{display: block; margin: .8em 0 .3em}}
input {{width: 100%; box-sizing: border-box; padding: .5em; font-size: 1em}}
button {{margin-top: 1.4em; width: 100%; padding: .6em; font-size: 1em; background: #c00; color: #fff;
  border: 0; border-radius: 4px; cursor: pointer}}
.err {{color: #c00; margin-top: 1em}}
</style></head><body>
<form method="post" action="login">
<h1>对照 · 对照检查材料起草助手</h1>
<label for="u">用户名</label><input id="u" name="username" autocomplete="username" required autofocus>
<label for="p">密码</label><input id="p" name="password" type="password" autocomplete="current-password" required>
<button type="submit">登录</button>{message}
</form></body></html>"""


class Sessions:
    """Signed session cookies: "<name, base64>.<issued>.<hmac>"."""

    def __init__(self, identity: Identity, hours: float) -> None:
        self.identity = identity
        self.max_age = int(hours * 3600)

    def _sign(self, payload: str) -> str:
        return hmac.new(self.identity.secret.encode(), f"session:{payload}".encode(), hashlib.sha256).hexdigest()

    def issue(self, name: str) -> str:
        payload = f"{base64.urlsafe_b64encode(name.encode()).decode()}.{int(time.time())}"
        return f"{payload}.{self._sign(payload)}"

    def user(self, request: Request) -> str | None:
        """The signed-in, still enabled account of this request, or None."""
        token = request.cookies.get(COOKIE, "")
        try:
            name64, issued, mac = token.split(".")
            if not hmac.compare_digest(mac, self._sign(f"{name64}.{issued}")):
                return None
            if time.time() - int(issued) > self.max_age:
                return None
            name = base64.urlsafe_b64decode(name64.encode()).decode()
        except ValueError:
            return None
        account = self.identity.accounts.get(name)
        return name if account is not None and not account.disabled else None


def _wants_page(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def sign_in_app(identity: Identity, hours: float) -> tuple[FastAPI, Sessions]:
    """The app the Gradio Blocks are mounted on: the login and logout routes, and a redirect
    to the login page for a browser that opens the app without a session."""
    sessions = Sessions(identity, hours)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.middleware("http")
    async def to_login(request: Request, call_next):
        path = request.url.path
        if request.method == "GET" and path == "/" and sessions.user(request) is None:
            return RedirectResponse("login", status_code=303)
        return await call_next(request)

    @app.get("/login", response_class=HTMLResponse)
    @app.get("/login/", response_class=HTMLResponse)
    def login_page() -> str:
        return PAGE.format(message="")

    @app.post("/login")
    @app.post("/login/")
    def login(request: Request, username: str = Form(""), password: str = Form("")) -> Response:
        name = username.strip()
        if not identity.accounts.verify(name, password):
            LOG.info("sign-in refused")
            if _wants_page(request):
                return HTMLResponse(PAGE.format(message=f'<p class="err">{html.escape("用户名或密码不对，或账号已停用。")}</p>'),
                                    status_code=401)
            return JSONResponse({"detail": "用户名或密码不对，或账号已停用"}, status_code=401)
        # A browser goes on to the app; a client (gradio_client) gets the cookie and a 200.
        response: Response = (RedirectResponse("./", status_code=303) if _wants_page(request)
                              else JSONResponse({"success": True}))
        response.set_cookie(COOKIE, sessions.issue(name), max_age=sessions.max_age, httponly=True, samesite="lax")
        LOG.info("signed in")
        return response

    @app.get("/logout")
    @app.get("/logout/")
    def logout() -> Response:
        response = RedirectResponse("login", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    return app, sessions
