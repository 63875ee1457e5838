// SPDX-License-Identifier: GPL-2.0
/*
 * llprobe - tries one operation and reports its outcome, for the VM demo.
 *
 *   llprobe read PATH              open and read a file
 *   llprobe serve-abstract NAME    serve an abstract UNIX socket (background)
 *   llprobe connect-abstract NAME  connect to an abstract UNIX socket
 *   llprobe serve-path PATH        serve a pathname UNIX stream socket
 *   llprobe connect-path PATH      connect to a pathname UNIX stream socket
 *   llprobe memfd-exec PROG        copy PROG (an llprobe) into a memfd and
 *                                  execute it as "llprobe hello memfd"
 *   llprobe hello WHERE            print "ok" (the program that ran)
 *   llprobe abi -                  print the running kernel's Landlock ABI
 *
 * Prints "ok" or "error: <errno name> (<message>)" and exits 0 or 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

static int report(int ret)
{
	if (ret < 0) {
		printf("error: %s (%s)\n", strerrorname_np(errno),
		       strerror(errno));
		return 1;
	}
	printf("ok\n");
	return 0;
}

static socklen_t make_addr(struct sockaddr_un *addr, const char *name,
			   int abstract)
{
	size_t len = strlen(name);

	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	if (len > sizeof(addr->sun_path) - 2) {
		fprintf(stderr, "name too long\n");
		exit(2);
	}
	memcpy(addr->sun_path + !!abstract, name, len);
	return offsetof(struct sockaddr_un, sun_path) + len + !!abstract +
	       !abstract;
}

static int serve(const char *name, int abstract)
{
	struct sockaddr_un addr;
	socklen_t len = make_addr(&addr, name, abstract);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, len) ||
	    listen(fd, 16))
		return report(-1);
	printf("serving\n");
	fflush(stdout);
	if (fork() > 0)
		return 0;
	for (;;) {
		int c = accept(fd, NULL, NULL);

		if (c >= 0)
			close(c);
	}
}

static int connect_to(const char *name, int abstract)
{
	struct sockaddr_un addr;
	socklen_t len = make_addr(&addr, name, abstract);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0)
		return report(-1);
	return report(connect(fd, (struct sockaddr *)&addr, len));
}

static int memfd_exec(const char *prog)
{
	struct stat st;
	int src = open(prog, O_RDONLY | O_CLOEXEC);
	int mfd = memfd_create("llprobe", MFD_CLOEXEC | MFD_EXEC);
	char *const argv[] = { "llprobe", "hello", "memfd", NULL };

	if (mfd < 0)
		mfd = memfd_create("llprobe", MFD_CLOEXEC);
	if (src < 0 || mfd < 0 || fstat(src, &st) ||
	    sendfile(mfd, src, NULL, st.st_size) != st.st_size)
		return report(-1);
	fexecve(mfd, argv, environ);
	return report(-1);
}

int main(int argc, char *argv[])
{
	char buf[64];
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: see the comment in llprobe.c\n");
		return 2;
	}
	if (!strcmp(argv[1], "read")) {
		fd = open(argv[2], O_RDONLY | O_CLOEXEC);
		if (fd < 0 || read(fd, buf, sizeof(buf)) < 0)
			return report(-1);
		return report(0);
	}
	if (!strcmp(argv[1], "serve-abstract"))
		return serve(argv[2], 1);
	if (!strcmp(argv[1], "connect-abstract"))
		return connect_to(argv[2], 1);
	if (!strcmp(argv[1], "serve-path"))
		return serve(argv[2], 0);
	if (!strcmp(argv[1], "connect-path"))
		return connect_to(argv[2], 0);
	if (!strcmp(argv[1], "memfd-exec"))
		return memfd_exec(argv[2]);
	if (!strcmp(argv[1], "hello"))
		return report(0);
	if (!strcmp(argv[1], "abi")) {
		printf("%ld\n", syscall(SYS_landlock_create_ruleset, NULL, 0,
					1U /* LANDLOCK_CREATE_RULESET_VERSION */));
		return 0;
	}
	fprintf(stderr, "unknown operation %s\n", argv[1]);
	return 2;
}
