// SPDX-License-Identifier: GPL-2.0
/*
 * llbpf-stress - the BPF exec-time bridge under stress, as root.
 *
 *   llbpf-stress [--seconds S] [--seed N] [--workers W]
 *
 * Loads bpf/llbpf.bpf.c, whose sleepable bprm_creds_for_exec program applies
 * the current ruleset of its map to every execution of two copies of this
 * program, /tmp/llbpf/bin/target0 (with LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS)
 * and target1 (without), and records the kind it applied (A, B or none) for
 * the executing process.  For S seconds:
 *   - a store thread stores a new ruleset A or B (closing its descriptor at
 *     once: the map holds the only reference), or empties the map;
 *   - an attach process attaches the program and detaches it, again and
 *     again;
 *   - W workers fork children which may drop to uid 1000, may stage a ruleset
 *     C with LANDLOCK_RESTRICT_SELF_ON_EXEC (with or without
 *     LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS; only with it as uid 1000), may
 *     first check the execution with AT_EXECVE_CHECK (which runs the program
 *     and the Landlock hooks, and must leave no trace), may first execute a
 *     copy of this program at another path (the control, which the program
 *     never restricts), then execute a target, which reports what it can
 *     read and its no_new_privs as its exit status.
 * Each ruleset allows reading beneath a different pair of directories (A: a
 * and c, B: b and c, C: a and b), so what the target can read names its
 * layers.  For each child, the parent requires exactly the outcome of the
 * kind that the program recorded (none if it recorded none), on top of the
 * staged ruleset if any, with no_new_privs exactly when the program's layer
 * asked for it (target0) or the staged one did: a privileged supervisor's
 * layer gives none otherwise, even to an unprivileged task.  Without a
 * record, the program must have been detached at some time during the
 * child's life, and the target must run with the staged ruleset only.  The
 * recorded kind must have been the map's at some time then (a history of the
 * map and of the attachment: a change from X to Y publishes X | Y, is made,
 * then publishes Y).  The child checks itself after staging and after the
 * check: nothing enforced, no_new_privs unchanged.  Executions never fail
 * (the program refuses one only if the kfunc fails).  At the end the map is
 * emptied: every policy object that store_ruleset got must be freed (counted
 * by an fentry program on security_policy_object_free()), or one leaked.
 *
 * Prints
 *   LLBPF-VIOLATION what
 *   LLBPF-RESULT violations=V execs=.. sandboxed_a=.. sandboxed_b=.. none=..
 *     unseen=.. ... stored=.. freed=.. matched=.. applied=.. refused=..
 * and exits 1 on a violation.
 */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <grp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "llbpf.skel.h"

#ifndef AT_EXECVE_CHECK
#define AT_EXECVE_CHECK 0x10000
#endif

#define DIR "/tmp/llbpf"
/* Every ruleset allows reading the programs: the control executes the target. */
#define BIN DIR "/bin"
#define TARGET0 BIN "/target0"
#define TARGET1 BIN "/target1"
#define CONTROL BIN "/control"
#define USER 1000
#define MAX_WORKERS 16
/* Seconds after which a child counts as hung. */
#define HANG_SECS 120
/* States of the history rings: a power of two. */
#define RING 4096

/* What the target reports: the files it can read, and no_new_privs. */
#define CAN_A 1
#define CAN_B 2
#define CAN_C 4
#define NNP 8
/* A probe that could not report (exit status). */
#define PROBE_ERROR 64

/* The states of the map (bits of a mask). */
enum { STORED_NONE = 1, STORED_A = 2, STORED_B = 4 };
/* The states of the program's attachment. */
enum { ATTACHED = 1, DETACHED = 2 };

/*
 * The history of a state: ring[g % RING] is the mask of the states it may
 * have had at generation g.  A change from X to Y first publishes X | Y at
 * g + 1, then makes it, then publishes Y at g + 2: a reader that takes the
 * generation before and after an execution gets every state that the
 * execution may have seen.
 */
struct history {
	_Atomic unsigned int ring[RING];
	_Atomic unsigned long gen;
};

/* Shared with the attach process. */
static struct shared {
	struct history map_hist, link_hist;
	_Atomic bool stop;
	_Atomic long violations, n_detaches;
} *sh;
static struct llbpf *skel;
static _Atomic long n_execs, n_a, n_b, n_none, n_unseen, n_staged,
	n_checked_first, n_controls, n_unprivileged, n_target1_applied,
	n_unprivileged_applied, n_stores, n_clears, n_overflows;

