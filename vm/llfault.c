// SPDX-License-Identifier: GPL-2.0
/*
 * llfault - fails the allocations of the series' operations one by one.
 *
 *   llfault [--max N] [OP...]   run every operation (or those named)
 *   llfault --list              list the operations
 *
 * For each operation, N = 1, 2, ...: a new child process prepares the
 * situation (rulesets, sibling threads, a staged restriction, a server
 * socket), writes N to /proc/thread-self/fail-nth and makes the call, so
 * that the Nth fault point that the calling thread reaches (a slab or page
 * allocation: failslab and fail_page_alloc, told not to spare sleeping
 * allocations) fails.  The count is per thread, so no other task is hit and
 * no task filter is needed.  The loop ends at the first N that the call
 * completes without reaching: N - 1 is then the number of allocation sites
 * the operation reached (the base kernel's and the series').  After each
 * call the child checks the invariants of the operation:
 *
 *   - the call succeeded, or failed with ENOMEM or the operation's own
 *     errno (a scoped connection: EPERM);
 *   - after a failure, nothing changed: no file descriptor was left open;
 *     the secret file is still readable in every thread and the threads'
 *     no_new_privs is what it was; a restriction staged before the call is
 *     still staged (an execution without failure enforces it) and one
 *     staged by a failed call is not;
 *   - after a success, the operation took full effect in every thread;
 *   - an operation that must never succeed (a scoped connection to a socket
 *     served outside the domain; executing a memfd created in a domain that
 *     denies it) did not, whatever failed.
 *
 * An execution that succeeds runs llfault again as "--probe", which reports
 * from the new program.  An execution whose failure came after its point of
 * no return kills the process: that is counted as "killed", not as a
 * violation (the kernel cannot return an error from there).
 *
 * Prints one line per operation and a result line:
 *   LLFAULT op=NAME sites=S injected=I ok=.. enomem=.. errno=.. killed=.. violations=V
 *   LLFAULT-VIOLATION op=NAME n=N: what
 *   LLFAULT-RESULT ops=.. injected=.. violations=V
 * Needs root, CONFIG_FAULT_INJECTION, CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC
 * and CONFIG_FAULT_INJECTION_DEBUG_FS, with debugfs mounted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
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

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define DIR "/tmp/llfault"
#define SECRET DIR "/secret"
#define SIBLINGS 2
#define DEFAULT_MAX 2000

/* What a child (or the program it executed) reports to the parent. */
struct record {
	int done;
	int injected;
	long err; /* 0: the call succeeded; else its errno */
	char violation[200];
};

struct ctx {
	const char *self;
	int report_fd;
	int nth_fd;
	int lowest_fd; /* the lowest free descriptor before the call */
	int ruleset_fd;
	int fd; /* the operation's own descriptor (path, socket) */
	char sock_path[108];
	pthread_t threads[SIBLINGS];
	struct record rec;
};

struct op {
	const char *name;
	/* Errno that the call may return besides ENOMEM (0: none). */
	int own_errno;
	/* Fail the allocations of a sibling thread instead of the caller's. */
	bool in_sibling;
	void (*prepare)(struct ctx *c);
	long (*call)(struct ctx *c);
	void (*check)(struct ctx *c);
};

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

/* A ruleset denying to read files but beneath / (so not the secret). */
static int secret_ruleset(__u64 denied, __u64 scoped)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_READ_FILE,
		.scoped = scoped,
		.denied = denied,
	};
	struct landlock_path_beneath_attr pb = {
		.allowed_access = LANDLOCK_ACCESS_FS_READ_FILE,
	};
	static const char *const allowed[] = { "/bin", "/proc", "/dev" };
	int fd = create_ruleset(&attr, sizeof(attr), 0);

	if (fd < 0)
		die("landlock_create_ruleset");
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		pb.parent_fd = open(allowed[i], O_PATH | O_CLOEXEC);
		if (pb.parent_fd < 0 || add_rule(fd, &pb))
			die("landlock_add_rule");
		close(pb.parent_fd);
	}
	return fd;
}

