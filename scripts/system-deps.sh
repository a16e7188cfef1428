#!/usr/bin/env bash
# Makes sure the OS packages archiver needs are present (Debian/Ubuntu).
# Usage: scripts/system-deps.sh [run|test]
#   run:  python3-venv, Pango/HarfBuzz for WeasyPrint, fonts with Polish glyphs
#   test: also 7zip, qpdf and poppler-utils, which the tests use as independent checkers
# As root with apt-get it installs what is missing; otherwise it prints the exact
# apt-get line to run and stops.
set -euo pipefail
mode=${1:-run}
pkgs=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig
      fonts-dejavu-core fonts-dejavu-extra)
if [ "$mode" = test ]; then
  pkgs+=(7zip qpdf poppler-utils)
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-deps: not a Debian system; make sure these (or equivalents) are installed: ${pkgs[*]}" >&2
  exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
  if [ "$p" = python3-venv ]; then
    # A python3 that is not Debian's (pyenv, a backport) brings its own venv.
    python3 -c 'import ensurepip, venv' >/dev/null 2>&1 && continue
  fi
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "system-deps: missing OS packages. Run as root, then repeat:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
