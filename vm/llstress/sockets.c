// SPDX-License-Identifier: GPL-2.0
/*
 * llstress - pathname UNIX sockets (bind, connect, sendto) and TCP bind,
 * and the server of the sockets created outside any domain.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "llstress.h"

/* --- Pathname UNIX sockets and TCP --------------------------------------------- */

/* Types of the server's sockets, in the order of cfg.sup. */
static const int sock_types[3] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };

void op_unix_bind(struct thr *t)
{
	struct rng *r = &t->rng;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct skent e = {};
	struct tmodel m;
	struct snap s0;
	struct eset pred;
	int type = sock_types[below(r, 3)], fd, ret, i;
	bool existing = chance(r, 8);

	pthread_mutex_lock(&P.lock);
	s0 = snap_take();
	m = t->m;
	e.exact = m.exact && !s0.inflight;
	e.chain.n = m.n;
	for (i = 0; i < m.n; i++)
		e.chain.ids[i] = m.l[i].id;
	snprintf(e.path, sizeof(e.path), "%s/w%d-p%d-%u", cfg.sockdir, P.worker,
		 P.pidx, P.sk_serial++);
	pthread_mutex_unlock(&P.lock);

	fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		account(t, OP_unix_bind, errno, NULL, "socket");
		return;
	}
	if (!stable_now(&s0))
		e.exact = false;
	strcpy(addr.sun_path, existing ? cfg.sup[below(r, 3)] : e.path);
	/* An existing path fails before Landlock is asked. */
	if (existing)
		pred = eset_of(EADDRINUSE);
	else
		pred = eset_of(fs_allowed(&m, O_SOCK,
					  LANDLOCK_ACCESS_FS_MAKE_SOCK) ?
				       0 :
				       EACCES);
	ret = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
	account(t, OP_unix_bind, result(ret),
		existing || (e.exact && model_rules_exact(&m, false) &&
			     stable_now(&s0)) ?
			&pred :
			NULL,
		addr.sun_path);
	if (ret || existing) {
		close(fd);
		return;
	}
	if (type != SOCK_DGRAM)
		listen(fd, 2);
	e.fd = fd;
	e.type = type;
	if (!pool_add(P.sk, &P.nsk, MAX_SK, &e, sizeof(e))) {
		close(fd);
		unlink(e.path);
	}
}

/* connect(2) or sendto(2) to a pathname socket, outside or inside. */
void op_unix_reach(struct thr *t, int op)
{
	struct rng *r = &t->rng;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct skent target = {};
	struct tmodel m;
	struct snap s0;
	struct eset pred;
	int type, ctype, fd, ret, k;
	bool certain;

	pthread_mutex_lock(&P.lock);
	s0 = snap_take();
	m = t->m;
	k = P.nsk && chance(r, 50) ? (int)below(r, P.nsk) : -1;
	if (k >= 0) {
		target = P.sk[k];
	} else {
		/* The server's sockets: created outside any domain. */
		int i = below(r, 3);

		strcpy(target.path, cfg.sup[i]);
		target.type = sock_types[i];
		target.exact = true;
		target.chain.n = 0;
	}
	pthread_mutex_unlock(&P.lock);
	if (op == OP_unix_sendto && target.type != SOCK_DGRAM && chance(r, 70))
		return;
	type = target.type;
	ctype = chance(r, 8) ? sock_types[below(r, 3)] : type;
	if (op == OP_unix_sendto)
		ctype = chance(r, 90) ? SOCK_DGRAM : ctype;

	fd = socket(AF_UNIX, ctype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		account(t, op, errno, NULL, "socket");
		return;
	}
	strcpy(addr.sun_path, target.path);
	if (op == OP_unix_sendto && ctype != SOCK_DGRAM) {
		/* Not connected: an address is refused before any lookup. */
		pred = eset_of(ctype == SOCK_STREAM ? EOPNOTSUPP : ENOTCONN);
	} else if (ctype != type) {
		pred = eset_of(EPROTOTYPE);
	} else {
		pred = eset_of(unix_predict(m.l, m.n, &target.chain));
		if (eset_has(&pred, 0) && type != SOCK_DGRAM)
			eset_add(&pred, EAGAIN); /* backlog full */
		if (eset_has(&pred, 0) && op == OP_unix_sendto)
			eset_add(&pred, EAGAIN); /* queue full */
	}
	if (op == OP_unix_connect)
		ret = connect(fd, (struct sockaddr *)&addr, sizeof(addr));
	else
		ret = sendto(fd, "x", 1, MSG_DONTWAIT | MSG_NOSIGNAL,
			     (struct sockaddr *)&addr, sizeof(addr));
	close(fd);
	certain = m.exact && target.exact && model_rules_exact(&m, false) &&
		  stable_now(&s0);
	{
		char what[400], cl[160], sv[160];
		int i;

		layers_str(m.l, m.n, cl, sizeof(cl));
		sv[0] = '\0';
		for (i = 0; i < target.chain.n; i++)
			snprintf(sv + strlen(sv), sizeof(sv) - strlen(sv),
				 "%s%llu", i ? "," : "",
				 (unsigned long long)target.chain.ids[i]);
		snprintf(what, sizeof(what), "%s client [%s] server [%s] solo %d",
			 target.path, cl, sv, P.solo);
		account(t, op, result(ret),
			certain || ctype != type ||
					(op == OP_unix_sendto &&
					 ctype != SOCK_DGRAM) ?
				&pred :
				NULL,
			what);
	}
}

void op_tcp_bind(struct thr *t)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	struct tmodel m;
	struct snap s0;
	struct eset pred;
	int pi = below(&t->rng, NPORTS), fd, ret;

	pthread_mutex_lock(&P.lock);
	s0 = snap_take();
	m = t->m;
	pthread_mutex_unlock(&P.lock);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		account(t, OP_tcp_bind, errno, NULL, "socket");
		return;
	}
	addr.sin_port = htons(ports[pi]);
	pred = eset_of(net_bind_allowed(&m, pi) ? 0 : EACCES);
	if (eset_has(&pred, 0))
		eset_add(&pred, EADDRINUSE);
	ret = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
	close(fd);
	account(t, OP_tcp_bind, result(ret),
		m.exact && model_rules_exact(&m, false) && stable_now(&s0) ?
			&pred :
			NULL,
		NULL);
}

/* --- Server of the outside sockets -------------------------------------------- */

void server_main(void)
{
	struct pollfd pf[3];
	int i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 0; i < 3; i++) {
		struct sockaddr_un addr = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, sock_types[i] | SOCK_CLOEXEC, 0);

		strcpy(addr.sun_path, cfg.sup[i]);
		unlink(addr.sun_path);
		if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
		    (sock_types[i] != SOCK_DGRAM && listen(fd, 64))) {
			perror("llstress: server socket");
			_exit(1);
		}
		pf[i] = (struct pollfd){ fd, POLLIN, 0 };
	}
	for (;;) {
		char buf[64];

		if (poll(pf, 3, 1000) < 0)
			continue;
		for (i = 0; i < 3; i++) {
			if (!(pf[i].revents & POLLIN))
				continue;
			if (sock_types[i] == SOCK_DGRAM) {
				while (recv(pf[i].fd, buf, sizeof(buf),
					    MSG_DONTWAIT) > 0)
					;
			} else {
				int c = accept4(pf[i].fd, NULL, NULL,
						SOCK_CLOEXEC | SOCK_NONBLOCK);

				if (c >= 0)
					close(c);
			}
		}
	}
}