/* 0 if the secret can be read by the calling thread, else the errno. */
static int secret_errno(void)
{
	int fd = open(SECRET, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* The calling thread's view: secret readable?, no_new_privs. */
struct view {
	int secret;
	int nnp;
};

static struct view thread_view(void)
{
	return (struct view){ secret_errno(), prctl(PR_GET_NO_NEW_PRIVS) };
}

/* Sibling threads wait for requests to report their view. */
static pthread_barrier_t bar_ask, bar_done;
static struct view sibling_views[SIBLINGS];
static pid_t sibling_tids[SIBLINGS];

static void *sibling(void *arg)
{
	long i = (long)arg;

	sibling_tids[i] = gettid();
	pthread_barrier_wait(&bar_done);
	for (;;) {
		pthread_barrier_wait(&bar_ask);
		sibling_views[i] = thread_view();
		pthread_barrier_wait(&bar_done);
	}
	return NULL;
}

static void start_siblings(struct ctx *c)
{
	pthread_barrier_init(&bar_ask, NULL, SIBLINGS + 1);
	pthread_barrier_init(&bar_done, NULL, SIBLINGS + 1);
	for (long i = 0; i < SIBLINGS; i++)
		if (pthread_create(&c->threads[i], NULL, sibling, (void *)i))
			die("pthread_create");
	pthread_barrier_wait(&bar_done);
}

/* Every thread's view must be WANT (main thread: MAIN_NNP). */
static void check_threads(struct ctx *c, bool threads, int secret, int nnp,
			  int main_nnp)
{
	struct view v = thread_view();

	if (v.secret != secret || v.nnp != main_nnp)
		violation(c, "calling thread: secret %s, no_new_privs %d (expected %s, %d)",
			  strerrorname_np(v.secret) ?: "readable", v.nnp,
			  strerrorname_np(secret) ?: "readable", main_nnp);
	if (!threads)
		return;
	pthread_barrier_wait(&bar_ask);
	pthread_barrier_wait(&bar_done);
	for (int i = 0; i < SIBLINGS; i++)
		if (sibling_views[i].secret != secret ||
		    sibling_views[i].nnp != nnp)
			violation(c, "sibling %d: secret %s, no_new_privs %d (expected %s, %d)",
				  i, strerrorname_np(sibling_views[i].secret) ?: "readable",
				  sibling_views[i].nnp,
				  strerrorname_np(secret) ?: "readable", nnp);
}

static void set_nnp(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		die("PR_SET_NO_NEW_PRIVS");
}

/*
 * Executes the probe, which reports to the parent; returns the errno.  The
 * probe reports the call's outcome: the execution itself (AS_CALL: it
 * succeeded, and the probe reads whether a fault was injected), or the one
 * in c->rec.
 */
static long exec_probe(struct ctx *c, bool restricted, bool as_call)
{
	char fd[16], outcome[32];
	char *argv[] = { (char *)c->self, "--probe", fd,
			 restricted ? "restricted" : "free", outcome, NULL };

	snprintf(fd, sizeof(fd), "%d", c->report_fd);
	if (as_call)
		strcpy(outcome, "exec");
	else
		snprintf(outcome, sizeof(outcome), "%d:%ld", c->rec.injected,
			 c->rec.err);
	execve(c->self, argv, environ);
	return errno;
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

static void check_create(struct ctx *c)
{
	/* A failure leaves no descriptor: the lowest free one is the same. */
	int fd = dup(0);

	if (c->rec.err && fd != c->lowest_fd)
		violation(c, "a failed creation left descriptor %d open",
			  c->lowest_fd);
	close(fd);
}

static void prep_add_rule(struct ctx *c)
{
	c->ruleset_fd = secret_ruleset(0, 0);
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
	check_threads(c, false, c->rec.err ? EACCES : 0, 1, 1);
}

static void prep_restrict(struct ctx *c)
{
	c->ruleset_fd = secret_ruleset(0, 0);
	set_nnp();
}

static long call_restrict(struct ctx *c)
{
	return restrict_self(c->ruleset_fd, 0) ? errno : 0;
}

static void check_restrict(struct ctx *c)
{
	check_threads(c, false, c->rec.err ? 0 : EACCES, 1, 1);
}

static void prep_threads(struct ctx *c)
{
	c->ruleset_fd = secret_ruleset(0, 0);
	set_nnp();
	start_siblings(c);
}

static long call_tsync(struct ctx *c)
{
	return restrict_self(c->ruleset_fd, LANDLOCK_RESTRICT_SELF_TSYNC) ?
		       errno : 0;
}

static void check_tsync(struct ctx *c)
{
	/* All threads or none: no_new_privs follows the domain. */
	if (c->rec.err)
		check_threads(c, true, 0, 0, 1);
	else
		check_threads(c, true, EACCES, 1, 1);
}

static long call_stage(struct ctx *c)
{
	return restrict_self(c->ruleset_fd, LANDLOCK_RESTRICT_SELF_ON_EXEC) ?
		       errno : 0;
}

static void check_stage(struct ctx *c)
{
	long err;

	/* Nothing is enforced before the execution. */
	check_threads(c, true, 0, c->rec.err ? 0 : 1, 1);
	if (c->rec.violation[0])
		return;
	/* The probe is restricted exactly when the staging succeeded. */
	err = exec_probe(c, !c->rec.err, false);
	violation(c, "execve of the probe after staging: %s",
		  strerrorname_np(err));
}

static void prep_staged(struct ctx *c)
{
	prep_restrict(c);
	if (restrict_self(c->ruleset_fd, LANDLOCK_RESTRICT_SELF_ON_EXEC))
		die("staging");
}

static void prep_staged_changed(struct ctx *c)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_FIFO,
	};
	int fd;

	prep_staged(c);
	/* The domain changes after the staging: the execution rebuilds. */
	fd = create_ruleset(&attr, sizeof(attr), 0);
	if (fd < 0 || restrict_self(fd, 0))
		die("restricting after staging");
	close(fd);
}

static long call_exec(struct ctx *c)
{
	return exec_probe(c, true, true);
}

static void check_exec(struct ctx *c)
{
	long err;

	/* The failed execution enforced nothing and unstaged nothing. */
	check_threads(c, false, 0, 1, 1);
	if (c->rec.violation[0])
		return;
	err = exec_probe(c, true, false);
	violation(c, "execve of the probe after a failed one: %s",
		  strerrorname_np(err));
}

static void prep_memfd(struct ctx *c)
{
	c->ruleset_fd = secret_ruleset(LANDLOCK_DENY_EXECUTE_MEMFD, 0);
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
	void *p;

	if (c->rec.err)
		return;
	if (ftruncate(c->fd, 4096))
		die("ftruncate");
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, c->fd, 0);
	if (p != MAP_FAILED)
		violation(c, "a memfd created in the domain maps executable");
	else if (errno != EACCES)
		violation(c, "mmap(PROT_EXEC) of the memfd: %s (expected EACCES)",
			  strerrorname_np(errno));
}

