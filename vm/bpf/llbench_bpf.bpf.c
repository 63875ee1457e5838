// SPDX-License-Identifier: GPL-2.0
/*
 * llbench's "bpf" situation, BPF side: a sleepable LSM program on
 * bprm_creds_for_exec shaped like samples/landlock/bpf/exec_sandbox.bpf.c (it
 * compares the executed file with a target and only then restricts it), whose
 * target never matches: what every execution pays for an attached program
 * that restricts nothing.
 *
 * One object for the base and the patched kernel: the policy object kfuncs are
 * weak and guarded by bpf_ksym_exists(), so the base (without them) loads the
 * program with that branch removed by the verifier.  Built with CO-RE against
 * the patched kernel's vmlinux.h.
 */

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define EPERM 1
/* Kernel encoding of a device number, see include/linux/kdev_t.h. */
#define MINORBITS 20

struct lsm_policy_object *
bpf_lsm_policy_acquire(struct lsm_policy_object *obj) __ksym __weak;
void bpf_lsm_policy_release(struct lsm_policy_object *obj) __ksym __weak;
int bpf_lsm_policy_apply_bprm(struct lsm_policy_object *obj,
			      struct linux_binprm *bprm, __u32 flags) __ksym __weak;
void bpf_rcu_read_lock(void) __ksym;
void bpf_rcu_read_unlock(void) __ksym;

/*
 * Without the policy object kfuncs (the base), the kernel BTF has no such
 * type: the map then holds a program-local kptr, never set.
 */
struct ruleset_value {
	__kptr struct lsm_policy_object *ruleset;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ruleset_value);
} rulesets SEC(".maps");

/* Set by the loader to a file that does not exist. */
__u32 target_major, target_minor;
__u64 target_ino;

/* Executions seen (not atomic: a proof of attachment, not a count). */
__u64 checked;
/* Executions restricted: must stay 0. */
__u64 matched;

SEC("lsm.s/bprm_creds_for_exec")
int BPF_PROG(llbench_exec, struct linux_binprm *bprm)
{
	const struct inode *const inode = bprm->file->f_inode;
	const dev_t dev = inode->i_sb->s_dev;
	struct lsm_policy_object *ruleset = NULL;
	struct ruleset_value *value;
	__u32 key = 0;
	int err;

	checked++;
	if (inode->i_ino != target_ino || dev >> MINORBITS != target_major ||
	    (dev & ((1U << MINORBITS) - 1)) != target_minor)
		return 0;

	matched++;
	if (!bpf_ksym_exists(bpf_lsm_policy_apply_bprm) ||
	    !bpf_ksym_exists(bpf_lsm_policy_acquire) ||
	    !bpf_ksym_exists(bpf_lsm_policy_release))
		return -EPERM;

	value = bpf_map_lookup_elem(&rulesets, &key);
	if (!value)
		return -EPERM;

	bpf_rcu_read_lock();
	if (value->ruleset)
		ruleset = bpf_lsm_policy_acquire(value->ruleset);
	bpf_rcu_read_unlock();
	if (!ruleset)
		return -EPERM;

	err = bpf_lsm_policy_apply_bprm(ruleset, bprm, 0);
	bpf_lsm_policy_release(ruleset);
	return err ? -EPERM : 0;
}

char _license[] SEC("license") = "GPL";
