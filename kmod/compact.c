// SPDX-License-Identifier: GPL-2.0
/*
 * softmap: giving slab pages back, by moving live objects into a fresh
 * generation of the slab caches and destroying the old one.
 *
 * Deleting most objects of a slab cache at random leaves almost every
 * slab page with a few survivors: with n objects a page, deleting 90%
 * empties only 0.9^n of the pages (4% for 30), and SLUB cannot give back
 * a page with one object on it.  Compaction therefore moves every
 * live object instead (obj.c has the generations):
 *
 * #. softmap_obj_gen_begin() creates generation N + 1 (a cache per size
 *    class, under its own name), makes new PUTs allocate from it and
 *    waits until no PUT that allocated from N is still to link its object;
 * #. a walk of the table takes a reference on each object of N and,
 *    outside RCU, allocates a copy in N + 1, charged to the object's
 *    memory cgroup (set_active_memcg()), and swaps it in with
 *    rhashtable_replace_fast() (softmap_store_move()): readers find the
 *    old object or the copy, never neither.  A DEL, FLUSH, replacing PUT
 *    or eviction that unlinks the object first wins: the swap then fails
 *    with -ENOENT and the copy is freed.  The old object is freed after a
 *    grace period, like any unlinked one.  Pinned objects move in batches
 *    of SOFTMAP_MOVE_BATCH as the walk finds them; reclaimable ones are
 *    collected, sorted by ->lru_seq and moved oldest first, so that their
 *    copies, each added at the young end of its LRU list, keep the order
 *    of every list;
 * #. softmap_obj_gen_end() waits for those frees (rcu_barrier()) and
 *    destroys the caches of N, which returns all their pages at once.
 *
 * The store grows while it moves: an old page is freed only when its last
 * survivor has moved and its grace period has passed.  The walk goes in
 * hash order, so in the worst case the copies of the whole live set exist
 * alongside the old pages for a moment; the batches keep RCU read sections
 * short and reschedule between them.  A copy is allocated with
 * __GFP_NORETRY: under memory pressure a move may fail, and then the pass
 * stops, the old generation stays (both coexist) and the next compaction
 * finishes moving it before it starts a new one.
 *
 * When: every SHRINK and every write to /sys/kernel/softmap/shrink
 * compacts, synchronously.  The shrinker, asked by global reclaim or
 * drop_caches, reports as freeable the pages the gap between the peak of
 * the store's bytes and its current bytes suggests
 * (softmap_compact_estimate(), nonzero once the store fell below
 * SOFTMAP_SPARSE_PCT of its peak) and queues the work item, which counts
 * the slab pages held and compacts when the slots of the live objects
 * fill less than SOFTMAP_SPARSE_PCT of them, then shrinks a sparse table
 * (softmap_store_shrink()).  Nothing compacts on the PUT or DEL path.  One
 * compaction runs at a time (a mutex).
 *
 * Slab pages are counted by walking the table: the distinct slab folios
 * that hold a linked object, each for its pages (softmap_count_pages()).
 * SLUB's own page counts are not available to modules.  The count misses
 * the empty slabs SLUB keeps cached and the pages of objects waiting for
 * their grace period, both of which kmem_cache_shrink() and the end of a
 * compaction return, so after a reclaim pass it is what the caches hold.
 */
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include "softmap.h"
#include "trace.h"

/* Objects a compaction moves between two reschedule points. */
#define SOFTMAP_MOVE_BATCH	64
/* Objects a page count looks at between two reschedule points. */
#define SOFTMAP_COUNT_BATCH	1024
/*
 * The shrinker's threshold: compact when the live objects' slots fill
 * less than this percentage of the slab pages held.
 */
#define SOFTMAP_SPARSE_PCT	50
/* Pages of one entry of a page set: bits of an xarray value entry used. */
#define SOFTMAP_PAGESET_BITS	32

static DEFINE_MUTEX(softmap_compact_mutex);
static struct work_struct softmap_compact_work;
static atomic_long_t softmap_pages_returned = ATOMIC_LONG_INIT(0);
/* The last page count, shown when a new one cannot be made. */
static atomic_long_t softmap_pages_last = ATOMIC_LONG_INIT(0);

/*
 * A set of slab folios, by the pfn of their head page: one bit a pfn, in
 * value entries of an xarray indexed by pfn / SOFTMAP_PAGESET_BITS, so a
 * dense range of pages takes a few bytes each.
 */
struct softmap_pageset {
	struct xarray xa;
	u64 pages;
};