static int serve(struct ctx *c)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(c->sock_path, sizeof(c->sock_path), DIR "/sock-%d", getpid());
	strcpy(addr.sun_path, c->sock_path);
	unlink(c->sock_path);
	if (fd < 0 || bind(fd, (void *)&addr, sizeof(addr)) || listen(fd, 4))
		die("server socket");
	return fd;
}

static void scope(struct ctx *c)
{
	c->ruleset_fd = secret_ruleset(0, LANDLOCK_SCOPE_PATHNAME_UNIX_SOCKET);
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
	unlink(c->sock_path);
}

static const struct op ops[] = {
	{ "create_ruleset", 0, false, prep_none, call_create, check_create },
	{ "add_rule", 0, false, prep_add_rule, call_add_rule, check_add_rule },
	{ "restrict", 0, false, prep_restrict, call_restrict, check_restrict },
	{ "restrict_tsync", 0, false, prep_threads, call_tsync, check_tsync },
	{ "restrict_tsync_sibling", 0, true, prep_threads, call_tsync,
	  check_tsync },
	{ "stage_on_exec", 0, false, prep_threads, call_stage, check_stage },
	{ "stage_on_exec_sibling", 0, true, prep_threads, call_stage,
	  check_stage },
	{ "exec_commit", 0, false, prep_staged, call_exec, check_exec },
	{ "exec_rebuild", 0, false, prep_staged_changed, call_exec,
	  check_exec },
	{ "memfd_create", 0, false, prep_memfd, call_memfd, check_memfd },
	{ "connect_outside", EPERM, false, prep_connect_outside, call_connect,
	  check_connect_outside },
	{ "connect_inside", 0, false, prep_connect_inside, call_connect,
	  check_connect_inside },
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

/* Reads and clears the thread's fail-nth: true if the fault was injected. */
static bool disarm(int nth_fd)
{
	char buf[16] = "";

	pread(nth_fd, buf, sizeof(buf) - 1, 0);
	pwrite(nth_fd, "0", 1, 0);
	return atoi(buf) == 0;
}

static void send_record(int fd, struct record *r)
{
	r->done = 1;
	if (write(fd, r, sizeof(*r)) != sizeof(*r))
		exit(3);
}

/* The executed program: reports its view to the parent. */
static int probe(char **argv)
{
	int nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	struct ctx c = { .report_fd = atoi(argv[2]) };
	bool restricted = !strcmp(argv[3], "restricted");
	bool injected = nth_fd >= 0 && disarm(nth_fd);

	if (strcmp(argv[4], "exec")) {
		/* The outcome of the call before this execution. */
		c.rec.injected = atoi(argv[4]);
		c.rec.err = atol(strchr(argv[4], ':') + 1);
	} else {
		c.rec.injected = injected;
	}
	check_threads(&c, false, restricted ? EACCES : 0, 1, 1);
	send_record(c.report_fd, &c.rec);
	return 0;
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
	c.nth_fd = open(path, O_RDWR | O_CLOEXEC);
	if (c.nth_fd < 0)
		die(path);
	c.lowest_fd = dup(0);
	close(c.lowest_fd);
	snprintf(nth, sizeof(nth), "%d", n);
	/* Touch what the call and disarm() use, so that no page fault of
	 * ours is among the counted faults.
	 */
	disarm(c.nth_fd);
	if (pwrite(c.nth_fd, nth, strlen(nth), 0) < 0)
		die("fail-nth");
	c.rec.err = op->call(&c);
	c.rec.injected = disarm(c.nth_fd);
	if (c.rec.err && c.rec.err != ENOMEM && c.rec.err != op->own_errno)
		violation(&c, "failed with %s", strerrorname_np(c.rec.err));
	if (!c.rec.violation[0])
		op->check(&c);
	send_record(report_fd, &c.rec);
	exit(0);
}

struct tally {
	int sites, injected, ok, enomem, own, killed, violations;
};

static bool run_one(const struct op *op, const char *self, int n,
		    struct tally *t)
{
	struct record rec = {};
	int p[2], status;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		die("pipe");
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
	if (read(p[0], &rec, sizeof(rec)) != sizeof(rec))
		rec.done = 0;
	close(p[0]);
	waitpid(pid, &status, 0);
	if (!rec.done) {
		if (WIFSIGNALED(status)) {
			/* A failure past the execution's point of no return. */
			t->killed++;
			t->injected++;
			return true;
		}
		printf("LLFAULT-VIOLATION op=%s n=%d: no report (status %#x)\n",
		       op->name, n, status);
		t->violations++;
		return false;
	}
	if (rec.violation[0]) {
		printf("LLFAULT-VIOLATION op=%s n=%d: %s\n", op->name, n,
		       rec.violation);
		t->violations++;
	}
	if (!rec.injected)
		return false;
	t->injected++;
	if (!rec.err)
		t->ok++;
	else if (rec.err == ENOMEM)
		t->enomem++;
	else
		t->own++;
	return true;
}

int main(int argc, char **argv)
{
	int max = DEFAULT_MAX, nops = 0, total_inj = 0, total_viol = 0, i;
	const char *self = "/proc/self/exe";
	char exe[256];
	ssize_t len;

	if (argc >= 5 && !strcmp(argv[1], "--probe"))
		return probe(argv);
	if (argc >= 2 && !strcmp(argv[1], "--list")) {
		for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
			printf("%s\n", ops[k].name);
		return 0;
	}
	i = 1;
	if (argc >= 3 && !strcmp(argv[1], "--max")) {
		max = atoi(argv[2]);
		i = 3;
	}
	len = readlink(self, exe, sizeof(exe) - 1);
	if (len < 0)
		die("readlink");
	exe[len] = '\0';
	self = exe;
	setvbuf(stdout, NULL, _IOLBF, 0);

	mkdir(DIR, 0755);
	write_file(SECRET, "");
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
		int n;

		for (int a = i; a < argc; a++)
			named |= !strcmp(argv[a], op->name);
		if (!named)
			continue;
		for (n = 1; n <= max; n++)
			if (!run_one(op, self, n, &t))
				break;
		t.sites = n - 1;
		if (n > max) {
			printf("LLFAULT-VIOLATION op=%s: still failing at %d faults\n",
			       op->name, max);
			t.violations++;
		}
		printf("LLFAULT op=%s sites=%d injected=%d ok=%d enomem=%d errno=%d killed=%d violations=%d\n",
		       op->name, t.sites, t.injected, t.ok, t.enomem, t.own,
		       t.killed, t.violations);
		nops++;
		total_inj += t.injected;
		total_viol += t.violations;
	}
	printf("LLFAULT-RESULT ops=%d injected=%d violations=%d\n", nops,
	       total_inj, total_viol);
	return total_viol ? 1 : 0;
}
