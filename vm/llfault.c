// SPDX-License-Identifier: GPL-2.0
/*
 * llfault - fails the allocations of the series' operations one by one.
 *
 *   llfault [--max N] [--stride K] [OP...]   run every operation (or those
 *                                            named)
 *   llfault --list                           list the operations
 *
 * For each operation, N = 1, 2, ...: a new child process prepares the
 * situation (rulesets, sibling threads with credentials of their own, a
 * staged restriction, a server socket), writes N to the fail-nth file of the
 * calling thread (or of a sibling thread, whose part of a thread-sync call
 * runs in its own context) and makes the call, so that the Nth fault point
 * that thread reaches (a slab or page allocation: failslab and
 * fail_page_alloc, told not to spare sleeping allocations) fails.  The count
 * is per thread, so no other task is hit and no task filter is needed.  The
 * loop ends after three N in a row that the call completes without reaching
 * (then it must do what it does without a fault): the highest N reached is
 * the number of allocation sites that the operation reached, the
 * base kernel's and the series' (on the debug kernel, kmemleak's and KASAN's
 * own allocations too, which absorb their failures; and for an execution,
 * the new program's start-up up to its first instruction of main()).
 * --stride K tries only N = 1, 2, 3, 4, 4 + K, 4 + 2K, ... (make check's short
 * run, where the first ones still reach the operations with few sites;
 * the sites are then the highest N tried that the call reached).
 *
 * After each call the child checks the invariants of the operation:
 *   - the call succeeded, or failed with ENOMEM or an errno that the
 *     operation gives for a failed allocation (execve: E2BIG when the
 *     new stack's pages cannot be had, EFAULT, ENOEXEC: see EXEC_ERRNOS; a
 *     memfd: ENOSPC when its inode cannot);
 *   - after a failure nothing changed: no descriptor was left open; in
 *     every thread the secret file is still readable and no_new_privs is
 *     what it was; a restriction staged before the call is still staged,
 *     as it was, for every thread (a later execution, from a sibling thread,
 *     enforces exactly it), and one that the call would have staged is not;
 *   - after a success the operation took full effect, in every thread;
 *   - what must never succeed did not, whatever failed: a scoped connection
 *     to a socket served outside the domain; executing or mapping
 *     executable a memfd created in a domain that denies it.
 * An execution that succeeds runs llfault again as "--probe", which checks
 * from the new program and reports.  An execution whose failure came past
 * its point of no return kills the process: that is counted as "killed",
 * not as a violation (the kernel cannot return an error from there); a
 * successful one whose new program fails its C library start-up on the
 * fault (exit status 127, before main()) is counted as "startup".  For the
 * other operations a death is a violation.  A call that hangs for 60 s
 * is a violation.  An operation that reaches no allocation at all is a
 * violation too (the test would prove nothing).
 *
 * Prints one line per operation and a result line:
 *   LLFAULT op=NAME sites=S injected=I ok=.. enomem=.. errno=.. killed=.. startup=.. violations=V
 *   LLFAULT-VIOLATION op=NAME n=N: what
 *   LLFAULT-RESULT ops=.. injected=.. violations=V
 * Needs root, CONFIG_FAULT_INJECTION, CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC
 * and CONFIG_FAULT_INJECTION_DEBUG_FS, with debugfs mounted.
 *
 * Built with LLFAULT_BPF (llfault-bpf, linked with libbpf and the skeleton of
 * bpf/llbpf.bpf.c), it also fails the allocations of the BPF exec-time
 * bridge: the operations named bpf_*, run last, with the BPF LSM program
 * applying the stored ruleset to every execution of this program (so to the
 * probe) attached from the first of them on.  The program fails closed: a
 * failure to apply the ruleset refuses the execution with EPERM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef LLFAULT_BPF
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/sysmacros.h>

#include "llbpf.skel.h"
#endif

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define DIR "/tmp/llfault"
#define SECRET DIR "/secret"
#define SIBLINGS 2
#define DEFAULT_MAX 1000
#define CALL_SECS 60
/* The exit status of a static program whose C library start-up failed. */
#define STARTUP_FAILED 127
/*
 * Seconds without a report after which a child counts as hung: beyond its
 * own alarm, so only a child that the alarm cannot end (in an
 * uninterruptible sleep) gets there.
 */
#define HANG_SECS (2 * CALL_SECS)
/* Values of N in a row that the call must not reach to end its loop. */
#define UNREACHED_RUNS 3

/* What a child (or the program it executed) reports to the parent. */
struct record {
	int done;
	int injected;
	long err; /* 0: the call succeeded; else its errno */
	char violation[200];
};

/* What the threads of a process must see: 0 (allowed) or an errno. */
struct expect {
	int secret; /* reading the secret file */
	int fifo; /* making a FIFO in DIR */
	int nnp; /* no_new_privs of the sibling threads, or of a new program */
};

struct ctx {
	const char *self;
	int report_fd;
	int nth_fd;
	int lowest_fd; /* the lowest free descriptor before the call */
	int ruleset_fd;
	int fd; /* the operation's own descriptor (path, socket, memfd) */
	bool threads; /* sibling threads were started */
	char sock_path[108];
	struct record rec;
};

