// SPDX-License-Identifier: GPL-2.0
/*
 * llstress - randomized stress of the Landlock system calls and of the ABI 12
 * features (LANDLOCK_DENY_EXECUTE_MEMFD, LANDLOCK_SCOPE_PATHNAME_UNIX_SOCKET,
 * LANDLOCK_RESTRICT_SELF_ON_EXEC), checking invariants as it goes.
 *
 *   llstress [-p PROCS] [-t THREADS] [-s SECONDS] [-S SEED] [-u UID] [-d DIR]
 *            [-v] [--focus none|on_exec|memfd|unix|rules] [--proc-race]
 *   llstress --as-user UID [--timeout SECONDS] -- COMMAND [ARG...]
 *
 * --focus weighs one group of operations five times more in every episode
 * (by default, 30% of the episodes pick one at random).  --proc-race also
 * executes memfds through /proc/self/fd in multithreaded processes, which
 * deadlocks Linux 7.3's thread-sync (see weight()).
 *
 * The first form runs the stress: started as root, it prepares its work
 * directory (a copy of itself, a set-user-ID root copy, garbage executables)
 * and drops to UID (default 1000, no capabilities), then runs PROCS worker
 * processes for SECONDS.  The second form only runs COMMAND as UID (e.g. a
 * fuzzer that refuses to run as root), sends it SIGINT after SECONDS (then
 * SIGKILL 30 seconds later), kills what is left of its process group and,
 * when started as root, every process of UID, and reaps them all.
 *
 * Processes:
 *
 * - the supervisor (uid UID, no domain) prints the results;
 * - the server (no domain) serves pathname UNIX sockets (stream, datagram,
 *   seqpacket) created outside any domain;
 * - each worker root (no domain) runs one episode after the other, reaps
 *   everything they leave behind (it is a child subreaper), kills an episode
 *   that overruns its deadline (a hang), checks the reports of the probes and
 *   the memfds the episodes send it;
 * - an episode is a fresh process (no domain, no no_new_privs) running a
 *   random sequence of operations, either alone ("solo") or with several
 *   threads ("racy").  Operations can fork it (the child goes on as a new
 *   process), add threads, and execute programs; a successful execve(2)
 *   ends the episode and starts the probe;
 * - the probe is this program executed again (directly, through a script,
 *   from a memfd, or set-user-ID): it reports to its worker root, through a
 *   pipe, what the execution gave it: no_new_privs, user IDs, number of
 *   Landlock layers and whether a restriction is still staged (counted with
 *   landlock_restrict_self(2) until E2BIG), whether its memfds are
 *   executable, whether it can reach the server's socket.
 *
 * Each process keeps a model of the Landlock state of each of its threads
 * (layers with their handled accesses and rules, staged layer,
 * no_new_privs), updated from the results of its own system calls, and
 * predicts the outcome of every operation from it: the exact errno of
 * landlock_create_ruleset(2), landlock_add_rule(2) and
 * landlock_restrict_self(2); whether an execution, a bind(2), a connect(2),
 * a sendto(2), an mmap(2) or mprotect(2) with PROT_EXEC is allowed; what the
 * probe must report.  Concurrency makes the model uncertain: operations that
 * change the state of every thread (thread-sync, staging, cancelling) bump a
 * generation counter before and after their system call, and a prediction is
 * only checked when no such operation overlapped the operation checked.
 *
 * Invariants checked (any failure is a violation):
 *
 * - every system call returns 0 or an errno documented for it (allowlist);
 * - when the model is certain, every result is the predicted one;
 * - nnp: a task in a domain has no_new_privs (the stress is unprivileged):
 *   the probe after a committed ON_EXEC, forked observers, every thread
 *   (read with PR_GET_NO_NEW_PRIVS, which a domain cannot deny, unlike
 *   /proc/self/status);
 * - memfd: a memfd created under LANDLOCK_DENY_EXECUTE_MEMFD is never
 *   executable (execveat(2) AT_EMPTY_PATH, /proc/self/fd/N) nor mappable or
 *   mprotect(2)-able with PROT_EXEC, by any thread, any process, including
 *   the worker root that receives it and has no domain;
 * - failed exec: an execution that fails changes neither the domain nor
 *   no_new_privs nor the staged restriction (the next observation or good
 *   execution still sees it);
 * - a successful execution leaves nothing staged, and never gains
 *   privileges (set-user-ID) under a domain;
 * - no hang: every episode finishes in time (alarm and kill otherwise).
 *
 * Output (one line each, stable and parseable):
 *
 *   LLSTRESS-BEGIN seed=<n> procs=<n> threads=<n> seconds=<n> uid=<n> abi=<n>
 *                  suid=<0|1>
 *   LLSTRESS-REPLAY llstress --seed <n> --procs <n> --threads <n> ...
 *   LLSTRESS-VIOLATION seed=<n> worker=<n> episode=<n> proc=<n> thread=<n>
 *                      seq=<n> op=<name> time=<s> ops=<n>: <what>
 *   LLSTRESS-HANG ... (what a hung episode's threads were doing)
 *   LLSTRESS op=<name> ok=<n> <ERRNO>=<n>...
 *   LLSTRESS check=<name> n=<n>
 *   LLSTRESS-RESULT violations=<n> ops=<n> seconds=<n> seed=<n>
 *
 * The exit status is 1 if there was any violation.  A run is replayed with
 * the same --seed, --procs, --threads (and --seconds): each thread's choices
 * derive from the seed, the worker, the episode, the process and the thread;
 * only the interleaving of threads differs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif

#define ABI_VERSION 12
#define MAX_LAYERS 16
/* Valid bits of each field at ABI 12. */
#define FS_MASK ((1ULL << 17) - 1)
#define NET_MASK ((1ULL << 4) - 1)
#define SCOPE_MASK ((1ULL << 3) - 1)
#define DENIED_MASK LANDLOCK_DENY_EXECUTE_MEMFD
#define RESTRICT_MASK ((1U << 6) - 1)
/* Sizes of struct landlock_ruleset_attr: ABI 1, ABI 11 and ABI 12. */
#define ATTR_SIZE_V1 8
#define ATTR_SIZE_V11 48
#define ATTR_SIZE 56
/* Access rights that a rule on a file (not a directory) can have. */
#define ACCESS_FILE                                                         \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |       \
	 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |       \
	 LANDLOCK_ACCESS_FS_IOCTL_DEV | LANDLOCK_ACCESS_FS_RESOLVE_UNIX)
#define EXEC_ACCESS (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE)

#define MAX_WORKERS 16
#define MAX_THREADS 12
#define SLOTS 2048
#define PSTATES 512
#define NERR 160
#define MAX_RS 12
#define MAX_MFD 12
#define MAX_SK 12
#define PAGE 4096
#define HUGE (2UL << 20)
/* Exit code of a probe that reported. */
#define PROBE_EXIT 42
/* Exit code of a vfork child whose execution failed. */
#define VFORK_EXIT 127
/* Seconds: longest episode, then grace before it is considered hung. */
#define EPISODE_SECS 20
#define HANG_GRACE 150
#define CHILD_ALARM 90

/* Operations, counted per errno. */
#define OPS(X)                                                              \
	X(create_ruleset) X(add_rule_path) X(add_rule_net) X(add_rule_bad)  \
	X(restrict) X(restrict_tsync) X(stage_on_exec) X(cancel_on_exec)    \
	X(restrict_bad) X(set_nnp) X(check_nnp) X(clone_thread)             \
	X(thread_exit) X(clone_process) X(observe) X(exec_probe)            \
	X(exec_suid) X(exec_script) X(exec_missing) X(exec_garbage)         \
	X(exec_badinterp) X(exec_noexec) X(exec_dir) X(exec_memfd)          \
	X(exec_memfd_proc) X(vfork_exec_probe) X(memfd_create)              \
	X(memfd_mmap_exec) X(memfd_mprotect_exec) X(memfd_pass)             \
	X(memfd_foreign_mmap) X(unix_bind) X(unix_connect) X(unix_sendto)   \
	X(tcp_bind) X(probe) X(episode)
#define OP_ENUM(n) OP_##n,
#define OP_NAME(n) #n,
enum { OPS(OP_ENUM) NOPS };
static const char *const op_names[] = { OPS(OP_NAME) };

/* Invariant checks, counted when performed. */
#define CHECKS(X)                                                           \
	X(predicted) X(nnp_domain) X(nnp_model) X(memfd_noexec)             \
	X(memfd_foreign) X(failed_exec_nnp) X(probe_universal)              \
	X(probe_exact) X(observe_exact) X(failed_exec_state) X(suid_gain)   \
	X(staged_cleared)
#define CHK_ENUM(n) CHK_##n,
#define CHK_NAME(n) #n,
enum { CHECKS(CHK_ENUM) NCHECKS };
static const char *const check_names[] = { CHECKS(CHK_NAME) };

/* Objects whose access the model predicts, and rule targets. */
enum { O_SOCK, O_BINFILE, O_PROBE, NOBJ };
enum {
	T_ROOT,
	T_PARENT,
	T_WORK,
	T_SOCKDIR,
	T_BINDIR,
	T_PROC,
	T_PROBEFILE,
	NTARGETS
};
static const uint16_t ports[] = { 0, 30000, 30001, 30002 };
#define NPORTS 4

/* Kinds of execution. */
enum {
	EX_PROBE,
	EX_SUID,
	EX_SCRIPT,
	EX_MISSING,
	EX_GARBAGE,
	EX_BADINTERP,
	EX_NOEXEC,
	EX_DIR,
	EX_MEMFD,
	EX_MEMFD_PROC,
};

/* --- Shared memory ------------------------------------------------------ */

/* State of a process incarnation that other processes must see. */
struct pstate {
	uint64_t gen; /* bumped around process-wide operations */
	int32_t inflight; /* process-wide operations in progress */
};

/* An execution attempt, and what its probe must report. */
struct slot {
	uint32_t state; /* 1 attempted, 2 failed, 3 reported */
	int32_t op, thread, pidx;
	uint32_t episode, seq;
	uint64_t gen0;
	int32_t inflight0;
	int32_t certain; /* expectations below are exact */
	int32_t rules_exact; /* exp_connect is exact */
	int32_t vfork_stable; /* vfork: no concurrent change until the exec */
	int32_t exp_errno, exp_layers, exp_nnp, exp_memfd, exp_connect;
	int32_t exp_gain;
};

struct worker_area {
	uint64_t next_id; /* model identifiers of domains */
	uint32_t next_slot, next_pstate;
	struct pstate ps[PSTATES];
	struct slot slots[SLOTS];
};

struct shared {
	uint64_t count[NOPS][NERR];
	uint64_t checks[NCHECKS];
	uint64_t violations;
	uint32_t printed;
	struct worker_area w[MAX_WORKERS];
};

static struct shared *sh;

/* --- Configuration -------------------------------------------------------- */

static struct {
	uint64_t seed;
	int procs, threads, seconds, verbose;
	uid_t uid;
	/* Short paths: socket addresses are built from them. */
	char dir[64];
	char bindir[72], sockdir[72];
	char probe[96], suid[96], script[96];
	char garbage[96], badinterp[96], noexec[96];
	char execdir[96], missing[96];
	char sup[3][96]; /* server sockets: stream, dgram, seqpacket */
	char targets[NTARGETS][96];
	uint32_t covers[NTARGETS]; /* objects covered by a rule on a target */
	bool have_suid;
	int focus; /* focus group of every episode, or -1: random */
	int proc_race; /* /proc/self/fd executions in racy episodes too */
	int dump_fd; /* requests to the dumper, or -1 */
	double start, end; /* monotonic times when the run starts and ends */
	char *image; /* this program, to copy into memfds */
	size_t image_len;
} cfg;

static const int sock_types[3] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };

/* --- Small helpers -------------------------------------------------------- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Prints a line with a single write(2): lines of processes never mix. */
static void say(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(STDOUT_FILENO, buf, n) < 0)
		return;
}

static const char *errname(int err)
{
	const char *n;

	if (!err)
		return "ok";
	n = strerrorname_np(err);
	return n ? n : "E?";
}

/* splitmix64: small, fast, good enough, and reproducible. */
struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? rnd(r) % n : 0;
}

static bool chance(struct rng *r, unsigned int pct)
{
	return below(r, 100) < pct;
}

static uint64_t mix(uint64_t a, uint64_t b)
{
	struct rng r = { a ^ (b * 0x9e3779b97f4a7c15ULL) };

	return rnd(&r);
}

static int ll_create(const void *attr, size_t size, uint32_t flags)
{
	return syscall(SYS_landlock_create_ruleset, attr, size, flags);
}

static int ll_add(int fd, int type, const void *attr, uint32_t flags)
{
	return syscall(SYS_landlock_add_rule, fd, type, attr, flags);
}

static int ll_restrict(int fd, uint32_t flags)
{
	return syscall(SYS_landlock_restrict_self, fd, flags);
}

static int get_nnp(void)
{
	return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
}

static int result(long ret)
{
	return ret < 0 ? errno : 0;
}

/* Sets of errnos (bit 0: success). */
struct eset {
	uint64_t b[(NERR + 63) / 64];
};

static void eset_add(struct eset *e, int err)
{
	if (err >= 0 && err < NERR)
		e->b[err / 64] |= 1ULL << (err % 64);
}

static bool eset_has(const struct eset *e, int err)
{
	return err >= 0 && err < NERR && (e->b[err / 64] >> (err % 64)) & 1;
}

static struct eset eset_of(int err)
{
	struct eset e = {};

	eset_add(&e, err);
	return e;
}

static void eset_str(const struct eset *e, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < NERR && off + 16 < len; i++)
		if (eset_has(e, i))
			off += snprintf(buf + off, len - off, "%s%s",
					off ? "|" : "", errname(i));
}

/* Documented errnos of each operation (allowlist), set by init_allow(). */
static struct eset allow[NOPS];

static void allow_list(int op, ...)
{
	va_list ap;
	int err;

	eset_add(&allow[op], 0);
	va_start(ap, op);
	while ((err = va_arg(ap, int)) >= 0)
		eset_add(&allow[op], err);
	va_end(ap);
}

/* Every errno that execve(2) documents. */
#define EXEC_ERRNOS                                                         \
	E2BIG, EACCES, EAGAIN, EFAULT, EINVAL, EIO, EISDIR, ELIBBAD, ELOOP, \
		EMFILE, ENAMETOOLONG, ENFILE, ENOENT, ENOEXEC, ENOMEM,      \
		ENOTDIR, EPERM, ETXTBSY, EBADF

