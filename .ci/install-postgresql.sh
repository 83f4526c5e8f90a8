#!/usr/bin/env bash
# The store tests start a real PostgreSQL server themselves (initdb + pg_ctl in a temporary folder); they need
# Debian's postgresql binaries. Idempotent and quiet; without root or apt-get those tests skip with a reason.
set -u
PG_BIN="${CHUANXA_PG_BIN:-/usr/lib/postgresql/15/bin}"
[ -x "$PG_BIN/initdb" ] && exit 0
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "postgresql binaries missing ($PG_BIN); the PostgreSQL store tests will skip" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
# the server binaries only; the tests start their own clusters, so the packaged default cluster is not needed
apt-get install -y -qq --no-install-recommends postgresql >/dev/null 2>&1 || echo "could not install postgresql" >&2
exit 0
