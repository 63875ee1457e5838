# SPDX-License-Identifier: GPL-2.0
# Landlock ABI 12 series: entry point of the tooling.  See README.md.

SHELL := /bin/bash
S := scripts
# Build output (the scripts read OUT from the environment too).
OUT ?= $(CURDIR)/out
export OUT
BZIMAGE = $(OUT)/build-vm/arch/x86/boot/bzImage

.PHONY: help deps base tree export post status kernel initramfs run shell test check bench fuzz kcsan faults coverage bpf-test fresh-machine clean

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 12

deps: ## install the Debian packages the tooling needs
	@$(S)/deps.sh

base: deps ## fetch the pinned Linux 7.3 base (or check KERNEL_SRC)
	@$(S)/fetch-base.sh

tree: deps ## make the editable work tree linux/ (base + git am patches/)
	@$(S)/tree.sh init

export: ## write the work tree's commits back to patches/
	@$(S)/tree.sh export

post: ## the series with your git identity as author and sign-off, in out/post/
	@$(S)/tree.sh post

status: ## fail if the work tree has work that is not in patches/
	@$(S)/tree.sh status

linux/.git:
	@$(MAKE) -s tree

kernel: deps linux/.git ## build the VM kernel from the work tree
	@$(S)/build-kernel.sh vm

initramfs: deps linux/.git ## build selftests, sandboxer and the initramfs
	@$(S)/initramfs.sh

run: kernel initramfs ## main job: build, boot and run the sandboxer demo
	@$(S)/vm.sh demo $(BZIMAGE)

shell: kernel initramfs ## boot the VM into an interactive shell
	@$(S)/vm.sh shell $(BZIMAGE)

test: kernel initramfs ## selftests of the work tree in the VM: T=memfd_test,... ARGS="-t case"
	@LLARGS="$(ARGS)" $(S)/vm.sh test $(BZIMAGE) test "$(T)"

check: deps ## run every check of the series (see README)
	@$(S)/check.sh $(STAGES)

bench: deps ## benchmark the base against the series
	@$(S)/bench.sh

fuzz: deps linux/.git ## llstress + trinity on the debug kernel: DURATION=600 SEED=
	@DURATION="$(DURATION)" SEED="$(SEED)" $(S)/fuzz.sh

kcsan: deps linux/.git ## racy paths under KCSAN: selftests, then llstress DURATION=300
	@DURATION="$(DURATION)" SEED="$(SEED)" $(S)/kcsan.sh

faults: deps linux/.git ## fail every allocation of the series' operations in turn: OPS=a,b STRIDE=
	@OPS="$(OPS)" STRIDE="$(STRIDE)" $(S)/faults.sh

coverage: deps linux/.git ## gcov line coverage of security/landlock/ by all tests
	@$(S)/coverage.sh

bpf-test: deps linux/.git ## BPF bridge tests and sample on the debug kernel (bpf.config)
	@$(S)/bpf-tools.sh test

fresh-machine: ## make run and .ci/run in a fresh Debian 12 root (over an hour, root)
	@$(S)/fresh-machine.sh

clean: ## remove build output (keeps linux/ and the download cache)
	rm -rf $(OUT)