static void init_allow(void)
{
	int op;

	/* landlock(7) and the kernel-doc of each system call. */
	allow_list(OP_create_ruleset, EOPNOTSUPP, EINVAL, E2BIG, EFAULT, ENOMSG,
		   ENOMEM, EMFILE, ENFILE, -1);
	allow_list(OP_add_rule_path, EOPNOTSUPP, EAFNOSUPPORT, EINVAL, ENOMSG,
		   EBADF, EBADFD, EPERM, EFAULT, ENOMEM, -1);
	allow[OP_add_rule_net] = allow[OP_add_rule_path];
	allow[OP_add_rule_bad] = allow[OP_add_rule_path];
	allow_list(OP_restrict, EOPNOTSUPP, EINVAL, EBADF, EBADFD, EPERM, E2BIG,
		   ENOMEM, -1);
	allow[OP_restrict_tsync] = allow[OP_restrict];
	allow[OP_stage_on_exec] = allow[OP_restrict];
	allow[OP_cancel_on_exec] = allow[OP_restrict];
	allow[OP_restrict_bad] = allow[OP_restrict];
	allow_list(OP_set_nnp, -1);
	allow_list(OP_check_nnp, -1);
	allow_list(OP_clone_thread, EAGAIN, ENOMEM, -1);
	allow_list(OP_thread_exit, -1);
	allow_list(OP_clone_process, EAGAIN, ENOMEM, -1);
	allow_list(OP_observe, EAGAIN, ENOMEM, EMFILE, -1);
	for (op = OP_exec_probe; op <= OP_vfork_exec_probe; op++)
		allow_list(op, EXEC_ERRNOS, -1);
	allow_list(OP_memfd_create, EFAULT, EINVAL, EMFILE, ENFILE, ENOMEM,
		   EPERM, ENOSPC, -1);
	allow_list(OP_memfd_mmap_exec, EACCES, EAGAIN, EINVAL, ENOMEM, EPERM,
		   ENODEV, -1);
	allow[OP_memfd_mprotect_exec] = allow[OP_memfd_mmap_exec];
	allow[OP_memfd_foreign_mmap] = allow[OP_memfd_mmap_exec];
	allow_list(OP_memfd_pass, EAGAIN, ENOBUFS, ENOMEM, ECONNREFUSED, EPIPE,
		   -1);
	allow_list(OP_unix_bind, EACCES, EADDRINUSE, ENOENT, ENOMEM, ENOBUFS,
		   EMFILE, ENFILE, ENOSPC, -1);
	allow_list(OP_unix_connect, EACCES, EPERM, EAGAIN, ECONNREFUSED, ENOENT,
		   EPROTOTYPE, ENOMEM, ENOBUFS, EMFILE, ENFILE, -1);
	allow_list(OP_unix_sendto, EACCES, EPERM, EAGAIN, ECONNREFUSED, ENOENT,
		   EPROTOTYPE, ENOMEM, ENOBUFS, EMFILE, ENFILE, EOPNOTSUPP,
		   ENOTCONN, -1);
	allow_list(OP_tcp_bind, EACCES, EADDRINUSE, ENOMEM, ENOBUFS, EMFILE,
		   ENFILE, EAFNOSUPPORT, -1);
	allow_list(OP_probe, -1);
	allow_list(OP_episode, -1);
}

/* --- Model ---------------------------------------------------------------- */

/* A ruleset, or a layer of a domain (the ruleset when it was enforced). */
struct llayer {
	uint64_t id; /* identifies the domain of this layer (hierarchy) */
	uint64_t fs, net, scoped, denied, quiet_fs, quiet_net;
	uint64_t allowed_fs[NTARGETS];
	uint64_t allowed_net[NPORTS];
	bool fuzzy; /* its rules may differ from the model */
};

/* What a thread is, for Landlock. */
struct tmodel {
	int n;
	struct llayer l[MAX_LAYERS];
	bool staged;
	struct llayer st;
	bool nnp;
	bool exact; /* n, l, staged and st are known */
	bool exact_nnp;
};

static bool model_rules_exact(const struct tmodel *m, bool with_staged)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (m->l[i].fuzzy)
			return false;
	return !(with_staged && m->staged && m->st.fuzzy);
}

/* Whether every layer allows @need on @obj (union of the rules above it). */
static bool layer_fs_allowed(const struct llayer *l, int obj, uint64_t need)
{
	uint64_t handled = l->fs & need, granted = 0;
	int t;

	if (!handled)
		return true;
	for (t = 0; t < NTARGETS; t++)
		if (cfg.covers[t] & (1U << obj))
			granted |= l->allowed_fs[t];
	return !(handled & ~granted);
}

static bool fs_allowed(const struct tmodel *m, int obj, uint64_t need)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (!layer_fs_allowed(&m->l[i], obj, need))
			return false;
	return true;
}

/*
 * The result of executing a file of the exec directory that the kernel
 * refuses with @err once Landlock allows the execution.
 */
static struct eset binfile_exec_result(const struct tmodel *m, int err)
{
	return eset_of(fs_allowed(m, O_BINFILE, EXEC_ACCESS) ? err : EACCES);
}

static bool net_bind_allowed(const struct tmodel *m, int port_idx)
{
	int i;

	for (i = 0; i < m->n; i++)
		if ((m->l[i].net & LANDLOCK_ACCESS_NET_BIND_TCP) &&
		    !(m->l[i].allowed_net[port_idx] &
		      LANDLOCK_ACCESS_NET_BIND_TCP))
			return false;
	return true;
}

static bool model_denies_memfd(const struct tmodel *m, bool with_staged)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (m->l[i].denied & LANDLOCK_DENY_EXECUTE_MEMFD)
			return true;
	return with_staged && m->staged &&
	       (m->st.denied & LANDLOCK_DENY_EXECUTE_MEMFD);
}

/* Domain chain of a socket's creator, to predict the pathname scope. */
struct chain {
	int n;
	uint64_t ids[MAX_LAYERS];
};

/*
 * Predicts a connection to a pathname UNIX socket created by @server (NULL:
 * outside any domain): a layer restricts it if it sets the pathname scope or
 * handles RESOLVE_UNIX, and grants it if the server is in its domain (same
 * domain at that depth) or, when it handles RESOLVE_UNIX, if a rule grants
 * it.  EACCES if a RESOLVE_UNIX layer denies, else EPERM if a scope layer
 * does.
 */
static int unix_predict(const struct llayer *l, int n,
			const struct chain *server)
{
	bool eacces = false, eperm = false;
	int i;

	for (i = 0; i < n; i++) {
		bool resolve = l[i].fs & LANDLOCK_ACCESS_FS_RESOLVE_UNIX;

		if (!resolve &&
		    !(l[i].scoped & LANDLOCK_SCOPE_PATHNAME_UNIX_SOCKET))
			continue;
		if (server && server->n > i && server->ids[i] == l[i].id)
			continue;
		if (resolve) {
			if (!layer_fs_allowed(&l[i], O_SOCK,
					      LANDLOCK_ACCESS_FS_RESOLVE_UNIX))
				eacces = true;
		} else {
			eperm = true;
		}
	}
	return eacces ? EACCES : eperm ? EPERM : 0;
}

/* Describes layers for a violation: id, handled RESOLVE_UNIX, scope, rule. */
static void layers_str(const struct llayer *l, int n, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && off + 32 < len; i++)
		off += snprintf(buf + off, len - off, "%s%llu%s%s%s", i ? "," : "",
				(unsigned long long)l[i].id,
				l[i].fs & LANDLOCK_ACCESS_FS_RESOLVE_UNIX ? "R" : "",
				l[i].scoped & LANDLOCK_SCOPE_PATHNAME_UNIX_SOCKET ?
					"S" :
					"",
				layer_fs_allowed(&l[i], O_SOCK,
						 LANDLOCK_ACCESS_FS_RESOLVE_UNIX) ?
					"" :
					"!");
}

/* --- Per-process state -------------------------------------------------------- */

struct rsent {
	int fd;
	struct llayer m;
	uint32_t version; /* bumped by each rule added */
	int pending; /* rules being added */
};

struct mfdent {
	int fd;
	int deny; /* 1: created under DENY_EXECUTE_MEMFD, 0: not, -1: unknown */
	bool huge, noexec, probe; /* probe: holds this program */
	size_t size;
};

struct skent {
	int fd, type;
	char path[108];
	struct chain chain;
	bool exact;
};

struct thr {
	int idx;
	pthread_t pt;
	bool started, alive, joined;
	struct tmodel m;
	struct rng rng;
	uint32_t seq;
	int op; /* current operation, for the context of violations */
	uint64_t spawn_gen;
	int spawn_inflight;
};

static struct {
	pthread_mutex_t lock;
	int worker, pidx, depth, main_idx;
	uint32_t episode;
	struct worker_area *wa;
	struct pstate *ps;
	bool solo;
	int focus;
	int nthr, max_threads;
	struct thr thr[MAX_THREADS];
	struct rsent rs[MAX_RS];
	int nrs;
	struct mfdent mfd[MAX_MFD];
	int nmfd;
	struct skent sk[MAX_SK];
	int nsk;
	uint32_t sk_serial;
	int ops_left;
	double deadline;
	volatile int stop;
	/* Thread-local restrictions in progress, and their count. */
	int local_inflight;
	uint64_t local_gen;
	int report_fd, memfd_sock;
	int target_fd[NTARGETS];
	int pipe_fd[2]; /* a pipe, as a wrong file descriptor */
} P;

/* Operations so far, all processes together. */
static uint64_t ops_done(void)
{
	uint64_t n = 0;
	int op, e;

	for (op = 0; op < NOPS; op++)
		if (op != OP_probe && op != OP_episode &&
		    op != OP_memfd_foreign_mmap)
			for (e = 0; e < NERR; e++)
				n += __atomic_load_n(&sh->count[op][e],
						     __ATOMIC_RELAXED);
	return n;
}

static void violation(const struct thr *t, int op, const char *fmt, ...)
{
	char msg[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	__atomic_fetch_add(&sh->violations, 1, __ATOMIC_RELAXED);
	if (__atomic_fetch_add(&sh->printed, 1, __ATOMIC_RELAXED) >= 200)
		return;
	say("LLSTRESS-VIOLATION seed=%llu worker=%d episode=%u proc=%d thread=%d seq=%u op=%s time=%.1f ops=%llu: %s",
	    (unsigned long long)cfg.seed, P.worker, P.episode, P.pidx,
	    t ? t->idx : -1, t ? t->seq : 0, op_names[op], now() - cfg.start,
	    (unsigned long long)ops_done(), msg);
}

static void check(int chk)
{
	__atomic_fetch_add(&sh->checks[chk], 1, __ATOMIC_RELAXED);
}

/*
 * Counts the outcome of an operation, checks it against the allowlist, and
 * against the prediction if there is one.
 */
static void account(struct thr *t, int op, int err, const struct eset *pred,
		    const char *what)
{
	char exp[256];

	__atomic_fetch_add(&sh->count[op][err < NERR ? err : NERR - 1], 1,
			   __ATOMIC_RELAXED);
	if (!eset_has(&allow[op], err))
		violation(t, op, "undocumented errno %s (%d)%s%s",
			  errname(err), err, what ? ": " : "",
			  what ? what : "");
	if (!pred)
		return;
	check(CHK_predicted);
	if (eset_has(pred, err))
		return;
	eset_str(pred, exp, sizeof(exp));
	violation(t, op, "got %s, expected %s%s%s", errname(err), exp,
		  what ? ": " : "", what ? what : "");
}

/* Snapshot of the counters that tell whether the model is stable. */
struct snap {
	uint64_t gen;
	int inflight;
};

/*
 * Appends the @size bytes at @entry to the process's pool @array of @max
 * entries, counted by @count.  Returns false if the pool is full: the caller
 * then keeps (and releases) what the entry refers to.
 */
static bool pool_add(void *array, int *count, int max, const void *entry,
		     size_t size)
{
	bool added = false;

	pthread_mutex_lock(&P.lock);
	if (*count < max) {
		memcpy((char *)array + (size_t)*count * size, entry, size);
		(*count)++;
		added = true;
	}
	pthread_mutex_unlock(&P.lock);
	return added;
}

/* Called with P.lock held. */
static struct snap snap_take(void)
{
	struct snap s = {
		.gen = __atomic_load_n(&P.ps->gen, __ATOMIC_ACQUIRE),
		.inflight = __atomic_load_n(&P.ps->inflight, __ATOMIC_ACQUIRE),
	};
	return s;
}

static bool snap_stable(const struct snap *s)
{
	return !s->inflight &&
	       __atomic_load_n(&P.ps->gen, __ATOMIC_ACQUIRE) == s->gen;
}

static bool stable_now(const struct snap *s)
{
	bool r;

	pthread_mutex_lock(&P.lock);
	r = snap_stable(s);
	pthread_mutex_unlock(&P.lock);
	return r;
}

static uint64_t new_id(void)
{
	return __atomic_add_fetch(&P.wa->next_id, 1, __ATOMIC_RELAXED);
}

/* --- Ruleset creation ------------------------------------------------------- */

/* A random access mask: none, a few bits, or all, sometimes invalid. */
static uint64_t rand_mask(struct rng *r, uint64_t valid, int invalid_pct)
{
	uint64_t m;

	switch (below(r, 6)) {
	case 0:
		m = 0;
		break;
	case 1:
		m = valid;
		break;
	default:
		m = rnd(r) & rnd(r) & valid;
		break;
	}
	if (chance(r, invalid_pct))
		m |= (valid + 1) << below(r, 3);
	return m;
}

/*
 * Buffers for system call arguments: a page followed by a PROT_NONE page
 * (attributes that cross into it fault), and a larger one for oversized
 * attributes.
 */
static __thread char *guard_buf, *big_buf;

static void thread_bufs(void)
{
	if (guard_buf)
		return;
	guard_buf = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	big_buf = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard_buf == MAP_FAILED || big_buf == MAP_FAILED) {
		perror("mmap");
		_exit(3);
	}
	mprotect(guard_buf + PAGE, PAGE, PROT_NONE);
}

