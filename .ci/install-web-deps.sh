#!/usr/bin/env bash
# System packages the browser tests of the web application use: Debian's Chromium and its WebDriver
# (the tests drive /usr/bin/chromium with Playwright for Python; Playwright's own browser download is never
# used). Idempotent and quiet; without root or apt-get the browser tests skip with a reason.
set -u
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || [ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "web browser tests: missing ${need[*]}; they will skip" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 || echo "could not install ${need[*]}" >&2
exit 0
