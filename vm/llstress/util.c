// SPDX-License-Identifier: GPL-2.0
/*
 * llstress - shared memory, configuration and small helpers: the tables of
 * operation names and rule ports, the shared counters and configuration,
 * output, the random generator, the Landlock system calls, sets of errnos
 * and the allowlist of documented errnos.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "llstress.h"

/* Names of the operations, counted per errno. */
const char *const op_names[] = { OPS(OP_NAME) };

/* Ports of the network rules (the model's port indexes). */
const uint16_t ports[] = { 0, 30000, 30001, 30002 };

/* --- Shared memory ------------------------------------------------------ */

struct shared *sh;

/* --- Configuration -------------------------------------------------------- */

struct config cfg;

/* --- Small helpers -------------------------------------------------------- */

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Prints a line with a single write(2): lines of processes never mix. */
void say(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(STDOUT_FILENO, buf, n) < 0)
		return;
}

const char *errname(int err)
{
	const char *n;

	if (!err)
		return "ok";
	n = strerrorname_np(err);
	return n ? n : "E?";
}

uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint32_t below(struct rng *r, uint32_t n)
{
	return n ? rnd(r) % n : 0;
}

bool chance(struct rng *r, unsigned int pct)
{
	return below(r, 100) < pct;
}

uint64_t mix(uint64_t a, uint64_t b)
{
	struct rng r = { a ^ (b * 0x9e3779b97f4a7c15ULL) };

	return rnd(&r);
}

int ll_create(const void *attr, size_t size, uint32_t flags)
{
	return syscall(SYS_landlock_create_ruleset, attr, size, flags);
}

int ll_add(int fd, int type, const void *attr, uint32_t flags)
{
	return syscall(SYS_landlock_add_rule, fd, type, attr, flags);
}

int ll_restrict(int fd, uint32_t flags)
{
	return syscall(SYS_landlock_restrict_self, fd, flags);
}

int get_nnp(void)
{
	return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
}

int result(long ret)
{
	return ret < 0 ? errno : 0;
}

void eset_add(struct eset *e, int err)
{
	if (err >= 0 && err < NERR)
		e->b[err / 64] |= 1ULL << (err % 64);
}

bool eset_has(const struct eset *e, int err)
{
	return err >= 0 && err < NERR && (e->b[err / 64] >> (err % 64)) & 1;
}

struct eset eset_of(int err)
{
	struct eset e = {};

	eset_add(&e, err);
	return e;
}

void eset_str(const struct eset *e, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < NERR && off + 16 < len; i++)
		if (eset_has(e, i))
			off += snprintf(buf + off, len - off, "%s%s",
					off ? "|" : "", errname(i));
}

/* Documented errnos of each operation (allowlist), set by init_allow(). */
struct eset allow[NOPS];

static void allow_list(int op, ...)
{
	va_list ap;
	int err;

	eset_add(&allow[op], 0);
	va_start(ap, op);
	while ((err = va_arg(ap, int)) >= 0)
		eset_add(&allow[op], err);
	va_end(ap);
}

/* Every errno that execve(2) documents. */
#define EXEC_ERRNOS                                                         \
	E2BIG, EACCES, EAGAIN, EFAULT, EINVAL, EIO, EISDIR, ELIBBAD, ELOOP, \
		EMFILE, ENAMETOOLONG, ENFILE, ENOENT, ENOEXEC, ENOMEM,      \
		ENOTDIR, EPERM, ETXTBSY, EBADF

void init_allow(void)
{
	int op;

	/* landlock(7) and the kernel-doc of each system call. */
	allow_list(OP_create_ruleset, EOPNOTSUPP, EINVAL, E2BIG, EFAULT, ENOMSG,
		   ENOMEM, EMFILE, ENFILE, -1);
	allow_list(OP_add_rule_path, EOPNOTSUPP, EAFNOSUPPORT, EINVAL, ENOMSG,
		   EBADF, EBADFD, EPERM, EFAULT, ENOMEM, -1);
	allow[OP_add_rule_net] = allow[OP_add_rule_path];
	allow[OP_add_rule_bad] = allow[OP_add_rule_path];
	allow_list(OP_restrict, EOPNOTSUPP, EINVAL, EBADF, EBADFD, EPERM, E2BIG,
		   ENOMEM, -1);
	allow[OP_restrict_tsync] = allow[OP_restrict];
	allow[OP_stage_on_exec] = allow[OP_restrict];
	allow[OP_cancel_on_exec] = allow[OP_restrict];
	allow[OP_restrict_bad] = allow[OP_restrict];
	allow_list(OP_set_nnp, -1);
	allow_list(OP_check_nnp, -1);
	allow_list(OP_clone_thread, EAGAIN, ENOMEM, -1);
	allow_list(OP_thread_exit, -1);
	allow_list(OP_clone_process, EAGAIN, ENOMEM, -1);
	allow_list(OP_observe, EAGAIN, ENOMEM, EMFILE, -1);
	for (op = OP_exec_probe; op <= OP_vfork_exec_probe; op++)
		allow_list(op, EXEC_ERRNOS, -1);
	allow_list(OP_memfd_create, EFAULT, EINVAL, EMFILE, ENFILE, ENOMEM,
		   EPERM, ENOSPC, -1);
	allow_list(OP_memfd_mmap_exec, EACCES, EAGAIN, EINVAL, ENOMEM, EPERM,
		   ENODEV, -1);
	allow[OP_memfd_mprotect_exec] = allow[OP_memfd_mmap_exec];
	allow[OP_memfd_foreign_mmap] = allow[OP_memfd_mmap_exec];
	allow_list(OP_memfd_pass, EAGAIN, ENOBUFS, ENOMEM, ECONNREFUSED, EPIPE,
		   -1);
	allow_list(OP_unix_bind, EACCES, EADDRINUSE, ENOENT, ENOMEM, ENOBUFS,
		   EMFILE, ENFILE, ENOSPC, -1);
	allow_list(OP_unix_connect, EACCES, EPERM, EAGAIN, ECONNREFUSED, ENOENT,
		   EPROTOTYPE, ENOMEM, ENOBUFS, EMFILE, ENFILE, -1);
	allow_list(OP_unix_sendto, EACCES, EPERM, EAGAIN, ECONNREFUSED, ENOENT,
		   EPROTOTYPE, ENOMEM, ENOBUFS, EMFILE, ENFILE, EOPNOTSUPP,
		   ENOTCONN, -1);
	allow_list(OP_tcp_bind, EACCES, EADDRINUSE, ENOMEM, ENOBUFS, EMFILE,
		   ENFILE, EAFNOSUPPORT, -1);
	allow_list(OP_probe, -1);
	allow_list(OP_episode, -1);
}
