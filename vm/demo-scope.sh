# SPDX-License-Identifier: GPL-2.0
# Demo scenarios for LANDLOCK_SCOPE_PATHNAME_UNIX_SOCKET (sourced by demo.sh).
# The sandboxer's LL_FS_RW=/tmp rule would grant connections to sockets in
# /tmp; with LL_SCOPED=p, the creator of a socket decides instead.

rm -f /tmp/demo-outside.sock /tmp/demo-inside.sock
llprobe serve-path /tmp/demo-outside.sock >/dev/null
scenario "pathname socket served outside, LL_SCOPED=p" "error: EPERM" \
	env $RO $RW LL_SCOPED=p sandboxer llprobe connect-path /tmp/demo-outside.sock
scenario "pathname socket served outside, no scope (path rule on /tmp)" "ok" \
	env $RO $RW sandboxer llprobe connect-path /tmp/demo-outside.sock
scenario "pathname socket served inside the sandbox, LL_SCOPED=p" "ok" \
	env $RO $RW LL_SCOPED=p sandboxer sh -c \
	'llprobe serve-path /tmp/demo-inside.sock >/dev/null && llprobe connect-path /tmp/demo-inside.sock'