static void op_create_ruleset(struct thr *t)
{
	struct rng *r = &t->rng;
	struct landlock_ruleset_attr a = {}, eff = {};
	struct eset pred = {};
	size_t size = ATTR_SIZE, tail_nz = 0;
	uint32_t flags = 0;
	char *attr;
	int fd, err, k = below(r, 100);
	bool null = false, fault = false;

	thread_bufs();
	a.handled_access_fs = rand_mask(r, FS_MASK, 4);
	a.handled_access_net = rand_mask(r, NET_MASK, 4);
	a.scoped = rand_mask(r, SCOPE_MASK, 4);
	a.denied = chance(r, 45) ? LANDLOCK_DENY_EXECUTE_MEMFD : 0;
	if (chance(r, 3))
		a.denied |= 2ULL << below(r, 60);
	if (chance(r, 15))
		a.quiet_access_fs = a.handled_access_fs & rnd(r);
	if (chance(r, 10))
		a.quiet_access_net = a.handled_access_net & rnd(r);
	if (chance(r, 10))
		a.quiet_scoped = a.scoped & rnd(r);
	if (chance(r, 3))
		a.quiet_scoped |= SCOPE_MASK & rnd(r);

	/* Sizes: current, ABI 11 (no denied), ABI 1, odd, oversized. */
	if (k < 45)
		size = ATTR_SIZE;
	else if (k < 60)
		size = ATTR_SIZE_V11;
	else if (k < 64)
		size = ATTR_SIZE_V1;
	else if (k < 70)
		size = below(r, ATTR_SIZE + 9);
	else if (k < 78)
		size = 64;
	else if (k < 83)
		size = 64, tail_nz = ATTR_SIZE + below(r, 8);
	else if (k < 86)
		size = PAGE;
	else if (k < 89)
		size = PAGE, tail_nz = ATTR_SIZE + below(r, PAGE - ATTR_SIZE);
	else if (k < 91)
		size = PAGE + 1 + below(r, 64);
	else if (k < 93)
		null = true;
	else if (k < 95)
		fault = true;
	else
		flags = below(r, 5) ? 1U << below(r, 3) : rnd(r);

	if (fault) {
		/* The first bytes are readable, the rest faults. */
		attr = guard_buf + PAGE - 1 - below(r, ATTR_SIZE - 1);
		memcpy(attr, &a, guard_buf + PAGE - attr);
	} else {
		memset(big_buf, 0, size < 3 * PAGE ? size : 3 * PAGE);
		attr = big_buf;
		memcpy(attr, &a, size < ATTR_SIZE ? size : ATTR_SIZE);
		if (tail_nz)
			attr[tail_nz] = 1 + below(r, 255);
	}
	if (null)
		attr = NULL;
	if (flags) {
		/* Version and errata requests take no attribute. */
		if (below(r, 3)) {
			attr = NULL;
			size = 0;
		}
	}

	/* The syscall's checks (landlock_create_ruleset(2)). */
	memcpy(&eff, &a, size < ATTR_SIZE ? size : ATTR_SIZE);
	if (flags) {
		if (attr || size)
			pred = eset_of(EINVAL);
		else if (flags == LANDLOCK_CREATE_RULESET_VERSION ||
			 flags == LANDLOCK_CREATE_RULESET_ERRATA)
			pred = eset_of(0);
		else
			pred = eset_of(EINVAL);
	} else if (!attr) {
		pred = eset_of(EFAULT);
	} else if (size < ATTR_SIZE_V1) {
		pred = eset_of(EINVAL);
	} else if (size > PAGE) {
		pred = eset_of(E2BIG);
	} else if (fault) {
		pred = eset_of(EFAULT);
	} else if (tail_nz && tail_nz < size) {
		pred = eset_of(E2BIG);
	} else if ((eff.handled_access_fs & ~FS_MASK) ||
		   (eff.handled_access_net & ~NET_MASK) ||
		   (eff.scoped & ~SCOPE_MASK) || (eff.denied & ~DENIED_MASK) ||
		   (eff.quiet_access_fs & ~eff.handled_access_fs) ||
		   (eff.quiet_access_net & ~eff.handled_access_net) ||
		   (eff.quiet_scoped & ~eff.scoped)) {
		pred = eset_of(EINVAL);
	} else if (!eff.handled_access_fs && !eff.handled_access_net &&
		   !eff.scoped && !eff.denied) {
		pred = eset_of(ENOMSG);
	} else {
		pred = eset_of(0);
	}

	fd = ll_create(attr, size, flags);
	err = result(fd);
	account(t, OP_create_ruleset, err, &pred, NULL);
	if (fd < 0)
		return;
	if (flags) {
		if (flags == LANDLOCK_CREATE_RULESET_VERSION &&
		    fd != ABI_VERSION)
			violation(t, OP_create_ruleset, "ABI version %d", fd);
		return;
	}

	pthread_mutex_lock(&P.lock);
	if (P.nrs < MAX_RS) {
		struct rsent *e = &P.rs[P.nrs++];

		memset(e, 0, sizeof(*e));
		e->fd = fd;
		e->m.fs = eff.handled_access_fs;
		e->m.net = eff.handled_access_net;
		e->m.scoped = eff.scoped;
		e->m.denied = eff.denied;
		e->m.quiet_fs = eff.quiet_access_fs;
		e->m.quiet_net = eff.quiet_access_net;
		fd = -1;
	}
	pthread_mutex_unlock(&P.lock);
	if (fd >= 0)
		close(fd);
}

/* --- Rules -------------------------------------------------------------------- */

/* Wrong file descriptors, and what Landlock must say about them. */
enum { FD_GOOD, FD_MINUS1, FD_CLOSED, FD_PIPE, FD_MEMFD, FD_SOCKET, FD_RS };

static int bad_fd(struct thr *t, int kind, int *tmp)
{
	*tmp = -1;
	switch (kind) {
	case FD_MINUS1:
		return -1;
	case FD_CLOSED:
		return 1000 + below(&t->rng, 1000);
	case FD_PIPE:
		return P.pipe_fd[0];
	case FD_MEMFD:
		*tmp = memfd_create("llstress-badfd", MFD_CLOEXEC);
		return *tmp;
	case FD_SOCKET:
		*tmp = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		return *tmp;
	}
	return -1;
}

/* Picks a ruleset of the table; returns its index or -1. */
static int pick_rs(struct thr *t)
{
	int i;

	pthread_mutex_lock(&P.lock);
	i = P.nrs ? (int)below(&t->rng, P.nrs) : -1;
	pthread_mutex_unlock(&P.lock);
	return i;
}

static void add_rule(struct thr *t, int op, bool net, bool bad)
{
	struct rng *r = &t->rng;
	struct landlock_path_beneath_attr pb = {};
	struct landlock_net_port_attr np = {};
	struct llayer m;
	struct eset pred;
	int ri = pick_rs(t), fd, type, target = -1, port_idx = -1;
	int fdkind = FD_GOOD, pkind = FD_GOOD, tmp1 = -1, tmp2 = -1, ret;
	uint32_t flags = 0;
	void *attr;
	uint64_t allowed;
	bool file_target = false;

	if (ri < 0)
		return;
	thread_bufs();
	pthread_mutex_lock(&P.lock);
	m = P.rs[ri].m;
	fd = P.rs[ri].fd;
	P.rs[ri].pending++;
	pthread_mutex_unlock(&P.lock);

	type = net ? LANDLOCK_RULE_NET_PORT : LANDLOCK_RULE_PATH_BENEATH;
	/* Useful rules most of the time, random ones otherwise. */
	if (net) {
		allowed = chance(r, 60) ? m.net : rnd(r) & m.net;
	} else {
		target = below(r, NTARGETS);
		file_target = target == T_PROBEFILE;
		switch (below(r, 4)) {
		case 0:
			allowed = m.fs;
			break;
		case 1:
			allowed = m.fs & (target == T_SOCKDIR ?
						  LANDLOCK_ACCESS_FS_MAKE_SOCK |
							  LANDLOCK_ACCESS_FS_RESOLVE_UNIX :
						  EXEC_ACCESS);
			break;
		default:
			allowed = m.fs & rnd(r);
			break;
		}
		if (file_target && chance(r, 80))
			allowed &= ACCESS_FILE;
	}
	if (chance(r, 5))
		allowed |= 1ULL << below(r, 20);
	if (chance(r, 4))
		allowed = 0;
	if (chance(r, 8))
		flags = LANDLOCK_ADD_RULE_QUIET;
	if (bad) {
		switch (below(r, 6)) {
		case 0:
			fdkind = 1 + below(r, 4);
			break;
		case 1:
			type = chance(r, 50) ? 0 : 3 + below(r, 100);
			break;
		case 2:
			flags = chance(r, 50) ? 2 : rnd(r);
			break;
		case 3:
			pkind = 1 + below(r, 6);
			break;
		default:
			break;
		}
	}

	if (net) {
		if (chance(r, 90)) {
			port_idx = below(r, NPORTS);
			np.port = ports[port_idx];
		} else {
			np.port = chance(r, 50) ? 65536 + below(r, 1000) : rnd(r);
		}
		np.allowed_access = allowed;
		attr = &np;
	} else {
		pb.allowed_access = allowed;
		if (pkind == FD_RS)
			pb.parent_fd = fd;
		else if (pkind != FD_GOOD)
			pb.parent_fd = bad_fd(t, pkind, &tmp2);
		else
			pb.parent_fd = P.target_fd[target];
		attr = &pb;
	}
	if (bad && chance(r, 25))
		attr = chance(r, 50) ? NULL : guard_buf + PAGE;
	if (fdkind == FD_RS)
		fdkind = FD_PIPE;
	if (fdkind != FD_GOOD)
		fd = bad_fd(t, fdkind, &tmp1);

	/* The syscall's checks (landlock_add_rule(2)), in order. */
	if (flags & ~LANDLOCK_ADD_RULE_QUIET)
		pred = eset_of(EINVAL);
	else if (fdkind == FD_MINUS1 || fdkind == FD_CLOSED)
		pred = eset_of(EBADF);
	else if (fdkind != FD_GOOD)
		pred = eset_of(EBADFD);
	else if (type != LANDLOCK_RULE_PATH_BENEATH &&
		 type != LANDLOCK_RULE_NET_PORT)
		pred = eset_of(EINVAL);
	else if (!attr || attr == guard_buf + PAGE)
		pred = eset_of(EFAULT);
	else if (!flags && !allowed)
		pred = eset_of(ENOMSG);
	else if (allowed & ~(type == LANDLOCK_RULE_NET_PORT ? m.net : m.fs))
		pred = eset_of(EINVAL);
	else if ((flags & LANDLOCK_ADD_RULE_QUIET) &&
		 !(type == LANDLOCK_RULE_NET_PORT ? m.quiet_net : m.quiet_fs))
		pred = eset_of(EINVAL);
	else if (type == LANDLOCK_RULE_NET_PORT)
		pred = eset_of(np.port > 65535 ? EINVAL : 0);
	else if (pkind == FD_MINUS1 || pkind == FD_CLOSED)
		pred = eset_of(EBADF);
	else if (pkind != FD_GOOD)
		pred = eset_of(EBADFD);
	else if (file_target && (allowed & ~ACCESS_FILE))
		pred = eset_of(EINVAL);
	else
		pred = eset_of(0);
	ret = ll_add(fd, type, attr, flags);
	/* Unless the wrong parent could not even be made. */
	account(t, op, result(ret),
		!net && (pkind == FD_MEMFD || pkind == FD_SOCKET) && tmp2 < 0 ?
			NULL :
			&pred,
		NULL);
	if (tmp1 >= 0)
		close(tmp1);
	if (tmp2 >= 0)
		close(tmp2);

	pthread_mutex_lock(&P.lock);
	if (!ret) {
		if (type == LANDLOCK_RULE_NET_PORT) {
			if (port_idx >= 0)
				P.rs[ri].m.allowed_net[port_idx] |= allowed;
		} else {
			P.rs[ri].m.allowed_fs[target] |= allowed;
		}
		P.rs[ri].version++;
	}
	P.rs[ri].pending--;
	pthread_mutex_unlock(&P.lock);
}

/* --- Restrictions -------------------------------------------------------------- */

/* Marks every thread's model as unknown (after overlapping operations). */
static void all_inexact(void)
{
	int i;

	for (i = 0; i < MAX_THREADS; i++) {
		P.thr[i].m.exact = false;
		P.thr[i].m.exact_nnp = false;
	}
}

static bool any_thread_full(bool *certain)
{
	int i;
	bool full = false;

	*certain = true;
	for (i = 0; i < MAX_THREADS; i++) {
		/* A thread that is exiting may still count. */
		if (!P.thr[i].alive && P.thr[i].started && !P.thr[i].joined &&
		    P.thr[i].m.n >= MAX_LAYERS)
			*certain = false;
		if (!P.thr[i].alive)
			continue;
		if (!P.thr[i].m.exact)
			*certain = false;
		if (P.thr[i].m.n >= MAX_LAYERS)
			full = true;
	}
	return full;
}

/*
 * Applies a successful landlock_restrict_self(2) to the models: @l is the
 * ruleset as the kernel copied it.  Called with P.lock held.
 */
static void apply_restrict(struct thr *t, int fdkind, uint32_t flags,
			   bool log_only, const struct llayer *l)
{
	const bool caller_nnp = t->m.nnp, caller_nnp_exact = t->m.exact_nnp;
	bool propagate;
	int i;

	if (flags & LANDLOCK_RESTRICT_SELF_ON_EXEC) {
		/*
		 * Staged (or cancelled) for every thread; staging propagates
		 * the caller's no_new_privs, as thread-sync does.
		 */
		const bool stage = fdkind == FD_GOOD;

		for (i = 0; i < MAX_THREADS; i++) {
			struct thr *o = &P.thr[i];

			if (!o->alive)
				continue;
			o->m.staged = stage;
			if (!stage)
				continue;
			o->m.st = *l;
			if (caller_nnp) {
				o->m.nnp = true;
				o->m.exact_nnp = true;
			} else if (!caller_nnp_exact) {
				o->m.exact_nnp = false;
			}
		}
		return;
	}

	if (!log_only) {
		if (t->m.n < MAX_LAYERS)
			t->m.l[t->m.n++] = *l;
		else
			t->m.exact = false;
	}
	if (flags & LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS)
		t->m.nnp = true;
	if (!(flags & LANDLOCK_RESTRICT_SELF_TSYNC))
		return;

	/* Every other thread gets the caller's domain and staged state. */
	propagate = (flags & LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS) || caller_nnp;
	for (i = 0; i < MAX_THREADS; i++) {
		struct thr *o = &P.thr[i];

		if (!o->alive || o == t)
			continue;
		o->m.n = t->m.n;
		memcpy(o->m.l, t->m.l, sizeof(o->m.l));
		o->m.staged = t->m.staged;
		o->m.st = t->m.st;
		o->m.exact = t->m.exact;
		if (propagate) {
			o->m.nnp = true;
			o->m.exact_nnp = true;
		} else if (!caller_nnp_exact) {
			o->m.exact_nnp = false;
		}
	}
}

