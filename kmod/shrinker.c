// SPDX-License-Identifier: GPL-2.0
/*
 * softmap: the LRU of reclaimable objects, eviction, the shrinker and
 * reclaim on demand.
 *
 * softmap_lru is a memcg- and NUMA-aware list_lru: objects come from
 * kmem_cache_alloc_lru() against it, so the list of the memory cgroup an
 * object is charged to exists, and list_lru_add_obj() files the object
 * under that cgroup and its node.  Reclaimable objects only are on it,
 * oldest first; pinned objects never are, so nothing evicts them.
 *
 * The claim protocol.  Exactly one party unlinks an object from the table
 * (store.c), and that party alone takes it off the LRU.  The LRU walk
 * (softmap_isolate(), under the LRU lock of the list) tries to unlink the
 * object itself: when that succeeds the walk is the unlinker and moves
 * the object to its dispose list; when it fails (-ENOENT) another party
 * (DEL, FLUSH, a replacing PUT, compaction) has unlinked it and is about
 * to take it off the LRU, or its PUT has not linked it yet, and the walk
 * skips it.  So the rhashtable bucket lock nests inside the LRU lock,
 * never the reverse.  The dispose list is freed outside the LRU lock.
 *
 * Second chance: a GET sets ->referenced without a lock; the walk clears
 * it and rotates the object instead of evicting it.
 *
 * The shrinker "softmap" counts the objects on the LRU list of the node
 * and memory cgroup it is asked about and evicts from that list, so a
 * cgroup's memory.reclaim evicts only objects charged to it.  Asked about
 * the root cgroup (global reclaim, drop_caches), it also counts the slab
 * pages compaction could give back, estimated from the peak of the
 * store's bytes, and its scan queues compaction (compact.c), which runs in
 * a work item.
 *
 * Order: softmap_reclaim_init() allocates the shrinker (which assigns the
 * id list_lru_init_memcg() needs) and the LRU; softmap_reclaim_start(),
 * last in module init, lets the shrinker be called; softmap_reclaim_stop(),
 * first in module exit, unregisters it and waits for running callbacks,
 * then stops compaction, so no reclaim runs while the table is torn down;
 * softmap_reclaim_exit() destroys the LRU once every object is gone.
 */
#include <linux/memcontrol.h>
#include <linux/sched.h>
#include "compat.h"
#include "softmap.h"
#include "trace.h"

/* Objects an on-demand eviction walks between two reschedule points. */
#define SOFTMAP_EVICT_BATCH	256

struct list_lru softmap_lru;
static struct shrinker *softmap_shrinker;
/* Source of ->lru_seq. */
static atomic64_t softmap_lru_seq = ATOMIC64_INIT(0);

/**
 * softmap_lru_track() - put a reclaimable object on the LRU
 * @obj: the object, not linked yet; pinned objects are left alone.
 */
void softmap_lru_track(struct softmap_obj *obj)
{
	if (!softmap_obj_reclaimable(obj))
		return;
	WRITE_ONCE(obj->lru_seq, atomic64_inc_return(&softmap_lru_seq));
	softmap_lru_add(&softmap_lru, &obj->lru);
}

/**
 * softmap_lru_untrack() - take an object off the LRU
 * @obj: the object, unlinked by the caller (or never linked).
 */
void softmap_lru_untrack(struct softmap_obj *obj)
{
	if (softmap_obj_reclaimable(obj))
		softmap_lru_del(&softmap_lru, &obj->lru);
}

/**
 * struct softmap_evict - state of one eviction walk
 * @dispose: objects unlinked by the walk, to free outside the LRU lock.
 * @budget: with @bounded, bytes still to evict; the walk skips objects
 *	once it is spent.
 * @bounded: whether @budget applies.
 */
struct softmap_evict {
	struct list_head dispose;
	long budget;
	bool bounded;
};

static enum lru_status softmap_isolate(struct list_head *item,
				       struct list_lru_one *list,
				       spinlock_t *lock, void *arg)
{
	struct softmap_obj *obj = container_of(item, struct softmap_obj, lru);
	struct softmap_evict *ev = arg;

	if (ev->bounded && ev->budget <= 0)
		return LRU_SKIP;
	if (READ_ONCE(obj->referenced)) {
		WRITE_ONCE(obj->referenced, 0);
		WRITE_ONCE(obj->lru_seq, atomic64_inc_return(&softmap_lru_seq));
		return LRU_ROTATE;
	}
	if (softmap_store_try_unlink(obj))
		return LRU_SKIP;	/* its unlinker takes it off the LRU */
	list_lru_isolate_move(list, item, &ev->dispose);
	ev->budget -= softmap_obj_bytes(obj);
	return LRU_REMOVED;
}

