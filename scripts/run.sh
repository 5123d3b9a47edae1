#!/usr/bin/env bash
# Migrate, load the demo when the database is empty, start the task consumer and serve on 127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-portal.settings.dev}
mkdir -p var
$PY scripts/compile_messages.py >/dev/null
$PY manage.py migrate --noinput
$PY manage.py seed_demo --if-empty
$PY manage.py run_huey --quiet >var/huey.log 2>&1 &
HUEY_PID=$!
trap 'kill $HUEY_PID 2>/dev/null || true' EXIT INT TERM
echo "小区治理已启动：http://127.0.0.1:${PORT:-8000}/   管理后台：http://127.0.0.1:${PORT:-8000}/admin/"
echo "登录和认证验证码打印在下方服务器输出中；后台任务（通知短信、邮件、提醒）的输出在 var/huey.log。"
$PY manage.py runserver "127.0.0.1:${PORT:-8000}"
