#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage fuzz: a short run of make fuzz (llstress and trinity on the debug
# kernel): FUZZ_DURATION seconds, default 120.
# deps: btf bpf fuzz
# lane: tip2
. "$(dirname "$0")/../lib.sh"

TREE=$CT DURATION=${FUZZ_DURATION:-120} exec "$TOP/scripts/fuzz.sh"