static void violation(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void violation(const char *fmt, ...)
{
	va_list ap;

	/* Only the first ones: a broken invariant repeats. */
	if (atomic_fetch_add(&sh->violations, 1) >= 20)
		return;
	va_start(ap, fmt);
	printf("LLBPF-VIOLATION ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
}

static void die(const char *what)
{
	if (sh)
		atomic_fetch_add(&sh->violations, 1);
	printf("LLBPF-VIOLATION setup: %s: %s\n", what, strerror(errno));
	exit(3);
}

static void hist_init(struct history *h, unsigned int state)
{
	atomic_store(&h->ring[0], state);
	atomic_store(&h->gen, 0);
}

/* The writer's side: the transition to STATE is about to be made. */
static void hist_begin(struct history *h, unsigned int state)
{
	unsigned long g = atomic_load(&h->gen);

	atomic_store(&h->ring[(g + 1) % RING],
		     atomic_load(&h->ring[g % RING]) | state);
	atomic_store(&h->gen, g + 1);
}

static void hist_end(struct history *h, unsigned int state)
{
	unsigned long g = atomic_load(&h->gen);

	atomic_store(&h->ring[(g + 1) % RING], state);
	atomic_store(&h->gen, g + 1);
}

/* The states between generations FROM and the current one, or 0 if lost. */
static unsigned int hist_since(struct history *h, unsigned long from)
{
	unsigned long to = atomic_load(&h->gen);
	unsigned int mask = 0;

	if (to - from >= RING - 2)
		return 0;
	for (unsigned long g = from; g <= to; g++)
		mask |= atomic_load(&h->ring[g % RING]);
	/* Overwritten while read: the window was too long. */
	if (atomic_load(&h->gen) - from >= RING - 2)
		return 0;
	return mask;
}

static int ruleset(const char *d1, const char *d2)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_READ_FILE,
	};
	struct landlock_path_beneath_attr pb = {
		.allowed_access = LANDLOCK_ACCESS_FS_READ_FILE,
	};
	const char *const dirs[] = { d1, d2, BIN, "/proc", "/dev" };
	int fd = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);

	if (fd < 0)
		die("landlock_create_ruleset");
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		pb.parent_fd = open(dirs[i], O_PATH | O_CLOEXEC);
		if (pb.parent_fd < 0 ||
		    syscall(SYS_landlock_add_rule, fd,
			    LANDLOCK_RULE_PATH_BENEATH, &pb, 0))
			die("landlock_add_rule");
		close(pb.parent_fd);
	}
	return fd;
}

/* Runs a syscall program: 0, or its negated return value or errno. */
static int run_prog(const struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	if (bpf_prog_test_run_opts(bpf_program__fd(prog), &opts))
		return errno;
	return -(int)opts.retval;
}

/* --- The target ---------------------------------------------------------- */

static bool can_read(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int probe(void)
{
	return (can_read(DIR "/a/f") ? CAN_A : 0) |
	       (can_read(DIR "/b/f") ? CAN_B : 0) |
	       (can_read(DIR "/c/f") ? CAN_C : 0) |
	       (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? NNP : 0);
}

/* --- Supervisor threads ---------------------------------------------------- */

static unsigned int rand_below(unsigned int *seed, unsigned int n)
{
	return rand_r(seed) % n;
}

static void sleep_us(unsigned int us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };

	nanosleep(&ts, NULL);
}

static void *store_thread(void *arg)
{
	unsigned int seed = (unsigned int)(long)arg;
	while (!atomic_load(&sh->stop)) {
		unsigned int r = rand_below(&seed, 10), next;
		int fd = -1, err;

		if (r < 2) {
			next = STORED_NONE;
		} else {
			next = r < 6 ? STORED_A : STORED_B;
			/* A new ruleset each time: a new policy object. */
			fd = next == STORED_A ? ruleset(DIR "/a", DIR "/c") :
						ruleset(DIR "/b", DIR "/c");
		}
		hist_begin(&sh->map_hist, next);
		if (fd < 0) {
			err = run_prog(skel->progs.clear_ruleset);
			if (err)
				violation("clear_ruleset: %s", strerror(err));
			atomic_fetch_add(&n_clears, 1);
		} else {
			skel->data->store_kind = next == STORED_A ? 1 : 2;
			skel->data->ruleset_fd = fd;
			err = run_prog(skel->progs.store_ruleset);
			if (err)
				violation("store_ruleset: %s", strerror(err));
			close(fd);
			atomic_fetch_add(&n_stores, 1);
		}
		hist_end(&sh->map_hist, next);
		sleep_us(rand_below(&seed, 3000));
	}
	return NULL;
}

