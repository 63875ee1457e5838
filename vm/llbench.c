// SPDX-License-Identifier: GPL-2.0
/*
 * llbench: times the hot paths that the Landlock series touches, in each
 * sandbox situation, in a child process per situation.
 *
 *   llbench ITERATIONS
 *
 * The situations are those of situations[] below, or the comma-separated
 * list in the environment variable llbench_situations (from the kernel
 * command line through the VM's init), which may also name "bpf": no domain,
 * with the BPF LSM program of vm/bpf/llbench_bpf.bpf.c attached and matching
 * no execution, and "bpf_off", its control: the program loaded, not attached.
 * For them, llbench runs itself again under the program's loader,
 * /bin/llbench-bpf (built by "BPF=1 scripts/bench.sh").  llbench_extra=1 in
 * the environment adds the operations of extra_ops[] (execve_check).
 *
 * Prints one line per operation and situation:
 *   BENCH <situation> <operation> <ns per operation>
 * or "BENCH <situation> <operation> n/a" when the running kernel does not
 * support the situation (e.g. the base kernel and ABI 12 features, or no BPF
 * LSM for "bpf").
 * Under QEMU with -icount, guest time follows executed instructions, which
 * makes these figures repeatable.  Each figure is the median of the means of
 * llbench_batches= (default 21) batches of calls, see time_op(); 1 gives the
 * mean of all the calls, the method of the tables before December 7, 2026.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef LANDLOCK_DENY_EXECUTE_MEMFD
#define LANDLOCK_DENY_EXECUTE_MEMFD (1ULL << 0)
#endif
#ifndef LANDLOCK_SCOPE_PATHNAME_UNIX_SOCKET
#define LANDLOCK_SCOPE_PATHNAME_UNIX_SOCKET (1ULL << 2)
#endif
#ifndef AT_EXECVE_CHECK
#define AT_EXECVE_CHECK 0x10000
#endif
#ifndef LANDLOCK_RESTRICT_SELF_ON_EXEC
#define LANDLOCK_RESTRICT_SELF_ON_EXEC (1U << 5)
#endif

/* ABI 12 struct, declared here so that the base's headers also work. */
struct ruleset_attr_v12 {
	__u64 handled_access_fs, handled_access_net, scoped;
	__u64 quiet_access_fs, quiet_access_net, quiet_scoped;
	__u64 denied;
};

static const char file_path[] = "/tmp/llbench-file";
static const char sock_path[] = "/tmp/llbench.sock";
static const char true_path[] = "/selftests/true";
static long iterations;
/* llbench_batches= (kernel command line): see time_op(). */
#define MAX_BATCHES 1001
static long batches = 21;
static int file_fd, memfd, server_fd;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "llbench: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void op_open(void)
{
	int fd = open(file_path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("open");
	close(fd);
}

static void op_memfd(void)
{
	int fd = memfd_create("llbench", MFD_CLOEXEC);

	if (fd < 0)
		die("memfd_create");
	close(fd);
}

static void map(int fd, int prot)
{
	void *addr = mmap(NULL, 4096, prot, MAP_SHARED, fd, 0);

	if (addr == MAP_FAILED)
		die("mmap");
	munmap(addr, 4096);
}

static void op_mmap_file_r(void)
{
	map(file_fd, PROT_READ);
}

static void op_mmap_file_rx(void)
{
	map(file_fd, PROT_READ | PROT_EXEC);
}

static void op_mmap_memfd_r(void)
{
	map(memfd, PROT_READ);
}

static void op_mmap_memfd_rx(void)
{
	map(memfd, PROT_READ | PROT_EXEC);
}

static void *mprotect_addr;

static void op_mprotect_x(void)
{
	if (mprotect(mprotect_addr, 4096, PROT_READ | PROT_EXEC) ||
	    mprotect(mprotect_addr, 4096, PROT_READ))
		die("mprotect");
}

static void op_unix_connect(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int c, a;

	strcpy(addr.sun_path, sock_path);
	c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&addr, sizeof(addr)))
		die("connect");
	a = accept(server_fd, NULL, NULL);
	if (a < 0)
		die("accept");
	close(a);
	close(c);
}

static void op_fork_exec(void)
{
	char *const argv[] = { "true", NULL };
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execve(true_path, argv, environ);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		die("fork+execve");
}

/*
 * The execution checks of execve() (LSM hooks included), without the
 * execution: no fork, no new program, so that a hook's cost is not lost in
 * fork_execve_wait's variations.
 */