/* Add a folio; -ENOMEM when @gfp could not allocate. */
static int softmap_pageset_add(struct softmap_pageset *ps, unsigned long pfn,
			       unsigned long nr, gfp_t gfp)
{
	unsigned long idx = pfn / SOFTMAP_PAGESET_BITS;
	unsigned long bit = 1UL << (pfn % SOFTMAP_PAGESET_BITS);
	void *e = xa_load(&ps->xa, idx);
	unsigned long v = e ? xa_to_value(e) : 0;

	if (v & bit)
		return 0;
	e = xa_store(&ps->xa, idx, xa_mk_value(v | bit), gfp);
	if (xa_is_err(e))
		return xa_err(e);
	ps->pages += nr;
	return 0;
}

/*
 * Count the pages of the slab folios holding a linked object.  Objects
 * seen twice (a walk restarts when the table is resized) count once.
 */
static int softmap_count_pages(u64 *pages)
{
	struct softmap_pageset ps = { .pages = 0 };
	struct softmap_obj *obj;
	struct softmap_walk w;
	unsigned int n = 0;
	int err = 0;

	xa_init(&ps.xa);
	softmap_walk_enter(&w);
	softmap_walk_start(&w);
	while ((obj = softmap_walk_next(&w))) {
		struct folio *folio = virt_to_folio(obj);
		unsigned long pfn = folio_pfn(folio);
		unsigned long nr = folio_nr_pages(folio);
		bool pause = ++n % SOFTMAP_COUNT_BATCH == 0;

		err = softmap_pageset_add(&ps, pfn, nr,
					  GFP_NOWAIT | __GFP_NOWARN);
		if (err != -ENOMEM && !pause)
			continue;
		softmap_walk_stop(&w);
		if (err == -ENOMEM)
			err = softmap_pageset_add(&ps, pfn, nr, GFP_KERNEL);
		cond_resched();
		if (err)
			goto out;
		softmap_walk_start(&w);
	}
	softmap_walk_stop(&w);
out:
	softmap_walk_exit(&w);
	xa_destroy(&ps.xa);
	if (err)
		return err;
	*pages = ps.pages;
	atomic_long_set(&softmap_pages_last, ps.pages);
	return 0;
}

/**
 * softmap_slab_pages() - slab pages holding stored objects
 *
 * Counted now, by a walk of the table (see the top of this file); when
 * memory for the count is lacking, the last count.
 *
 * Return: pages of the object caches' slab folios that hold at least one
 * stored object.
 */
u64 softmap_slab_pages(void)
{
	u64 pages;

	if (softmap_count_pages(&pages))
		return atomic_long_read(&softmap_pages_last);
	return pages;
}

/**
 * softmap_slab_pages_returned() - slab pages compaction gave back
 *
 * Return: the sum over completed compactions of the pages held before
 * minus the pages held after (see softmap_slab_pages()).
 */
u64 softmap_slab_pages_returned(void)
{
	return atomic_long_read(&softmap_pages_returned);
}

/* Move one object of which the caller holds a reference; drop it. */
static int softmap_move_one(struct softmap_obj *obj, int err, u64 *moved)
{
	struct softmap_obj *cp;

	if (!err) {
		cp = softmap_obj_copy(obj);
		if (!cp)
			err = -ENOMEM;
		else if (softmap_store_move(obj, cp))
			softmap_obj_free_now(cp);	/* unlinked meanwhile */
		else
			(*moved)++;
	}
	softmap_obj_put(obj);
	return err;
}

/**
 * struct softmap_lru_move - a reclaimable object to move, in LRU order
 * @obj: the object; the compaction holds a reference.
 * @seq: its ->lru_seq when found.
 */
struct softmap_lru_move {
	struct softmap_obj *obj;
	u64 seq;
};

