#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage faults: make faults STRIDE=4 (vm/llfault.c: every fourth allocation
# of every series operation failed in turn, the invariants checked after
# each failure, then a kmemleak scan) on the debug kernel that debug-tests
# built: about a quarter of make faults' time, which tries them all.
# FAULTS_OPS= picks operations (comma separated; default: all of them),
# FAULTS_STRIDE= the stride (1: every allocation).
# deps: btf bpf
# lane: tip2
. "$(dirname "$0")/../lib.sh"

TREE=$CT OPS=${FAULTS_OPS:-} STRIDE=${FAULTS_STRIDE:-4} exec "$TOP/scripts/faults.sh"
