// SPDX-License-Identifier: GPL-2.0
/*
 * softmap: the global counters.
 *
 * softmap_counters[] is the one list of counters: sysfs makes a file of
 * each entry and STATS a %SOFTMAP_A_STATS attribute of each.  Events and
 * gauges changed on the request path are per-CPU (struct softmap_pcpu) and
 * summed on read; values the quotas need exactly (bytes, users) are
 * atomics owned by user.c; the table's size is read from the table;
 * slab pages are counted by a walk of the table (compact.c), which costs
 * time in proportion to the objects stored.
 */
#include <linux/percpu.h>
#include <linux/cpumask.h>
#include <linux/mm.h>
#include "softmap.h"

struct softmap_pcpu __percpu *softmap_pcpu;

/**
 * softmap_pcpu_sum() - sum of one per-CPU counter
 * @c: the counter.
 *
 * A gauge changes on one CPU and back on another, so a sum read while
 * requests run may be briefly off; it is exact once the store is quiet.
 * A transiently negative sum reads as 0.
 *
 * Return: the sum over all possible CPUs.
 */
u64 softmap_pcpu_sum(enum softmap_pcpu_counter c)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(softmap_pcpu, cpu)->v[c];
	return sum < 0 ? 0 : sum;
}

static u64 softmap_read_bytes(void)
{
	return softmap_user_total_bytes();
}

static u64 softmap_read_bytes_allocated(void)
{
	return (softmap_slab_pages() << PAGE_SHIFT) +
	       softmap_pcpu_sum(SOFTMAP_PC_OOL_BYTES) +
	       softmap_store_table_bytes();
}

static u64 softmap_read_users(void)
{
	return softmap_user_count();
}

static u64 softmap_read_buckets(void)
{
	return softmap_store_buckets();
}

static u64 softmap_read_table_shrinks(void)
{
	return softmap_store_table_shrinks();
}

static u64 softmap_read_slab_pages(void)
{
	return softmap_slab_pages();
}

static u64 softmap_read_slab_pages_returned(void)
{
	return softmap_slab_pages_returned();
}

#define SOFTMAP_PCPU(n, a, i)	{ .name = n, .attr = a, .pcpu = i }
#define SOFTMAP_FUNC(n, a, f)	{ .name = n, .attr = a, .read = f }

const struct softmap_counter softmap_counters[] = {
	SOFTMAP_PCPU("objects", SOFTMAP_STATS_A_OBJECTS, SOFTMAP_PC_OBJECTS),
	SOFTMAP_FUNC("bytes", SOFTMAP_STATS_A_BYTES, softmap_read_bytes),
	SOFTMAP_FUNC("bytes_allocated", SOFTMAP_STATS_A_BYTES_ALLOCATED,
		     softmap_read_bytes_allocated),
	SOFTMAP_FUNC("users", SOFTMAP_STATS_A_USERS, softmap_read_users),
	SOFTMAP_FUNC("table_buckets", SOFTMAP_STATS_A_TABLE_BUCKETS,
		     softmap_read_buckets),
	SOFTMAP_PCPU("puts", SOFTMAP_STATS_A_PUTS, SOFTMAP_PC_PUTS),
	SOFTMAP_PCPU("gets", SOFTMAP_STATS_A_GETS, SOFTMAP_PC_GETS),
	SOFTMAP_PCPU("hits", SOFTMAP_STATS_A_HITS, SOFTMAP_PC_HITS),
	SOFTMAP_PCPU("misses", SOFTMAP_STATS_A_MISSES, SOFTMAP_PC_MISSES),
	SOFTMAP_PCPU("dels", SOFTMAP_STATS_A_DELS, SOFTMAP_PC_DELS),
	SOFTMAP_PCPU("replaces", SOFTMAP_STATS_A_REPLACES,
		     SOFTMAP_PC_REPLACES),
	SOFTMAP_PCPU("rcu_pending_frees", SOFTMAP_STATS_A_RCU_PENDING_FREES,
		     SOFTMAP_PC_RCU_PENDING),
	SOFTMAP_PCPU("quota_rejections", SOFTMAP_STATS_A_QUOTA_REJECTIONS,
		     SOFTMAP_PC_QUOTA_REJECTIONS),
	SOFTMAP_PCPU("evictions", SOFTMAP_STATS_A_EVICTIONS,
		     SOFTMAP_PC_EVICTIONS),
	SOFTMAP_PCPU("shrinker_scans", SOFTMAP_STATS_A_SHRINKER_SCANS,
		     SOFTMAP_PC_SHRINKER_SCANS),
	SOFTMAP_PCPU("shrinker_freed", SOFTMAP_STATS_A_SHRINKER_FREED,
		     SOFTMAP_PC_SHRINKER_FREED),
	SOFTMAP_FUNC("table_shrinks", SOFTMAP_STATS_A_TABLE_SHRINKS,
		     softmap_read_table_shrinks),
	SOFTMAP_PCPU("objects_moved", SOFTMAP_STATS_A_OBJECTS_MOVED,
		     SOFTMAP_PC_OBJECTS_MOVED),
	SOFTMAP_FUNC("slab_pages", SOFTMAP_STATS_A_SLAB_PAGES,
		     softmap_read_slab_pages),
	SOFTMAP_FUNC("slab_pages_returned", SOFTMAP_STATS_A_SLAB_PAGES_RETURNED,
		     softmap_read_slab_pages_returned),
};

const unsigned int softmap_nr_counters = ARRAY_SIZE(softmap_counters);

/**
 * softmap_counter_read() - current value of a global counter
 * @c: an entry of softmap_counters[].
 *
 * Return: the value.
 */
u64 softmap_counter_read(const struct softmap_counter *c)
{
	return c->read ? c->read() : softmap_pcpu_sum(c->pcpu);
}

/**
 * softmap_stats_init() - allocate the per-CPU counters
 *
 * Return: 0 or -ENOMEM.
 */
int softmap_stats_init(void)
{
	softmap_pcpu = alloc_percpu(struct softmap_pcpu);
	return softmap_pcpu ? 0 : -ENOMEM;
}

/**
 * softmap_stats_exit() - free the per-CPU counters
 */
void softmap_stats_exit(void)
{
	free_percpu(softmap_pcpu);
}