struct op {
	const char *name;
	/* Errnos that the call may return besides ENOMEM (0-terminated). */
	int errnos[5];
	/* Fail the allocations of a sibling thread instead of the caller's. */
	bool in_sibling;
	/* An execution: may be killed past its point of no return. */
	bool exec;
	void (*prepare)(struct ctx *c);
	long (*call)(struct ctx *c);
	void (*check)(struct ctx *c);
	/* The errno of the call when no fault is injected (a denial). */
	int clean_err;
	/* Needs the BPF program (llfault-bpf). */
	bool bpf;
};

static const struct expect free_view = { 0, 0, 0 };

static int create_ruleset(const struct landlock_ruleset_attr *attr,
			  size_t size, __u32 flags)
{
	return syscall(SYS_landlock_create_ruleset, attr, size, flags);
}

static int add_rule(int fd, const void *attr)
{
	return syscall(SYS_landlock_add_rule, fd, LANDLOCK_RULE_PATH_BENEATH,
		       attr, 0);
}

static int restrict_self(int fd, __u32 flags)
{
	return syscall(SYS_landlock_restrict_self, fd, flags);
}

static void die(const char *what)
{
	perror(what);
	exit(3);
}

static const char *ename(int err)
{
	return err ? strerrorname_np(err) : "allowed";
}

static void violation(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void violation(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->rec.violation[0])
		return;
	va_start(ap, fmt);
	vsnprintf(c->rec.violation, sizeof(c->rec.violation), fmt, ap);
	va_end(ap);
}

/*
 * A ruleset that denies reading files but beneath /bin, /proc and /dev (so
 * the secret), or (FIFO) one that denies making FIFOs.  Both also handle
 * binding TCP ports, with a rule for one port, so that a copy of the
 * ruleset (staging) copies both of its rule trees.
 */
static int make_ruleset(bool fifo, __u64 denied, __u64 scoped)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = fifo ? LANDLOCK_ACCESS_FS_MAKE_FIFO :
					    LANDLOCK_ACCESS_FS_READ_FILE,
		.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP,
		.scoped = scoped,
		.denied = denied,
	};
	struct landlock_path_beneath_attr pb = {
		.allowed_access = LANDLOCK_ACCESS_FS_READ_FILE,
	};
	const struct landlock_net_port_attr np = {
		.allowed_access = LANDLOCK_ACCESS_NET_BIND_TCP,
		.port = 4242,
	};
	static const char *const allowed[] = { "/bin", "/proc", "/dev" };
	int fd = create_ruleset(&attr, sizeof(attr), 0);

	if (fd < 0)
		die("landlock_create_ruleset");
	if (syscall(SYS_landlock_add_rule, fd, LANDLOCK_RULE_NET_PORT, &np, 0))
		die("landlock_add_rule (port)");
	for (size_t i = 0; !fifo && i < sizeof(allowed) / sizeof(allowed[0]);
	     i++) {
		pb.parent_fd = open(allowed[i], O_PATH | O_CLOEXEC);
		if (pb.parent_fd < 0 || add_rule(fd, &pb))
			die("landlock_add_rule");
		close(pb.parent_fd);
	}
	return fd;
}

/* What the calling thread sees. */
struct view {
	int secret;
	int fifo;
	int nnp;
};

static struct view thread_view(void)
{
	struct view v = { .nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) };
	char fifo[64];
	int fd = open(SECRET, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		v.secret = errno;
	else
		close(fd);
	snprintf(fifo, sizeof(fifo), DIR "/fifo-%d", gettid());
	if (mknod(fifo, S_IFIFO | 0600, 0))
		v.fifo = errno;
	else
		unlink(fifo);
	return v;
}

static void compare(struct ctx *c, const char *who, struct view v, int secret,
		    int fifo, int nnp)
{
	if (v.secret != secret || v.fifo != fifo || v.nnp != nnp)
		violation(c, "%s: secret %s, FIFO %s, no_new_privs %d (expected %s, %s, %d)",
			  who, ename(v.secret), ename(v.fifo), v.nnp,
			  ename(secret), ename(fifo), nnp);
}

/*
 * Sibling threads, each with credentials of its own (as after a setuid() in
 * one thread), so that thread-sync prepares new ones for each: they wait for
 * requests to report what they see, or to execute the probe.
 */
static pthread_barrier_t bar_ask, bar_done;
/*
 * Shared with the parent (MAP_SHARED): the child sets it once the call
 * returned, so that a death afterwards (in the checks, e.g. a second
 * execution) is never taken for the call's own outcome.
 */
static volatile int *call_returned;
static struct view sibling_views[SIBLINGS];
static pid_t sibling_tids[SIBLINGS];
static struct ctx *exec_request;
static struct expect exec_expect;
static long exec_probe(struct ctx *c, struct expect e, bool as_call);
static void send_record(int fd, struct record *r);

static void *sibling(void *arg)
{
	long i = (long)arg;

	/* A credential change of this thread only: new credentials. */
	if (syscall(SYS_prctl, PR_SET_KEEPCAPS, 0, 0, 0, 0))
		die("PR_SET_KEEPCAPS");
	sibling_tids[i] = gettid();
	pthread_barrier_wait(&bar_done);
	for (;;) {
		pthread_barrier_wait(&bar_ask);
		if (i == 0 && exec_request) {
			long err = exec_probe(exec_request, exec_expect, false);

			violation(exec_request, "execve of the probe from a sibling: %s",
				  ename(err));
			send_record(exec_request->report_fd, &exec_request->rec);
			exit(0);
		}
		sibling_views[i] = thread_view();
		pthread_barrier_wait(&bar_done);
	}
	return NULL;
}

