#!/usr/bin/env bash
# Installs the pinned moto server (a local AWS emulator that the Secrets Manager tests run
# against) into its own virtualenv under .cache/moto/, once, and prints the path of its
# moto_server. Idempotent and safe to run concurrently; a venv keeps moto's dependencies out of
# the machine's Python and works where that Python refuses `pip install` (PEP 668).
set -euo pipefail

MOTO_VERSION="5.2.5"

root="$(cd "$(dirname "$0")/../.." && pwd)"
home="${MOTO_HOME:-$root/.cache/moto}"
venv="$home/venv-$MOTO_VERSION"
server="$venv/bin/moto_server"
# Written last, so an interrupted install is redone rather than half-used.
done_marker="$venv/.installed"

install() {
  [ -f "$done_marker" ] && return 0
  echo "ensure_moto: installing moto[server]==$MOTO_VERSION into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "moto[server]==$MOTO_VERSION" >&2
  "$server" --help >/dev/null
  touch "$done_marker"
}

if [ ! -f "$done_marker" ]; then
  mkdir -p "$home"
  if command -v flock >/dev/null 2>&1; then
    # Test processes and .ci/run may ask at the same time; one installs, the others wait.
    exec 9>"$home/.install.lock"
    flock 9
    install
    flock -u 9
  else
    install
  fi
fi
echo "$server"
