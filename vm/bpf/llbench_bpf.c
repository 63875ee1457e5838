// SPDX-License-Identifier: GPL-2.0
/*
 * llbench-bpf: loader of llbench's "bpf" situation.
 *
 *   llbench-bpf [--no-attach] COMMAND [ARG...]
 *
 * Loads and attaches llbench_bpf.bpf.c (a sleepable bprm_creds_for_exec LSM
 * program whose target never matches), runs COMMAND with LLBENCH_BPF=attached
 * in its environment, then prints
 *   LLBENCH-BPF attached=1 checked=<executions seen> matched=<restricted>
 * and detaches.  With --no-attach, the program is only loaded, and COMMAND runs
 * with LLBENCH_BPF=loaded (the control: same processes, no program run;
 * attached=0, checked must be 0).  When the program cannot be loaded or
 * attached (no BPF LSM), COMMAND runs with LLBENCH_BPF=unavailable instead.
 * Exits with COMMAND's status, or 1 if the program matched an execution or ran
 * while not attached.
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
	int status, rc, attach = 1;
	pid_t pid;

	if (argc > 1 && !strcmp(argv[1], "--no-attach")) {
		attach = 0;
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: %s [--no-attach] COMMAND [ARG...]\n",
			argv[0]);
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
		if (attach && llbench_bpf__attach(skel)) {
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
	setenv("LLBENCH_BPF", attach ? "attached" : "loaded", 1);
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
	printf("LLBENCH-BPF attached=%d checked=%llu matched=%llu\n", attach,
	       (unsigned long long)skel->bss->checked,
	       (unsigned long long)skel->bss->matched);
	fflush(stdout);
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 2;
	if (skel->bss->matched || (!attach && skel->bss->checked))
		rc = 1;
	llbench_bpf__destroy(skel);
	return rc;
}
