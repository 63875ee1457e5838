/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llstress.h - what the files of llstress share: constants, the operations
 * and checks, the types of the shared memory, of the configuration, of the
 * model and of the per-process state, the global state, and the functions
 * that one file calls in another.  llstress itself is described at the top
 * of main.c.
 *
 * Files: util.c (shared memory, configuration, small helpers), model.c
 * (model, per-process state), ruleset.c (ruleset creation, rules,
 * restrictions), exec.c (probe, executions, observation), memfd.c (memfds),
 * sockets.c (pathname UNIX sockets, TCP, server of the outside sockets),
 * worker.c (threads and processes, operation loop, episode, worker root),
 * main.c (setup, results, running a command as another user, main).
 */
#ifndef LLSTRESS_H
#define LLSTRESS_H

#include <linux/landlock.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/types.h>

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
extern const char *const op_names[NOPS];

/*
 * Invariant checks, counted when performed; suid_unsafe_share counts the
 * set-user-ID executions that raced a thread creation and, as the base
 * kernel does then, gained nothing.
 */
#define CHECKS(X)                                                           \
	X(predicted) X(nnp_domain) X(nnp_model) X(memfd_noexec)             \
	X(memfd_foreign) X(failed_exec_nnp) X(probe_universal)              \
	X(probe_exact) X(observe_exact) X(failed_exec_state) X(suid_gain)   \
	X(staged_cleared) X(suid_unsafe_share)
#define CHK_ENUM(n) CHK_##n,
#define CHK_NAME(n) #n,
enum { CHECKS(CHK_ENUM) NCHECKS };

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
#define NPORTS 4
extern const uint16_t ports[NPORTS];

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

/*
 * Focus groups: an episode may weigh one group five times more, for denser
 * interleavings of its operations.
 */
enum { F_NONE, F_ON_EXEC, F_MEMFD, F_UNIX, F_RULES, NFOCUS };

/* --- util.c: shared memory, configuration, small helpers ------------------ */

/* State of a process incarnation that other processes must see. */
struct pstate {
	uint64_t gen; /* bumped around process-wide operations */
	int32_t inflight; /* process-wide operations in progress */
	/*
	 * Bumped before each pthread_create(): until the new thread joins the
	 * thread group, its share of the fs_struct makes a concurrent
	 * execution of a set-user-ID program unsafe (LSM_UNSAFE_SHARE), so it
	 * gains nothing.
	 */
	uint64_t clone_gen;
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
	int32_t gain_refused; /* exp_errno is the refusal of a gain */
	uint64_t clone_gen0; /* exp_gain and exp_errno hold if it stays */
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

extern struct shared *sh;

struct config {
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
};

extern struct config cfg;

/* splitmix64: small, fast, good enough, and reproducible. */
struct rng {
	uint64_t s;
};

/* Sets of errnos (bit 0: success). */
struct eset {
	uint64_t b[(NERR + 63) / 64];
};

/* Documented errnos of each operation (allowlist), set by init_allow(). */
extern struct eset allow[NOPS];

double now(void);
void say(const char *fmt, ...);
const char *errname(int err);
uint64_t rnd(struct rng *r);
uint32_t below(struct rng *r, uint32_t n);
bool chance(struct rng *r, unsigned int pct);
uint64_t mix(uint64_t a, uint64_t b);
int ll_create(const void *attr, size_t size, uint32_t flags);
int ll_add(int fd, int type, const void *attr, uint32_t flags);
int ll_restrict(int fd, uint32_t flags);
int get_nnp(void);
int result(long ret);
void eset_add(struct eset *e, int err);
bool eset_has(const struct eset *e, int err);
struct eset eset_of(int err);
void eset_str(const struct eset *e, char *buf, size_t len);
void init_allow(void);

/* --- model.c: model, per-process state ------------------------------------ */

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

/* Domain chain of a socket's creator, to predict the pathname scope. */
struct chain {
	int n;
	uint64_t ids[MAX_LAYERS];
};

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

struct process {
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
};

extern struct process P;

/* Snapshot of the counters that tell whether the model is stable. */
struct snap {
	uint64_t gen;
	int inflight;
};

bool model_rules_exact(const struct tmodel *m, bool with_staged);
bool fs_allowed(const struct tmodel *m, int obj, uint64_t need);
struct eset binfile_exec_result(const struct tmodel *m, int err);
bool net_bind_allowed(const struct tmodel *m, int port_idx);
bool model_denies_memfd(const struct tmodel *m, bool with_staged);
int unix_predict(const struct llayer *l, int n, const struct chain *server);
void layers_str(const struct llayer *l, int n, char *buf, size_t len);
void violation(const struct thr *t, int op, const char *fmt, ...);
void check(int chk);
void account(struct thr *t, int op, int err, const struct eset *pred,
	     const char *what);
bool pool_add(void *array, int *count, int max, const void *entry, size_t size);
struct snap snap_take(void);
bool snap_stable(const struct snap *s);
bool stable_now(const struct snap *s);
uint64_t new_id(void);

/* --- ruleset.c: ruleset creation, rules, restrictions --------------------- */

void op_create_ruleset(struct thr *t);
void add_rule(struct thr *t, int op, bool net, bool bad);
void op_restrict(struct thr *t, int op);
void op_set_nnp(struct thr *t);
void op_check_nnp(struct thr *t);

/* --- exec.c: probe, executions, observation ------------------------------- */

struct probe_report {
	uint32_t magic;
	uint32_t slot;
	int32_t worker, nnp, ruid, euid;
	int32_t layers, staged, memfd_err, connect_err, err;
	char what[64];
};
#define PROBE_MAGIC 0x11570b3eU

int probe_main(int argc, char **argv);
int pick_mfd(struct thr *t, struct mfdent *out, bool no_huge);
void op_exec(struct thr *t, int op, int kind, bool use_vfork);
void op_observe(struct thr *t, int chk);

/* --- memfd.c: memfds ------------------------------------------------------ */

/* What comes with a memfd sent to the worker root. */
struct memfd_msg {
	int32_t deny, huge, thread;
	uint32_t seq;
	uint64_t size;
};

void op_memfd_create(struct thr *t);
int memfd_exec_map(int fd, size_t len, bool use_mprotect, bool shared,
		   bool pkey);
void op_memfd_map(struct thr *t, int op);
void op_memfd_pass(struct thr *t);

/* --- sockets.c: pathname UNIX sockets, TCP, server of the outside sockets - */

void op_unix_bind(struct thr *t);
void op_unix_reach(struct thr *t, int op);
void op_tcp_bind(struct thr *t);
void server_main(void);

/* --- worker.c: threads, processes, operation loop, episode, worker root --- */

void dumper_main(int fd);
void worker_main(int worker);

#endif /* LLSTRESS_H */