static void op_execve_check(void)
{
	char *const argv[] = { "true", NULL };

	if (syscall(SYS_execveat, AT_FDCWD, true_path, argv, environ,
		    AT_EXECVE_CHECK))
		die("execveat AT_EXECVE_CHECK");
}

struct op {
	const char *name;
	void (*fn)(void);
	int divisor; /* Slow operations run fewer times. */
	/*
	 * Noisy operations run @weight times as many calls, in @weight times
	 * as many batches: the batches keep their length, and the median is
	 * taken over more of them.
	 */
	int weight;
};

/*
 * memfd_create_close (a new inode, dentry and file each time, whose slab
 * refills fall into some batches) and unix_connect_accept (three sockets
 * and a connection each time) vary the most from batch to batch.
 */
static const struct op ops[] = {
	{ "open_close", op_open, 1, 1 },
	{ "memfd_create_close", op_memfd, 1, 5 },
	{ "mmap_file_r", op_mmap_file_r, 1, 1 },
	{ "mmap_file_rx", op_mmap_file_rx, 1, 1 },
	{ "mmap_memfd_r", op_mmap_memfd_r, 1, 1 },
	{ "mmap_memfd_rx", op_mmap_memfd_rx, 1, 1 },
	{ "mprotect_exec", op_mprotect_x, 1, 1 },
	{ "unix_connect_accept", op_unix_connect, 4, 4 },
	{ "fork_execve_wait", op_fork_exec, 50, 1 },
};

/*
 * Only with llbench_extra=1 in the environment (BPF=1 scripts/bench.sh): the
 * default benchmark's cases stay the same.
 */
static const struct op extra_ops[] = {
	{ "execve_check", op_execve_check, 5, 1 },
};

/*
 * The scaling view (SCALE=1 scripts/bench.sh) names situations with a
 * suffix: "_l<N>" for a domain of N layers, "_m<N>" for N memfds created in
 * the situation (and kept open) before the timings.  Returns N, or @def
 * without such a suffix, and the length of the name without it in @kind_len.
 */
static long situation_count(const char *situation, char letter, long def,
			    size_t *kind_len)
{
	const char *const sep = strrchr(situation, '_');
	char *end;
	long n;

	*kind_len = strlen(situation);
	if (!sep || sep[1] != letter || sep[2] < '0' || sep[2] > '9')
		return def;
	n = strtol(sep + 2, &end, 10);
	if (*end)
		return def;
	*kind_len = sep - situation;
	return n;
}

/* Whether @situation, without its count suffix, is @kind. */
static int situation_is(const char *situation, const char *kind)
{
	size_t len;

	situation_count(situation, 'l', 0, &len);
	if (len == strlen(situation))
		situation_count(situation, 'm', 0, &len);
	return len == strlen(kind) && !strncmp(situation, kind, len);
}

/*
 * Returns 0, or -1 if the running kernel does not support @situation.  The
 * on_exec situation stages the fs situation's ruleset with
 * LANDLOCK_RESTRICT_SELF_ON_EXEC: the benchmark itself is not restricted, but
 * every execve() of fork_execve_wait enforces a new domain.
 *
 * With "_l<N>", the domain has N layers of the situation's ruleset; for
 * on_exec, N - 1 are enforced at once and the last is staged.  The scope
 * situation is fs's ruleset that also scopes pathname UNIX sockets, so that
 * scope_l<N> differs from fs_l<N> by the scope only.
 */