static void start_siblings(struct ctx *c)
{
	pthread_t t;

	pthread_barrier_init(&bar_ask, NULL, SIBLINGS + 1);
	pthread_barrier_init(&bar_done, NULL, SIBLINGS + 1);
	for (long i = 0; i < SIBLINGS; i++)
		if (pthread_create(&t, NULL, sibling, (void *)i))
			die("pthread_create");
	pthread_barrier_wait(&bar_done);
	c->threads = true;
}

/*
 * The calling thread's no_new_privs: set by every preparation but those of the
 * bpf_* operations, where root's child executes without it, so that only the
 * program's flags can give the new program no_new_privs.
 */
static int caller_nnp = 1;

/* Every thread must see E (the calling thread: caller_nnp). */
static void check_threads(struct ctx *c, struct expect e)
{
	char who[32];

	compare(c, "calling thread", thread_view(), e.secret, e.fifo,
		caller_nnp);
	if (!c->threads)
		return;
	pthread_barrier_wait(&bar_ask);
	pthread_barrier_wait(&bar_done);
	for (int i = 0; i < SIBLINGS; i++) {
		snprintf(who, sizeof(who), "sibling %d", i);
		compare(c, who, sibling_views[i], e.secret, e.fifo, e.nnp);
	}
}

static void set_nnp(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		die("PR_SET_NO_NEW_PRIVS");
}

/*
 * Executes the probe, which checks that it sees E (E.nnp: its own
 * no_new_privs) and reports to the parent; returns the errno.  The probe
 * reports the call's outcome: the execution itself (AS_CALL: it succeeded,
 * and the probe reads whether a fault was injected), or the one in c->rec.
 */
static long exec_probe(struct ctx *c, struct expect e, bool as_call)
{
	char fds[32], want[48], outcome[32];
	char *argv[] = { (char *)c->self, "--probe", fds, want, outcome, NULL };

	snprintf(fds, sizeof(fds), "%d:%d", c->report_fd, c->nth_fd);
	snprintf(want, sizeof(want), "%d:%d:%d", e.secret, e.fifo, e.nnp);
	if (as_call)
		strcpy(outcome, "exec");
	else
		snprintf(outcome, sizeof(outcome), "%d:%ld", c->rec.injected,
			 c->rec.err);
	execve(c->self, argv, environ);
	return errno;
}

/*
 * Executes the probe from a sibling thread (a staged restriction is every
 * thread's; E.nnp is the sibling's), or from the calling thread when there
 * is none.
 */
static void exec_from_sibling(struct ctx *c, struct expect e)
{
	long err;

	if (c->threads) {
		exec_request = c;
		exec_expect = e;
		pthread_barrier_wait(&bar_ask);
		/* The sibling's execution ends this thread. */
		pause();
	}
	err = exec_probe(c, e, false);
	violation(c, "execve of the probe: %s", ename(err));
}

/* --- Operations --------------------------------------------------------- */

static void prep_none(struct ctx *c)
{
	(void)c;
}

static long call_create(struct ctx *c)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_READ_FILE,
		.scoped = LANDLOCK_SCOPE_PATHNAME_UNIX_SOCKET,
		.denied = LANDLOCK_DENY_EXECUTE_MEMFD,
	};

	c->fd = create_ruleset(&attr, sizeof(attr), 0);
	return c->fd < 0 ? errno : 0;
}

/* A failure leaves no descriptor: the lowest free one is the same. */
static void check_no_fd(struct ctx *c)
{
	int fd = dup(0);

	if (c->rec.err && fd != c->lowest_fd)
		violation(c, "a failed call left descriptor %d open",
			  c->lowest_fd);
	close(fd);
}

static void prep_add_rule(struct ctx *c)
{
	c->ruleset_fd = make_ruleset(false, 0, 0);
	c->fd = open(DIR, O_PATH | O_CLOEXEC);
	if (c->fd < 0)
		die(DIR);
}

static long call_add_rule(struct ctx *c)
{
	struct landlock_path_beneath_attr pb = {
		.allowed_access = LANDLOCK_ACCESS_FS_READ_FILE,
		.parent_fd = c->fd,
	};

	return add_rule(c->ruleset_fd, &pb) ? errno : 0;
}

static void check_add_rule(struct ctx *c)
{
	/* The rule grants the secret exactly when it was added. */
	set_nnp();
	if (restrict_self(c->ruleset_fd, 0))
		die("landlock_restrict_self");
	check_threads(c, (struct expect){ c->rec.err ? EACCES : 0, 0, 1 });
}

/* The secret ruleset; the calling thread alone has no_new_privs. */
static void prep_restrict(struct ctx *c)
{
	c->ruleset_fd = make_ruleset(false, 0, 0);
	set_nnp();
}

static void prep_threads(struct ctx *c)
{
	c->ruleset_fd = make_ruleset(false, 0, 0);
	start_siblings(c);
	set_nnp();
}

static long call_restrict(struct ctx *c)
{
	return restrict_self(c->ruleset_fd, 0) ? errno : 0;
}

static long call_tsync(struct ctx *c)
{
	return restrict_self(c->ruleset_fd, LANDLOCK_RESTRICT_SELF_TSYNC) ?
		       errno : 0;
}

static void check_restrict(struct ctx *c)
{
	/*
	 * All threads or none (thread-sync): no_new_privs follows the domain;
	 * without thread-sync the siblings are never restricted.
	 */
	if (c->rec.err)
		check_threads(c, free_view);
	else
		check_threads(c, (struct expect){ EACCES, 0, 1 });
}

