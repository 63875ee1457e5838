// SPDX-License-Identifier: GPL-2.0
/*
 * llstress - ruleset creation, rules and restrictions: the operations on
 * landlock_create_ruleset(2), landlock_add_rule(2),
 * landlock_restrict_self(2) and no_new_privs, with their predictions.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "llstress.h"

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

void op_create_ruleset(struct thr *t)
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

void add_rule(struct thr *t, int op, bool net, bool bad)
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

void op_restrict(struct thr *t, int op)
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

void op_set_nnp(struct thr *t)
{
	int ret = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);

	account(t, OP_set_nnp, result(ret), NULL, NULL);
	pthread_mutex_lock(&P.lock);
	if (!ret)
		t->m.nnp = true;
	pthread_mutex_unlock(&P.lock);
}

/* no_new_privs as the model says, and always with a domain. */
void op_check_nnp(struct thr *t)
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
