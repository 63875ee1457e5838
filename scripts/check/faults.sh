#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage faults: make faults (vm/llfault.c: each allocation of every series
# operation failed in turn, the invariants checked after each failure, then
# a kmemleak scan) on the debug kernel that debug-tests built.  FAULTS_OPS=
# picks operations (comma separated; default: all of them).
# deps: btf
# lane: tip2
. "$(dirname "$0")/../lib.sh"

TREE=$CT OPS=${FAULTS_OPS:-} exec "$TOP/scripts/faults.sh"
