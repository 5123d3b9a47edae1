"""Production settings: refuse to start without a real secret key, pass `check --deploy` cleanly."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def _manage(*args, env_extra):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings.production", **env_extra})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", env_extra={})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "生产环境" in result.stderr


def test_production_refuses_the_development_default_key():
    result = _manage("check", env_extra={"SECRET_KEY": "dev-insecure-secret-key-change-me"})
    assert result.returncode != 0


def test_production_passes_check_deploy_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING",
                     env_extra={"SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "xiaoqu.example.org"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_seed_demo_is_refused_under_production_settings():
    result = _manage("seed_demo", env_extra={"SECRET_KEY": secrets.token_urlsafe(64)})
    assert result.returncode != 0
    assert "生产环境不能生成演示数据" in result.stderr