/*
 * One landlock_restrict_self(2) call, any flavour: immediate, thread-sync,
 * staged (ON_EXEC), cancel, log-only, wrong arguments.
 *
 * Operations that change other threads (thread-sync, staging, cancelling)
 * bump the generation before and after their system call, and a thread-local
 * restriction counts itself in local_inflight/local_gen: an operation that
 * overlaps another one of them has no prediction, and leaves the models
 * unknown when the order of the two matters.
 */
static void do_restrict(struct thr *t, int op, int fdkind, uint32_t flags)
{
	struct tmodel m;
	struct llayer l = {};
	struct eset pred = {};
	struct snap s0;
	uint64_t my_gen = 0, lgen0 = 0, v0 = 0;
	int fd = -1, tmp = -1, ri = -1, ret, err, linflight0 = 0;
	bool process_wide, certain, full_certain = true, full = false;
	bool log_only, p0 = false, overlap;

	if (fdkind == FD_GOOD) {
		ri = pick_rs(t);
		if (ri < 0) {
			/* Nothing to enforce yet: make a ruleset first. */
			op_create_ruleset(t);
			ri = pick_rs(t);
		}
		if (ri < 0)
			fdkind = FD_MINUS1;
	}
	process_wide = (flags & (LANDLOCK_RESTRICT_SELF_TSYNC |
				 LANDLOCK_RESTRICT_SELF_ON_EXEC)) &&
		       !(flags & ~RESTRICT_MASK);
	log_only = !(flags & LANDLOCK_RESTRICT_SELF_ON_EXEC) &&
		   fdkind == FD_MINUS1 &&
		   (flags & ~LANDLOCK_RESTRICT_SELF_TSYNC) ==
			   LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF;

	pthread_mutex_lock(&P.lock);
	s0 = snap_take();
	m = t->m;
	if (ri >= 0) {
		fd = P.rs[ri].fd;
		l = P.rs[ri].m;
		v0 = P.rs[ri].version;
		p0 = P.rs[ri].pending;
	}
	if (flags & LANDLOCK_RESTRICT_SELF_ON_EXEC)
		full = any_thread_full(&full_certain);
	if (process_wide) {
		P.ps->inflight++;
		my_gen = ++P.ps->gen;
		lgen0 = P.local_gen;
		linflight0 = P.local_inflight;
	} else {
		P.local_inflight++;
		P.local_gen++;
	}
	pthread_mutex_unlock(&P.lock);
	if (fdkind != FD_GOOD && fdkind != FD_MINUS1)
		fd = bad_fd(t, fdkind, &tmp);

	/* The syscall's checks (landlock_restrict_self(2)), in order. */
	certain = m.exact && m.exact_nnp;
	if (flags & ~RESTRICT_MASK) {
		pred = eset_of(EINVAL);
		certain = true;
	} else if (flags & LANDLOCK_RESTRICT_SELF_ON_EXEC) {
		if (fdkind == FD_MINUS1) {
			/* Cancelling needs no permission. */
			pred = eset_of(flags & ~(LANDLOCK_RESTRICT_SELF_ON_EXEC |
						 LANDLOCK_RESTRICT_SELF_TSYNC) ?
					       EINVAL :
					       0);
			certain = true;
		} else if (!m.nnp &&
			   !(flags & LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS)) {
			pred = eset_of(EPERM);
		} else if (fdkind == FD_CLOSED) {
			pred = eset_of(EBADF);
		} else if (fdkind != FD_GOOD) {
			pred = eset_of(EBADFD);
		} else {
			/* The staged layer must fit on every thread. */
			pred = eset_of(full ? E2BIG : 0);
			if (!full_certain)
				certain = false;
		}
	} else if (!m.nnp && !(flags & LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS)) {
		pred = eset_of(EPERM);
	} else if (log_only) {
		pred = eset_of(0);
	} else if (fdkind == FD_MINUS1 || fdkind == FD_CLOSED) {
		pred = eset_of(EBADF);
	} else if (fdkind != FD_GOOD) {
		pred = eset_of(EBADFD);
	} else if ((m.staged && m.n >= MAX_LAYERS - 1) || m.n >= MAX_LAYERS) {
		pred = eset_of(E2BIG);
	} else {
		pred = eset_of(0);
	}
	/* no_new_privs decides alone when it is missing. */
	if (!certain && m.exact_nnp && eset_has(&pred, EPERM))
		certain = true;

	ret = ll_restrict(fd, flags);
	err = result(ret);
	if (tmp >= 0)
		close(tmp);

	pthread_mutex_lock(&P.lock);
	if (process_wide) {
		overlap = P.ps->gen != my_gen || s0.inflight || linflight0 ||
			  P.local_gen != lgen0;
	} else {
		P.local_inflight--;
		overlap = !snap_stable(&s0);
	}
	if (overlap && !(flags & ~RESTRICT_MASK))
		certain = false;
	account(t, op, err, certain ? &pred : NULL, NULL);
	if (!ret) {
		if (ri >= 0) {
			/* Rules added meanwhile may or may not be in. */
			l.fuzzy = l.fuzzy || p0 || P.rs[ri].version != v0 ||
				  P.rs[ri].pending;
			l.id = new_id();
		}
		apply_restrict(t, fdkind, flags, log_only, &l);
		if (overlap) {
			if (process_wide)
				all_inexact();
			else
				t->m.exact = false;
		}
	}
	if (process_wide) {
		P.ps->gen++;
		P.ps->inflight--;
	}
	pthread_mutex_unlock(&P.lock);
}

static uint32_t rand_log_flags(struct rng *r)
{
	return chance(r, 25) ? below(r, 8) : 0;
}

static void op_restrict(struct thr *t, int op)
{
	struct rng *r = &t->rng;
	uint32_t flags = rand_log_flags(r);

	if (chance(r, 35))
		flags |= LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS;
	switch (op) {
	case OP_restrict:
		do_restrict(t, op, FD_GOOD, flags);
		break;
	case OP_restrict_tsync:
		flags |= LANDLOCK_RESTRICT_SELF_TSYNC;
		/* Also the log-only configuration of every thread. */
		if (chance(r, 10))
			do_restrict(t, op, FD_MINUS1,
				    LANDLOCK_RESTRICT_SELF_TSYNC |
					    LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF);
		else
			do_restrict(t, op, FD_GOOD, flags);
		break;
	case OP_stage_on_exec:
		flags |= LANDLOCK_RESTRICT_SELF_ON_EXEC;
		if (chance(r, 40))
			flags |= LANDLOCK_RESTRICT_SELF_TSYNC;
		do_restrict(t, op, FD_GOOD, flags);
		break;
	case OP_cancel_on_exec:
		flags = LANDLOCK_RESTRICT_SELF_ON_EXEC;
		if (chance(r, 40))
			flags |= LANDLOCK_RESTRICT_SELF_TSYNC;
		if (chance(r, 10))
			flags |= 1U << below(r, 5); /* EINVAL but TSYNC */
		do_restrict(t, op, FD_MINUS1, flags);
		break;
	case OP_restrict_bad:
		if (chance(r, 30))
			flags |= 1U << (6 + below(r, 26));
		if (chance(r, 30))
			flags |= LANDLOCK_RESTRICT_SELF_ON_EXEC;
		do_restrict(t, op, 1 + below(r, 4), flags);
		break;
	}
}

static void op_set_nnp(struct thr *t)
{
	int ret = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);

	account(t, OP_set_nnp, result(ret), NULL, NULL);
	pthread_mutex_lock(&P.lock);
	if (!ret)
		t->m.nnp = true;
	pthread_mutex_unlock(&P.lock);
}

/* no_new_privs as the model says, and always with a domain. */
static void op_check_nnp(struct thr *t)
{
	struct tmodel m;
	struct snap s0;
	int nnp;

	pthread_mutex_lock(&P.lock);
	s0 = snap_take();
	m = t->m;
	pthread_mutex_unlock(&P.lock);
	nnp = get_nnp();
	account(t, OP_check_nnp, result(nnp), NULL, NULL);
	if (!stable_now(&s0))
		return;
	if (m.exact_nnp) {
		check(CHK_nnp_model);
		if (nnp != m.nnp)
			violation(t, OP_check_nnp,
				  "no_new_privs is %d, expected %d (layers %d)",
				  nnp, m.nnp, m.n);
	}
	if (m.exact && m.n > 0) {
		check(CHK_nnp_domain);
		if (nnp != 1)
			violation(t, OP_check_nnp,
				  "in a domain (%d layers) without no_new_privs",
				  m.n);
	}
}

/* --- Probe: the program after an execution ------------------------------- */

struct probe_report {
	uint32_t magic;
	uint32_t slot;
	int32_t worker, nnp, ruid, euid;
	int32_t layers, staged, memfd_err, connect_err, err;
	char what[64];
};
#define PROBE_MAGIC 0x11570b3eU

/* Number of layers that can still be added (until E2BIG), or -errno. */
static int count_restrictions(int *last_err)
{
	const struct landlock_ruleset_attr a = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_BLOCK,
	};
	int fd = ll_create(&a, sizeof(a), 0), n = 0;

	*last_err = 0;
	if (fd < 0) {
		*last_err = errno;
		return -1;
	}
	while (n <= MAX_LAYERS) {
		if (ll_restrict(fd, 0)) {
			*last_err = errno;
			break;
		}
		n++;
	}
	close(fd);
	return n;
}

/*
 * Counts the layers of the calling process: with no_new_privs (set first if
 * needed), a forked child counts how many layers still fit with the staged
 * restriction, then this process cancels it and counts again.
 */
