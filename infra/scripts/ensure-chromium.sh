#!/bin/sh
# Makes sure Debian's Chromium is at /usr/bin/chromium for the dashboard's browser test. Idempotent: does nothing
# when it is there; installs it with apt-get when run as root; otherwise says in one line how to get it.
set -eu
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: /usr/bin/chromium is missing and this is not root: run 'sudo apt-get install -y chromium' (the dashboard browser test skips without it)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
echo "ensure-chromium: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
