#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The main job's demo, run inside the VM: each scenario prints what was
# tried, what was expected and what happened.  The sandboxer is
# samples/landlock/sandboxer from the patched tree.

echo LLDEMO-BEGIN
fails=0
echo "Kernel: $(uname -r), Landlock ABI $(llprobe abi -)"
echo

# scenario TITLE EXPECT COMMAND...: runs COMMAND, compares its last line
# (llprobe prints "ok" or "error: ERRNO (...)") with EXPECT.
scenario() {
	title=$1 expect=$2
	shift 2
	got=$("$@" 2>/dev/null | tail -n 1)
	case "$got" in
	"$expect"*) verdict=PASS ;;
	*) verdict=FAIL; fails=$((fails + 1)) ;;
	esac
	printf '[%s] %s\n    tried:    %s\n    expected: %s\n    happened: %s\n' \
		"$verdict" "$title" "$*" "$expect" "${got:-(nothing)}"
}

RO="LL_FS_RO=/bin:/usr:/proc:/dev"
RW="LL_FS_RW=/tmp:/dev/null"

echo secret >/root/secret
scenario "unsandboxed read of /root/secret" "ok" \
	llprobe read /root/secret
scenario "sandboxed read of /root/secret (no rule for /root)" "error: EACCES" \
	env $RO $RW sandboxer llprobe read /root/secret
scenario "sandboxed read of /bin/busybox (read-only rule)" "ok" \
	env $RO $RW sandboxer llprobe read /bin/busybox

llprobe serve-abstract demo-abstract >/dev/null
scenario "abstract socket from outside, LL_SCOPED=a" "error: EPERM" \
	env $RO $RW LL_SCOPED=a sandboxer llprobe connect-abstract demo-abstract
scenario "abstract socket from outside, no scope" "ok" \
	env $RO $RW sandboxer llprobe connect-abstract demo-abstract

for f in /bin/demo-*.sh; do
	[ -e "$f" ] && . "$f"
done

echo
echo "demo: $fails scenario(s) did not behave as expected"
echo LLDEMO-END