static int measure(int *layers, int *staged, char *what, size_t len)
{
	int c1 = -1, c2, e1 = 0, e2, st, pfd[2];
	pid_t pid;

	if (!get_nnp() && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return snprintf(what, len, "set no_new_privs: %s",
				errname(errno)),
		       -1;
	if (pipe2(pfd, O_CLOEXEC))
		return snprintf(what, len, "pipe: %s", errname(errno)), -1;
	pid = fork();
	if (pid == 0) {
		int v[2];

		alarm(CHILD_ALARM);
		v[0] = count_restrictions(&v[1]);
		if (write(pfd[1], v, sizeof(v)) != sizeof(v))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	if (pid > 0) {
		int v[2];

		if (read(pfd[0], v, sizeof(v)) == sizeof(v)) {
			c1 = v[0];
			e1 = v[1];
		}
		waitpid(pid, &st, 0);
	}
	close(pfd[0]);
	if (ll_restrict(-1, LANDLOCK_RESTRICT_SELF_ON_EXEC))
		return snprintf(what, len, "cancel: %s", errname(errno)), -1;
	c2 = count_restrictions(&e2);
	if (c1 < 0 || c2 < 0)
		return snprintf(what, len, "count failed: %s %s", errname(e1),
				errname(e2)),
		       -1;
	if (e1 != E2BIG || e2 != E2BIG)
		return snprintf(what, len,
				"restrict stopped with %s and %s, not E2BIG",
				errname(e1), errname(e2)),
		       -1;
	*layers = MAX_LAYERS - c2;
	*staged = c2 - c1;
	return 0;
}

static int probe_memfd(void)
{
	int fd = memfd_create("llstress-probe", MFD_CLOEXEC), err = 0;
	void *p;

	if (fd < 0)
		return errno;
	if (ftruncate(fd, PAGE))
		err = errno;
	p = mmap(NULL, PAGE, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		err = errno;
	else
		munmap(p, PAGE);
	close(fd);
	return err;
}

static int probe_connect(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0),
	    err = 0;

	if (fd < 0)
		return errno;
	strncpy(addr.sun_path, path, sizeof(addr.sun_path) - 1);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		err = errno;
	close(fd);
	return err;
}

/* argv: PROG --probe SLOT WORKER FD SERVER-SOCKET (after a script: shifted) */
static int probe_main(int argc, char **argv)
{
	struct probe_report rep = { .magic = PROBE_MAGIC };
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	int fd;

	alarm(CHILD_ALARM);
	/* Observed first: nothing below must change it. */
	rep.nnp = get_nnp();
	getresuid(&ruid, &euid, &suid);
	getresgid(&rgid, &egid, &sgid);
	rep.ruid = ruid;
	rep.euid = euid;
	/* Gained privileges are dropped right away. */
	if ((euid != ruid || egid != rgid) &&
	    (setresgid(rgid, rgid, rgid) || setresuid(ruid, ruid, ruid)))
		_exit(3);
	if (argc < 6)
		_exit(2);
	rep.slot = strtoul(argv[2], NULL, 10);
	rep.worker = atoi(argv[3]);
	fd = atoi(argv[4]);
	rep.memfd_err = probe_memfd();
	rep.connect_err = probe_connect(argv[5]);
	rep.layers = rep.staged = -1;
	if (measure(&rep.layers, &rep.staged, rep.what, sizeof(rep.what)))
		rep.err = 1;
	if (write(fd, &rep, sizeof(rep)) != sizeof(rep))
		_exit(4);
	_exit(PROBE_EXIT);
}

/* --- Executions -------------------------------------------------------------- */

static struct slot *slot_alloc(struct thr *t, int op, uint32_t *idx)
{
	struct slot *s;

	*idx = __atomic_fetch_add(&P.wa->next_slot, 1, __ATOMIC_RELAXED) %
	       SLOTS;
	s = &P.wa->slots[*idx];
	memset(s, 0, sizeof(*s));
	s->op = op;
	s->thread = t->idx;
	s->pidx = P.pidx;
	s->episode = P.episode;
	s->seq = t->seq;
	return s;
}

/* Picks a memfd of the table (-1 if none). */
static int pick_mfd(struct thr *t, struct mfdent *out, bool no_huge)
{
	int i, n;

	pthread_mutex_lock(&P.lock);
	n = P.nmfd;
	i = n ? (int)below(&t->rng, n) : -1;
	if (i >= 0 && no_huge && P.mfd[i].huge)
		i = -1;
	if (i >= 0)
		*out = P.mfd[i];
	pthread_mutex_unlock(&P.lock);
	return i;
}

static void op_observe(struct thr *t, int chk);

/*
 * Executes one of the test programs; a successful execution runs the probe
 * (or, with @use_vfork, a vfork child does, and this thread goes on).
 */
static void op_exec(struct thr *t, int op, int kind, bool use_vfork)
{
	char slotstr[16], workerstr[16], fdstr[16], procpath[64];
	char *argv[8], *envp[] = { NULL };
	const char *path = NULL;
	struct mfdent mf = {};
	struct tmodel m;
	struct snap s0;
	struct slot *s;
	struct eset pred = {};
	uint32_t idx;
	int err, nnp_after, i = 0;
	bool certain, predicted = true, landlock_ok, gain = false;
	volatile int verr = 0;
	pid_t pid;

	if (kind == EX_SUID && !cfg.have_suid)
		kind = EX_PROBE;
	if ((kind == EX_MEMFD || kind == EX_MEMFD_PROC) &&
	    pick_mfd(t, &mf, true) < 0)
		return;

	pthread_mutex_lock(&P.lock);
	s0 = snap_take();
	m = t->m;
	pthread_mutex_unlock(&P.lock);
	certain = m.exact && m.exact_nnp && !s0.inflight;

	/* What the execution must do, from the domain before it. */
	switch (kind) {
	case EX_PROBE:
		path = cfg.probe;
		landlock_ok = fs_allowed(&m, O_PROBE, EXEC_ACCESS);
		pred = eset_of(landlock_ok ? 0 : EACCES);
		break;
	case EX_SUID:
		path = cfg.suid;
		landlock_ok = fs_allowed(&m, O_BINFILE, EXEC_ACCESS);
		if (!landlock_ok)
			pred = eset_of(EACCES);
		else if (m.staged && !m.nnp)
			pred = eset_of(EPERM);
		else
			pred = eset_of(0);
		gain = !m.nnp && !m.staged;
		break;
	case EX_SCRIPT:
		path = cfg.script;
		landlock_ok = fs_allowed(&m, O_BINFILE, EXEC_ACCESS) &&
			      fs_allowed(&m, O_PROBE, EXEC_ACCESS);
		pred = eset_of(landlock_ok ? 0 : EACCES);
		break;
	case EX_MISSING:
		path = cfg.missing;
		pred = eset_of(ENOENT);
		break;
	case EX_GARBAGE:
		path = cfg.garbage;
		pred = binfile_exec_result(&m, ENOEXEC);
		break;
	case EX_BADINTERP:
		path = cfg.badinterp;
		pred = binfile_exec_result(&m, ENOENT);
		break;
	case EX_NOEXEC:
	case EX_DIR:
		path = kind == EX_NOEXEC ? cfg.noexec : cfg.execdir;
		pred = eset_of(EACCES);
		break;
	case EX_MEMFD:
	case EX_MEMFD_PROC:
		/* Not the caller's domain: the memfd's creator's. */
		if (mf.deny < 0) {
			predicted = false;
			if (!mf.probe || mf.noexec) {
				pred = eset_of(EACCES);
				eset_add(&pred, ENOEXEC);
				predicted = true;
			}
		} else if (mf.deny || mf.noexec) {
			pred = eset_of(EACCES);
		} else {
			pred = eset_of(mf.probe ? 0 : ENOEXEC);
		}
		if (kind == EX_MEMFD_PROC) {
			snprintf(procpath, sizeof(procpath), "/proc/self/fd/%d",
				 mf.fd);
			path = procpath;
		}
		break;
	}
	if (kind != EX_MEMFD && kind != EX_MEMFD_PROC && kind != EX_MISSING &&
	    kind != EX_NOEXEC && kind != EX_DIR && !model_rules_exact(&m, false))
		certain = false;

	s = slot_alloc(t, op, &idx);
	s->gen0 = s0.gen;
	s->inflight0 = s0.inflight;
	s->certain = certain && predicted;
	s->exp_errno = eset_has(&pred, 0) ? 0 : -1;
	s->exp_layers = m.n + m.staged;
	s->exp_nnp = m.nnp || m.staged;
	s->exp_memfd = model_denies_memfd(&m, true) ? EACCES : 0;
	s->rules_exact = model_rules_exact(&m, true);
	if (m.n + m.staged <= MAX_LAYERS) {
		struct llayer l[MAX_LAYERS + 1];

		memcpy(l, m.l, sizeof(m.l[0]) * m.n);
		if (m.staged)
			l[m.n] = m.st;
		s->exp_connect = unix_predict(l, m.n + m.staged, NULL);
	}
	s->exp_gain = gain;
	__atomic_store_n(&s->state, 1, __ATOMIC_RELEASE);

	snprintf(slotstr, sizeof(slotstr), "%u", idx);
	snprintf(workerstr, sizeof(workerstr), "%d", P.worker);
	snprintf(fdstr, sizeof(fdstr), "%d", P.report_fd);
	argv[i++] = kind == EX_MEMFD ? "llstress-memfd" : (char *)path;
	argv[i++] = "--probe";
	argv[i++] = slotstr;
	argv[i++] = workerstr;
	argv[i++] = fdstr;
	argv[i++] = cfg.sup[0];
	argv[i] = NULL;

	if (use_vfork) {
		pid = vfork();
		if (pid == 0) {
			/* A hung execution dies, and the root sees it. */
			alarm(CHILD_ALARM);
			if (kind == EX_MEMFD)
				syscall(SYS_execveat, mf.fd, "", argv, envp,
					AT_EMPTY_PATH);
			else
				execve(path, argv, envp);
			verr = errno;
			_exit(VFORK_EXIT);
		}
		if (pid < 0) {
			s->state = 2;
			account(t, op, errno, NULL, "vfork");
			return;
		}
		err = verr;
		/* The child's credentials were prepared before it released us. */
		s->vfork_stable = stable_now(&s0);
		if (!err) {
			/* The probe reports to the worker root. */
			return;
		}
	} else {
		if (kind == EX_MEMFD)
			syscall(SYS_execveat, mf.fd, "", argv, envp,
				AT_EMPTY_PATH);
		else
			execve(path, argv, envp);
		err = errno;
	}
	/* The execution failed: nothing may have changed. */
	__atomic_store_n(&s->state, 2, __ATOMIC_RELEASE);
	nnp_after = get_nnp();
	if (!stable_now(&s0))
		certain = false;
	account(t, op, err, certain && predicted ? &pred : NULL, path);
	if (certain && m.exact_nnp) {
		check(CHK_failed_exec_nnp);
		if (nnp_after != m.nnp)
			violation(t, op,
				  "failed execution (%s) changed no_new_privs: %d -> %d",
				  errname(err), m.nnp, nnp_after);
	}
	/* Sometimes, right away: domain and staged restriction unchanged. */
	if ((m.staged || m.n) && chance(&t->rng, 30))
		op_observe(t, CHK_failed_exec_state);
}

/* --- Observation: the state of a thread, from a forked child ---------------- */

static void op_observe(struct thr *t, int chk)
{
	struct tmodel m;
	struct snap s0;
	int pfd[2], v[5] = {}, st, layers, staged;
	bool stable;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC)) {
		account(t, OP_observe, errno, NULL, "pipe");
		return;
	}
	pthread_mutex_lock(&P.lock);
	s0 = snap_take();
	m = t->m;
	pthread_mutex_unlock(&P.lock);
	pid = fork();
	if (pid == 0) {
		char what[64];

		alarm(CHILD_ALARM);
		v[0] = get_nnp();
		v[3] = measure(&v[1], &v[2], what, sizeof(what));
		if (write(pfd[1], v, sizeof(v)) != sizeof(v))
			_exit(1);
		_exit(0);
	}
	stable = stable_now(&s0);
	close(pfd[1]);
	if (pid < 0) {
		account(t, OP_observe, errno, NULL, "fork");
		close(pfd[0]);
		return;
	}
	if (read(pfd[0], v, sizeof(v)) != sizeof(v))
		v[3] = -2;
	close(pfd[0]);
	waitpid(pid, &st, 0);
	account(t, OP_observe, 0, NULL, NULL);
	if (v[3]) {
		violation(t, OP_observe, "observer failed (%d)", v[3]);
		return;
	}
	layers = v[1];
	staged = v[2];
	if (layers > 0) {
		check(CHK_nnp_domain);
		if (v[0] != 1)
			violation(t, OP_observe,
				  "in a domain (%d layers) without no_new_privs",
				  layers);
	}
	if (!stable || !m.exact || !m.exact_nnp)
		return;
	check(chk);
	if (layers != m.n || staged != m.staged || v[0] != m.nnp)
		violation(t, OP_observe,
			  "layers %d staged %d nnp %d, expected %d %d %d%s",
			  layers, staged, v[0], m.n, m.staged, m.nnp,
			  chk == CHK_failed_exec_state ?
				  " (after a failed execution)" :
				  "");
}

/* --- memfds ------------------------------------------------------------------ */

static void op_memfd_create(struct thr *t)
{
	struct rng *r = &t->rng;
	static const unsigned int choices[] = {
		0, MFD_CLOEXEC, MFD_ALLOW_SEALING, MFD_EXEC, MFD_NOEXEC_SEAL,
		MFD_HUGETLB, MFD_EXEC | MFD_CLOEXEC, MFD_HUGETLB | MFD_CLOEXEC,
	};
	struct mfdent e = {};
	struct tmodel m;
	struct snap s0;
	struct eset pred;
	unsigned int flags = choices[below(r, 8)] | MFD_CLOEXEC;
	int fd, err;

	if (chance(r, 5))
		flags = chance(r, 50) ? MFD_EXEC | MFD_NOEXEC_SEAL : 0x20;
	pred = eset_of((flags & MFD_EXEC && flags & MFD_NOEXEC_SEAL) ||
				       flags == 0x20 ?
			       EINVAL :
			       0);
	if (flags & MFD_HUGETLB)
		eset_add(&pred, ENOMEM), eset_add(&pred, EINVAL);

	pthread_mutex_lock(&P.lock);
	s0 = snap_take();
	m = t->m;
	pthread_mutex_unlock(&P.lock);
	fd = memfd_create("llstress", flags);
	err = result(fd);
	e.deny = m.exact && stable_now(&s0) ? model_denies_memfd(&m, false) :
					      -1;
	account(t, OP_memfd_create, err, &pred, NULL);
	if (fd < 0)
		return;
	e.fd = fd;
	e.huge = flags & MFD_HUGETLB;
	e.noexec = flags & MFD_NOEXEC_SEAL;
	if (e.huge) {
		if (!ftruncate(fd, HUGE))
			e.size = HUGE;
	} else if (chance(r, 35) && cfg.image) {
		/* This program: executing it runs the probe. */
		e.probe = write(fd, cfg.image, cfg.image_len) ==
			  (ssize_t)cfg.image_len;
		e.size = cfg.image_len;
	} else {
		if (chance(r, 50) && write(fd, "\x7f" "ELF garbage", 12) < 0)
			e.size = 0;
		if (!ftruncate(fd, PAGE))
			e.size = PAGE;
	}
	if (!pool_add(P.mfd, &P.nmfd, MAX_MFD, &e, sizeof(e)))
		close(fd);
}

/* mmap(2) with PROT_EXEC, or mprotect(2) adding it, of a memfd. */
static int memfd_exec_map(int fd, size_t len, bool use_mprotect, bool shared,
			  bool pkey)
{
	int prot = PROT_READ | PROT_EXEC, err = 0;
	void *p;

	p = mmap(NULL, len, use_mprotect ? PROT_READ : prot,
		 shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return use_mprotect ? -errno : errno;
	if (use_mprotect) {
		if (pkey ? syscall(SYS_pkey_mprotect, p, len, prot, -1) :
			   mprotect(p, len, prot))
			err = errno;
	}
	munmap(p, len);
	return err;
}

static void op_memfd_map(struct thr *t, int op)
{
	struct mfdent mf;
	struct eset pred;
	bool mp = op == OP_memfd_mprotect_exec;
	int err;

	if (pick_mfd(t, &mf, false) < 0 || !mf.size)
		return;
	err = memfd_exec_map(mf.fd, mf.huge ? HUGE : PAGE, mp,
			     chance(&t->rng, 50), chance(&t->rng, 30));
	if (err < 0) {
		/* The PROT_READ mapping failed. */
		account(t, op, -err, NULL, "PROT_READ mapping");
		return;
	}
	if (mf.deny < 0) {
		account(t, op, err, NULL, NULL);
		return;
	}
	check(CHK_memfd_noexec);
	pred = eset_of(mf.deny ? EACCES : 0);
	if (mf.huge && !mf.deny)
		eset_add(&pred, ENOMEM);
	account(t, op, err, &pred,
		mf.deny ? "memfd created under LANDLOCK_DENY_EXECUTE_MEMFD" :
			  "memfd created without LANDLOCK_DENY_EXECUTE_MEMFD");
}

/* Sends a memfd to the worker root, which has no domain, to map it. */
struct memfd_msg {
	int32_t deny, huge, thread;
	uint32_t seq;
	uint64_t size;
};

static void op_memfd_pass(struct thr *t)
{
	struct mfdent mf;
	struct memfd_msg msg;
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = { &msg, sizeof(msg) };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	ssize_t ret;

	if (pick_mfd(t, &mf, false) < 0 || !mf.size)
		return;
	msg = (struct memfd_msg){ mf.deny, mf.huge, t->idx, t->seq, mf.size };
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &mf.fd, sizeof(int));
	ret = sendmsg(P.memfd_sock, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	account(t, OP_memfd_pass, result(ret), NULL, NULL);
}

/* --- Pathname UNIX sockets and TCP --------------------------------------------- */

static void op_unix_bind(struct thr *t)
{
	struct rng *r = &t->rng;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct skent e = {};
	struct tmodel m;
	struct snap s0;
	struct eset pred;
	int type = sock_types[below(r, 3)], fd, ret, i;
	bool existing = chance(r, 8);

	pthread_mutex_lock(&P.lock);
	s0 = snap_take();
	m = t->m;
	e.exact = m.exact && !s0.inflight;
	e.chain.n = m.n;
	for (i = 0; i < m.n; i++)
		e.chain.ids[i] = m.l[i].id;
	snprintf(e.path, sizeof(e.path), "%s/w%d-p%d-%u", cfg.sockdir, P.worker,
		 P.pidx, P.sk_serial++);
	pthread_mutex_unlock(&P.lock);

	fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		account(t, OP_unix_bind, errno, NULL, "socket");
		return;
	}
	if (!stable_now(&s0))
		e.exact = false;
	strcpy(addr.sun_path, existing ? cfg.sup[below(r, 3)] : e.path);
	/* An existing path fails before Landlock is asked. */
	if (existing)
		pred = eset_of(EADDRINUSE);
	else
		pred = eset_of(fs_allowed(&m, O_SOCK,
					  LANDLOCK_ACCESS_FS_MAKE_SOCK) ?
				       0 :
				       EACCES);
	ret = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
	account(t, OP_unix_bind, result(ret),
		existing || (e.exact && model_rules_exact(&m, false) &&
			     stable_now(&s0)) ?
			&pred :
			NULL,
		addr.sun_path);
	if (ret || existing) {
		close(fd);
		return;
	}
	if (type != SOCK_DGRAM)
		listen(fd, 2);
	e.fd = fd;
	e.type = type;
	if (!pool_add(P.sk, &P.nsk, MAX_SK, &e, sizeof(e))) {
		close(fd);
		unlink(e.path);
	}
}