static int softmap_lru_move_cmp(const void *a, const void *b)
{
	const struct softmap_lru_move *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * The objects of the old generation, found by a walk of the table.
 * Pinned ones are moved in batches as the walk finds them.  Reclaimable
 * ones are collected (in @rec, up to @cap of them) and moved afterwards,
 * oldest first in LRU order: each copy joins the young end of its list,
 * so moving them in order keeps the order of every list.
 */
struct softmap_compaction {
	struct softmap_obj *batch[SOFTMAP_MOVE_BATCH];
	unsigned int n;
	struct softmap_lru_move *rec;
	size_t nrec;
	size_t cap;
	u64 moved;
};

static int softmap_move_batch(struct softmap_compaction *c, int err)
{
	unsigned int i;

	for (i = 0; i < c->n; i++)
		err = softmap_move_one(c->batch[i], err, &c->moved);
	c->n = 0;
	return err;
}

static int softmap_move_reclaimable(struct softmap_compaction *c, int err)
{
	size_t i;

	sort(c->rec, c->nrec, sizeof(*c->rec), softmap_lru_move_cmp, NULL);
	for (i = 0; i < c->nrec; i++) {
		err = softmap_move_one(c->rec[i].obj, err, &c->moved);
		if (i % SOFTMAP_MOVE_BATCH == SOFTMAP_MOVE_BATCH - 1)
			cond_resched();
	}
	c->nrec = 0;
	return err;
}

/* Move every linked object of the old generation into the current one. */
static int softmap_compact_walk(struct softmap_compaction *c)
{
	struct softmap_obj *obj;
	struct softmap_walk w;
	int err = 0;

	softmap_walk_enter(&w);
	softmap_walk_start(&w);
	while ((obj = softmap_walk_next(&w))) {
		if (!softmap_obj_is_old(obj) ||
		    !refcount_inc_not_zero(&obj->ref))
			continue;
		if (softmap_obj_reclaimable(obj) && c->nrec < c->cap) {
			c->rec[c->nrec].obj = obj;
			c->rec[c->nrec].seq = READ_ONCE(obj->lru_seq);
			c->nrec++;
			continue;
		}
		/* pinned (or more reclaimable ones than expected) */
		c->batch[c->n++] = obj;
		if (c->n < SOFTMAP_MOVE_BATCH)
			continue;
		/* a copy replaces each object in place: the walk resumes */
		softmap_walk_stop(&w);
		err = softmap_move_batch(c, err);
		cond_resched();
		if (err)
			goto out;
		softmap_walk_start(&w);
	}
	softmap_walk_stop(&w);
out:
	softmap_walk_exit(&w);
	err = softmap_move_batch(c, err);
	return softmap_move_reclaimable(c, err);
}

/**
 * softmap_compact() - move every object into a fresh cache generation
 *
 * See the top of this file.  Also returns the caches' free slabs.
 *
 * Return: 0, or -ENOMEM when a cache or a copy could not be allocated
 * (what was moved stays moved; the next compaction goes on).
 */
int softmap_compact(void)
{
	struct softmap_compaction *c;
	u64 before = 0, after = 0;
	bool counted, old_left = false;
	int err;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	mutex_lock(&softmap_compact_mutex);
	counted = !softmap_count_pages(&before);
	err = softmap_obj_gen_begin();
	if (!err) {
		/*
		 * Every old reclaimable object is on the LRU by now; without
		 * room to sort them, they move in table order.
		 */
		c->cap = list_lru_count(&softmap_lru);
		c->rec = kvmalloc_array(c->cap, sizeof(*c->rec),
					GFP_KERNEL | __GFP_NOWARN);
		if (!c->rec)
			c->cap = 0;
		err = softmap_compact_walk(c);
		kvfree(c->rec);
	}
	softmap_count(SOFTMAP_PC_OBJECTS_MOVED, c->moved);
	if (!err && !softmap_obj_gen_end())
		old_left = true;	/* the old pages are not back yet */
	softmap_obj_shrink_caches();
	if (counted && softmap_count_pages(&after))
		before = 0;	/* not counted: the tracepoint tells 0, 0 */
	if (!old_left && before > after)
		atomic_long_add(before - after, &softmap_pages_returned);
	if (!err)
		trace_compact(c->moved, before, after);
	softmap_user_peak_reset();
	mutex_unlock(&softmap_compact_mutex);
	kfree(c);
	return err;
}

/**
 * softmap_compact_estimate() - pages compaction could give back, roughly
 *
 * For the shrinker's count, which must be cheap: the slab pages a store
 * holds follow the peak of its bytes, so the gap between that peak and
 * the bytes stored now, once they fell below SOFTMAP_SPARSE_PCT of it.
 *
 * Return: a page count, 0 when the store is not sparse.
 */
unsigned long softmap_compact_estimate(void)
{
	u64 peak = softmap_user_peak_bytes(), now = softmap_user_total_bytes();

	if (now * 100 >= peak * SOFTMAP_SPARSE_PCT)
		return 0;
	return (peak - now) >> PAGE_SHIFT;
}

static void softmap_compact_workfn(struct work_struct *work)
{
	u64 pages;

	if (softmap_count_pages(&pages))
		return;
	if (softmap_obj_slot_bytes() * 100 <
	    pages * PAGE_SIZE * SOFTMAP_SPARSE_PCT)
		softmap_compact();
	else
		softmap_user_peak_reset();	/* dense after all */
	softmap_store_shrink();
}

/**
 * softmap_compact_kick() - compact in the background if the caches are
 *	sparse
 */
void softmap_compact_kick(void)
{
	queue_work(system_unbound_wq, &softmap_compact_work);
}

/**
 * softmap_compact_init() - prepare the work item
 */
void softmap_compact_init(void)
{
	INIT_WORK(&softmap_compact_work, softmap_compact_workfn);
}

/**
 * softmap_compact_exit() - wait for a queued or running compaction
 *
 * Called once nothing can queue one any more.
 */
void softmap_compact_exit(void)
{
	cancel_work_sync(&softmap_compact_work);
}
