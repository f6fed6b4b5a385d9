#!/usr/bin/env bash
# Installs the pinned Toxiproxy server (a TCP proxy with an HTTP API that injects latency,
# blackholes and resets; the 3-broker test bed puts it in front of the brokers) into
# .cache/tools/toxiproxy-<version>/ once, and prints the path of its binary. Built from the Go
# module proxy, so Go is the only prerequisite. Idempotent and safe to run concurrently.
set -euo pipefail

# The newest v2 release the Go module proxy serves (go list -m -versions lists only some tags).
version="v2.12.0"

root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$root/.cache/tools/toxiproxy-$version"
bin="$dir/toxiproxy-server"

install() {
  [ -x "$bin" ] && return 0
  command -v go >/dev/null 2>&1 || {
    echo "ensure_toxiproxy: 'go' was not found: install Go 1.23+ (https://go.dev/dl/)" >&2
    exit 1
  }
  echo "ensure_toxiproxy: building github.com/Shopify/toxiproxy/v2 $version into $dir" >&2
  # Built into a side folder and moved last, so an interrupted build is redone, not half-used.
  # `go install` names the binary after its package folder, "server"; the rename says what it is.
  local partial="$dir.partial"
  rm -rf "$partial"
  mkdir -p "$partial"
  # The release builds stamp the version; without it GET /version would answer "git".
  GOBIN="$partial" GOFLAGS=-mod=mod go install \
    -ldflags="-s -w -X github.com/Shopify/toxiproxy/v2.Version=$version" \
    "github.com/Shopify/toxiproxy/v2/cmd/server@$version" >&2
  mv "$partial/server" "$bin"
  rm -rf "$partial"
  "$bin" -version >/dev/null
}

if [ ! -x "$bin" ]; then
  mkdir -p "$dir"
  if command -v flock >/dev/null 2>&1; then
    # Test processes and kafka:up may ask at the same time; one builds, the others wait.
    exec 9>"$dir/.install.lock"
    flock 9
    install
    flock -u 9
  else
    install
  fi
fi
echo "$bin"