/* connect(2) or sendto(2) to a pathname socket, outside or inside. */
static void op_unix_reach(struct thr *t, int op)
{
	struct rng *r = &t->rng;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct skent target = {};
	struct tmodel m;
	struct snap s0;
	struct eset pred;
	int type, ctype, fd, ret, k;
	bool certain;

	pthread_mutex_lock(&P.lock);
	s0 = snap_take();
	m = t->m;
	k = P.nsk && chance(r, 50) ? (int)below(r, P.nsk) : -1;
	if (k >= 0) {
		target = P.sk[k];
	} else {
		/* The server's sockets: created outside any domain. */
		int i = below(r, 3);

		strcpy(target.path, cfg.sup[i]);
		target.type = sock_types[i];
		target.exact = true;
		target.chain.n = 0;
	}
	pthread_mutex_unlock(&P.lock);
	if (op == OP_unix_sendto && target.type != SOCK_DGRAM && chance(r, 70))
		return;
	type = target.type;
	ctype = chance(r, 8) ? sock_types[below(r, 3)] : type;
	if (op == OP_unix_sendto)
		ctype = chance(r, 90) ? SOCK_DGRAM : ctype;

	fd = socket(AF_UNIX, ctype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		account(t, op, errno, NULL, "socket");
		return;
	}
	strcpy(addr.sun_path, target.path);
	if (op == OP_unix_sendto && ctype != SOCK_DGRAM) {
		/* Not connected: an address is refused before any lookup. */
		pred = eset_of(ctype == SOCK_STREAM ? EOPNOTSUPP : ENOTCONN);
	} else if (ctype != type) {
		pred = eset_of(EPROTOTYPE);
	} else {
		pred = eset_of(unix_predict(m.l, m.n, &target.chain));
		if (eset_has(&pred, 0) && type != SOCK_DGRAM)
			eset_add(&pred, EAGAIN); /* backlog full */
		if (eset_has(&pred, 0) && op == OP_unix_sendto)
			eset_add(&pred, EAGAIN); /* queue full */
	}
	if (op == OP_unix_connect)
		ret = connect(fd, (struct sockaddr *)&addr, sizeof(addr));
	else
		ret = sendto(fd, "x", 1, MSG_DONTWAIT | MSG_NOSIGNAL,
			     (struct sockaddr *)&addr, sizeof(addr));
	close(fd);
	certain = m.exact && target.exact && model_rules_exact(&m, false) &&
		  stable_now(&s0);
	{
		char what[400], cl[160], sv[160];
		int i;

		layers_str(m.l, m.n, cl, sizeof(cl));
		sv[0] = '\0';
		for (i = 0; i < target.chain.n; i++)
			snprintf(sv + strlen(sv), sizeof(sv) - strlen(sv),
				 "%s%llu", i ? "," : "",
				 (unsigned long long)target.chain.ids[i]);
		snprintf(what, sizeof(what), "%s client [%s] server [%s] solo %d",
			 target.path, cl, sv, P.solo);
		account(t, op, result(ret),
			certain || ctype != type ||
					(op == OP_unix_sendto &&
					 ctype != SOCK_DGRAM) ?
				&pred :
				NULL,
			what);
	}
}

static void op_tcp_bind(struct thr *t)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	struct tmodel m;
	struct snap s0;
	struct eset pred;
	int pi = below(&t->rng, NPORTS), fd, ret;

	pthread_mutex_lock(&P.lock);
	s0 = snap_take();
	m = t->m;
	pthread_mutex_unlock(&P.lock);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		account(t, OP_tcp_bind, errno, NULL, "socket");
		return;
	}
	addr.sin_port = htons(ports[pi]);
	pred = eset_of(net_bind_allowed(&m, pi) ? 0 : EACCES);
	if (eset_has(&pred, 0))
		eset_add(&pred, EADDRINUSE);
	ret = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
	close(fd);
	account(t, OP_tcp_bind, result(ret),
		m.exact && model_rules_exact(&m, false) && stable_now(&s0) ?
			&pred :
			NULL,
		NULL);
}

/* --- Threads and processes -------------------------------------------------- */

static void *thread_main(void *arg);

static void op_clone_thread(struct thr *t)
{
	struct thr *n = NULL;
	int i, ret;

	pthread_mutex_lock(&P.lock);
	for (i = 0; i < P.max_threads; i++)
		if (!P.thr[i].started) {
			n = &P.thr[i];
			break;
		}
	if (!n) {
		pthread_mutex_unlock(&P.lock);
		return;
	}
	/* The new thread gets the creator's credentials. */
	n->idx = i;
	n->started = n->alive = true;
	n->m = t->m;
	n->rng.s = mix(t->rng.s, i);
	n->seq = 0;
	n->spawn_gen = P.ps->gen;
	n->spawn_inflight = P.ps->inflight;
	P.nthr++;
	ret = pthread_create(&n->pt, NULL, thread_main, n);
	if (ret) {
		n->started = n->alive = false;
		P.nthr--;
	}
	pthread_mutex_unlock(&P.lock);
	account(t, OP_clone_thread, ret, NULL, NULL);
}

static void run_ops(struct thr *t);

/* fork(2): the child goes on as a new, single-threaded process. */
static void op_clone_process(struct thr *t)
{
	struct snap s0;
	pid_t pid;
	int i;

	if (P.depth >= 3)
		return;
	pthread_mutex_lock(&P.lock);
	s0 = snap_take();
	pid = fork();
	if (pid) {
		pthread_mutex_unlock(&P.lock);
		account(t, OP_clone_process, result(pid), NULL, NULL);
		return;
	}
	/* Child: the lock was held by this thread, and is now private. */
	pthread_mutex_init(&P.lock, NULL);
	if (s0.inflight || __atomic_load_n(&P.ps->gen, __ATOMIC_ACQUIRE) !=
				   s0.gen) {
		t->m.exact = false;
		t->m.exact_nnp = false;
	}
	P.pidx = __atomic_fetch_add(&P.wa->next_pstate, 1, __ATOMIC_RELAXED) %
		 PSTATES;
	P.ps = &P.wa->ps[P.pidx];
	P.ps->gen = 0;
	P.ps->inflight = 0;
	P.local_inflight = 0;
	P.depth++;
	/*
	 * The rulesets stay the parent's: rules that the child added would
	 * make the parent's model wrong.
	 */
	for (i = 0; i < P.nrs; i++)
		close(P.rs[i].fd);
	P.nrs = 0;
	P.ops_left /= 2;
	for (i = 0; i < MAX_THREADS; i++) {
		if (&P.thr[i] == t)
			continue;
		P.thr[i].alive = false;
		P.thr[i].joined = true;
	}
	P.main_idx = t->idx;
	P.nthr = 1;
	P.stop = 0;
	t->rng.s = mix(t->rng.s, 0xf0f0 + P.depth);
	alarm(EPISODE_SECS + HANG_GRACE / 2);
	run_ops(t);
	_exit(0);
}

/* --- The operation loop --------------------------------------------------------- */

/*
 * Focus groups: an episode may weigh one group five times more, for denser
 * interleavings of its operations.
 */
enum { F_NONE, F_ON_EXEC, F_MEMFD, F_UNIX, F_RULES, NFOCUS };
static const char *const focus_names[] = { "none", "on_exec", "memfd", "unix",
					    "rules" };

struct weight {
	int op, w;
	bool racy_only;
	int focus;
};

static const struct weight weights[] = {
	{ OP_create_ruleset, 10, false, F_RULES },
	{ OP_add_rule_path, 10, false, F_RULES },
	{ OP_add_rule_net, 4, false, F_RULES },
	{ OP_add_rule_bad, 3, false, F_RULES },
	{ OP_restrict, 5, false, F_ON_EXEC },
	{ OP_restrict_tsync, 3, false, F_ON_EXEC },
	{ OP_stage_on_exec, 7, false, F_ON_EXEC },
	{ OP_cancel_on_exec, 3, false, F_ON_EXEC },
	{ OP_restrict_bad, 3 },
	{ OP_set_nnp, 3 },
	{ OP_check_nnp, 3 },
	{ OP_clone_thread, 2, true, F_ON_EXEC },
	{ OP_thread_exit, 1, true },
	{ OP_clone_process, 2 },
	{ OP_observe, 4 },
	{ OP_exec_probe, 2, false, F_ON_EXEC },
	{ OP_exec_suid, 2, false, F_ON_EXEC },
	{ OP_exec_script, 1 },
	{ OP_exec_missing, 2 },
	{ OP_exec_garbage, 2 },
	{ OP_exec_badinterp, 1 },
	{ OP_exec_noexec, 1 },
	{ OP_exec_dir, 1 },
	{ OP_exec_memfd, 2, false, F_MEMFD },
	{ OP_exec_memfd_proc, 1, false, F_MEMFD },
	{ OP_vfork_exec_probe, 4, false, F_ON_EXEC },
	{ OP_memfd_create, 6, false, F_MEMFD },
	{ OP_memfd_mmap_exec, 5, false, F_MEMFD },
	{ OP_memfd_mprotect_exec, 4, false, F_MEMFD },
	{ OP_memfd_pass, 2, false, F_MEMFD },
	{ OP_unix_bind, 4, false, F_UNIX },
	{ OP_unix_connect, 6, false, F_UNIX },
	{ OP_unix_sendto, 4, false, F_UNIX },
	{ OP_tcp_bind, 2 },
};
#define NWEIGHTS (sizeof(weights) / sizeof(weights[0]))

static int weight(size_t i)
{
	if (weights[i].racy_only && P.solo)
		return 0;
	/*
	 * Known deadlock (Linux 7.3's thread-sync, also reached by staging):
	 * landlock_restrict_sibling_threads() holds exec_update_lock while it
	 * waits for every sibling to run a task work, and a sibling that
	 * follows a /proc/<pid>/fd/N link waits for that lock, killably, so it
	 * never runs it.  Such executions stay in single-threaded processes,
	 * unless --proc-race asks for the deadlock.
	 */
	if (weights[i].op == OP_exec_memfd_proc && !P.solo && !cfg.proc_race)
		return 0;
	return weights[i].w * (P.focus && weights[i].focus == P.focus ? 5 : 1);
}

static int pick_op(struct thr *t)
{
	int total = 0, k;
	size_t i;

	for (i = 0; i < NWEIGHTS; i++)
		total += weight(i);
	k = below(&t->rng, total);
	for (i = 0; i < NWEIGHTS; i++) {
		k -= weight(i);
		if (k < 0)
			return weights[i].op;
	}
	return OP_check_nnp;
}

static void do_op(struct thr *t, int op)
{
	static const int exec_kind[] = {
		[OP_exec_probe] = EX_PROBE,	  [OP_exec_suid] = EX_SUID,
		[OP_exec_script] = EX_SCRIPT,	  [OP_exec_missing] = EX_MISSING,
		[OP_exec_garbage] = EX_GARBAGE,	  [OP_exec_badinterp] = EX_BADINTERP,
		[OP_exec_noexec] = EX_NOEXEC,	  [OP_exec_dir] = EX_DIR,
		[OP_exec_memfd] = EX_MEMFD,	  [OP_exec_memfd_proc] = EX_MEMFD_PROC,
	};

	t->op = op;
	switch (op) {
	case OP_create_ruleset:
		op_create_ruleset(t);
		break;
	case OP_add_rule_path:
		add_rule(t, op, false, false);
		break;
	case OP_add_rule_net:
		add_rule(t, op, true, false);
		break;
	case OP_add_rule_bad:
		add_rule(t, op, chance(&t->rng, 50), true);
		break;
	case OP_restrict:
	case OP_restrict_tsync:
	case OP_stage_on_exec:
	case OP_cancel_on_exec:
	case OP_restrict_bad:
		op_restrict(t, op);
		break;
	case OP_set_nnp:
		op_set_nnp(t);
		break;
	case OP_check_nnp:
		op_check_nnp(t);
		break;
	case OP_clone_thread:
		op_clone_thread(t);
		break;
	case OP_clone_process:
		op_clone_process(t);
		break;
	case OP_observe:
		op_observe(t, CHK_observe_exact);
		break;
	case OP_vfork_exec_probe: {
		static const int kinds[] = { EX_PROBE, EX_SUID, EX_SCRIPT,
					     EX_MEMFD, EX_GARBAGE };

		op_exec(t, op, kinds[below(&t->rng, 5)], true);
		break;
	}
	case OP_memfd_create:
		op_memfd_create(t);
		break;
	case OP_memfd_mmap_exec:
	case OP_memfd_mprotect_exec:
		op_memfd_map(t, op);
		break;
	case OP_memfd_pass:
		op_memfd_pass(t);
		break;
	case OP_unix_bind:
		op_unix_bind(t);
		break;
	case OP_unix_connect:
	case OP_unix_sendto:
		op_unix_reach(t, op);
		break;
	case OP_tcp_bind:
		op_tcp_bind(t);
		break;
	default:
		if (op >= OP_exec_probe && op <= OP_exec_memfd_proc)
			op_exec(t, op, exec_kind[op], false);
		break;
	}
}

static void run_ops(struct thr *t)
{
	for (;;) {
		int op;

		if (P.stop || now() > P.deadline ||
		    __atomic_sub_fetch(&P.ops_left, 1, __ATOMIC_RELAXED) < 0)
			break;
		op = pick_op(t);
		t->seq++;
		if (cfg.verbose)
			say("llstress: w%d e%u p%d t%d #%u %s", P.worker,
			    P.episode, P.pidx, t->idx, t->seq, op_names[op]);
		if (op == OP_thread_exit) {
			if (t->idx == P.main_idx)
				continue;
			account(t, op, 0, NULL, NULL);
			break;
		}
		do_op(t, op);
	}
}

static void *thread_main(void *arg)
{
	struct thr *t = arg;

	/* A process-wide change that overlapped the creation is unknown. */
	pthread_mutex_lock(&P.lock);
	if (t->spawn_inflight || P.ps->gen != t->spawn_gen) {
		t->m.exact = false;
		t->m.exact_nnp = false;
	}
	pthread_mutex_unlock(&P.lock);
	run_ops(t);
	pthread_mutex_lock(&P.lock);
	t->alive = false;
	P.nthr--;
	pthread_mutex_unlock(&P.lock);
	return NULL;
}

/*
 * An episode (or a process it forked) overran its alarm: says what each of
 * its threads was doing, then dies of the alarm for the worker root to see.
 */
