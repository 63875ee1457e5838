# SPDX-License-Identifier: GPL-2.0
# Demo scenarios for LANDLOCK_DENY_EXECUTE_MEMFD (sourced by demo.sh).

scenario "program copied into a memfd and executed, no restriction" "ok" \
	env $RO $RW sandboxer llprobe memfd-exec /bin/llprobe
scenario "program copied into a memfd and executed, LL_DENY_EXEC_MEMFD=1" \
	"error: EACCES" \
	env $RO $RW LL_DENY_EXEC_MEMFD=1 sandboxer llprobe memfd-exec /bin/llprobe
