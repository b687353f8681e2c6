/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smsys: the kernel state softmap's selftests look at from outside the
 * netlink family: /sys/kernel/softmap/ (counters and tunables), loading
 * and unloading the module, /proc/slabinfo, /proc/meminfo and kmemleak.
 *
 * Functions return 0 (or a count) on success and a negative errno on
 * failure; nothing here exits or asserts.
 */
#ifndef SOFTMAP_SELFTEST_SMSYS_H
#define SOFTMAP_SELFTEST_SMSYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SM_SYSFS_DIR	"/sys/kernel/softmap"
#define SM_KMEMLEAK	"/sys/kernel/debug/kmemleak"

/** struct sm_counters - every counter file of /sys/kernel/softmap/ */
struct sm_counters {
	uint64_t objects;
	uint64_t bytes;
	uint64_t bytes_allocated;
	uint64_t users;
	uint64_t table_buckets;
	uint64_t puts;
	uint64_t gets;
	uint64_t hits;
	uint64_t misses;
	uint64_t dels;
	uint64_t replaces;
	uint64_t rcu_pending_frees;
	uint64_t quota_rejections;
};

/** struct sm_tunables - every tunable file of /sys/kernel/softmap/ */
struct sm_tunables {
	uint64_t max_value_size;
	uint64_t user_max_objects;
	uint64_t user_max_bytes;
	uint64_t max_bytes;
};

int sm_sysfs_read(const char *name, uint64_t *v);
int sm_sysfs_write(const char *name, const char *val);
int sm_sysfs_write_u64(const char *name, uint64_t v);
int sm_counters_read(struct sm_counters *c);
int sm_tunables_read(struct sm_tunables *t);
int sm_tunables_write(const struct sm_tunables *t);

const char *sm_kernel(void);
bool sm_kernel_is_debug(void);

bool sm_module_loaded(void);
int sm_insmod(void);
int sm_rmmod(void);

int sm_slab_caches(char *names, size_t cap, int *in_slabinfo);
int sm_slab_shrink_all(void);
int sm_meminfo_kb(const char *field, uint64_t *kb);
int sm_free_kb(uint64_t *kb);

/* Taint bits an out-of-tree, unsigned module sets by being loaded. */
#define SM_TAINT_OK	((1ULL << 12) | (1ULL << 13))

int sm_taint(uint64_t *mask);
int sm_kmsg_mark(char *mark, const char *what);
int sm_kmsg_splats(const char *mark, char **report);

/** struct sm_leaks - addresses of the objects kmemleak has reported */
struct sm_leaks {
	unsigned long *addr;
	size_t n;
};

bool sm_kmemleak_present(void);
int sm_kmemleak_snapshot(struct sm_leaks *l);
int sm_kmemleak_new(const struct sm_leaks *before, char **report);
void sm_leaks_free(struct sm_leaks *l);

#endif /* SOFTMAP_SELFTEST_SMSYS_H */