static void on_alarm(int sig)
{
	int i;

	for (i = 0; i < MAX_THREADS; i++)
		if (P.thr[i].alive)
			say("LLSTRESS-HANG seed=%llu worker=%d episode=%u proc=%d thread=%d seq=%u op=%s",
			    (unsigned long long)cfg.seed, P.worker, P.episode,
			    P.pidx, i, P.thr[i].seq, op_names[P.thr[i].op]);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* --- Episode ------------------------------------------------------------------ */

static void episode_main(int worker, uint32_t ep, int report_fd, int msock)
{
	struct thr *t;
	int i;

	setpgid(0, 0);
	memset(&P, 0, sizeof(P));
	signal(SIGALRM, on_alarm);
	alarm(EPISODE_SECS + HANG_GRACE / 2);
	pthread_mutex_init(&P.lock, NULL);
	P.worker = worker;
	P.episode = ep;
	P.wa = &sh->w[worker];
	P.pidx = __atomic_fetch_add(&P.wa->next_pstate, 1, __ATOMIC_RELAXED) %
		 PSTATES;
	P.ps = &P.wa->ps[P.pidx];
	P.ps->gen = 0;
	P.ps->inflight = 0;
	P.report_fd = report_fd;
	P.memfd_sock = msock;
	P.deadline = now() + EPISODE_SECS;
	if (P.deadline > cfg.end)
		P.deadline = cfg.end;
	for (i = 0; i < NTARGETS; i++)
		P.target_fd[i] = open(cfg.targets[i], O_PATH | O_CLOEXEC);
	if (pipe2(P.pipe_fd, O_CLOEXEC))
		_exit(5);

	t = &P.thr[0];
	t->rng.s = mix(mix(cfg.seed, worker), ep);
	P.solo = chance(&t->rng, 40) || cfg.threads <= 1;
	P.focus = cfg.focus >= 0 ? cfg.focus :
		  chance(&t->rng, 30) ? 1 + (int)below(&t->rng, NFOCUS - 1) :
					F_NONE;
	P.max_threads = P.solo ? 1 : cfg.threads;
	if (P.max_threads > MAX_THREADS)
		P.max_threads = MAX_THREADS;
	P.ops_left = 20 + below(&t->rng, 180);
	t->idx = 0;
	t->started = t->alive = true;
	t->m.exact = t->m.exact_nnp = true;
	P.main_idx = 0;
	P.nthr = 1;
	account(t, OP_episode, 0, NULL, NULL);
	/* Racy episodes start with their threads. */
	for (i = 1; i < P.max_threads; i++)
		op_clone_thread(t);
	run_ops(t);
	P.stop = 1;
	for (i = 0; i < MAX_THREADS; i++) {
		struct thr *o = &P.thr[i];

		if (o != t && o->started && !o->joined)
			pthread_join(o->pt, NULL);
	}
	_exit(0);
}

/* --- Worker root -------------------------------------------------------------- */

static struct thr root_ctx; /* context of violations found by the root */

static void root_check_probe(int worker, const struct probe_report *rep)
{
	struct worker_area *wa = &sh->w[worker];
	struct slot *s;
	bool stable;
	int gain;

	if (rep->magic != PROBE_MAGIC || rep->slot >= SLOTS) {
		violation(NULL, OP_probe, "garbled probe report");
		return;
	}
	s = &wa->slots[rep->slot];
	P.episode = s->episode;
	P.pidx = s->pidx;
	root_ctx.idx = s->thread;
	root_ctx.seq = s->seq;
	__atomic_fetch_add(&sh->count[s->op][0], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&sh->count[OP_probe][0], 1, __ATOMIC_RELAXED);
	if (rep->err) {
		violation(&root_ctx, s->op, "probe: %s", rep->what);
		return;
	}
	gain = rep->euid != rep->ruid;
	/* Whatever the interleaving. */
	check(CHK_probe_universal);
	if (rep->layers > 0) {
		check(CHK_nnp_domain);
		if (!rep->nnp)
			violation(&root_ctx, s->op,
				  "probe runs in a domain (%d layers) without no_new_privs",
				  rep->layers);
	}
	check(CHK_staged_cleared);
	if (rep->staged)
		violation(&root_ctx, s->op,
			  "a restriction is still staged after a successful execution");
	if (gain) {
		check(CHK_suid_gain);
		if (rep->layers > 0)
			violation(&root_ctx, s->op,
				  "privilege gain (euid %d) in a domain (%d layers)",
				  rep->euid, rep->layers);
	}
	/* Exactly what the model says, if nothing raced with the execution. */
	stable = s->op == OP_vfork_exec_probe ?
			 s->vfork_stable :
			 !s->inflight0 &&
				 __atomic_load_n(&wa->ps[s->pidx].gen,
						 __ATOMIC_ACQUIRE) == s->gen0;
	if (!s->certain || !stable)
		return;
	check(CHK_probe_exact);
	if (s->exp_errno)
		violation(&root_ctx, s->op,
			  "execution succeeded, expected it to fail");
	if (rep->layers != s->exp_layers || rep->nnp != s->exp_nnp ||
	    gain != s->exp_gain)
		violation(&root_ctx, s->op,
			  "probe: layers %d nnp %d gain %d, expected %d %d %d",
			  rep->layers, rep->nnp, gain, s->exp_layers,
			  s->exp_nnp, s->exp_gain);
	if (rep->memfd_err != s->exp_memfd)
		violation(&root_ctx, s->op,
			  "probe: memfd PROT_EXEC mapping %s, expected %s",
			  errname(rep->memfd_err), errname(s->exp_memfd));
	if (s->rules_exact && rep->connect_err != s->exp_connect &&
	    !(rep->connect_err == EAGAIN && !s->exp_connect))
		violation(&root_ctx, s->op,
			  "probe: connect to the outside socket %s, expected %s",
			  errname(rep->connect_err), errname(s->exp_connect));
}

/* A memfd sent by an episode: the root has no domain, the memfd does. */
static void root_check_memfd(int sock)
{
	struct memfd_msg msg;
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &msg, sizeof(msg) };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	struct eset pred;
	int fd, err;

	if (recvmsg(sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) !=
	    sizeof(msg))
		return;
	c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	root_ctx.idx = msg.thread;
	root_ctx.seq = msg.seq;
	err = memfd_exec_map(fd, msg.huge ? HUGE : PAGE, msg.deny & 1, false,
			     false);
	close(fd);
	if (err < 0) {
		account(&root_ctx, OP_memfd_foreign_mmap, -err, NULL,
			"PROT_READ mapping");
		return;
	}
	if (msg.deny < 0) {
		account(&root_ctx, OP_memfd_foreign_mmap, err, NULL, NULL);
		return;
	}
	check(CHK_memfd_foreign);
	pred = eset_of(msg.deny ? EACCES : 0);
	if (msg.huge && !msg.deny)
		eset_add(&pred, ENOMEM);
	account(&root_ctx, OP_memfd_foreign_mmap, err, &pred,
		"memfd received by a process without domain");
}

static void root_drain(int worker, int rfd, int msock, int timeout_ms)
{
	struct pollfd pf[2] = { { rfd, POLLIN, 0 }, { msock, POLLIN, 0 } };

	if (poll(pf, 2, timeout_ms) <= 0)
		return;
	if (pf[0].revents & POLLIN) {
		struct probe_report rep;

		while (read(rfd, &rep, sizeof(rep)) == sizeof(rep))
			root_check_probe(worker, &rep);
	}
	if (pf[1].revents & POLLIN)
		root_check_memfd(msock);
}

static void root_status(pid_t pid, int st, pid_t ep_pid, bool killed)
{
	if (killed)
		return;
	if (WIFEXITED(st)) {
		int code = WEXITSTATUS(st);

		if (code == 0 || code == PROBE_EXIT || code == VFORK_EXIT)
			return;
		violation(&root_ctx, OP_episode, "process %d exited with %d%s",
			  pid, code, pid == ep_pid ? " (episode)" : "");
	} else if (WIFSIGNALED(st)) {
		violation(&root_ctx, OP_episode,
			  "process %d killed by signal %d (%s)%s", pid,
			  WTERMSIG(st), strsignal(WTERMSIG(st)),
			  pid == ep_pid ? " (episode)" : "");
	}
}

/* Reads the first line of a /proc file, without its newline. */
static void proc_line(const char *path, const char *key, char *buf, size_t len)
{
	char line[256];
	FILE *f = fopen(path, "re");

	snprintf(buf, len, "?");
	while (f && fgets(line, sizeof(line), f)) {
		if (key && strncmp(line, key, strlen(key)))
			continue;
		const char *src = key ? line + strlen(key) : line;
		size_t n = strcspn(src, "\n");

		if (n >= len)
			n = len - 1;
		memcpy(buf, src, n);
		buf[n] = '\0';
		break;
	}
	if (f)
		fclose(f);
}

/*
 * Prints what the tasks of process group @pgid (or, if none, of user @uid)
 * are doing: state, wait channel, CPU time; then their kernel stacks when the
 * caller may read them (the dumper below is root).  Reading a stack waits
 * for the process's exec_update_lock: the stacks come last.
 */
static int dump_tasks(pid_t pgid, uid_t uid)
{
	struct dirent *d;
	DIR *proc = opendir("/proc");
	pid_t tasks[64][2];
	int found = 0, i;

	while (proc && (d = readdir(proc))) {
		char path[300], comm[32], state[48], wchan[64], line[512];
		pid_t pid = atoi(d->d_name);
		unsigned long utime = 0, stime = 0;
		struct dirent *td;
		struct stat sb;
		DIR *dir;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d", pid);
		if (pgid > 0 ? getpgid(pid) != pgid :
			       stat(path, &sb) || sb.st_uid != uid)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task", pid);
		dir = opendir(path);
		while (dir && (td = readdir(dir))) {
			int tid = atoi(td->d_name);
			char *p;

			if (tid <= 0)
				continue;
#define TASK_FILE(name)                                                        \
	(snprintf(path, sizeof(path), "/proc/%d/task/%d/" name, pid, tid), path)
			proc_line(TASK_FILE("comm"), NULL, comm, sizeof(comm));
			proc_line(TASK_FILE("status"), "State:\t", state,
				  sizeof(state));
			proc_line(TASK_FILE("wchan"), NULL, wchan, sizeof(wchan));
			proc_line(TASK_FILE("stat"), NULL, line, sizeof(line));
#undef TASK_FILE
			/* utime and stime: fields 14 and 15, after "(comm)". */
			p = strrchr(line, ')');
			if (p)
				sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
				       &utime, &stime);
			say("LLSTRESS-HANG pid=%d tid=%d pgid=%d comm=%s state=%s wchan=%s utime=%lu stime=%lu",
			    pid, tid, getpgid(pid), comm, state, wchan, utime,
			    stime);
			if (found < 64) {
				tasks[found][0] = pid;
				tasks[found][1] = tid;
			}
			found++;
		}
		if (dir)
			closedir(dir);
	}
	if (proc)
		closedir(proc);
	for (i = 0; i < found && i < 64; i++) {
		char path[64], st[128];
		FILE *f;
		int n = 0;

		snprintf(path, sizeof(path), "/proc/%d/task/%d/stack",
			 tasks[i][0], tasks[i][1]);
		f = fopen(path, "re");
		while (f && n++ < 24 && fgets(st, sizeof(st), f)) {
			st[strcspn(st, "\n")] = '\0';
			say("LLSTRESS-HANG tid=%d %s", tasks[i][1], st);
		}
		if (f)
			fclose(f);
	}
	return found;
}

/*
 * The dumper keeps the privileges the stress starts with, to read the
 * kernel stacks of hung tasks (/proc/PID/stack needs CAP_SYS_ADMIN), and
 * does nothing else: it reads process groups to dump from @fd.
 */
static void dumper_main(int fd)
{
	pid_t pgid;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	while (read(fd, &pgid, sizeof(pgid)) == sizeof(pgid)) {
		/*
		 * With CONFIG_MAGIC_SYSRQ, the kernel says first which tasks
		 * are blocked and which locks are held (lockdep), at the
		 * console's full log level.
		 */
		int sysrq = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);

		if (sysrq >= 0) {
			if (write(sysrq, "8", 1) < 0 || write(sysrq, "w", 1) < 0 ||
			    write(sysrq, "d", 1) < 0 || write(sysrq, "5", 1) < 0)
				perror("llstress: sysrq");
			close(sysrq);
		}
		if (!dump_tasks(pgid, 0))
			dump_tasks(0, cfg.uid);
	}
	_exit(0);
}

/* Asks for the state of a hung episode's tasks, and gives it time. */
static void root_dump(pid_t pgid)
{
	if (cfg.dump_fd < 0 ||
	    write(cfg.dump_fd, &pgid, sizeof(pgid)) != sizeof(pgid)) {
		if (!dump_tasks(pgid, 0))
			dump_tasks(0, cfg.uid);
		return;
	}
	sleep(5);
}

/* Removes the sockets that the episodes of this worker left. */
static void root_clean(int worker)
{
	char prefix[32], path[PATH_MAX];
	struct dirent *d;
	DIR *dir = opendir(cfg.sockdir);

	if (!dir)
		return;
	snprintf(prefix, sizeof(prefix), "w%d-", worker);
	while ((d = readdir(dir)))
		if (!strncmp(d->d_name, prefix, strlen(prefix))) {
			snprintf(path, sizeof(path), "%s/%s", cfg.sockdir,
				 d->d_name);
			unlink(path);
		}
	closedir(dir);
}

static void worker_main(int worker)
{
	int pfd[2], sp[2];
	uint32_t ep;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	memset(&P, 0, sizeof(P));
	P.worker = worker;
	if (pipe2(pfd, O_NONBLOCK) ||
	    socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sp))
		_exit(5);
	/* The probes inherit the write end; nothing else does. */
	fcntl(pfd[0], F_SETFD, FD_CLOEXEC);
	for (ep = 0; now() < cfg.end; ep++) {
		double kill_at, killed_at = 0;
		bool killed = false, slow = false;
		pid_t pid = fork();

		if (pid < 0) {
			sleep(1);
			continue;
		}
		if (pid == 0) {
			close(pfd[0]);
			close(sp[0]);
			episode_main(worker, ep, pfd[1], sp[1]);
		}
		setpgid(pid, pid);
		P.episode = ep;
		root_ctx.idx = -1;
		root_ctx.seq = 0;
		kill_at = (now() + EPISODE_SECS < cfg.end ? now() + EPISODE_SECS :
							     cfg.end) +
			  HANG_GRACE;
		for (;;) {
			int st;
			pid_t p;

			root_drain(worker, pfd[0], sp[0], 100);
			while ((p = waitpid(-1, &st, WNOHANG)) > 0)
				root_status(p, st, pid, killed);
			if (p < 0 && errno == ECHILD)
				break;
			if (!slow && now() > kill_at - HANG_GRACE + 10) {
				/* Late: what is it waiting for? */
				say("LLSTRESS-SLOW worker=%d episode=%u time=%.1f: 10 s after its deadline",
				    worker, ep, now() - cfg.start);
				root_dump(pid);
				slow = true;
			}
			if (!killed && now() > kill_at) {
				P.episode = ep;
				violation(&root_ctx, OP_episode,
					  "episode still running %d s after its deadline: killed (hang?)",
					  HANG_GRACE);
				root_dump(pid);
				kill(-pid, SIGKILL);
				killed = true;
				killed_at = now();
			}
			if (killed && now() > killed_at + 30) {
				violation(&root_ctx, OP_episode,
					  "episode processes survive SIGKILL");
				break;
			}
		}
		root_drain(worker, pfd[0], sp[0], 0);
		root_clean(worker);
	}
	_exit(0);
}

