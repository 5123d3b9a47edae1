"""Shared by the benchmarks: a real gunicorn on 127.0.0.1 over a given database, and signed-in sessions."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(db_url: str, *, workers: int = 2, threads: int = 4):
    """Serve the project on a free loopback port with the test settings; yields the port."""
    port = free_port()
    config = Path(tempfile.mkdtemp(prefix="gunicorn-bench-")) / "gunicorn_bench.py"
    config.write_text("# the project's gunicorn.conf.py selects production settings; the benchmarks do not\n")
    env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--config", str(config), "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn 没有启动")
        yield port
    finally:
        server.terminate()
        server.wait(10)


def session_for(user) -> str:
    """A signed-in session for `user` (the benchmarks measure pages, not the sign-in)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def database_url(connection) -> str:
    """The URL of the database Django is using now (the scratch one the benchmark created)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
