// SPDX-License-Identifier: GPL-2.0
/*
 * smreclaim: reclaim counters and triggers of softmap's selftests.  See
 * smreclaim.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smreclaim.h"
#include "smsys.h"

#define SM_RFIELD(f)	{ #f, offsetof(struct sm_reclaim, f) }

static const struct {
	const char *name;
	size_t off;
} sm_reclaim_files[] = {
	SM_RFIELD(evictions),
	SM_RFIELD(shrinker_scans),
	SM_RFIELD(shrinker_freed),
	SM_RFIELD(table_shrinks),
	SM_RFIELD(objects_moved),
	SM_RFIELD(slab_pages),
	SM_RFIELD(slab_pages_returned),
};

#define SM_NRFILES	(sizeof(sm_reclaim_files) / sizeof(sm_reclaim_files[0]))

/**
 * sm_reclaim_read() - read every reclaim counter
 * @r: the values
 *
 * Return: 0, or the first error of sm_sysfs_read() (-ENOENT when the
 * module has no such file).
 */
int sm_reclaim_read(struct sm_reclaim *r)
{
	size_t i;
	int err;

	for (i = 0; i < SM_NRFILES; i++) {
		err = sm_sysfs_read(sm_reclaim_files[i].name,
				    (uint64_t *)((char *)r +
						 sm_reclaim_files[i].off));
		if (err)
			return err;
	}
	return 0;
}

/**
 * sm_drop_caches() - echo 2 > /proc/sys/vm/drop_caches
 *
 * Runs every shrinker over every memory cgroup and node, at the highest
 * priority (the whole of each list is scanned), until a pass frees little.
 *
 * Return: 0 or -errno.
 */
int sm_drop_caches(void)
{
	ssize_t n;
	int fd;

	fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, "2\n", 2);
	n = n < 0 ? -errno : n == 2 ? 0 : -EIO;
	close(fd);
	return n;
}

/**
 * sm_shrink_write() - write @val to /sys/kernel/softmap/shrink
 * @val: "compact", a decimal byte target, or anything (error tests)
 *
 * Return: 0 or -errno of open() or write().
 */
int sm_shrink_write(const char *val)
{
	return sm_sysfs_write(SM_SHRINK_FILE, val);
}

/**
 * sm_slabinfo_pages() - pages held by the softmap_* caches, as the slab
 *	allocator counts them
 * @pages: sum over the softmap_* lines of /proc/slabinfo of num_slabs *
 *	pagesperslab
 * @caches: set to the number of such lines (may be NULL)
 *
 * SLUB counts every slab it allocated for a cache (full, partial, per-CPU)
 * in num_slabs, so the sum is exact for pages held, empty ones included.
 *
 * Return: 0, -errno, or -EBADMSG when a line cannot be parsed.
 */
int sm_slabinfo_pages(uint64_t *pages, int *caches)
{
	unsigned long active, num, size, perslab, pps, lim, batch, shared;
	unsigned long aslabs, nslabs, savail;
	char line[512], name[128];
	int n = 0, err = 0;
	FILE *f;

	*pages = 0;
	f = fopen("/proc/slabinfo", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "softmap_", 8))
			continue;
		if (sscanf(line,
			   "%127s %lu %lu %lu %lu %lu : tunables %lu %lu %lu : slabdata %lu %lu %lu",
			   name, &active, &num, &size, &perslab, &pps, &lim,
			   &batch, &shared, &aslabs, &nslabs, &savail) != 12) {
			err = -EBADMSG;
			break;
		}
		*pages += (uint64_t)nslabs * pps;
		n++;
	}
	fclose(f);
	if (caches)
		*caches = n;
	return err;
}

/**
 * sm_wait_rcu_frees() - wait until no object waits for a grace period
 * @ms: how long to wait at most
 *
 * Return: 0 when rcu_pending_frees reads 0, -ETIMEDOUT, or the error of
 * sm_sysfs_read().
 */
int sm_wait_rcu_frees(unsigned int ms)
{
	struct timespec ts = { .tv_nsec = 10 * 1000 * 1000 };
	unsigned int waited;
	uint64_t v;
	int err;

	for (waited = 0;; waited += 10) {
		err = sm_sysfs_read("rcu_pending_frees", &v);
		if (err || !v)
			return err;
		if (waited >= ms)
			return -ETIMEDOUT;
		nanosleep(&ts, NULL);
	}
}
