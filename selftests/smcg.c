// SPDX-License-Identifier: GPL-2.0
/*
 * smcg: child memory cgroups of softmap's selftests.  See smcg.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "smcg.h"
#include "smuser.h"

static void sm_cg_path(char *path, size_t len, const char *cg,
		       const char *file)
{
	snprintf(path, len, SM_CG_ROOT "%s%s%s%s", cg && *cg ? "/" : "",
		 cg ? cg : "", file ? "/" : "", file ? file : "");
}

/* Read a small file whole into @buf; bytes read or -errno. */
static ssize_t sm_cg_read(const char *cg, const char *file, char *buf,
			  size_t len)
{
	char path[512];
	ssize_t n;
	int fd;

	sm_cg_path(path, sizeof(path), cg, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return n;
}

/* Whether the space-separated @list holds the word @w. */
static bool sm_word_in(const char *list, const char *w)
{
	size_t len = strlen(w);
	const char *p;

	for (p = strstr(list, w); p; p = strstr(p + 1, w))
		if ((p == list || p[-1] == ' ') &&
		    (p[len] == ' ' || p[len] == '\n' || !p[len]))
			return true;
	return false;
}

/**
 * sm_cg_memory_controller() - make the memory controller available to
 *	child cgroups
 * @why: set to the reason when it is not (may be NULL)
 * @len: bytes at @why
 *
 * Checks that cgroup v2 is mounted at SM_CG_ROOT with the memory
 * controller, and enables it in the root's cgroup.subtree_control.
 *
 * Return: 0, -ENOENT (no cgroup v2 or no memory controller) or the
 * -errno of enabling it.
 */
int sm_cg_memory_controller(char *why, size_t len)
{
	char buf[512];
	ssize_t n;
	int err;

	n = sm_cg_read(NULL, "cgroup.controllers", buf, sizeof(buf));
	if (n < 0) {
		if (why)
			snprintf(why, len, "no cgroup v2 at " SM_CG_ROOT ": %s",
				 strerror(-n));
		return -ENOENT;
	}
	if (!sm_word_in(buf, "memory")) {
		if (why)
			snprintf(why, len,
				 "no memory controller in " SM_CG_ROOT
				 "/cgroup.controllers (CONFIG_MEMCG off or cgroup_disable=memory): '%s'",
				 buf);
		return -ENOENT;
	}
	n = sm_cg_read(NULL, "cgroup.subtree_control", buf, sizeof(buf));
	if (n >= 0 && sm_word_in(buf, "memory"))
		return 0;
	err = sm_cg_write(NULL, "cgroup.subtree_control", "+memory");
	if (err && why)
		snprintf(why, len, "cannot enable +memory in " SM_CG_ROOT
			 "/cgroup.subtree_control: %s", strerror(-err));
	return err;
}

/**
 * sm_cg_create() - create a child cgroup of the root
 * @cg: its name
 *
 * Return: 0 (also when it exists) or -errno of mkdir().
 */
int sm_cg_create(const char *cg)
{
	char path[512];

	sm_cg_path(path, sizeof(path), cg, NULL);
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/**
 * sm_cg_remove() - remove a cgroup with no process left in it
 * @cg: its name
 *
 * A cgroup whose last process has just exited may still be busy for a
 * moment, so -EBUSY is retried for up to five seconds.
 *
 * Return: 0 (also when it does not exist) or -errno of rmdir().
 */
int sm_cg_remove(const char *cg)
{
	struct timespec ts = { .tv_nsec = 50 * 1000 * 1000 };
	char path[512];
	int i;

	sm_cg_path(path, sizeof(path), cg, NULL);
	for (i = 0; i < 100; i++) {
		if (!rmdir(path) || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		nanosleep(&ts, NULL);
	}
	return -EBUSY;
}

/**
 * sm_cg_write() - write a string to one file of a cgroup
 * @cg: the cgroup (NULL: the root)
 * @file: the file, e.g. "memory.max"
 * @val: what to write, in one write()
 *
 * Return: 0 or -errno of open() or write() (e.g. -EAGAIN from
 * memory.reclaim when less than asked could be reclaimed).
 */
int sm_cg_write(const char *cg, const char *file, const char *val)
{
	size_t len = strlen(val);
	char path[512];
	ssize_t n;
	int fd;

	sm_cg_path(path, sizeof(path), cg, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	n = n < 0 ? -errno : (size_t)n == len ? 0 : -EIO;
	close(fd);
	return n;
}

/**
 * sm_cg_read_u64() - read a one-number file of a cgroup
 * @cg: the cgroup
 * @file: e.g. "memory.current"
 * @v: its value; "max" reads as UINT64_MAX
 *
 * Return: 0, -errno, or -EBADMSG when it is not a number.
 */
int sm_cg_read_u64(const char *cg, const char *file, uint64_t *v)
{
	char buf[64], *end;
	ssize_t n;

	n = sm_cg_read(cg, file, buf, sizeof(buf));
	if (n < 0)
		return n;
	if (!strncmp(buf, "max", 3)) {
		*v = UINT64_MAX;
		return 0;
	}
	errno = 0;
	*v = strtoull(buf, &end, 10);
	if (errno || end == buf)
		return -EBADMSG;
	return 0;
}

/**
 * sm_cg_key_u64() - one entry of a "key value" file of a cgroup
 * @cg: the cgroup
 * @file: e.g. "memory.events"
 * @key: e.g. "oom_kill"
 * @v: its value
 *
 * Return: 0, -ENOENT when the file has no such key, or -errno.
 */
int sm_cg_key_u64(const char *cg, const char *file, const char *key,
		  uint64_t *v)
{
	size_t len = strlen(key);
	char buf[4096], *p;
	ssize_t n;

	n = sm_cg_read(cg, file, buf, sizeof(buf));
	if (n < 0)
		return n;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, key, len) && p[len] == ' ') {
			*v = strtoull(p + len + 1, NULL, 10);
			return 0;
		}
	}
	return -ENOENT;
}

/**
 * sm_cg_enter() - move the calling process into a cgroup
 * @cg: the cgroup (NULL or "": the root)
 *
 * Return: 0 or -errno of writing cgroup.procs.
 */
int sm_cg_enter(const char *cg)
{
	return sm_cg_write(cg, "cgroup.procs", "0");
}

/**
 * sm_cg_run_as() - sm_run_as() in a cgroup
 * @cg: the cgroup the work runs in
 * @uid: user and group id to switch to
 * @fn: the work; its return value becomes the exit status
 * @arg: passed to @fn
 *
 * A child enters @cg, then runs sm_run_as(), so the work runs in @cg as
 * @uid, and any memory it makes the kernel allocate is charged to @cg.
 * The child dies of the signal that killed the work, if any.
 *
 * Return: as sm_run_as(): @fn's return value, SM_RUN_FAILED, or 256 + the
 * signal number when the work (or the child) was killed.
 */
int sm_cg_run_as(const char *cg, uid_t uid, int (*fn)(void *arg), void *arg)
{
	int status, r;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return SM_RUN_FAILED;
	if (pid == 0) {
		if (sm_cg_enter(cg))
			_exit(SM_RUN_FAILED);
		r = sm_run_as(uid, fn, arg);
		if (r > 255) {
			signal(r - 256, SIG_DFL);
			raise(r - 256);
		}
		_exit(r > 255 ? SM_RUN_FAILED : r);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return SM_RUN_FAILED;
	if (WIFSIGNALED(status))
		return 256 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
