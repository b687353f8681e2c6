// SPDX-License-Identifier: GPL-2.0
/*
 * softmap: the shrinker and the LRU it will scan.
 *
 * The shrinker "softmap" is memcg- and NUMA-aware, and softmap_lru is the
 * memcg-aware list_lru it counts: objects are allocated with
 * kmem_cache_alloc_lru() against it, so every memory cgroup that owns
 * objects has its list ready.  No object is put on the list yet, so count
 * reports SHRINK_EMPTY and scan frees nothing: the shrinker is registered
 * and honest, and eviction fills it in.
 *
 * Order: softmap_reclaim_init() allocates the shrinker (which assigns the
 * id list_lru_init_memcg() needs) and the LRU; softmap_reclaim_start(),
 * last in module init, lets the shrinker be called; softmap_reclaim_stop(),
 * first in module exit, unregisters it and waits for running callbacks, so
 * no scan runs while the table is torn down; softmap_reclaim_exit()
 * destroys the LRU once every object is gone.
 */
#include "compat.h"
#include "softmap.h"

struct list_lru softmap_lru;
static struct shrinker *softmap_shrinker;

static unsigned long softmap_shrink_count(struct shrinker *s,
					  struct shrink_control *sc)
{
	struct list_lru *lru = softmap_shrinker_priv(s);
	unsigned long n = list_lru_shrink_count(lru, sc);

	return n ? n : SHRINK_EMPTY;
}

static unsigned long softmap_shrink_scan(struct shrinker *s,
					 struct shrink_control *sc)
{
	return SHRINK_STOP;
}

/**
 * softmap_reclaim_init() - allocate the shrinker and the LRU
 *
 * Return: 0 or a negative errno.
 */
int softmap_reclaim_init(void)
{
	int err;

	softmap_shrinker = softmap_shrinker_alloc(SHRINKER_MEMCG_AWARE |
						  SHRINKER_NUMA_AWARE,
						  "softmap",
						  softmap_shrink_count,
						  softmap_shrink_scan,
						  &softmap_lru);
	if (!softmap_shrinker)
		return -ENOMEM;
	err = list_lru_init_memcg(&softmap_lru, softmap_shrinker);
	if (err) {
		softmap_shrinker_free(softmap_shrinker);
		softmap_shrinker = NULL;
	}
	return err;
}

/**
 * softmap_reclaim_start() - let memory pressure call the shrinker
 */
void softmap_reclaim_start(void)
{
	softmap_shrinker_register(softmap_shrinker);
}

/**
 * softmap_reclaim_stop() - unregister and free the shrinker
 *
 * Waits for callbacks in progress.  Safe whether or not
 * softmap_reclaim_start() ran.
 */
void softmap_reclaim_stop(void)
{
	softmap_shrinker_free(softmap_shrinker);
	softmap_shrinker = NULL;
}

/**
 * softmap_reclaim_exit() - destroy the LRU (and the shrinker if still there)
 */
void softmap_reclaim_exit(void)
{
	softmap_reclaim_stop();
	list_lru_destroy(&softmap_lru);
}