static long call_stage(struct ctx *c)
{
	return restrict_self(c->ruleset_fd, LANDLOCK_RESTRICT_SELF_ON_EXEC) ?
		       errno : 0;
}

static void check_stage(struct ctx *c)
{
	/* Nothing is enforced before the execution. */
	check_threads(c, (struct expect){ 0, 0, c->rec.err ? 0 : 1 });
	if (c->rec.violation[0])
		return;
	/*
	 * A sibling's execution is restricted exactly if the call staged, which
	 * also gave the sibling no_new_privs.
	 */
	exec_from_sibling(c, c->rec.err ? free_view :
					  (struct expect){ EACCES, 0, 1 });
}

/* The secret ruleset staged; then (REPLACE) a FIFO ruleset to stage. */
static void prep_staged(struct ctx *c)
{
	prep_threads(c);
	if (restrict_self(c->ruleset_fd, LANDLOCK_RESTRICT_SELF_ON_EXEC))
		die("staging");
}

static void prep_replace(struct ctx *c)
{
	prep_staged(c);
	close(c->ruleset_fd);
	c->ruleset_fd = make_ruleset(true, 0, 0);
}

static void check_replace(struct ctx *c)
{
	/* The first staged restriction, or the second: never both, nor none. */
	check_threads(c, (struct expect){ 0, 0, 1 });
	if (c->rec.violation[0])
		return;
	exec_from_sibling(c, c->rec.err ? (struct expect){ EACCES, 0, 1 } :
					  (struct expect){ 0, EACCES, 1 });
}

static long call_cancel(struct ctx *c)
{
	(void)c;
	return restrict_self(-1, LANDLOCK_RESTRICT_SELF_ON_EXEC) ? errno : 0;
}

static void check_cancel(struct ctx *c)
{
	check_threads(c, (struct expect){ 0, 0, 1 });
	if (c->rec.violation[0])
		return;
	exec_from_sibling(c, (struct expect){ c->rec.err ? EACCES : 0, 0, 1 });
}

/* Staged, then the domain changes: the execution must rebuild it. */
static void prep_staged_changed(struct ctx *c)
{
	int fd;

	prep_restrict(c);
	if (restrict_self(c->ruleset_fd, LANDLOCK_RESTRICT_SELF_ON_EXEC))
		die("staging");
	fd = make_ruleset(true, 0, 0);
	if (restrict_self(fd, 0))
		die("restricting after staging");
	close(fd);
}

static void prep_staged_alone(struct ctx *c)
{
	prep_restrict(c);
	if (restrict_self(c->ruleset_fd, LANDLOCK_RESTRICT_SELF_ON_EXEC))
		die("staging");
}

/* What the program that a staged execution starts sees. */
static struct expect staged_view(bool changed)
{
	return (struct expect){ EACCES, changed ? EACCES : 0, 1 };
}

static long call_exec_commit(struct ctx *c)
{
	return exec_probe(c, staged_view(false), true);
}

static long call_exec_rebuild(struct ctx *c)
{
	return exec_probe(c, staged_view(true), true);
}

static void check_exec(struct ctx *c, bool changed)
{
	long err;

	/* The failed execution enforced nothing and unstaged nothing. */
	check_threads(c, (struct expect){ 0, changed ? EACCES : 0, 1 });
	if (c->rec.violation[0])
		return;
	err = exec_probe(c, staged_view(changed), false);
	violation(c, "execve of the probe after a failed one: %s", ename(err));
}

static void check_exec_commit(struct ctx *c)
{
	check_exec(c, false);
}

static void check_exec_rebuild(struct ctx *c)
{
	check_exec(c, true);
}

static void prep_memfd(struct ctx *c)
{
	c->ruleset_fd = make_ruleset(false, LANDLOCK_DENY_EXECUTE_MEMFD, 0);
	set_nnp();
	if (restrict_self(c->ruleset_fd, 0))
		die("landlock_restrict_self");
}

static long call_memfd(struct ctx *c)
{
	c->fd = memfd_create("llfault", MFD_CLOEXEC | MFD_EXEC);
	return c->fd < 0 ? errno : 0;
}

static void check_memfd(struct ctx *c)
{
	static const char script[] = "#!/bin/busybox true\n";
	char *const argv[] = { "memfd", NULL };
	void *p;

	check_no_fd(c);
	if (c->rec.err)
		return;
	if (ftruncate(c->fd, 4096) ||
	    pwrite(c->fd, script, sizeof(script) - 1, 0) < 0)
		die("ftruncate");
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, c->fd, 0);
	if (p != MAP_FAILED)
		violation(c, "mmap(PROT_EXEC) of the memfd succeeded");
	else if (errno != EACCES)
		violation(c, "mmap(PROT_EXEC) of the memfd: %s (expected EACCES)",
			  ename(errno));
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, c->fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	if (!mprotect(p, 4096, PROT_READ | PROT_EXEC))
		violation(c, "mprotect(PROT_EXEC) of the memfd succeeded");
	else if (errno != EACCES)
		violation(c, "mprotect(PROT_EXEC) of the memfd: %s (expected EACCES)",
			  ename(errno));
	/* A success would run busybox true: no report, a violation. */
	syscall(SYS_execveat, c->fd, "", argv, environ, AT_EMPTY_PATH);
	if (errno != EACCES)
		violation(c, "execveat of the memfd: %s (expected EACCES)",
			  ename(errno));
}