static bool link_exists(__u32 id)
{
	__u32 next = 0;

	while (!bpf_link_get_next_id(next, &next))
		if (next == id)
			return true;
	return false;
}

/*
 * The attach process: attaches the program, detaches it, and again.  It is a
 * process of its own, which never forks, so that its descriptor is the link's
 * only one: closing it detaches the program at once.  (A link descriptor of
 * the supervisor would be in every child that the workers fork, until it
 * executes: the program would stay attached, and attaching it again would
 * fail with EBUSY, until the last of them.)
 */
static void attach_process(unsigned int seed)
{
	/* Never outlives the supervisor. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(1);
	for (;;) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);
		struct bpf_link *link;

		hist_begin(&sh->link_hist, ATTACHED);
		link = bpf_program__attach_lsm(skel->progs.apply_ruleset);
		if (!link) {
			violation("attach: %s", strerror(errno));
			atomic_store(&sh->stop, true);
			_exit(1);
		}
		hist_end(&sh->link_hist, ATTACHED);
		sleep_us(1000000 + rand_below(&seed, 4000000));
		if (bpf_link_get_info_by_fd(bpf_link__fd(link), &info, &len))
			die("bpf_link_get_info_by_fd");
		hist_begin(&sh->link_hist, DETACHED);
		bpf_link__destroy(link);
		if (link_exists(info.id))
			violation("link %u still exists after its only descriptor was closed",
				  info.id);
		hist_end(&sh->link_hist, DETACHED);
		if (atomic_load(&sh->stop))
			_exit(0);
		atomic_fetch_add(&sh->n_detaches, 1);
		sleep_us(rand_below(&seed, 100000));
	}
}

/* How a child stages ruleset C. */
enum { STAGE_NONE, STAGE_PRIVILEGED, STAGE_NNP, STAGE_KINDS };

/*
 * What target TARGET may report with the ruleset of kind KIND (a state)
 * applied by the program and the staged one: no_new_privs comes with the
 * program's layer on target0 (its flags have
 * LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS), and with the staged one only if
 * staged with that flag too.
 */
static int outcome(unsigned int kind, int stage, int target)
{
	int can = CAN_A | CAN_B | CAN_C;

	if (kind == STORED_A)
		can &= CAN_A | CAN_C;
	else if (kind == STORED_B)
		can &= CAN_B | CAN_C;
	if (stage != STAGE_NONE)
		can &= CAN_A | CAN_B;
	return can | ((kind != STORED_NONE && target == 0) ||
				      stage == STAGE_NNP ?
			      NNP :
			      0);
}

static const char *const targets[] = { TARGET0, TARGET1 };

/* What a child was told to do. */
struct plan {
	int stage;
	int target;
	bool unprivileged;
	bool check_first;
	bool control;
};

/*
 * The child: drops its privileges, stages, checks and executes as told, then
 * the target (the control executes it in turn).  What staging or a check
 * changed before the execution ends it with an error status.
 */
static void child(const struct plan *p, int staged_fd)
{
	char *const argv[] = { (char *)targets[p->target], "--probe", NULL };
	char stage[2] = { '0' + p->stage, '\0' };
	char target[2] = { '0' + p->target, '\0' };
	char *const cargv[] = { CONTROL, "--control", stage, target, NULL };
	const int clean = outcome(STORED_NONE, STAGE_NONE, 0);

	if (p->unprivileged &&
	    (setgroups(0, NULL) || setresgid(USER, USER, USER) ||
	     setresuid(USER, USER, USER)))
		_exit(PROBE_ERROR + 1);
	if (p->stage != STAGE_NONE &&
	    syscall(SYS_landlock_restrict_self, staged_fd,
		    LANDLOCK_RESTRICT_SELF_ON_EXEC |
			    (p->stage == STAGE_NNP ?
				     LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS :
				     0)))
		_exit(PROBE_ERROR + 2);
	/* Staging enforces nothing, and no_new_privs waits for the commit. */
	if (probe() != clean)
		_exit(PROBE_ERROR + 3);
	if (p->check_first) {
		int fd = open(targets[p->target], O_RDONLY | O_CLOEXEC);

		if (fd < 0 || syscall(SYS_execveat, fd, "", argv, environ,
				      AT_EMPTY_PATH | AT_EXECVE_CHECK))
			_exit(PROBE_ERROR + 4);
		close(fd);
		/* The check left no trace. */
		if (probe() != clean)
			_exit(PROBE_ERROR + 5);
	}
	if (p->control) {
		execve(CONTROL, cargv, environ);
		_exit(PROBE_ERROR + 6);
	}
	execve(targets[p->target], argv, environ);
	_exit(PROBE_ERROR + 7);
}

/*
 * Waits for PID, at most HANG_SECS: a child stuck in an execution (or in
 * staging) is a hang, reported with its kernel stack, then killed.
 */
static void wait_child(pid_t pid, int *status)
{
	char path[64], buf[2048];
	ssize_t n;
	int fd;

	for (int i = 0; i < HANG_SECS * 100; i++) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return;
		if (r < 0)
			die("waitpid");
		sleep_us(10000);
	}
	snprintf(path, sizeof(path), "/proc/%d/stack", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	violation("hang: child %d still running after %d s; kernel stack:\n%s",
		  pid, HANG_SECS, buf);
	kill(pid, SIGKILL);
	if (waitpid(pid, status, 0) != pid)
		die("waitpid");
}

/* The kind that the program recorded for PID (deleted), or 0 if none. */
static unsigned int recorded(pid_t pid)
{
	int fd = bpf_map__fd(skel->maps.applied_kinds);
	__u32 key = pid, kind;

	if (bpf_map_lookup_elem(fd, &key, &kind))
		return 0;
	bpf_map_delete_elem(fd, &key);
	/* The program's kinds: 0 none, 1 A, 2 B. */
	return kind == 1 ? STORED_A : kind == 2 ? STORED_B : STORED_NONE;
}

static void *worker(void *arg)
{
	unsigned int seed = (unsigned int)(long)arg;
	int staged_fd = ruleset(DIR "/a", DIR "/b");

	while (!atomic_load(&sh->stop)) {
		struct plan p = {
			.stage = rand_below(&seed, STAGE_KINDS + 1) %
				 STAGE_KINDS,
			.target = rand_below(&seed, 2),
			.unprivileged = rand_below(&seed, 3) == 0,
			.check_first = rand_below(&seed, 4) == 0,
			.control = rand_below(&seed, 4) == 0,
		};
		unsigned long mg = atomic_load(&sh->map_hist.gen);
		unsigned long lg = atomic_load(&sh->link_hist.gen);
		unsigned int stored, links, kind;
		int status, got, want;
		pid_t pid;

		/* Staging without no_new_privs needs CAP_SYS_ADMIN. */
		if (p.unprivileged && p.stage == STAGE_PRIVILEGED)
			p.stage = STAGE_NNP;
		pid = fork();
		if (pid < 0) {
			violation("fork: %s", strerror(errno));
			break;
		}
		if (!pid)
			child(&p, staged_fd);
		wait_child(pid, &status);
		kind = recorded(pid);
		stored = hist_since(&sh->map_hist, mg);
		links = hist_since(&sh->link_hist, lg);
		if (!WIFEXITED(status) || WEXITSTATUS(status) >= PROBE_ERROR) {
			violation("the target did not run (%s %d; stage %d, target %d, unprivileged %d, check first %d, control %d)",
				  WIFSIGNALED(status) ? "signal" : "status",
				  WIFSIGNALED(status) ? WTERMSIG(status) :
							WEXITSTATUS(status),
				  p.stage, p.target, p.unprivileged,
				  p.check_first, p.control);
			continue;
		}
		got = WEXITSTATUS(status);
		want = outcome(kind ? kind : STORED_NONE, p.stage, p.target);
		if (got != want)
			violation("the target got %#x, expected %#x (recorded kind %#x; stage %d, target %d, unprivileged %d, check first %d, control %d)",
				  got, want, kind, p.stage, p.target,
				  p.unprivileged, p.check_first, p.control);
		if (!stored || !links) {
			/* The history was overwritten: no window check. */
			atomic_fetch_add(&n_overflows, 1);
		} else if (!kind && !(links & DETACHED)) {
			violation("the program did not see an execution of target%d while attached",
				  p.target);
		} else if (kind && (!(links & ATTACHED) || !(stored & kind))) {
			violation("the program applied kind %#x, the map had %#x and the program was %#x",
				  kind, stored, links);
		}
		atomic_fetch_add(&n_execs, 1);
		if (!kind)
			atomic_fetch_add(&n_unseen, 1);
		else if (kind == STORED_A)
			atomic_fetch_add(&n_a, 1);
		else if (kind == STORED_B)
			atomic_fetch_add(&n_b, 1);
		else
			atomic_fetch_add(&n_none, 1);
		if (kind == STORED_A || kind == STORED_B) {
			if (p.target == 1)
				atomic_fetch_add(&n_target1_applied, 1);
			if (p.unprivileged)
				atomic_fetch_add(&n_unprivileged_applied, 1);
		}
		if (p.stage != STAGE_NONE)
			atomic_fetch_add(&n_staged, 1);
		if (p.check_first)
			atomic_fetch_add(&n_checked_first, 1);
		if (p.control)
			atomic_fetch_add(&n_controls, 1);
		if (p.unprivileged)
			atomic_fetch_add(&n_unprivileged, 1);
	}
	close(staged_fd);
	return NULL;
}

/* --- Main ---------------------------------------------------------------- */

static void copy_self(const char *to)
{
	char buf[65536];
	ssize_t n;
	int in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);

	if (in < 0 || out < 0)
		die(to);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			die(to);
	close(in);
	close(out);
}

