/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smreclaim: what softmap's reclaim selftests drive and measure from
 * outside the netlink family: the reclaim counters of /sys/kernel/softmap/,
 * the root-only /sys/kernel/softmap/shrink file, the kernel's own
 * reclaim (vm.drop_caches), and the slab pages /proc/slabinfo shows for
 * the softmap_* caches.
 *
 * Functions return 0 (or a count) on success and a negative errno on
 * failure; nothing here exits or asserts.
 */
#ifndef SOFTMAP_SELFTEST_SMRECLAIM_H
#define SOFTMAP_SELFTEST_SMRECLAIM_H

#include <stdint.h>

/** struct sm_reclaim - the reclaim counters of /sys/kernel/softmap/ */
struct sm_reclaim {
	uint64_t evictions;
	uint64_t shrinker_scans;
	uint64_t shrinker_freed;
	uint64_t table_shrinks;
	uint64_t objects_moved;
	uint64_t slab_pages;
	uint64_t slab_pages_returned;
};

/* The write-only file that runs SHRINK's reclaim: "compact" or bytes. */
#define SM_SHRINK_FILE	"shrink"

int sm_reclaim_read(struct sm_reclaim *r);
int sm_drop_caches(void);
int sm_shrink_write(const char *val);
int sm_slabinfo_pages(uint64_t *pages, int *caches);
int sm_wait_rcu_frees(unsigned int ms);

#endif /* SOFTMAP_SELFTEST_SMRECLAIM_H */
