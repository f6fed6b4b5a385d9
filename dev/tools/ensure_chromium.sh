#!/usr/bin/env bash
# Installs the pinned Chromium (Debian's `chromium` and `chromium-common` packages) into
# .cache/tools/chromium-<version>/ once, for the browser test of the HTML report, and prints the
# path of a launcher that runs it. No root and no system install: `apt-get download` fetches the
# .debs into a scratch folder and `dpkg-deb -x` unpacks them here. The shared libraries the
# binary needs and the machine lacks (`ldd` says "not found") are fetched the same way from the
# pinned packages below and unpacked beside it; the launcher puts them on LD_LIBRARY_PATH.
# Needs a Debian-like machine (apt-get, dpkg-deb, ldd) whose package lists know these versions.
# Idempotent and safe to run concurrently.
set -euo pipefail

# Debian 12 (bookworm)'s package from bookworm-security: Chromium 156. `apt-cache policy
# chromium` shows what the machine's lists offer; security updates replace it there, so a newer
# version needs its own pin here (chromium and chromium-common always share one version).
version="156.0.8078.114-1~deb12u1"

# The libraries a bookworm machine without a desktop lacks, by soname, with the bookworm package
# (and version) that ships each; a library needed only by another one counts too (libpulse0
# pulls libsndfile1, which pulls the codecs). A missing soname not listed here fails the install
# with its name, so the table is extended rather than guessed at.
declare -A library_packages=(
  [libFLAC.so.12]="libflac12=1.4.2+ds-2"
  [libXNVCtrl.so.0]="libxnvctrl0=525.85.05-3~deb12u1"
  [libdouble-conversion.so.3]="libdouble-conversion3=3.2.1-1"
  [libharfbuzz-subset.so.0]="libharfbuzz-subset0=6.0.0+dfsg-3"
  [libminizip.so.1]="libminizip1=1.1-8+deb12u1"
  [libopenh264.so.7]="libopenh264-7=2.3.1+dfsg-3+deb12u2"
  [libopenjp2.so.7]="libopenjp2-7=2.5.0-2+deb12u3"
  [libopus.so.0]="libopus0=1.3.1-3"
  [libpulse.so.0]="libpulse0=16.1+dfsg1-2+b1"
  [libogg.so.0]="libogg0=1.3.5-3"
  [libsndfile.so.1]="libsndfile1=1.2.0-1+deb12u1"
  [libasyncns.so.0]="libasyncns0=0.8-6+b3"
  [libvorbis.so.0]="libvorbis0a=1.3.7-1"
  [libvorbisenc.so.2]="libvorbisenc2=1.3.7-1"
  [libmpg123.so.0]="libmpg123-0=1.31.2-1+deb12u1"
  [libmp3lame.so.0]="libmp3lame0=3.100-6"
)

root="$(cd "$(dirname "$0")/../.." && pwd)"
home="${KPR_CHROMIUM_HOME:-$root/.cache/tools}"
dir="$home/chromium-$version"
launcher="$dir/chromium"
# Written last, so an interrupted install is redone rather than half-used.
done_marker="$dir/.installed"
multiarch="$(uname -m)-linux-gnu"

fail() {
  echo "ensure_chromium: $*" >&2
  exit 1
}

# Downloads the given name=version packages into $1/deb and unpacks them into $1/root.
fetch() {
  local into="$1"
  shift
  mkdir -p "$into/deb.new" "$into/root"
  # apt-get download writes to the current folder and needs no root.
  (cd "$into/deb.new" && apt-get download -q "$@" >&2) ||
    fail "'apt-get download $*' failed; are these versions in 'apt-cache policy'" \
      "(apt-get update may help)?"
  local deb
  for deb in "$into"/deb.new/*.deb; do
    dpkg-deb -x "$deb" "$into/root"
  done
  mkdir -p "$into/deb"
  mv "$into"/deb.new/*.deb "$into/deb/"
  rmdir "$into/deb.new"
}

# The sonames the binary (or a library it loads) needs and cannot find, one a line.
missing_libraries() {
  local unpacked="$1"
  LD_LIBRARY_PATH="$unpacked/usr/lib/$multiarch:$unpacked/usr/lib/$multiarch/pulseaudio" \
    ldd "$unpacked/usr/lib/chromium/chromium" | awk '/not found/ { print $1 }' | sort -u
}

install() {
  [ -f "$done_marker" ] && return 0
  for tool in apt-get dpkg-deb ldd; do
    command -v "$tool" >/dev/null 2>&1 ||
      fail "'$tool' was not found: this installer needs Debian's apt tools"
  done
  echo "ensure_chromium: downloading Debian's chromium=$version into $dir" >&2
  local partial="$dir.partial"
  rm -rf "$partial" "$dir"
  fetch "$partial" "chromium=$version" "chromium-common=$version"

  # A library package can need another library: repeat until ldd finds everything.
  local round missing soname wanted
  for round in 1 2 3 4 5 6; do
    missing="$(missing_libraries "$partial/root")"
    [ -z "$missing" ] && break
    wanted=()
    for soname in $missing; do
      [ -n "${library_packages[$soname]:-}" ] ||
        fail "chromium needs $soname, which neither this machine nor the table in $0 provides"
      wanted+=("${library_packages[$soname]}")
    done
    echo "ensure_chromium: fetching missing libraries (round $round): ${wanted[*]}" >&2
    fetch "$partial" "${wanted[@]}"
  done
  missing="$(missing_libraries "$partial/root")"
  [ -z "$missing" ] || fail "libraries still missing after fetching: $missing"

  # Debian's /usr/bin/chromium reads /etc/chromium.d and assumes /usr/lib/chromium; this one
  # only points the loader at the unpacked libraries, relative to where it lies.
  cat >"$partial/root/chromium" <<EOF
#!/bin/sh
# Chromium $version unpacked by dev/tools/ensure_chromium.sh, with its libraries.
here="\$(cd "\$(dirname "\$0")" && pwd)"
LD_LIBRARY_PATH="\$here/usr/lib/$multiarch:\$here/usr/lib/$multiarch/pulseaudio\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH
exec "\$here/usr/lib/chromium/chromium" "\$@"
EOF
  chmod +x "$partial/root/chromium"
  "$partial/root/chromium" --version >/dev/null
  mkdir -p "$(dirname "$dir")"
  mv "$partial/root" "$dir"
  rm -rf "$partial"
  touch "$done_marker"
}

if [ ! -f "$done_marker" ]; then
  mkdir -p "$home"
  if command -v flock >/dev/null 2>&1; then
    # Test processes may ask at the same time; one installs, the others wait.
    exec 9>"$home/.chromium-$version.lock"
    flock 9
    install
    flock -u 9
  else
    install
  fi
fi
echo "$launcher"
