#!/usr/bin/env bash
# System packages the report tests use: Chromium (HTML → PDF) and poppler (PDF → text/PNG). Idempotent and
# quiet; does nothing without root or apt-get (the tests then skip with a reason).
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "report renderers missing (${need[*]}); their tests will skip" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || echo "could not install ${need[*]}" >&2
exit 0