static void serve(struct ctx *c)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(c->sock_path, sizeof(c->sock_path), DIR "/sock-%d", getpid());
	strcpy(addr.sun_path, c->sock_path);
	unlink(c->sock_path);
	if (fd < 0 || bind(fd, (void *)&addr, sizeof(addr)) || listen(fd, 4))
		die("server socket");
}

static void scope(struct ctx *c)
{
	c->ruleset_fd =
		make_ruleset(false, 0, LANDLOCK_SCOPE_PATHNAME_UNIX_SOCKET);
	set_nnp();
	if (restrict_self(c->ruleset_fd, 0))
		die("landlock_restrict_self");
}

static void prep_connect_outside(struct ctx *c)
{
	serve(c);
	scope(c);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

static void prep_connect_inside(struct ctx *c)
{
	scope(c);
	serve(c);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

static long call_connect(struct ctx *c)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	strcpy(addr.sun_path, c->sock_path);
	return connect(c->fd, (void *)&addr, sizeof(addr)) ? errno : 0;
}

static void check_connect_outside(struct ctx *c)
{
	if (!c->rec.err)
		violation(c, "connected to a socket served outside the domain");
	unlink(c->sock_path);
}

static void check_connect_inside(struct ctx *c)
{
	/* Any errno but ENOMEM and ENOBUFS (a denial) is a violation. */
	unlink(c->sock_path);
}

#ifdef LLFAULT_BPF
/*
 * The BPF exec-time bridge: the program of bpf/llbpf.bpf.c, loaded and
 * attached by main() before the first bpf_* operation, applies the ruleset
 * stored in its map (with no_new_privs) to every execution of this program.
 */
static struct llbpf *skel;

/* Runs a syscall program: 0, or its negated return value or errno. */
static long run_syscall_prog(const struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	if (bpf_prog_test_run_opts(bpf_program__fd(prog), &opts))
		return errno;
	return -(int)opts.retval;
}

/* Stores the ruleset of FD in the map (as kind A), replacing the stored one. */
static void store(int fd)
{
	skel->data->ruleset_fd = fd;
	if (run_syscall_prog(skel->progs.store_ruleset))
		die("store_ruleset");
}

/* What every bpf_* preparation does first: root's child, no no_new_privs. */
static void prep_bpf(void)
{
	caller_nnp = 0;
	skel->bss->last_err = 0;
}

/* The secret ruleset stored; then (call_from_fd) a FIFO ruleset to store. */
static void prep_bpf_from_fd(struct ctx *c)
{
	prep_bpf();
	c->ruleset_fd = make_ruleset(false, 0, 0);
	store(c->ruleset_fd);
	c->fd = make_ruleset(true, 0, 0);
}

static long call_from_fd(struct ctx *c)
{
	skel->data->ruleset_fd = c->fd;
	return run_syscall_prog(skel->progs.store_ruleset);
}

static void check_from_fd(struct ctx *c)
{
	long err;

	/*
	 * The kfunc returns NULL on a failure (the program: ENOENT), and the
	 * map keeps the ruleset it had: the probe's execution is restricted by
	 * the new ruleset exactly when it was stored, with no_new_privs from
	 * the program's flags.
	 */
	check_threads(c, (struct expect){ 0, 0, 0 });
	if (c->rec.violation[0])
		return;
	err = exec_probe(c, c->rec.err ? (struct expect){ EACCES, 0, 1 } :
					 (struct expect){ 0, EACCES, 1 },
			 false);
	violation(c, "execve of the probe: %s", ename(err));
}

/* The secret ruleset stored, for the program to apply. */
static void prep_bpf_apply(struct ctx *c)
{
	prep_bpf();
	c->ruleset_fd = make_ruleset(false, 0, 0);
	store(c->ruleset_fd);
}

/*
 * The secret ruleset staged (by root: no no_new_privs) and the FIFO ruleset
 * stored: both apply, and only the program's flags give no_new_privs.
 */
static void prep_bpf_apply_staged(struct ctx *c)
{
	int fd = make_ruleset(true, 0, 0);

	prep_bpf();
	store(fd);
	close(fd);
	c->ruleset_fd = make_ruleset(false, 0, 0);
	if (restrict_self(c->ruleset_fd, LANDLOCK_RESTRICT_SELF_ON_EXEC))
		die("staging");
}

/*
 * The secret ruleset staged, then a ruleset that handles only TCP binds
 * enforced (the execution must rebuild the staged domain on the new one), and
 * the FIFO ruleset stored: the probe tells the staged layer from the
 * program's.
 */
static void prep_bpf_apply_rebuild(struct ctx *c)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP,
	};
	int fd;

	prep_bpf_apply_staged(c);
	fd = create_ruleset(&attr, sizeof(attr), 0);
	if (fd < 0 || restrict_self(fd, 0))
		die("restricting after staging");
	close(fd);
}

static long call_bpf_apply(struct ctx *c)
{
	return exec_probe(c, (struct expect){ EACCES, 0, 1 }, true);
}

static long call_bpf_apply_staged(struct ctx *c)
{
	return exec_probe(c, (struct expect){ EACCES, EACCES, 1 }, true);
}