static void make_file(const char *dir)
{
	char path[64];
	int fd;

	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/f", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		die(path);
	close(fd);
}

int main(int argc, char **argv)
{
	unsigned int seed = 1, secs = 60, workers = 3;
	struct bpf_prog_info info = {};
	__u32 info_len = sizeof(info);
	pthread_t st, wt[MAX_WORKERS];
	struct stat sb[2];
	pid_t attacher;
	int i, status;
	long v;

	/* The target reports what it can read: its exit status. */
	if (argc == 2 && !strcmp(argv[1], "--probe"))
		return probe();
	/*
	 * The control (--control STAGE TARGET) is never sandboxed by the
	 * program, only by the staged ruleset, then executes the target.
	 */
	if (argc == 4 && !strcmp(argv[1], "--control")) {
		const char *target = targets[atoi(argv[3]) & 1];
		char *const targv[] = { (char *)target, "--probe", NULL };

		if (probe() != outcome(STORED_NONE, atoi(argv[2]), 0))
			return PROBE_ERROR + 8;
		execve(target, targv, environ);
		return PROBE_ERROR + 9;
	}
	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--seconds"))
			secs = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--seed"))
			seed = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--workers"))
			workers = atoi(argv[i + 1]);
		else
			break;
	}
	if (i < argc || !workers || workers > MAX_WORKERS) {
		fprintf(stderr, "usage: %s [--seconds S] [--seed N] [--workers 1-%d]\n",
			argv[0], MAX_WORKERS);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	mkdir(DIR, 0755);
	mkdir(BIN, 0755);
	make_file(DIR "/a");
	make_file(DIR "/b");
	make_file(DIR "/c");
	copy_self(CONTROL);
	for (i = 0; i < 2; i++) {
		copy_self(targets[i]);
		if (stat(targets[i], &sb[i]))
			die(targets[i]);
	}

	skel = llbpf__open_and_load();
	if (!skel)
		die("loading bpf/llbpf.bpf.c");
	skel->bss->target_major = major(sb[0].st_dev);
	skel->bss->target_minor = minor(sb[0].st_dev);
	for (i = 0; i < 2; i++)
		skel->bss->target_ino[i] = sb[i].st_ino;
	skel->bss->restrict_flags[0] = LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS;
	skel->bss->restrict_flags[1] = 0;
	if (!bpf_program__attach(skel->progs.count_free))
		die("attaching count_free");
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap");
	hist_init(&sh->map_hist, STORED_NONE);
	hist_init(&sh->link_hist, DETACHED);
	printf("LLBPF-BEGIN seed=%u seconds=%u workers=%u\n", seed, secs,
	       workers);

	fflush(stdout);
	attacher = fork();
	if (attacher < 0)
		die("fork");
	if (!attacher)
		attach_process(seed + 1);
	if (pthread_create(&st, NULL, store_thread, (void *)(long)seed))
		die("pthread_create");
	for (unsigned int w = 0; w < workers; w++)
		if (pthread_create(&wt[w], NULL, worker,
				   (void *)(long)(seed + 2 + w)))
			die("pthread_create");
	sleep(secs);
	atomic_store(&sh->stop, true);
	pthread_join(st, NULL);
	for (unsigned int w = 0; w < workers; w++)
		pthread_join(wt[w], NULL);
	wait_child(attacher, &status);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		violation("the attach process ended with %s %d",
			  WIFSIGNALED(status) ? "signal" : "status",
			  WIFSIGNALED(status) ? WTERMSIG(status) :
						WEXITSTATUS(status));

	/*
	 * No policy object leaked: once the map is empty, every one that
	 * store_ruleset got is freed, after an RCU grace period (up to 30 s
	 * here).  count_free, an fentry program, misses the calls that nest in
	 * its own run on the same CPU: they are counted as missed.
	 */
	run_prog(skel->progs.clear_ruleset);
	for (i = 0; i < 300; i++) {
		/* A zeroed one: a filled one asks for arrays at address 0. */
		memset(&info, 0, sizeof(info));
		info_len = sizeof(info);
		if (bpf_prog_get_info_by_fd(bpf_program__fd(skel->progs.count_free),
					    &info, &info_len))
			die("bpf_prog_get_info_by_fd");
		if (skel->bss->freed + info.recursion_misses == skel->bss->stored)
			break;
		sleep_us(100000);
	}
	if (skel->bss->freed + info.recursion_misses != skel->bss->stored)
		violation("policy objects: %llu stored, %llu freed (%llu missed) after 30 s",
			  (unsigned long long)skel->bss->stored,
			  (unsigned long long)skel->bss->freed,
			  (unsigned long long)info.recursion_misses);
	if (skel->bss->record_failed)
		violation("the program could not record %llu execution(s)",
			  (unsigned long long)skel->bss->record_failed);
	if (skel->bss->refused)
		violation("the program refused %llu execution(s), last error %d",
			  (unsigned long long)skel->bss->refused,
			  skel->bss->last_err);
	if (skel->bss->applied + skel->bss->unsandboxed + skel->bss->refused !=
	    skel->bss->matched)
		violation("the program's counts disagree: %llu matched, %llu applied, %llu unsandboxed",
			  (unsigned long long)skel->bss->matched,
			  (unsigned long long)skel->bss->applied,
			  (unsigned long long)skel->bss->unsandboxed);
	/* Enough of each case to prove something. */
	if (n_execs < 20 || n_unseen * 4 > n_execs * 3 ||
	    (n_a + n_b) * 4 < n_execs || !n_a || !n_b || !n_target1_applied ||
	    !n_unprivileged_applied || !sh->n_detaches ||
	    n_overflows * 10 > n_execs)
		violation("too few cases: execs %ld, unseen %ld, A %ld, B %ld, target1 %ld, unprivileged %ld, detaches %ld, overflows %ld",
			  n_execs, n_unseen, n_a, n_b, n_target1_applied,
			  n_unprivileged_applied, sh->n_detaches, n_overflows);
	v = atomic_load(&sh->violations);
	printf("LLBPF-RESULT violations=%ld execs=%ld sandboxed_a=%ld sandboxed_b=%ld none=%ld unseen=%ld target1_applied=%ld unprivileged=%ld unprivileged_applied=%ld staged=%ld checked_first=%ld controls=%ld overflows=%ld stores=%ld clears=%ld detaches=%ld stored=%llu freed=%llu missed=%llu matched=%llu applied=%llu unsandboxed=%llu refused=%llu retried=%llu raced_empty=%llu\n",
	       v, n_execs, n_a, n_b, n_none, n_unseen, n_target1_applied,
	       n_unprivileged, n_unprivileged_applied, n_staged,
	       n_checked_first, n_controls, n_overflows, n_stores, n_clears,
	       sh->n_detaches, (unsigned long long)skel->bss->stored,
	       (unsigned long long)skel->bss->freed,
	       (unsigned long long)info.recursion_misses,
	       (unsigned long long)skel->bss->matched,
	       (unsigned long long)skel->bss->applied,
	       (unsigned long long)skel->bss->unsandboxed,
	       (unsigned long long)skel->bss->refused,
	       (unsigned long long)skel->bss->retried,
	       (unsigned long long)skel->bss->raced_empty);
	llbpf__destroy(skel);
	return v ? 1 : 0;
}
