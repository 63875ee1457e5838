// SPDX-License-Identifier: GPL-2.0
/*
 * llbench-bpf: loader of llbench's "bpf" situation.
 *
 *   llbench-bpf COMMAND [ARG...]
 *
 * Loads and attaches llbench_bpf.bpf.c (a sleepable bprm_creds_for_exec LSM
 * program whose target never matches), runs COMMAND with LLBENCH_BPF=attached
 * in its environment, then prints
 *   LLBENCH-BPF checked=<executions seen> matched=<executions restricted>
 * and detaches.  When the program cannot be loaded or attached (no BPF LSM),
 * COMMAND runs with LLBENCH_BPF=unavailable instead.  Exits with COMMAND's
 * status, or 1 if the program matched an execution.
 */
#define _GNU_SOURCE
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "llbench_bpf.skel.h"

int main(int argc, char *argv[])
{
	struct llbench_bpf *skel;
	struct stat st;
	int status, rc;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: %s COMMAND [ARG...]\n", argv[0]);
		return 2;
	}
	/* A file that does not exist: no inode number is ~0 on the root. */
	if (stat("/", &st)) {
		perror("llbench-bpf: stat /");
		return 2;
	}
	skel = llbench_bpf__open_and_load();
	if (skel) {
		skel->bss->target_ino = ~0ULL;
		skel->bss->target_major = major(st.st_dev);
		skel->bss->target_minor = minor(st.st_dev);
		if (llbench_bpf__attach(skel)) {
			llbench_bpf__destroy(skel);
			skel = NULL;
		}
	}
	if (!skel) {
		fprintf(stderr, "llbench-bpf: cannot load or attach the program\n");
		setenv("LLBENCH_BPF", "unavailable", 1);
		execvp(argv[1], argv + 1);
		perror("llbench-bpf: exec");
		return 127;
	}
	setenv("LLBENCH_BPF", "attached", 1);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("llbench-bpf: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror("llbench-bpf: exec");
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid) {
		perror("llbench-bpf: wait");
		return 2;
	}
	printf("LLBENCH-BPF checked=%llu matched=%llu\n",
	       (unsigned long long)skel->bss->checked,
	       (unsigned long long)skel->bss->matched);
	fflush(stdout);
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 2;
	if (skel->bss->matched)
		rc = 1;
	llbench_bpf__destroy(skel);
	return rc;
}