/*
 * The failed execution enforced nothing (CALLER: what the calling thread sees
 * before and after), unstaged nothing, and the next one gets the stored
 * ruleset (and the staged one): NEXT.  The program refuses an execution
 * (EPERM) only when the kfunc failed to allocate.
 */
static void check_bpf_apply_as(struct ctx *c, struct expect caller,
			       struct expect next)
{
	long err;

	if (c->rec.err == EPERM && skel->bss->last_err != -ENOMEM)
		violation(c, "the program refused the execution: the kfunc returned %d",
			  skel->bss->last_err);
	check_threads(c, caller);
	if (c->rec.violation[0])
		return;
	err = exec_probe(c, next, false);
	violation(c, "execve of the probe after a failed one: %s", ename(err));
}

static void check_bpf_apply(struct ctx *c)
{
	check_bpf_apply_as(c, (struct expect){ 0, 0, 0 },
			   (struct expect){ EACCES, 0, 1 });
}

static void check_bpf_apply_staged(struct ctx *c)
{
	check_bpf_apply_as(c, (struct expect){ 0, 0, 0 },
			   (struct expect){ EACCES, EACCES, 1 });
}

/*
 * After the bpf_* operations: once the map is empty, every policy object that
 * store_ruleset got is freed (count_free, an fentry program, counts as missed
 * the calls nested in its own run on a CPU).  Returns the violations.
 */
static int bpf_leak_check(void)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd, i;

	if (!skel)
		return 0;
	fd = bpf_program__fd(skel->progs.count_free);
	run_syscall_prog(skel->progs.clear_ruleset);
	for (i = 0; i < 300; i++) {
		/* A zeroed one: a filled one asks for arrays at address 0. */
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (bpf_prog_get_info_by_fd(fd, &info, &len))
			die("bpf_prog_get_info_by_fd");
		if (skel->bss->freed + info.recursion_misses ==
		    skel->bss->stored)
			return 0;
		usleep(100000);
	}
	printf("LLFAULT-VIOLATION op=bpf: %llu policy objects stored, %llu freed (%llu missed) after 30 s\n",
	       (unsigned long long)skel->bss->stored,
	       (unsigned long long)skel->bss->freed,
	       (unsigned long long)info.recursion_misses);
	return 1;
}

/* Loads and attaches the program, for executions of SELF. */
static void bpf_attach(const char *self)
{
	struct stat st;

	if (skel)
		return;
	if (stat(self, &st))
		die(self);
	skel = llbpf__open_and_load();
	if (!skel)
		die("llbpf: load");
	skel->bss->target_ino[0] = st.st_ino;
	skel->bss->target_major = major(st.st_dev);
	skel->bss->target_minor = minor(st.st_dev);
	skel->bss->restrict_flags[0] = LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS;
	if (llbpf__attach(skel))
		die("llbpf: attach");
}
#endif /* LLFAULT_BPF */

/*
 * A failed allocation makes an execution fail with E2BIG (the new stack's
 * pages), EFAULT (copying the arguments) or ENOEXEC (load_elf_binary()
 * reports a failed allocation of the program headers as a format it does
 * not know, as the base kernel does).
 */
#define EXEC_ERRNOS { E2BIG, EFAULT, ENOEXEC, 0 }
static const struct op ops[] = {
	{ "create_ruleset", { ENFILE, 0 }, false, false, prep_none,
	  call_create, check_no_fd },
	{ "add_rule", { 0 }, false, false, prep_add_rule, call_add_rule,
	  check_add_rule },
	{ "restrict", { 0 }, false, false, prep_restrict, call_restrict,
	  check_restrict },
	{ "restrict_tsync", { 0 }, false, false, prep_threads, call_tsync,
	  check_restrict },
	{ "restrict_tsync_sibling", { 0 }, true, false, prep_threads,
	  call_tsync, check_restrict },
	{ "stage_on_exec", { 0 }, false, false, prep_threads, call_stage,
	  check_stage },
	{ "stage_on_exec_sibling", { 0 }, true, false, prep_threads,
	  call_stage, check_stage },
	{ "stage_replace", { 0 }, false, false, prep_replace, call_stage,
	  check_replace },
	{ "stage_cancel", { 0 }, false, false, prep_staged, call_cancel,
	  check_cancel },
	{ "exec_commit", EXEC_ERRNOS, false, true, prep_staged_alone,
	  call_exec_commit, check_exec_commit },
	{ "exec_rebuild", EXEC_ERRNOS, false, true, prep_staged_changed,
	  call_exec_rebuild, check_exec_rebuild },
	{ "memfd_create", { ENOSPC, ENFILE, 0 }, false, false, prep_memfd,
	  call_memfd, check_memfd },
	{ "connect_outside", { EPERM, ENOBUFS, 0 }, false, false,
	  prep_connect_outside, call_connect, check_connect_outside, EPERM },
	{ "connect_inside", { ENOBUFS, 0 }, false, false, prep_connect_inside,
	  call_connect, check_connect_inside },
#ifdef LLFAULT_BPF
	/* From here on, the program applies the stored ruleset. */
	{ "bpf_from_fd", { ENOENT, 0 }, false, false, prep_bpf_from_fd,
	  call_from_fd, check_from_fd, 0, true },
	/* The program refuses the execution when it cannot apply the ruleset. */
	{ "bpf_apply_exec", { E2BIG, EFAULT, ENOEXEC, EPERM }, false, true,
	  prep_bpf_apply, call_bpf_apply, check_bpf_apply, 0, true },
	{ "bpf_apply_staged", { E2BIG, EFAULT, ENOEXEC, EPERM }, false, true,
	  prep_bpf_apply_staged, call_bpf_apply_staged,
	  check_bpf_apply_staged, 0, true },
	{ "bpf_apply_rebuild", { E2BIG, EFAULT, ENOEXEC, EPERM }, false, true,
	  prep_bpf_apply_rebuild, call_bpf_apply_staged,
	  check_bpf_apply_staged, 0, true },
#endif
};

