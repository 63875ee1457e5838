#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stage bench-smoke: the benchmark builds and runs one short iteration per
# case on the vm kernel (timings are not checked).
# deps: core
# lane: tree
. "$(dirname "$0")/../lib.sh"

exec "$TOP/scripts/bench.sh" --smoke "$CT"