/* --- Server of the outside sockets -------------------------------------------- */

static void server_main(void)
{
	struct pollfd pf[3];
	int i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 0; i < 3; i++) {
		struct sockaddr_un addr = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, sock_types[i] | SOCK_CLOEXEC, 0);

		strcpy(addr.sun_path, cfg.sup[i]);
		unlink(addr.sun_path);
		if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
		    (sock_types[i] != SOCK_DGRAM && listen(fd, 64))) {
			perror("llstress: server socket");
			_exit(1);
		}
		pf[i] = (struct pollfd){ fd, POLLIN, 0 };
	}
	for (;;) {
		char buf[64];

		if (poll(pf, 3, 1000) < 0)
			continue;
		for (i = 0; i < 3; i++) {
			if (!(pf[i].revents & POLLIN))
				continue;
			if (sock_types[i] == SOCK_DGRAM) {
				while (recv(pf[i].fd, buf, sizeof(buf),
					    MSG_DONTWAIT) > 0)
					;
			} else {
				int c = accept4(pf[i].fd, NULL, NULL,
						SOCK_CLOEXEC | SOCK_NONBLOCK);

				if (c >= 0)
					close(c);
			}
		}
	}
}

/* --- Setup ---------------------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void write_file(const char *path, const void *data, size_t len,
		       mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len || fchmod(fd, mode) ||
	    close(fd)) {
		fprintf(stderr, "llstress: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

/* Reads this program, to copy it into the work directory and memfds. */
static void load_image(void)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (fd < 0 || fstat(fd, &st)) {
		perror("llstress: /proc/self/exe");
		exit(1);
	}
	cfg.image_len = st.st_size;
	cfg.image = malloc(cfg.image_len);
	if (!cfg.image || read(fd, cfg.image, cfg.image_len) !=
				  (ssize_t)cfg.image_len) {
		perror("llstress: reading /proc/self/exe");
		exit(1);
	}
	close(fd);
}

static void set_paths(void)
{
	char parent[PATH_MAX], *slash;
	int i;

#define P_(dst, ...) snprintf(cfg.dst, sizeof(cfg.dst), __VA_ARGS__)
	P_(bindir, "%s/bin", cfg.dir);
	P_(sockdir, "%s/s", cfg.dir);
	P_(probe, "%s/probe", cfg.bindir);
	P_(suid, "%s/probe-suid", cfg.bindir);
	P_(script, "%s/script", cfg.bindir);
	P_(garbage, "%s/garbage", cfg.bindir);
	P_(badinterp, "%s/badinterp", cfg.bindir);
	P_(noexec, "%s/noexec", cfg.bindir);
	P_(execdir, "%s/dir", cfg.bindir);
	P_(missing, "%s/missing", cfg.bindir);
	P_(sup[0], "%s/s/sup-stream", cfg.dir);
	P_(sup[1], "%s/s/sup-dgram", cfg.dir);
	P_(sup[2], "%s/s/sup-seqpacket", cfg.dir);
#undef P_
	snprintf(parent, sizeof(parent), "%s", cfg.dir);
	slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = '\0';
	else
		strcpy(parent, "/");
	strcpy(cfg.targets[T_ROOT], "/");
	strcpy(cfg.targets[T_PARENT], parent);
	strcpy(cfg.targets[T_WORK], cfg.dir);
	strcpy(cfg.targets[T_SOCKDIR], cfg.sockdir);
	strcpy(cfg.targets[T_BINDIR], cfg.bindir);
	strcpy(cfg.targets[T_PROC], "/proc");
	strcpy(cfg.targets[T_PROBEFILE], cfg.probe);
	/* Which objects a rule on each target covers. */
	for (i = 0; i <= T_WORK; i++)
		cfg.covers[i] = (1U << O_SOCK) | (1U << O_BINFILE) |
				(1U << O_PROBE);
	cfg.covers[T_SOCKDIR] = 1U << O_SOCK;
	cfg.covers[T_BINDIR] = (1U << O_BINFILE) | (1U << O_PROBE);
	cfg.covers[T_PROC] = 0;
	cfg.covers[T_PROBEFILE] = 1U << O_PROBE;
}

/* Drops to @uid (and its gid), without any capability left. */
static int drop_privileges(uid_t uid)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = {};

	if (getuid() != 0 && geteuid() != 0)
		return getuid() == uid ? 0 : -1;
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid))
		return -1;
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	if (syscall(SYS_capget, &hdr, data))
		return -1;
	if (data[0].effective || data[0].permitted || data[1].effective ||
	    data[1].permitted) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

static void start_dumper(void)
{
	int pfd[2];

	if (pipe2(pfd, O_CLOEXEC))
		return;
	switch (fork()) {
	case 0:
		close(pfd[1]);
		dumper_main(pfd[0]);
		break;
	case -1:
		close(pfd[1]);
		break;
	default:
		cfg.dump_fd = pfd[1];
		break;
	}
	close(pfd[0]);
}

static void setup(void)
{
	static const char garbage[] = "GARBAGE\x01\x02\x03 not a program\n";
	char buf[PATH_MAX + 8];
	bool root = geteuid() == 0;

	load_image();
	set_paths();
	nftw(cfg.dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (mkdir(cfg.dir, 0755) || mkdir(cfg.bindir, 0755) ||
	    mkdir(cfg.sockdir, 0755) || mkdir(cfg.execdir, 0755)) {
		fprintf(stderr, "llstress: %s: %s\n", cfg.dir, strerror(errno));
		exit(1);
	}
	write_file(cfg.probe, cfg.image, cfg.image_len, 0755);
	write_file(cfg.garbage, garbage, sizeof(garbage), 0755);
	write_file(cfg.badinterp, "#!/nonexistent/interpreter\n", 27, 0755);
	write_file(cfg.noexec, "#!/bin/sh\n", 10, 0644);
	snprintf(buf, sizeof(buf), "#!%s\n", cfg.probe);
	write_file(cfg.script, buf, strlen(buf), 0755);
	if (root) {
		/* Set-user-ID root: only root can make it. */
		write_file(cfg.suid, cfg.image, cfg.image_len, 04755);
		cfg.have_suid = true;
		if (chown(cfg.sockdir, cfg.uid, cfg.uid)) {
			perror("llstress: chown");
			exit(1);
		}
		start_dumper();
		if (drop_privileges(cfg.uid)) {
			perror("llstress: dropping privileges");
			exit(1);
		}
	}
}

/* --- Results ---------------------------------------------------------------------- */

static uint64_t report(void)
{
	uint64_t total = 0;
	int op, e, c;

	for (op = 0; op < NOPS; op++) {
		char line[1024];
		int off;

		off = snprintf(line, sizeof(line), "LLSTRESS op=%s ok=%llu",
			       op_names[op],
			       (unsigned long long)sh->count[op][0]);
		for (e = 1; e < NERR; e++) {
			if (!sh->count[op][e])
				continue;
			off += snprintf(line + off, sizeof(line) - off,
					" %s=%llu", errname(e),
					(unsigned long long)sh->count[op][e]);
		}
		say("%s", line);
		if (op == OP_probe || op == OP_episode ||
		    op == OP_memfd_foreign_mmap)
			continue;
		for (e = 0; e < NERR; e++)
			total += sh->count[op][e];
	}
	for (c = 0; c < NCHECKS; c++)
		say("LLSTRESS check=%s n=%llu", check_names[c],
		    (unsigned long long)sh->checks[c]);
	return total;
}

/* --- Running a command as another user ------------------------------------------ */

static int as_user(uid_t uid, int timeout, char **argv)
{
	const bool dedicated = getuid() == 0 && uid != 0;
	double end = now() + timeout;
	bool stopped = false;
	int st = 0, rc = 0;
	pid_t pid, p;

	if (drop_privileges(uid)) {
		perror("llstress: dropping privileges");
		return 1;
	}
	/* Everything the command leaves behind comes back to us. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	for (;;) {
		p = waitpid(pid, &st, WNOHANG);
		if (p == pid)
			break;
		if (timeout && !stopped && now() > end) {
			say("LLSTRESS-AS-USER timeout=%d: SIGINT", timeout);
			kill(pid, SIGINT);
			stopped = true;
			end = now() + 30;
		} else if (stopped && now() > end) {
			say("LLSTRESS-AS-USER: still running, SIGKILL");
			kill(pid, SIGKILL);
		}
		usleep(100000);
	}
	if (WIFEXITED(st))
		rc = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		rc = 128 + WTERMSIG(st);
	/*
	 * What is left: the command's process group, and, when we switched to
	 * this user for the command, every process of the user but this one.
	 */
	kill(-pid, SIGKILL);
	if (dedicated)
		kill(-1, SIGKILL);
	end = now() + 30;
	while (now() < end) {
		p = waitpid(-1, NULL, WNOHANG);
		if (p < 0 && errno == ECHILD)
			break;
		if (p <= 0)
			usleep(100000);
	}
	say("LLSTRESS-AS-USER rc=%d stopped=%d", rc, stopped);
	return rc;
}

/* --- Main ------------------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr,
		"usage: llstress [-p PROCS] [-t THREADS] [-s SECONDS] [-S SEED] [-u UID] [-d DIR] [-v]\n"
		"                [--focus none|on_exec|memfd|unix|rules] [--proc-race]\n"
		"       llstress --as-user UID [--timeout SECONDS] -- COMMAND [ARG...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "procs", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' },
		{ "seconds", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "uid", required_argument, NULL, 'u' },
		{ "dir", required_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "as-user", required_argument, NULL, 'A' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "focus", required_argument, NULL, 'F' },
		{ "proc-race", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	int c, abi, as_uid = -1, timeout = 0, i, st;
	uint64_t ops;
	pid_t server, workers[MAX_WORKERS];
	double start;

	/* The probe, run by an execution (possibly through a script). */
	if (argc > 1 && !strcmp(argv[1], "--probe"))
		return probe_main(argc, argv);
	if (argc > 2 && !strcmp(argv[2], "--probe"))
		return probe_main(argc - 1, argv + 1);

	cfg.procs = 2;
	cfg.threads = 4;
	cfg.dump_fd = -1;
	cfg.focus = -1;
	cfg.seconds = 60;
	cfg.uid = 1000;
	cfg.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	strcpy(cfg.dir, "/tmp/llstress");
	while ((c = getopt_long(argc, argv, "p:t:s:S:u:d:v", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			cfg.procs = atoi(optarg);
			break;
		case 't':
			cfg.threads = atoi(optarg);
			break;
		case 's':
			cfg.seconds = atoi(optarg);
			break;
		case 'S':
			cfg.seed = strtoull(optarg, NULL, 0);
			break;
		case 'u':
			cfg.uid = atoi(optarg);
			break;
		case 'd':
			if (strlen(optarg) >= sizeof(cfg.dir) - 1)
				usage();
			strcpy(cfg.dir, optarg);
			break;
		case 'v':
			cfg.verbose = 1;
			break;
		case 'A':
			as_uid = atoi(optarg);
			break;
		case 'T':
			timeout = atoi(optarg);
			break;
		case 'R':
			cfg.proc_race = 1;
			break;
		case 'F':
			for (cfg.focus = 0; cfg.focus < NFOCUS; cfg.focus++)
				if (!strcmp(optarg, focus_names[cfg.focus]))
					break;
			if (cfg.focus == NFOCUS)
				usage();
			break;
		default:
			usage();
		}
	}
	if (as_uid >= 0) {
		if (optind >= argc)
			usage();
		return as_user(as_uid, timeout, argv + optind);
	}
	if (cfg.procs < 1 || cfg.procs > MAX_WORKERS || cfg.threads < 1 ||
	    cfg.threads > MAX_THREADS || cfg.seconds < 1 || cfg.dir[0] != '/')
		usage();

	signal(SIGPIPE, SIG_IGN);
	init_allow();
	setup();
	abi = ll_create(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	say("LLSTRESS-BEGIN seed=%llu procs=%d threads=%d seconds=%d uid=%d abi=%d suid=%d",
	    (unsigned long long)cfg.seed, cfg.procs, cfg.threads, cfg.seconds,
	    (int)getuid(), abi, cfg.have_suid);
	say("LLSTRESS-REPLAY llstress --seed %llu --procs %d --threads %d --seconds %d",
	    (unsigned long long)cfg.seed, cfg.procs, cfg.threads, cfg.seconds);
	if (abi < ABI_VERSION) {
		say("LLSTRESS-RESULT violations=1 ops=0 seconds=0 seed=%llu (Landlock ABI %d < %d)",
		    (unsigned long long)cfg.seed, abi, ABI_VERSION);
		return 1;
	}

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	start = now();
	cfg.start = start;
	cfg.end = start + cfg.seconds;
	server = fork();
	if (server == 0)
		server_main();
	/* Workers start once the outside sockets exist. */
	for (i = 0; i < 100 && access(cfg.sup[2], F_OK); i++)
		usleep(100000);
	for (i = 0; i < cfg.procs; i++) {
		workers[i] = fork();
		if (workers[i] == 0)
			worker_main(i);
	}
	for (i = 0; i < cfg.procs; i++) {
		double limit = cfg.end + HANG_GRACE + 60;

		while (waitpid(workers[i], &st, WNOHANG) == 0) {
			if (now() > limit) {
				violation(NULL, OP_episode,
					  "worker %d did not finish", i);
				kill(workers[i], SIGKILL);
				waitpid(workers[i], &st, 0);
				break;
			}
			usleep(200000);
		}
	}
	kill(server, SIGKILL);
	waitpid(server, &st, 0);
	ops = report();
	say("LLSTRESS-RESULT violations=%llu ops=%llu seconds=%d seed=%llu",
	    (unsigned long long)sh->violations, (unsigned long long)ops,
	    (int)(now() - start + 0.5), (unsigned long long)cfg.seed);
	return sh->violations ? 1 : 0;
}