/* --- Driver ------------------------------------------------------------- */

static void write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val)) {
		fprintf(stderr, "llfault: %s: %s\n", path, strerror(errno));
		exit(3);
	}
	close(fd);
}

/* Reads and clears a fail-nth count: true if the fault was injected. */
static bool disarm(int nth_fd)
{
	char buf[16] = "";

	if (pread(nth_fd, buf, sizeof(buf) - 1, 0) <= 0 ||
	    pwrite(nth_fd, "0", 1, 0) != 1)
		die("fail-nth");
	return atoi(buf) == 0;
}

static void send_record(int fd, struct record *r)
{
	r->done = 1;
	if (write(fd, r, sizeof(*r)) != sizeof(*r))
		exit(3);
}

/*
 * The executed program: --probe REPORT_FD:NTH_FD SECRET:FIFO OUTCOME.  The
 * fail-nth descriptor comes from before the execution, so that no fault is
 * spent on opening it.
 */
static int probe(char **argv)
{
	struct ctx c = {};
	struct expect e;
	int nth_fd;

	if (sscanf(argv[2], "%d:%d", &c.report_fd, &nth_fd) != 2 ||
	    sscanf(argv[3], "%d:%d:%d", &e.secret, &e.fifo, &e.nnp) != 3)
		return 3;
	if (!strcmp(argv[4], "exec")) {
		/* The execution was the call: did a fault get injected? */
		c.rec.injected = disarm(nth_fd);
	} else {
		/* The outcome of the call before this execution. */
		c.rec.injected = atoi(argv[4]);
		c.rec.err = atol(strchr(argv[4], ':') + 1);
	}
	compare(&c, "new program", thread_view(), e.secret, e.fifo, e.nnp);
	send_record(c.report_fd, &c.rec);
	return 0;
}

static bool errno_ok(const struct op *op, long err)
{
	if (!err || err == ENOMEM)
		return true;
	for (int i = 0; op->errnos[i]; i++)
		if (op->errnos[i] == err)
			return true;
	return false;
}

static void child(const struct op *op, const char *self, int report_fd,
		  int n)
{
	struct ctx c = { .self = self, .report_fd = report_fd, .fd = -1,
			 .ruleset_fd = -1 };
	char path[64] = "/proc/thread-self/fail-nth";
	char nth[16];

	op->prepare(&c);
	if (op->in_sibling)
		snprintf(path, sizeof(path), "/proc/self/task/%d/fail-nth",
			 sibling_tids[0]);
	/* Kept open across the probe's execution (no O_CLOEXEC). */
	c.nth_fd = open(path, O_RDWR);
	if (c.nth_fd < 0)
		die(path);
	c.lowest_fd = dup(0);
	close(c.lowest_fd);
	snprintf(nth, sizeof(nth), "%d", n);
	/*
	 * Touch what the call and disarm() use, so that no page fault of ours
	 * is among the counted faults.
	 */
	disarm(c.nth_fd);
	alarm(CALL_SECS);
	if (pwrite(c.nth_fd, nth, strlen(nth), 0) < 0)
		die("fail-nth");
	c.rec.err = op->call(&c);
	c.rec.injected = disarm(c.nth_fd);
	*call_returned = 1;
	if (!errno_ok(op, c.rec.err))
		violation(&c, "failed with %s", ename(c.rec.err));
	if (!c.rec.violation[0])
		op->check(&c);
	send_record(report_fd, &c.rec);
	exit(0);
}

struct tally {
	int sites, injected, ok, enomem, other, killed, startup, violations;
};

