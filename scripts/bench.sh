#!/usr/bin/env bash
# Run every benchmark in tests/benchmarks/ (each a script that prints its figures and exits
# non-zero when it misses its target). With BENCH_POSTGRES=1 the ones that take a database also
# run on a throwaway PostgreSQL cluster.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
status=0
for bench in tests/benchmarks/bench_*.py; do
  echo "=== $bench (SQLite) ==="
  env -u DATABASE_URL $PY "$bench" || status=1
done
if [ "${BENCH_POSTGRES:-1}" = 1 ]; then
  pgdir=$(mktemp -d /tmp/xiaoqu-bench-pg.XXXXXX)
  trap 'bash scripts/pg_cluster.sh stop "$pgdir"' EXIT
  if url=$(bash scripts/pg_cluster.sh start "$pgdir"); then
    for bench in tests/benchmarks/bench_*.py; do
      echo "=== $bench (PostgreSQL) ==="
      DATABASE_URL=$url $PY "$bench" || status=1
    done
  else
    echo "PostgreSQL 集群无法启动，跳过 PostgreSQL 基准。"; status=1
  fi
fi
exit $status
