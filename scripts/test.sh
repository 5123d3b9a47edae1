#!/usr/bin/env bash
# The whole suite: once on SQLite (browser tests included), once on a throwaway PostgreSQL cluster.
# Writes what was skipped, and why, to .test-report/skipped; prints it at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=portal.settings.test
rm -rf .test-report && mkdir -p .test-report test-artifacts
: >.test-report/skipped
status=0
only=${ONLY:-all}

echo "=== 编译翻译文件（locale/**/*.po → .mo）==="
$PY scripts/compile_messages.py >/dev/null || status=1

echo "=== 分层检查（import-linter，.importlinter）==="
.venv/bin/lint-imports --no-cache || status=1

if [ "$only" != postgres ]; then
  echo "=== 测试套件 1/2：SQLite ==="
  env -u DATABASE_URL $PY -m pytest -q --junitxml=.test-report/sqlite.xml "$@"
  rc=$?; [ $rc -ne 0 ] && status=$rc
fi

if [ "$only" != sqlite ]; then
  echo "=== 测试套件 2/2：PostgreSQL（临时集群）==="
  pgdir=$(mktemp -d /tmp/xiaoqu-pg.XXXXXX)
  trap 'bash scripts/pg_cluster.sh stop "$pgdir"' EXIT
  if url=$(bash scripts/pg_cluster.sh start "$pgdir" 2>.test-report/pg-start.log); then
    DATABASE_URL=$url $PY -m pytest -q -m "not browser" --junitxml=.test-report/postgres.xml "$@"
    rc=$?; [ $rc -ne 0 ] && status=$rc
  else
    echo "postgres: 无法启动临时 PostgreSQL 集群：$(tail -n 3 .test-report/pg-start.log | tr '\n' ' ')" >>.test-report/skipped
  fi
fi

if [ -s .test-report/skipped ]; then
  echo "=== 跳过的部分 ==="
  cat .test-report/skipped
else
  echo "=== 没有跳过任何必需的测试套件 ==="
fi
exit $status