/* One call with the Nth allocation failed: false once N is not reached. */
static bool run_one(const struct op *op, const char *self, int n,
		    struct tally *t)
{
	struct record rec = {};
	int p[2], status;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		die("pipe");
	*call_returned = 0;
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		close(p[0]);
		/* The report descriptor survives the probe's execution. */
		fcntl(p[1], F_SETFD, 0);
		child(op, self, p[1], n);
	}
	close(p[1]);
	if (poll(&(struct pollfd){ .fd = p[0], .events = POLLIN }, 1,
		 HANG_SECS * 1000) != 1) {
		/* Named here, before the VM's timeout ends the whole run. */
		printf("LLFAULT-VIOLATION op=%s n=%d: no report after %d s (hung)\n",
		       op->name, n, HANG_SECS);
		kill(pid, SIGKILL);
		close(p[0]);
		waitpid(pid, &status, 0);
		t->violations++;
		t->injected++;
		return true;
	}
	if (read(p[0], &rec, sizeof(rec)) != sizeof(rec))
		rec.done = 0;
	close(p[0]);
	waitpid(pid, &status, 0);
	if (!rec.done) {
		/*
		 * Deaths that an execution may cause, only if the call did
		 * not return (a death in the checks after it is a violation).
		 */
		if (op->exec && !*call_returned && WIFSIGNALED(status) &&
		    WTERMSIG(status) == SIGSEGV) {
			/*
			 * A failure past the execution's point of no return:
			 * bprm_execve() forces SIGSEGV.
			 */
			t->killed++;
			t->injected++;
			return true;
		}
		if (op->exec && !*call_returned && WIFEXITED(status) &&
		    WEXITSTATUS(status) == STARTUP_FAILED) {
			/*
			 * The execution succeeded, and the fault hit the new
			 * program's own start-up, before main(): the C
			 * library's static start-up code exits with 127 when
			 * mprotect() of its read-only-after-relocation data
			 * fails.
			 */
			t->startup++;
			t->injected++;
			return true;
		}
		printf("LLFAULT-VIOLATION op=%s n=%d: no report (%s %d)\n",
		       op->name, n,
		       WIFSIGNALED(status) ? "signal" : "exit status",
		       WIFSIGNALED(status) ? WTERMSIG(status) :
					     WEXITSTATUS(status));
		t->violations++;
		t->injected++;
		return true;
	}
	if (rec.violation[0]) {
		printf("LLFAULT-VIOLATION op=%s n=%d: %s\n", op->name, n,
		       rec.violation);
		t->violations++;
	}
	if (!rec.injected) {
		/* Without a fault, the call must do what it always does. */
		if (rec.err != op->clean_err) {
			printf("LLFAULT-VIOLATION op=%s n=%d: %s without a fault\n",
			       op->name, n, ename(rec.err));
			t->violations++;
		}
		return false;
	}
	t->injected++;
	if (!rec.err)
		t->ok++;
	else if (rec.err == ENOMEM)
		t->enomem++;
	else
		t->other++;
	return true;
}

int main(int argc, char **argv)
{
	int max = DEFAULT_MAX, stride = 1, nops = 0, total_inj = 0,
	    total_viol = 0, i;
	int secret_fd;
	char self[256];
	ssize_t len;

	if (argc >= 5 && !strcmp(argv[1], "--probe"))
		return probe(argv);
	if (argc >= 2 && !strcmp(argv[1], "--list")) {
		for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
			printf("%s\n", ops[k].name);
		return 0;
	}
	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--max"))
			max = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--stride"))
			stride = atoi(argv[i + 1]);
		else
			break;
	}
	if (max < 1 || stride < 1)
		die("--max and --stride take a positive number");
	/* A misspelt name would silently run fewer operations. */
	for (int a = i; a < argc; a++) {
		size_t k = 0;

		while (k < sizeof(ops) / sizeof(ops[0]) &&
		       strcmp(argv[a], ops[k].name))
			k++;
		if (k == sizeof(ops) / sizeof(ops[0])) {
			printf("LLFAULT-VIOLATION unknown operation %s (see --list)\n",
			       argv[a]);
			return 1;
		}
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len < 0)
		die("readlink");
	self[len] = '\0';
	setvbuf(stdout, NULL, _IOLBF, 0);
	call_returned = mmap(NULL, sizeof(*call_returned),
			     PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			     -1, 0);
	if (call_returned == MAP_FAILED)
		die("mmap");

	mkdir(DIR, 0755);
	secret_fd = open(SECRET, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (secret_fd < 0 || close(secret_fd))
		die(SECRET);
	/* Every allocation counts, sleeping ones too; no stack dumps. */
	write_file("/sys/kernel/debug/failslab/ignore-gfp-wait", "N");
	write_file("/sys/kernel/debug/failslab/verbose", "0");
	write_file("/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N");
	write_file("/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N");
	write_file("/sys/kernel/debug/fail_page_alloc/min-order", "0");
	write_file("/sys/kernel/debug/fail_page_alloc/verbose", "0");

	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		const struct op *op = &ops[k];
		struct tally t = {};
		bool named = i >= argc;
		int n, miss;

		for (int a = i; a < argc; a++)
			named |= !strcmp(argv[a], op->name);
		if (!named)
			continue;
#ifdef LLFAULT_BPF
		if (op->bpf)
			bpf_attach(self);
#endif
		/*
		 * The number of allocations a call makes can vary a little
		 * between runs (slab refills, the debug features' own): stop
		 * after UNREACHED_RUNS values of N in a row that the call did
		 * not reach, and count as its sites the highest N it reached.
		 */
		t.sites = 0;
		for (n = 1, miss = 0; n <= max && miss < UNREACHED_RUNS;
		     n += n < 4 ? 1 : stride) {
			if (run_one(op, self, n, &t)) {
				t.sites = n;
				miss = 0;
			} else {
				miss++;
			}
		}
		if (miss < UNREACHED_RUNS) {
			printf("LLFAULT-VIOLATION op=%s: still failing at %d faults\n",
			       op->name, max);
			t.violations++;
		} else if (!t.sites) {
			printf("LLFAULT-VIOLATION op=%s: the call reached no allocation\n",
			       op->name);
			t.violations++;
		}
		printf("LLFAULT op=%s sites=%d injected=%d ok=%d enomem=%d errno=%d killed=%d startup=%d violations=%d\n",
		       op->name, t.sites, t.injected, t.ok, t.enomem, t.other,
		       t.killed, t.startup, t.violations);
		nops++;
		total_inj += t.injected;
		total_viol += t.violations;
	}
#ifdef LLFAULT_BPF
	total_viol += bpf_leak_check();
#endif
	printf("LLFAULT-RESULT ops=%d injected=%d violations=%d\n", nops,
	       total_inj, total_viol);
	return total_viol ? 1 : 0;
}
