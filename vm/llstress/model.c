// SPDX-License-Identifier: GPL-2.0
/*
 * llstress - the model of a thread's Landlock state and its predictions
 * (file system, TCP bind, memfd, pathname UNIX sockets), and the
 * per-process state: violations, accounting of the outcomes, pools, and
 * the snapshots that tell whether the model is stable.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "llstress.h"

/* --- Model ---------------------------------------------------------------- */

bool model_rules_exact(const struct tmodel *m, bool with_staged)
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

bool fs_allowed(const struct tmodel *m, int obj, uint64_t need)
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
struct eset binfile_exec_result(const struct tmodel *m, int err)
{
	return eset_of(fs_allowed(m, O_BINFILE, EXEC_ACCESS) ? err : EACCES);
}

bool net_bind_allowed(const struct tmodel *m, int port_idx)
{
	int i;

	for (i = 0; i < m->n; i++)
		if ((m->l[i].net & LANDLOCK_ACCESS_NET_BIND_TCP) &&
		    !(m->l[i].allowed_net[port_idx] &
		      LANDLOCK_ACCESS_NET_BIND_TCP))
			return false;
	return true;
}

bool model_denies_memfd(const struct tmodel *m, bool with_staged)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (m->l[i].denied & LANDLOCK_DENY_EXECUTE_MEMFD)
			return true;
	return with_staged && m->staged &&
	       (m->st.denied & LANDLOCK_DENY_EXECUTE_MEMFD);
}

/*
 * Predicts a connection to a pathname UNIX socket created by @server (NULL:
 * outside any domain): a layer restricts it if it sets the pathname scope or
 * handles RESOLVE_UNIX, and grants it if the server is in its domain (same
 * domain at that depth) or, when it handles RESOLVE_UNIX, if a rule grants
 * it.  EACCES if a RESOLVE_UNIX layer denies, else EPERM if a scope layer
 * does.
 */
int unix_predict(const struct llayer *l, int n, const struct chain *server)
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
void layers_str(const struct llayer *l, int n, char *buf, size_t len)
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

struct process P;

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

void violation(const struct thr *t, int op, const char *fmt, ...)
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

void check(int chk)
{
	__atomic_fetch_add(&sh->checks[chk], 1, __ATOMIC_RELAXED);
}

/*
 * Counts the outcome of an operation, checks it against the allowlist, and
 * against the prediction if there is one.
 */
void account(struct thr *t, int op, int err, const struct eset *pred,
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

/*
 * Appends the @size bytes at @entry to the process's pool @array of @max
 * entries, counted by @count.  Returns false if the pool is full: the caller
 * then keeps (and releases) what the entry refers to.
 */
bool pool_add(void *array, int *count, int max, const void *entry, size_t size)
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
struct snap snap_take(void)
{
	struct snap s = {
		.gen = __atomic_load_n(&P.ps->gen, __ATOMIC_ACQUIRE),
		.inflight = __atomic_load_n(&P.ps->inflight, __ATOMIC_ACQUIRE),
	};
	return s;
}

bool snap_stable(const struct snap *s)
{
	return !s->inflight &&
	       __atomic_load_n(&P.ps->gen, __ATOMIC_ACQUIRE) == s->gen;
}

bool stable_now(const struct snap *s)
{
	bool r;

	pthread_mutex_lock(&P.lock);
	r = snap_stable(s);
	pthread_mutex_unlock(&P.lock);
	return r;
}

uint64_t new_id(void)
{
	return __atomic_add_fetch(&P.wa->next_id, 1, __ATOMIC_RELAXED);
}
