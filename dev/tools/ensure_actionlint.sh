#!/usr/bin/env bash
# Installs the pinned actionlint (from the Go module proxy) into .cache/tools once, and
# prints its path. Used by the action test and .ci/run.
set -euo pipefail
version="v1.7.7"
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$root/.cache/tools/actionlint-$version"
if [ ! -x "$bin/actionlint" ]; then
  mkdir -p "$bin"
  GOBIN="$bin" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@$version" >&2
fi
echo "$bin/actionlint"
