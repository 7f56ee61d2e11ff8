#!/usr/bin/env bash
# Set up everything monokg needs on a fresh Debian/Ubuntu machine, idempotently:
#   scripts/setup.sh          Java (for HermiT) and the Python environment in .venv
#   scripts/setup.sh --test   also what the tests start for real (triple stores, a browser)
# Nothing is downloaded except from PyPI and Debian's package archive.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

command -v java >/dev/null 2>&1 || apt_install default-jre-headless

if [ "$want_test" = 1 ]; then
  # scripts/test-packages.txt: "<command> <Debian package>" per line, for the real servers and
  # the browser that the tests start on 127.0.0.1.
  missing=()
  while read -r tool package; do
    case "$tool" in ''|'#'*) continue ;; esac
    command -v "$tool" >/dev/null 2>&1 || missing+=("$package")
  done < scripts/test-packages.txt
  [ "${#missing[@]}" = 0 ] || apt_install "${missing[@]}"
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
# Every package at the version in constraints.txt, so the release rebuilds byte for byte.
if [ "$want_test" = 1 ]; then
  .venv/bin/python -m pip install -q -c constraints.txt -e '.[test]'
else
  .venv/bin/python -m pip install -q -c constraints.txt -e .
fi
echo "monokg is set up in .venv ($(.venv/bin/monokg --version))"