/* Free what a walk unlinked; the number of objects. */
static unsigned long softmap_dispose(struct list_head *dispose)
{
	struct softmap_obj *obj, *next;
	unsigned long n = 0;

	list_for_each_entry_safe(obj, next, dispose, lru) {
		list_del_init(&obj->lru);
		softmap_store_evicted(obj);
		n++;
	}
	return n;
}

/* The root memory cgroup (or none): global reclaim, drop_caches. */
static bool softmap_sc_global(const struct shrink_control *sc)
{
	return !sc->memcg || !parent_mem_cgroup(sc->memcg);
}

static unsigned long softmap_shrink_count(struct shrinker *s,
					  struct shrink_control *sc)
{
	struct list_lru *lru = softmap_shrinker_priv(s);
	unsigned long n = list_lru_shrink_count(lru, sc);

	if (softmap_sc_global(sc))
		n += softmap_compact_estimate();
	return n ? n : SHRINK_EMPTY;
}

static unsigned long softmap_shrink_scan(struct shrinker *s,
					 struct shrink_control *sc)
{
	struct list_lru *lru = softmap_shrinker_priv(s);
	struct softmap_evict ev = {
		.dispose = LIST_HEAD_INIT(ev.dispose),
	};
	/* the walk counts sc->nr_to_scan down */
	unsigned long n, nr_to_scan = sc->nr_to_scan;

	softmap_count(SOFTMAP_PC_SHRINKER_SCANS, 1);
	list_lru_shrink_walk(lru, sc, softmap_isolate, &ev);
	n = softmap_dispose(&ev.dispose);
	softmap_count(SOFTMAP_PC_SHRINKER_FREED, n);
	trace_shrink(SOFTMAP_SHRINK_SCAN, nr_to_scan, -1, n);
	if (softmap_sc_global(sc) && softmap_compact_estimate())
		softmap_compact_kick();
	/* only compaction's pages were counted: the work item frees them */
	if (!n && !list_lru_shrink_count(lru, sc))
		return SHRINK_STOP;
	return n;
}

/*
 * Evict reclaimable objects, oldest first in each list, until the store
 * holds at most @target bytes or nothing more can go.  Referenced objects
 * get their second chance: they go only on a later pass.
 */
static u64 softmap_evict_to(u64 target)
{
	unsigned long walked = 0, limit;
	u64 n = 0, bytes;

	limit = 2 * list_lru_count(&softmap_lru) + SOFTMAP_EVICT_BATCH;
	while ((bytes = softmap_user_total_bytes()) > target &&
	       walked < limit && list_lru_count(&softmap_lru)) {
		struct softmap_evict ev = {
			.dispose = LIST_HEAD_INIT(ev.dispose),
			.budget = min_t(u64, bytes - target, LONG_MAX),
			.bounded = true,
		};

		list_lru_walk(&softmap_lru, softmap_isolate, &ev,
			      SOFTMAP_EVICT_BATCH);
		n += softmap_dispose(&ev.dispose);
		walked += SOFTMAP_EVICT_BATCH;
		cond_resched();
	}
	return n;
}

/**
 * softmap_reclaim() - reclaim now: SHRINK and /sys/kernel/softmap/shrink
 * @source: who asks, for the tracepoint.
 * @evict: whether to evict down to @target.
 * @target: bytes of keys and values the store may keep.
 *
 * Evicts reclaimable objects, oldest first, until the store holds at most
 * @target bytes (pinned objects stay, however many bytes they hold), then
 * compacts the slab caches, shrinks a sparse table and returns the caches'
 * free slabs.
 *
 * Return: the number of objects evicted.
 */
u64 softmap_reclaim(enum softmap_shrink_source source, bool evict,
		    u64 target)
{
	u64 n = evict ? softmap_evict_to(target) : 0;
	/* as the tracepoint tells it: -1 for none */
	s64 told = evict ? min_t(u64, target, S64_MAX) : -1;

	softmap_compact();
	softmap_store_shrink();
	trace_shrink(source, 0, told, n);
	return n;
}

/**
 * softmap_reclaim_init() - allocate the shrinker and the LRU
 *
 * Return: 0 or a negative errno.
 */
int softmap_reclaim_init(void)
{
	int err;

	softmap_compact_init();
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
 * softmap_reclaim_stop() - unregister and free the shrinker, stop
 *	compaction
 *
 * Waits for callbacks in progress, then for a compaction they queued.
 * Safe whether or not softmap_reclaim_start() ran.
 */
void softmap_reclaim_stop(void)
{
	softmap_shrinker_free(softmap_shrinker);
	softmap_shrinker = NULL;
	softmap_compact_exit();
}

/**
 * softmap_reclaim_exit() - destroy the LRU (and the shrinker if still there)
 */
void softmap_reclaim_exit(void)
{
	softmap_reclaim_stop();
	list_lru_destroy(&softmap_lru);
}