static int enter(const char *situation)
{
	struct ruleset_attr_v12 attr = {};
	__u32 flags = 0;
	size_t len;
	const long layers = situation_count(situation, 'l', 1, &len);
	long i;
	int fd;

	if (situation_is(situation, "none"))
		return 0;
	if (!strcmp(situation, "bpf") || !strcmp(situation, "bpf_off")) {
		/* Set by llbench-bpf, see run_bpf(). */
		const char *const bpf = getenv("LLBENCH_BPF");
		const char *const want = strcmp(situation, "bpf") ? "loaded" :
								     "attached";

		return bpf && !strcmp(bpf, want) ? 0 : -1;
	}
	if (situation_is(situation, "on_exec"))
		flags = LANDLOCK_RESTRICT_SELF_ON_EXEC;
	if (situation_is(situation, "scope"))
		attr.scoped = LANDLOCK_SCOPE_PATHNAME_UNIX_SOCKET;
	if (situation_is(situation, "fs") || flags || attr.scoped) {
		/* Handles all filesystem rights of ABI 1, with a rule on /. */
		struct landlock_path_beneath_attr rule = {
			.allowed_access = (1ULL << 13) - 1,
		};

		attr.handled_access_fs = rule.allowed_access;
		fd = syscall(SYS_landlock_create_ruleset, &attr,
			     attr.scoped ? sizeof(attr) :
					   offsetof(struct ruleset_attr_v12,
						    denied),
			     0);
		if (fd < 0)
			return -1;
		rule.parent_fd = open("/", O_PATH | O_CLOEXEC);
		if (syscall(SYS_landlock_add_rule, fd,
			    LANDLOCK_RULE_PATH_BENEATH, &rule, 0))
			die("landlock_add_rule");
		close(rule.parent_fd);
	} else if (situation_is(situation, "deny_memfd")) {
		attr.denied = LANDLOCK_DENY_EXECUTE_MEMFD;
		fd = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr),
			     0);
	} else if (situation_is(situation, "scope_pathname")) {
		attr.scoped = LANDLOCK_SCOPE_PATHNAME_UNIX_SOCKET;
		fd = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr),
			     0);
	} else {
		return -1;
	}
	if (fd < 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		die("prctl");
	for (i = 0; i < layers; i++) {
		/* The last layer only is staged. */
		if (!syscall(SYS_landlock_restrict_self, fd,
			     i == layers - 1 ? flags : 0))
			continue;
		/* The base kernel does not know LANDLOCK_RESTRICT_SELF_ON_EXEC. */
		if (flags && errno == EINVAL)
			return -1;
		die("landlock_restrict_self");
	}
	close(fd);
	return 0;
}

/*
 * The operations a situation of the scaling view times: those whose cost
 * may grow with its count.  Every operation for the other situations.
 */
static int wanted(const char *situation, const char *op)
{
	size_t len;

	if (situation_count(situation, 'l', 0, &len) > 0) {
		if (situation_is(situation, "scope"))
			return !strcmp(op, "unix_connect_accept");
		if (situation_is(situation, "on_exec"))
			return !strcmp(op, "fork_execve_wait");
		return !strcmp(op, "unix_connect_accept") ||
		       !strcmp(op, "fork_execve_wait");
	}
	if (situation_count(situation, 'm', 0, &len) > 0)
		return !strcmp(op, "memfd_create_close");
	return 1;
}

/* For "_m<N>": N memfds created in the situation, kept open. */
static void hold_memfds(const char *situation)
{
	size_t len;
	long i, n = situation_count(situation, 'm', 0, &len);

	for (i = 0; i < n; i++)
		if (memfd_create("llbench-held", MFD_CLOEXEC) < 0)
			die("memfd_create (held)");
}

/*
 * Created before entering the situation's domain: in the deny_memfd
 * situation, mapping a memfd created in the domain with PROT_EXEC is denied,
 * and only allowed operations are timed.
 */
static void setup_files(void)
{
	char page[4096] = {};

	file_fd = open(file_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (file_fd < 0 || write(file_fd, page, sizeof(page)) != sizeof(page))
		die("file");
	/* Created in the situation's domain, as a sandboxed program would. */
	memfd = memfd_create("llbench-map", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, 4096))
		die("memfd");
	mprotect_addr = mmap(NULL, 4096, PROT_READ, MAP_SHARED, file_fd, 0);
	if (mprotect_addr == MAP_FAILED)
		die("mmap for mprotect");
}

