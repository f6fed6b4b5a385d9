#!/usr/bin/env bash
# Installs the pinned Prometheus server and promtool (Debian's `prometheus` package, which ships
# both; the Prometheus test bed backfills a declared workload with promtool and serves it) into
# .cache/tools/prometheus-<version>/ once, and prints the paths of the two binaries, `prometheus`
# then `promtool`, one a line. No root and no system install: `apt-get download` fetches the
# .deb into a scratch folder and `dpkg-deb -x` unpacks it here. Needs a Debian-like machine
# (apt-get, dpkg-deb) whose package lists know this version. Idempotent and safe to run
# concurrently.
set -euo pipefail

# Debian 12 (bookworm)'s package: Prometheus 2.42.0. `apt-cache policy prometheus` shows what
# the machine's lists offer; another version needs its own pin here.
version="2.42.0+ds-5+deb12u1"

root="$(cd "$(dirname "$0")/../.." && pwd)"
home="${KPR_PROMETHEUS_HOME:-$root/.cache/tools}"
dir="$home/prometheus-$version"
prometheus="$dir/usr/bin/prometheus"
promtool="$dir/usr/bin/promtool"
# Written last, so an interrupted install is redone rather than half-used.
done_marker="$dir/.installed"

install() {
  [ -f "$done_marker" ] && return 0
  for tool in apt-get dpkg-deb; do
    command -v "$tool" >/dev/null 2>&1 || {
      echo "ensure_prometheus: '$tool' was not found: this installer needs Debian's apt tools" >&2
      exit 1
    }
  done
  echo "ensure_prometheus: downloading Debian's prometheus=$version into $dir" >&2
  local partial="$dir.partial"
  rm -rf "$partial" "$dir"
  mkdir -p "$partial/deb"
  # apt-get download writes to the current folder and needs no root.
  (cd "$partial/deb" && apt-get download -q "prometheus=$version" >&2) || {
    echo "ensure_prometheus: 'apt-get download prometheus=$version' failed; is it in" \
      "'apt-cache policy prometheus' (apt-get update may help)?" >&2
    exit 1
  }
  local deb
  deb="$(ls "$partial"/deb/prometheus_*.deb)"
  mkdir -p "$partial/root"
  dpkg-deb -x "$deb" "$partial/root"
  "$partial/root/usr/bin/promtool" --version >/dev/null
  "$partial/root/usr/bin/prometheus" --version >/dev/null
  mkdir -p "$(dirname "$dir")"
  mv "$partial/root" "$dir"
  rm -rf "$partial"
  touch "$done_marker"
}

if [ ! -f "$done_marker" ]; then
  mkdir -p "$home"
  if command -v flock >/dev/null 2>&1; then
    # Test processes may ask at the same time; one installs, the others wait.
    exec 9>"$home/.prometheus-$version.lock"
    flock 9
    install
    flock -u 9
  else
    install
  fi
fi
echo "$prometheus"
echo "$promtool"
