# SPDX-License-Identifier: GPL-2.0
# Common settings for the tooling, sourced by every script.
# shellcheck shell=bash

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${OUT:-$TOP/out}
CACHE=${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/landlock-series}
TREE=${TREE:-$TOP/linux}
# The selftests of races between threads, which vm-tests and debug-tests
# boot again on two CPUs (scripts/vm.sh: the VMs have one by default).
RACE_TESTS=tsync_test,restrict_on_exec_test
# ccache: rewrite absolute paths so that the work tree and the check tree
# (same layout relative to their build directories) share cache entries.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$TOP}

# Pinned base: Debian's linux-source-7.3 from trixie-backports.
BASE_PKG=linux-source-7.3
BASE_VER=7.3.4-1~bpo13+1
BASE_SUITE=trixie-backports
BASE_SHA256=703e369ddd4cce971452f5a593ee55df3a5c10c83caf0fa0df039633ed181ee3
BASE_MIRROR=${BASE_MIRROR:-http://deb.debian.org/debian}

# Deterministic identity and dates for every commit the tooling makes.
SERIES_NAME="Landlock Series"
SERIES_EMAIL="series@landlock.invalid"
BASE_DATE="2026-11-10T18:10:00Z"
export GIT_AUTHOR_NAME="$SERIES_NAME" GIT_AUTHOR_EMAIL="$SERIES_EMAIL"
export GIT_COMMITTER_NAME="$SERIES_NAME" GIT_COMMITTER_EMAIL="$SERIES_EMAIL"

JOBS=${JOBS:-$(nproc)}

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The unpacked pristine base, or the user's KERNEL_SRC.
base_src() {
	if [ -n "${KERNEL_SRC:-}" ]; then
		printf '%s\n' "$KERNEL_SRC"
	else
		printf '%s\n' "$CACHE/base/linux-source-7.3"
	fi
}

# private_apt DIR SOURCES_LINE: apt-get options for a private configuration
# in DIR (lists and cache too), leaving the system's apt sources untouched,
# in the array apt_opts; runs "apt-get update" once per DIR.
private_apt() {
	local dir=$1
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	echo "$2" >"$dir/sources.list"
	apt_opts=(-o "Dir::Etc::sourcelist=$dir/sources.list"
		  -o Dir::Etc::sourceparts=-
		  -o "Dir::State::Lists=$dir/lists"
		  -o "Dir::Cache=$dir/cache"
		  -o APT::Sandbox::User=root -q
		  # What is fetched this way is checked against a pinned sha256:
		  # a mirror whose Release file is past its Valid-Until (sid's,
		  # on a machine whose clock is ahead of the mirror) still serves.
		  -o Acquire::Check-Valid-Until=false)
	apt-get "${apt_opts[@]}" update >"$dir/update.log" 2>&1 ||
		die "apt-get update failed ($2), see $dir/update.log"
}