/* Created in the situation's domain: a same-domain server. */
static void setup_server(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	strcpy(addr.sun_path, sock_path);
	unlink(sock_path);
	server_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (server_fd < 0 ||
	    bind(server_fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(server_fd, 8))
		die("server");
}

/*
 * The results of a situation, printed once it is done: writing to the
 * console between two measurements would leave its output (the tty's and
 * the UART's work, their interrupts) to the next measurement.
 */
static char results[8192];
static size_t results_len;

static void __attribute__((format(printf, 1, 2))) report(const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(results + results_len,
			sizeof(results) - results_len, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(results) - results_len)
		die("results buffer");
	results_len += len;
}

static void flush_results(void)
{
	fputs(results, stdout);
	fflush(stdout);
	results_len = 0;
	results[0] = '\0';
}

static int compare_doubles(const void *a, const void *b)
{
	const double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Times @n calls of @fn in @nbatches batches, each timed on its own, and
 * returns the median of the batches' means (ns per call).  Under -icount,
 * guest time is the guest's instruction count, so what varies between runs
 * is the work that falls into a measurement besides the operation: a timer
 * tick (every 4 ms), RCU callbacks, a kworker, a slab refill.  A batch much
 * shorter than the tick has often none of it, and the median ignores the
 * batches that have some.  One batch is the mean of all the calls.
 */
static double time_op(void (*fn)(void), long n, long nbatches)
{
	double means[MAX_BATCHES];
	long b, k;

	if (nbatches > n)
		nbatches = n;
	for (b = 0; b < nbatches; b++) {
		/* Batch b makes calls up to the (b + 1)th nbatches-th of @n. */
		const long calls = n * (b + 1) / nbatches - n * b / nbatches;
		const double t0 = now_ns();

		for (k = 0; k < calls; k++)
			fn();
		means[b] = (now_ns() - t0) / calls;
	}
	qsort(means, nbatches, sizeof(means[0]), compare_doubles);
	return nbatches % 2 ? means[nbatches / 2] :
			      (means[nbatches / 2 - 1] + means[nbatches / 2]) / 2;
}

/* Times @count operations of @table, or reports them n/a if !@supported. */
static void run_ops(const char *situation, const struct op *table,
		    size_t count, int supported)
{
	size_t i;

	for (i = 0; i < count; i++) {
		const long weight = table[i].weight;
		long n = iterations * weight / table[i].divisor, k;
		long nbatches = batches * weight;

		if (!wanted(situation, table[i].name))
			continue;
		if (!supported) {
			report("BENCH %s %s n/a\n", situation, table[i].name);
			continue;
		}
		if (n < 1)
			n = 1;
		/* Warm-up. */
		for (k = 0; k < n / 10 + 1; k++)
			table[i].fn();
		if (nbatches > MAX_BATCHES)
			nbatches = MAX_BATCHES;
		report("BENCH %s %s %.0f\n", situation, table[i].name,
		       time_op(table[i].fn, n, nbatches));
	}
}

static void run_situation(const char *situation)
{
	const char *const extra = getenv("llbench_extra");
	int supported;

	setup_files();
	supported = !enter(situation);
	if (supported) {
		setup_server();
		hold_memfds(situation);
	}
	run_ops(situation, ops, sizeof(ops) / sizeof(ops[0]), supported);
	if (extra && !strcmp(extra, "1"))
		run_ops(situation, extra_ops,
			sizeof(extra_ops) / sizeof(extra_ops[0]), supported);
	flush_results();
}

static const char bpf_loader[] = "/bin/llbench-bpf";

/*
 * The "bpf" and "bpf_off" situations, outside of the loader: runs this program
 * again, for this situation only, under the loader, which loads the BPF
 * program, attaches it for "bpf", and sets LLBENCH_BPF.  Without the loader,
 * the situation is not supported.
 */
static void run_bpf(const char *situation, const char *self, const char *iters)
{
	if (!getenv("LLBENCH_BPF") && !access(bpf_loader, X_OK)) {
		fflush(stdout);
		setenv("llbench_situations", situation, 1);
		if (strcmp(situation, "bpf"))
			execl(bpf_loader, bpf_loader, "--no-attach", self,
			      iters, (char *)NULL);
		else
			execl(bpf_loader, bpf_loader, self, iters,
			      (char *)NULL);
		die("exec llbench-bpf");
	}
	run_situation(situation);
}

int main(int argc, char *argv[])
{
	static const char *const situations[] = {
		"none", "fs", "deny_memfd", "scope_pathname", "on_exec",
	};
	const char *const list = getenv("llbench_situations");
	const char *names[32];
	char *copy, *name, *saveptr = NULL;
	char self[256];
	ssize_t len;
	size_t i, n = 0;

	iterations = argc > 1 ? atol(argv[1]) : 1000;
	if (getenv("llbench_batches"))
		batches = atol(getenv("llbench_batches"));
	if (batches < 1 || batches > MAX_BATCHES)
		batches = 21;
	if (list) {
		copy = strdup(list);
		if (!copy)
			die("strdup");
		for (name = strtok_r(copy, ",", &saveptr);
		     name && n < sizeof(names) / sizeof(names[0]);
		     name = strtok_r(NULL, ",", &saveptr))
			names[n++] = name;
	} else {
		for (; n < sizeof(situations) / sizeof(situations[0]); n++)
			names[n] = situations[n];
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len < 0)
		die("readlink /proc/self/exe");
	self[len] = '\0';
	for (i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid == 0) {
			if (!strcmp(names[i], "bpf") ||
			    !strcmp(names[i], "bpf_off"))
				run_bpf(names[i], self,
					argc > 1 ? argv[1] : "1000");
			else
				run_situation(names[i]);
			fflush(stdout);
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			return 1;
	}
	/* Under llbench-bpf, the parent llbench reports the end. */
	if (!getenv("LLBENCH_BPF"))
		printf("BENCH-DONE\n");
	return 0;
}
