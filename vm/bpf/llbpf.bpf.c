// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF side of llfault-bpf (fault injection in the BPF exec-time bridge)
 * and llbpf-stress (the bridge under stress): shaped like
 * samples/landlock/bpf/exec_sandbox.bpf.c.  A supervisor stores rulesets in a
 * map with store_ruleset, and a sleepable bprm_creds_for_exec program applies
 * the current one to every execution of two files (each with its own flags),
 * failing closed when it cannot, and records the kind it applied for the
 * executing process.  The counters let the supervisor check what the program
 * did, and count_free counts the policy objects that the kernel frees, to
 * check that none leaks.
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

/* The kinds of rulesets that the supervisor stores (llbpf-stress: A and B). */
#define KIND_NONE 0
#define KIND_A 1
#define KIND_B 2

/*
 * One slot per kind, and the kind that the program applies: an object in
 * slot_a is always of kind A, so that the program can tell the supervisor
 * which kind it applied, whatever replaced it since.  A zeroed value is an
 * empty map.
 */
struct ruleset_value {
	__kptr struct lsm_policy_object *slot_a;
	__kptr struct lsm_policy_object *slot_b;
	__u32 cur;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ruleset_value);
} rulesets SEC(".maps");

/* What the program did for each process that executed a target: its kind. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u32);
} applied_kinds SEC(".maps");

/* Set by the supervisor. */
int ruleset_fd = -1;
__u32 store_kind = KIND_A;
__u32 target_major, target_minor;
/* Two targets: the program applies the ruleset with flags[i] to target_ino[i]. */
__u64 target_ino[2];
__u32 restrict_flags[2];

/* Reported to the supervisor. */
__u64 stored; /* objects that store_ruleset got */
__u64 freed; /* objects that the kernel freed */
__u64 matched; /* executions of a target */
__u64 applied; /* ... that the ruleset was applied to */
__u64 unsandboxed; /* ... that found no ruleset in the map */
__u64 refused; /* ... that the program refused: the kfunc failed */
int last_err; /* the kfunc's last error */
__u64 retried; /* acquisitions that failed on an object being released */
__u64 raced_empty; /* ... that found the slot of the kind emptied since */
__u64 record_failed; /* records that could not be written */

/* Stores the ruleset of ruleset_fd in the slot of store_kind, then uses it. */
static __always_inline struct ruleset_value *map_value(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&rulesets, &key);
}

SEC("syscall")
int store_ruleset(void *ctx)
{
	struct ruleset_value *value = map_value();
	struct lsm_policy_object *ruleset;

	if (!value)
		return -ENOENT;

	ruleset = bpf_lsm_policy_from_fd(ruleset_fd, 0);
	if (!ruleset)
		return -ENOENT;

	__sync_fetch_and_add(&stored, 1);
	if (store_kind == KIND_B)
		ruleset = bpf_kptr_xchg(&value->slot_b, ruleset);
	else
		ruleset = bpf_kptr_xchg(&value->slot_a, ruleset);
	if (ruleset)
		bpf_lsm_policy_release(ruleset);

	value->cur = store_kind == KIND_B ? KIND_B : KIND_A;
	return 0;
}

/* Empties the map: no kind first, then the slots. */
SEC("syscall")
int clear_ruleset(void *ctx)
{
	struct ruleset_value *value = map_value();
	struct lsm_policy_object *ruleset;

	if (!value)
		return -ENOENT;

	value->cur = KIND_NONE;
	ruleset = bpf_kptr_xchg(&value->slot_a, NULL);
	if (ruleset)
		bpf_lsm_policy_release(ruleset);
	ruleset = bpf_kptr_xchg(&value->slot_b, NULL);
	if (ruleset)
		bpf_lsm_policy_release(ruleset);
	return 0;
}

/* A new reference to the object in the slot of KIND, or NULL. */
static __always_inline struct lsm_policy_object *
acquire_kind(struct ruleset_value *value, __u32 kind, bool *empty)
{
	struct lsm_policy_object *ruleset = NULL;

	bpf_rcu_read_lock();
	if (kind == KIND_A) {
		*empty = !value->slot_a;
		if (value->slot_a)
			ruleset = bpf_lsm_policy_acquire(value->slot_a);
	} else {
		*empty = !value->slot_b;
		if (value->slot_b)
			ruleset = bpf_lsm_policy_acquire(value->slot_b);
	}
	bpf_rcu_read_unlock();
	return ruleset;
}

static __always_inline void record(struct linux_binprm *bprm, __u32 kind)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	/* An AT_EXECVE_CHECK request is not the execution. */
	if (!bprm->is_check &&
	    bpf_map_update_elem(&applied_kinds, &tgid, &kind, BPF_ANY))
		__sync_fetch_and_add(&record_failed, 1);
}

SEC("lsm.s/bprm_creds_for_exec")
int BPF_PROG(apply_ruleset, struct linux_binprm *bprm)
{
	const struct inode *const inode = bprm->file->f_inode;
	const dev_t dev = inode->i_sb->s_dev;
	struct lsm_policy_object *ruleset = NULL;
	struct ruleset_value *value;
	__u32 kind, flags;
	bool empty = false;
	int attempt, err;

	if (dev >> MINORBITS != target_major ||
	    (dev & ((1U << MINORBITS) - 1)) != target_minor)
		return 0;
	if (inode->i_ino == target_ino[0])
		flags = restrict_flags[0];
	else if (inode->i_ino == target_ino[1])
		flags = restrict_flags[1];
	else
		return 0;

	__sync_fetch_and_add(&matched, 1);
	value = map_value();
	if (!value)
		return -EPERM;

	kind = value->cur;
	/*
	 * Acquiring fails on a ruleset whose last reference is being released:
	 * the supervisor just replaced it, so read the slot again.
	 */
	for (attempt = 0; attempt < 4 && kind != KIND_NONE && !ruleset &&
			  !empty;
	     attempt++) {
		ruleset = acquire_kind(value, kind, &empty);
		if (!ruleset && !empty)
			__sync_fetch_and_add(&retried, 1);
	}
	if (empty)
		__sync_fetch_and_add(&raced_empty, 1);
	if (!ruleset) {
		/* No kind, or cleared since: the target runs as is. */
		if (kind == KIND_NONE || empty) {
			__sync_fetch_and_add(&unsandboxed, 1);
			record(bprm, KIND_NONE);
			return 0;
		}
		/* Fails closed: never without the stored ruleset. */
		__sync_fetch_and_add(&refused, 1);
		last_err = -EAGAIN;
		return -EPERM;
	}

	err = bpf_lsm_policy_apply_bprm(ruleset, bprm, flags);
	bpf_lsm_policy_release(ruleset);
	if (err) {
		__sync_fetch_and_add(&refused, 1);
		last_err = err;
		return -EPERM;
	}
	__sync_fetch_and_add(&applied, 1);
	record(bprm, kind);
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
