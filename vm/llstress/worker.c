// SPDX-License-Identifier: GPL-2.0
/*
 * llstress - threads and processes, the operation loop, the episode, and
 * the worker root, which runs the episodes, checks the reports of the
 * probes and the memfds, and detects hangs (with the dumper).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "llstress.h"

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
	__atomic_add_fetch(&P.ps->clone_gen, 1, __ATOMIC_SEQ_CST);
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

/* How often each operation is picked, and its focus group (llstress.h). */
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
	 * Linux 7.3's thread-sync deadlock, fixed by patch 1 of the series:
	 * landlock_restrict_sibling_threads() held exec_update_lock while it
	 * waited for every sibling to run a task work, and a sibling following
	 * a /proc/<pid>/fd/N link waited for that lock, killably, so it never
	 * ran it.  --no-proc-race keeps such executions in single-threaded
	 * processes, for a kernel without that fix.
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
	bool stable, shared_fs;
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
	/*
	 * A thread being created made a set-user-ID execution unsafe: it may
	 * have gained nothing, and then not been refused for a gain either.
	 */
	shared_fs = s->op == OP_exec_suid &&
		    __atomic_load_n(&wa->ps[s->pidx].clone_gen,
				    __ATOMIC_ACQUIRE) != s->clone_gen0;
	if (shared_fs && s->exp_gain && !gain)
		check(CHK_suid_unsafe_share);
	if (s->exp_errno && !(shared_fs && s->gain_refused))
		violation(&root_ctx, s->op,
			  "execution succeeded, expected it to fail");
	if (rep->layers != s->exp_layers || rep->nnp != s->exp_nnp ||
	    (gain != s->exp_gain && !shared_fs))
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
void dumper_main(int fd)
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

void worker_main(int worker)
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
