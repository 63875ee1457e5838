#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage uapi: the installed uapi header compiles in userspace programs, as C
# and as C++, without warnings: it is included from its own -I directory,
# where warnings count, while the other headers (linux/types.h is not
# -pedantic clean in C++) come from -isystem.
# deps: core
# lane: tree
. "$(dirname "$0")/../lib.sh"

hdr=$OUT/uapi-headers src=$RES/uapi.c rc=0 own=$RES/uapi-include
make -s -C "$CT" O="$OUT/build-uapi" ARCH=x86_64 INSTALL_HDR_PATH="$hdr" \
	headers_install >"$RES/uapi.log" 2>&1 || {
	cat "$RES/uapi.log"
	echo "not ok - headers_install"
	exit 1
}
mkdir -p "$own/linux"
cp "$hdr/include/linux/landlock.h" "$own/linux/"
cat >"$src" <<'EOC'
#include <linux/landlock.h>
#include <string.h>

int main(void)
{
	struct landlock_ruleset_attr attr;
	struct landlock_path_beneath_attr path_beneath;
	struct landlock_net_port_attr net_port;

	memset(&attr, 0, sizeof(attr));
	memset(&path_beneath, 0, sizeof(path_beneath));
	memset(&net_port, 0, sizeof(net_port));
	attr.denied = LANDLOCK_DENY_EXECUTE_MEMFD;
	attr.scoped = LANDLOCK_SCOPE_PATHNAME_UNIX_SOCKET;
	return (int)(attr.denied + sizeof(path_beneath) + sizeof(net_port) +
		     LANDLOCK_RESTRICT_SELF_ON_EXEC);
}
EOC
for cc in "gcc -x c -std=c99" "gcc -x c -std=gnu11" \
	"g++ -x c++ -std=c++11" "g++ -x c++ -std=c++17"; do
	if $cc -pedantic -Wall -Wextra -Werror -I "$own" \
		-isystem "$hdr/include" -c -o /dev/null "$src" \
		>"$RES/uapi-cc.log" 2>&1; then
		echo "ok - include/uapi/linux/landlock.h with $cc"
	else
		sed 's/^/    /' "$RES/uapi-cc.log"
		echo "not ok - include/uapi/linux/landlock.h with $cc"
		rc=1
	fi
done
exit $rc
