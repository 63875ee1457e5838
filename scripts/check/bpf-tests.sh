#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage bpf-tests: the BPF exec-time bridge's tests and sample on the debug
# kernel, booted once per lsm= order (see scripts/bpf-tools.sh).
# deps: bpf
# lane: tip2
. "$(dirname "$0")/../lib.sh"

TREE=$CT exec "$TOP/scripts/bpf-tools.sh" test "$CT"
