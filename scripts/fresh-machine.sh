#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fresh-machine.sh [COMMAND...]: proves the README's commands on a fresh
# Debian 12 machine.  Builds (once, cached) a minimal Debian 12 root with
# mmdebstrap (variant minbase, plus git and make: what a user needs to clone
# the repository and type a make command), then for each COMMAND (default:
# "make run" and "bash .ci/run") unpacks that root anew, clones this
# repository's committed HEAD into it (uncommitted changes are not part of
# the test) and runs the command there as root with CI=true, an empty
# ccache and an empty download cache, nothing shared with the host but
# /proc, /sys and /dev.  Prints each command's time; logs and timings in
# $FRESH_DIR (default /var/tmp/landlock-fresh), which needs about 30 GB.
# Needs root (chroot, mounts).  It takes over an hour for both commands.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || die "fresh-machine.sh needs root (mmdebstrap, chroot)"
dir=${FRESH_DIR:-/var/tmp/landlock-fresh}
cmds=("$@")
[ ${#cmds[@]} -gt 0 ] || cmds=("make run" "bash .ci/run")
"$TOP/scripts/deps.sh" fresh
mkdir -p "$dir"
pristine=$dir/bookworm-minbase.tar
if [ ! -f "$pristine" ]; then
	log "building a minimal Debian 12 root (mmdebstrap, once)"
	mmdebstrap --variant=minbase --format=tar --include=git,make,ca-certificates \
		bookworm "$pristine.tmp" \
		"deb $BASE_MIRROR bookworm main" \
		"deb $BASE_MIRROR bookworm-updates main" \
		"deb ${BASE_MIRROR%/debian}/debian-security bookworm-security main" \
		>"$dir/mmdebstrap.log" 2>&1 || die "mmdebstrap failed, see $dir/mmdebstrap.log"
	mv "$pristine.tmp" "$pristine"
fi

root=$dir/root
umount_root() {
	local m p
	# Whatever still runs in the root (an interrupted run) goes first.
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -9 "${p#/proc/}" 2>/dev/null
	done
	for m in dev/pts dev sys proc; do
		mountpoint -q "$root/$m" && umount -l "$root/$m"
	done
	return 0
}
trap umount_root EXIT

n=0 rc=0
: >"$dir/times.txt"
for cmd in "${cmds[@]}"; do
	n=$((n + 1))
	umount_root
	! grep -qF " $root/" /proc/mounts || die "$root still has mounts: not removing it"
	rm -rf "$root"
	mkdir -p "$root"
	tar -xf "$pristine" -C "$root"
	git clone -q --no-local "$TOP" "$root/root/landlock-series"
	cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
	mount -t proc proc "$root/proc"
	mount -t sysfs sysfs "$root/sys"
	mount --bind /dev "$root/dev"
	mount --bind /dev/pts "$root/dev/pts"
	logf=$dir/log-$n.txt
	log "fresh root $n: $cmd (log: $logf)"
	t0=$(date +%s)
	crc=0
	chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb CI=true LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		bash -c "cd /root/landlock-series && $cmd" </dev/null >"$logf" 2>&1 || crc=$?
	dt=$(($(date +%s) - t0))
	printf '%-20s exit %-3s %5ds (%dm%02ds)\n' "$cmd" "$crc" "$dt" $((dt / 60)) $((dt % 60)) |
		tee -a "$dir/times.txt"
	tail -n 40 "$logf"
	[ $crc -eq 0 ] || rc=1
done
umount_root
cat "$dir/times.txt"
exit $rc
