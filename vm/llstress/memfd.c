// SPDX-License-Identifier: GPL-2.0
/*
 * llstress - memfds: creation, PROT_EXEC mappings and mprotect(2), and
 * passing them to the worker root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "llstress.h"

/* --- memfds ------------------------------------------------------------------ */

void op_memfd_create(struct thr *t)
{
	struct rng *r = &t->rng;
	static const unsigned int choices[] = {
		0, MFD_CLOEXEC, MFD_ALLOW_SEALING, MFD_EXEC, MFD_NOEXEC_SEAL,
		MFD_HUGETLB, MFD_EXEC | MFD_CLOEXEC, MFD_HUGETLB | MFD_CLOEXEC,
	};
	struct mfdent e = {};
	struct tmodel m;
	struct snap s0;
	struct eset pred;
	unsigned int flags = choices[below(r, 8)] | MFD_CLOEXEC;
	int fd, err;

	if (chance(r, 5))
		flags = chance(r, 50) ? MFD_EXEC | MFD_NOEXEC_SEAL : 0x20;
	pred = eset_of((flags & MFD_EXEC && flags & MFD_NOEXEC_SEAL) ||
				       flags == 0x20 ?
			       EINVAL :
			       0);
	if (flags & MFD_HUGETLB)
		eset_add(&pred, ENOMEM), eset_add(&pred, EINVAL);

	pthread_mutex_lock(&P.lock);
	s0 = snap_take();
	m = t->m;
	pthread_mutex_unlock(&P.lock);
	fd = memfd_create("llstress", flags);
	err = result(fd);
	e.deny = m.exact && stable_now(&s0) ? model_denies_memfd(&m, false) :
					      -1;
	account(t, OP_memfd_create, err, &pred, NULL);
	if (fd < 0)
		return;
	e.fd = fd;
	e.huge = flags & MFD_HUGETLB;
	e.noexec = flags & MFD_NOEXEC_SEAL;
	if (e.huge) {
		if (!ftruncate(fd, HUGE))
			e.size = HUGE;
	} else if (chance(r, 35) && cfg.image) {
		/* This program: executing it runs the probe. */
		e.probe = write(fd, cfg.image, cfg.image_len) ==
			  (ssize_t)cfg.image_len;
		e.size = cfg.image_len;
	} else {
		if (chance(r, 50) && write(fd, "\x7f" "ELF garbage", 12) < 0)
			e.size = 0;
		if (!ftruncate(fd, PAGE))
			e.size = PAGE;
	}
	if (!pool_add(P.mfd, &P.nmfd, MAX_MFD, &e, sizeof(e)))
		close(fd);
}

/* mmap(2) with PROT_EXEC, or mprotect(2) adding it, of a memfd. */
int memfd_exec_map(int fd, size_t len, bool use_mprotect, bool shared,
		   bool pkey)
{
	int prot = PROT_READ | PROT_EXEC, err = 0;
	void *p;

	p = mmap(NULL, len, use_mprotect ? PROT_READ : prot,
		 shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return use_mprotect ? -errno : errno;
	if (use_mprotect) {
		if (pkey ? syscall(SYS_pkey_mprotect, p, len, prot, -1) :
			   mprotect(p, len, prot))
			err = errno;
	}
	munmap(p, len);
	return err;
}

void op_memfd_map(struct thr *t, int op)
{
	struct mfdent mf;
	struct eset pred;
	bool mp = op == OP_memfd_mprotect_exec;
	int err;

	if (pick_mfd(t, &mf, false) < 0 || !mf.size)
		return;
	err = memfd_exec_map(mf.fd, mf.huge ? HUGE : PAGE, mp,
			     chance(&t->rng, 50), chance(&t->rng, 30));
	if (err < 0) {
		/* The PROT_READ mapping failed. */
		account(t, op, -err, NULL, "PROT_READ mapping");
		return;
	}
	if (mf.deny < 0) {
		account(t, op, err, NULL, NULL);
		return;
	}
	check(CHK_memfd_noexec);
	pred = eset_of(mf.deny ? EACCES : 0);
	if (mf.huge && !mf.deny)
		eset_add(&pred, ENOMEM);
	account(t, op, err, &pred,
		mf.deny ? "memfd created under LANDLOCK_DENY_EXECUTE_MEMFD" :
			  "memfd created without LANDLOCK_DENY_EXECUTE_MEMFD");
}

/* Sends a memfd to the worker root, which has no domain, to map it. */
void op_memfd_pass(struct thr *t)
{
	struct mfdent mf;
	struct memfd_msg msg;
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = { &msg, sizeof(msg) };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	ssize_t ret;

	if (pick_mfd(t, &mf, false) < 0 || !mf.size)
		return;
	msg = (struct memfd_msg){ mf.deny, mf.huge, t->idx, t->seq, mf.size };
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &mf.fd, sizeof(int));
	ret = sendmsg(P.memfd_sock, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	account(t, OP_memfd_pass, result(ret), NULL, NULL);
}
