// SPDX-License-Identifier: GPL-2.0
/*
 * smuser: run part of a selftest as an unprivileged user.  See smuser.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "smuser.h"

/**
 * sm_run_as() - call @fn(@arg) in a child running as @uid:@uid
 * @uid: user and group id to switch to
 * @fn: the work; its return value becomes the child's exit status
 * @arg: passed to @fn
 *
 * Return: @fn's return value (0..255), SM_RUN_FAILED when the child could
 * not be started or could not switch user, or 256 + the signal number
 * when the child was killed.
 */
int sm_run_as(uid_t uid, int (*fn)(void *arg), void *arg)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return SM_RUN_FAILED;
	if (pid == 0) {
		if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
		    setresuid(uid, uid, uid))
			_exit(SM_RUN_FAILED);
		_exit(fn(arg) & 0xff);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return SM_RUN_FAILED;
	if (WIFSIGNALED(status))
		return 256 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/**
 * sm_shared_alloc() - zeroed memory shared with children forked later
 * @size: bytes
 *
 * Return: the memory, or NULL.
 */
void *sm_shared_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/** sm_shared_free() - free memory from sm_shared_alloc() */
void sm_shared_free(void *p, size_t size)
{
	if (p)
		munmap(p, size);
}
