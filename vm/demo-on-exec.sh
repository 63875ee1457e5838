# SPDX-License-Identifier: GPL-2.0
# Demo scenarios for LANDLOCK_RESTRICT_SELF_ON_EXEC (sourced by demo.sh).
# With LL_ON_EXEC=1, the sandboxer only stages its sandbox: the command is
# restricted from its first instruction, and a failed execution leaves the
# sandboxer unrestricted.

scenario "staged sandbox (LL_ON_EXEC=1), command reads /root/secret" \
	"error: EACCES" \
	env $RO $RW LL_ON_EXEC=1 sandboxer llprobe read /root/secret
scenario "staged sandbox, command reads /bin/busybox (read-only rule)" "ok" \
	env $RO $RW LL_ON_EXEC=1 sandboxer llprobe read /bin/busybox

# execvpe() first tries a non-executable /tmp/demo-path/llprobe (EACCES, a
# failed execution that changes nothing), then /bin/llprobe.
mkdir -p /tmp/demo-path
echo "not a program" >/tmp/demo-path/llprobe
chmod 644 /tmp/demo-path/llprobe
scenario "staged sandbox, failed execution then /bin/llprobe" "error: EACCES" \
	env PATH=/tmp/demo-path:/bin $RO $RW LL_ON_EXEC=1 \
	sandboxer llprobe read /root/secret
scenario "staged sandbox, missing command: the sandboxer is left unrestricted" \
	"The sandbox was only staged" \
	sh -c "env $RO $RW LL_ON_EXEC=1 sandboxer /bin/no-such-program 2>&1"
