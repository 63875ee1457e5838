// SPDX-License-Identifier: GPL-2.0
/*
 * llstress - the probe (this program after an execution, which reports
 * what it got), the executions and what their probe must report, and the
 * observation of a thread's state from a forked child.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "llstress.h"

/* --- Probe: the program after an execution ------------------------------- */

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
int probe_main(int argc, char **argv)
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
int pick_mfd(struct thr *t, struct mfdent *out, bool no_huge)
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

/*
 * Executes one of the test programs; a successful execution runs the probe
 * (or, with @use_vfork, a vfork child does, and this thread goes on).
 */
void op_exec(struct thr *t, int op, int kind, bool use_vfork)
{
	char slotstr[16], workerstr[16], fdstr[16], procpath[64];
	char *argv[8], *envp[] = { NULL };
	const char *path = NULL;
	struct mfdent mf = {};
	struct tmodel m;
	struct snap s0;
	struct slot *s;
	struct eset pred = {};
	uint64_t clone_gen0;
	uint32_t idx;
	int err, nnp_after, i = 0;
	bool certain, predicted = true, landlock_ok, gain = false;
	bool gain_refused = false;
	volatile int verr = 0;
	pid_t pid;

	if (kind == EX_SUID && !cfg.have_suid)
		kind = EX_PROBE;
	if ((kind == EX_MEMFD || kind == EX_MEMFD_PROC) &&
	    pick_mfd(t, &mf, true) < 0)
		return;

	pthread_mutex_lock(&P.lock);
	s0 = snap_take();
	clone_gen0 = P.ps->clone_gen;
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
		else if ((gain_refused = m.staged && !m.nnp))
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
	s->gain_refused = gain_refused;
	s->clone_gen0 = clone_gen0;
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
	if (!stable_now(&s0) ||
	    (gain_refused && __atomic_load_n(&P.ps->clone_gen,
					     __ATOMIC_ACQUIRE) != clone_gen0))
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

void op_observe(struct thr *t, int chk)
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
