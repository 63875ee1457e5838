// SPDX-License-Identifier: GPL-2.0
/*
 * llstress - randomized stress of the Landlock system calls and of the ABI 12
 * features (LANDLOCK_DENY_EXECUTE_MEMFD, LANDLOCK_SCOPE_PATHNAME_UNIX_SOCKET,
 * LANDLOCK_RESTRICT_SELF_ON_EXEC), checking invariants as it goes.
 *
 *   llstress [-p PROCS] [-t THREADS] [-s SECONDS] [-S SEED] [-u UID] [-d DIR]
 *            [-v] [--focus none|on_exec|memfd|unix|rules] [--no-proc-race]
 *   llstress --as-user UID [--timeout SECONDS] -- COMMAND [ARG...]
 *
 * --focus weighs one group of operations five times more in every episode
 * (by default, 30% of the episodes pick one at random).  Memfds are also
 * executed through /proc/self/fd in multithreaded processes, which
 * deadlocked Linux 7.3's thread-sync before patch 1 of the series (see
 * weight() in worker.c); --no-proc-race keeps those executions in
 * single-threaded processes, to run the stress on a kernel without it.
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
 *
 * This file holds the setup, the results, the running of a command as
 * another user and main(); llstress.h lists the other files.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "llstress.h"

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

/* Names of the invariant checks. */
static const char *const check_names[] = { CHECKS(CHK_NAME) };

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

/* Names of the focus groups, in the order of the F_ enum (llstress.h). */
static const char *const focus_names[] = { "none", "on_exec", "memfd", "unix",
					    "rules" };

static void usage(void)
{
	fprintf(stderr,
		"usage: llstress [-p PROCS] [-t THREADS] [-s SECONDS] [-S SEED] [-u UID] [-d DIR] [-v]\n"
		"                [--focus none|on_exec|memfd|unix|rules] [--no-proc-race]\n"
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
		{ "no-proc-race", no_argument, NULL, 'R' },
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
	cfg.proc_race = 1;
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
			cfg.proc_race = 0;
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
	say("LLSTRESS-REPLAY llstress --seed %llu --procs %d --threads %d --seconds %d%s%s%s",
	    (unsigned long long)cfg.seed, cfg.procs, cfg.threads, cfg.seconds,
	    cfg.focus >= 0 ? " --focus " : "",
	    cfg.focus >= 0 ? focus_names[cfg.focus] : "",
	    cfg.proc_race ? "" : " --no-proc-race");
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
