#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stack-usage.sh BUILD-DIR SRC: "function bytes" lines for every function of
# BUILD-DIR's security/landlock/ objects (scripts/checkstack.pl of SRC), for
# the stack stage; the bisect stage saves them for the base and the tip.
# Not a stage (no "# lane:").
set -euo pipefail
# checkstack.pl adds up every "sub/add $N,%rsp" of a function: drop the
# epilogues' "add", or each return path counts the frame once more.
# Its lines read "0xADDR function [object]:<tabs, or none>bytes".
objdump -d "$1"/security/landlock/*.o | grep -vE 'add +\$0x[0-9a-f]+,%rsp$' |
	perl "$2/scripts/checkstack.pl" x86_64 0 |
	sed -E 's/^0x[0-9a-f]+ ([^ ]+) \[[^]]*\]:[[:space:]]*([0-9]+)$/\1 \2/' | sort -u
