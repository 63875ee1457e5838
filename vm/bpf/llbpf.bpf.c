// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF side of llfault-bpf (fault injection in the BPF exec-time bridge)
 * and llbpf-stress (the bridge under stress): shaped like
 * samples/landlock/bpf/exec_sandbox.bpf.c.  A supervisor stores a ruleset in a
 * map with store_ruleset, and a sleepable bprm_creds_for_exec program applies
 * it to every execution of one file, failing closed when it cannot.  The
 * counters let the supervisor check what the program did, and count_free
 * counts the policy objects that the kernel frees, to check that none leaks.
 */

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define EPERM 1
#define ENOENT 2
#define EAGAIN 11
/* Kernel encoding of a device number, see include/linux/kdev_t.h. */
#define MINORBITS 20

struct lsm_policy_object *bpf_lsm_policy_from_fd(int fd, __u32 flags) __ksym;
struct lsm_policy_object *
bpf_lsm_policy_acquire(struct lsm_policy_object *obj) __ksym;
void bpf_lsm_policy_release(struct lsm_policy_object *obj) __ksym;
int bpf_lsm_policy_apply_bprm(struct lsm_policy_object *obj,
			      struct linux_binprm *bprm, __u32 flags) __ksym;
void bpf_rcu_read_lock(void) __ksym;
void bpf_rcu_read_unlock(void) __ksym;

struct ruleset_value {
	__kptr struct lsm_policy_object *ruleset;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ruleset_value);
} rulesets SEC(".maps");

/* Set by the supervisor. */
int ruleset_fd = -1;
__u32 target_major, target_minor;
__u64 target_ino;
__u32 restrict_flags;

/* Reported to the supervisor. */
__u64 stored; /* objects that store_ruleset got */
__u64 freed; /* objects that the kernel freed */
__u64 matched; /* executions of the target */
__u64 applied; /* ... that the ruleset was applied to */
__u64 unsandboxed; /* ... that found no ruleset in the map */
__u64 refused; /* ... that the program refused: the kfunc failed */
int last_err; /* the kfunc's last error */

/* Replaces the stored ruleset with the one of ruleset_fd. */
SEC("syscall")
int store_ruleset(void *ctx)
{
	struct lsm_policy_object *ruleset;
	struct ruleset_value *value;
	__u32 key = 0;

	value = bpf_map_lookup_elem(&rulesets, &key);
	if (!value)
		return -ENOENT;

	ruleset = bpf_lsm_policy_from_fd(ruleset_fd, 0);
	if (!ruleset)
		return -ENOENT;

	__sync_fetch_and_add(&stored, 1);
	ruleset = bpf_kptr_xchg(&value->ruleset, ruleset);
	if (ruleset)
		bpf_lsm_policy_release(ruleset);

	return 0;
}

SEC("syscall")
int clear_ruleset(void *ctx)
{
	struct lsm_policy_object *ruleset;
	struct ruleset_value *value;
	__u32 key = 0;

	value = bpf_map_lookup_elem(&rulesets, &key);
	if (!value)
		return -ENOENT;

	ruleset = bpf_kptr_xchg(&value->ruleset, NULL);
	if (!ruleset)
		return -ENOENT;

	bpf_lsm_policy_release(ruleset);
	return 0;
}

SEC("lsm.s/bprm_creds_for_exec")
int BPF_PROG(apply_ruleset, struct linux_binprm *bprm)
{
	const struct inode *const inode = bprm->file->f_inode;
	const dev_t dev = inode->i_sb->s_dev;
	struct lsm_policy_object *ruleset = NULL;
	struct ruleset_value *value;
	__u32 key = 0;
	bool empty = false;
	int attempt, err;

	if (inode->i_ino != target_ino || dev >> MINORBITS != target_major ||
	    (dev & ((1U << MINORBITS) - 1)) != target_minor)
		return 0;

	__sync_fetch_and_add(&matched, 1);
	value = bpf_map_lookup_elem(&rulesets, &key);
	if (!value)
		return -EPERM;

	/*
	 * Acquiring fails on a ruleset whose last reference is being released:
	 * the supervisor just replaced it, so read the map value again.
	 */
	for (attempt = 0; attempt < 4 && !ruleset && !empty; attempt++) {
		bpf_rcu_read_lock();
		empty = !value->ruleset;
		if (!empty)
			ruleset = bpf_lsm_policy_acquire(value->ruleset);
		bpf_rcu_read_unlock();
	}
	if (!ruleset) {
		/* An empty map (the supervisor cleared it): runs as is. */
		if (empty) {
			__sync_fetch_and_add(&unsandboxed, 1);
			return 0;
		}
		/* Fails closed: never without the stored ruleset. */
		__sync_fetch_and_add(&refused, 1);
		last_err = -EAGAIN;
		return -EPERM;
	}

	err = bpf_lsm_policy_apply_bprm(ruleset, bprm, restrict_flags);
	bpf_lsm_policy_release(ruleset);
	if (err) {
		__sync_fetch_and_add(&refused, 1);
		last_err = err;
		return -EPERM;
	}
	__sync_fetch_and_add(&applied, 1);
	return 0;
}

/* Every policy object that the kernel frees, whatever its LSM. */
SEC("fentry/security_policy_object_free")
int BPF_PROG(count_free, struct lsm_policy_object *obj)
{
	__sync_fetch_and_add(&freed, 1);
	return 0;
}

char _license[] SEC("license") = "GPL";
