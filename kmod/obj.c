// SPDX-License-Identifier: GPL-2.0
/*
 * softmap: objects and the slab caches they live in.
 *
 * An object is a header (struct softmap_obj), its key and, when the whole
 * fits in SOFTMAP_INLINE_MAX bytes, its value, in one allocation from one
 * of the module's size-class caches: softmap_obj_<size>, sizes growing by
 * about 1.25x from the smallest object to SOFTMAP_INLINE_MAX, so an object
 * wastes at most about a fifth of its slot.  A larger value goes out of
 * line into a kvmalloc() allocation charged to the caller's memory cgroup,
 * and the header and key still come from a class cache.
 *
 * The caches are created with SLAB_ACCOUNT (objects are charged to the
 * inserting task's memory cgroup) and a no-merge flag (compat.h): a merged
 * cache shares its pages with unrelated objects.
 *
 * Freeing is deferred: the last softmap_obj_put() queues the object with
 * call_rcu(), and the callback returns it to its cache.  Unload waits for
 * the callbacks with rcu_barrier() before destroying the caches.
 *
 * Generations.  Compaction (compact.c) gives slab pages back by moving
 * every live object into a fresh set of caches and destroying the old
 * set.  softmap_gen counts the sets; set N has the caches of slot N & 1 of
 * every class, named softmap_obj_<size> for N = 0 and softmap_obj_<size>_g<N>
 * after, so at most two sets coexist, each under its own name, and each
 * object records its slot.  A PUT allocates and links its object inside
 * an SRCU read section (softmap_obj_gen_lock()), so once compaction has
 * published set N + 1 and waited for that SRCU, no object of set N can
 * be linked any more: a walk of the table finds all of them.
 * softmap_obj_gen_end() then waits for their frees and destroys the set.
 *
 * Objects are allocated with __GFP_RETRY_MAYFAIL | __GFP_NOWARN: a PUT
 * beyond memory (or beyond its cgroup's memory.max, after reclaim, which
 * runs the shrinker) fails with -ENOMEM instead of invoking the OOM
 * killer.  Failing only there would leave the system (or the cgroup) at
 * the edge, where the next allocation of anyone else, such as a page fault
 * of the storing task, invokes it; so a pinned object, which nothing can
 * evict, is also refused while less than 1/SOFTMAP_RESERVE_DIV of RAM is
 * available, or of the memory.max of the storing task's cgroup or of one
 * of its ancestors is left, reclaimable objects counted as available.
 */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/string.h>
#include "compat.h"
#include "softmap.h"

/* Objects up to this size keep their value inline. */
#define SOFTMAP_INLINE_MAX	4096U
/* Smallest class: a header with a short key and value. */
#define SOFTMAP_CLASS_MIN	104U
#define SOFTMAP_NR_CLASSES	18
/* Allocation of an object: fail rather than OOM-kill. */
#define SOFTMAP_OBJ_GFP		(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | \
				 __GFP_NOWARN)
/* A copy made by compaction: give up quickly, compaction retries later. */
#define SOFTMAP_COPY_GFP	(GFP_KERNEL_ACCOUNT | __GFP_NORETRY | \
				 __GFP_NOWARN)
/*
 * Memory a pinned object leaves: 1/SOFTMAP_RESERVE_DIV of RAM or of a
 * cgroup's limit, and at least SOFTMAP_RESERVE_MIN_PAGES of a limit.
 */
#define SOFTMAP_RESERVE_DIV	128
#define SOFTMAP_RESERVE_MIN_PAGES	64
/* How long softmap_obj_gen_end() waits for the old set's last frees. */
#define SOFTMAP_GEN_END_WAIT_MS	2000

/**
 * struct softmap_class - one size class
 * @size: object size of the class's caches.
 * @cache: the two cache slots: generation N lives in @cache[N & 1].  The
 *	current generation's is created at load or by softmap_obj_gen_begin()
 *	and read locklessly; the other is NULL or the previous generation,
 *	until softmap_obj_gen_end() destroys it.
 * @name: the caches' names, per slot.
 */
struct softmap_class {
	unsigned int size;
	struct kmem_cache *cache[2];
	char name[2][32];
};

static struct softmap_class softmap_classes[SOFTMAP_NR_CLASSES];
static unsigned int softmap_nr_classes;
/* Current generation; written by compaction only, under its mutex. */
static unsigned int softmap_gen;
/* The previous generation still exists (its caches are not destroyed). */
static bool softmap_gen_old;
/* PUTs allocate and link inside a read section (see the top). */
static struct srcu_struct softmap_gen_srcu;

static unsigned int softmap_class_of(size_t size)
{
	unsigned int i;

	for (i = 0; i < softmap_nr_classes; i++)
		if (size <= softmap_classes[i].size)
			return i;
	return softmap_nr_classes - 1;
}

/* Bytes the value's out-of-line allocation holds. */
static size_t softmap_ool_bytes(const struct softmap_obj *obj)
{
	if (is_vmalloc_addr(obj->val))
		return PAGE_ALIGN(obj->val_len);
	return kmalloc_size_roundup(obj->val_len);
}

static bool softmap_obj_inline(const struct softmap_obj *obj)
{
	return obj->val == obj->data + obj->key_len;
}

static enum softmap_pcpu_counter softmap_gen_counter(unsigned int slot)
{
	return slot ? SOFTMAP_PC_GEN1 : SOFTMAP_PC_GEN0;
}

/**
 * softmap_obj_gen_lock() - enter the section in which a PUT allocates
 *	and links its object
 *
 * Return: the index for softmap_obj_gen_unlock().
 */
int softmap_obj_gen_lock(void)
	__acquires(&softmap_gen_srcu)
{
	return srcu_read_lock(&softmap_gen_srcu);
}

/**
 * softmap_obj_gen_unlock() - leave the section
 * @idx: from softmap_obj_gen_lock().
 */
void softmap_obj_gen_unlock(int idx)
	__releases(&softmap_gen_srcu)
{
	srcu_read_unlock(&softmap_gen_srcu, idx);
}

/*
 * A header, key and (inline) value slot from the current generation of a
 * class, accounted.  The caller fills it.
 */
static struct softmap_obj *softmap_obj_slot(unsigned int class, gfp_t gfp)
{
	/* pairs with the release in softmap_obj_gen_begin() */
	unsigned int slot = smp_load_acquire(&softmap_gen) & 1;
	struct softmap_obj *obj;

	obj = kmem_cache_alloc_lru(softmap_classes[class].cache[slot],
				   &softmap_lru, gfp);
	if (!obj)
		return NULL;
	memset(obj, 0, sizeof(*obj));
	obj->class = class;
	obj->gen = slot;
	refcount_set(&obj->ref, 1);
	INIT_LIST_HEAD(&obj->lru);
	softmap_count(SOFTMAP_PC_SLOT_BYTES, softmap_classes[class].size);
	softmap_count(softmap_gen_counter(slot), 1);
	return obj;
}

static void softmap_obj_slot_free(struct softmap_obj *obj)
{
	softmap_count(SOFTMAP_PC_SLOT_BYTES,
		      -(long)softmap_classes[obj->class].size);
	softmap_count(softmap_gen_counter(obj->gen), -1);
	kmem_cache_free(softmap_classes[obj->class].cache[obj->gen], obj);
}

/* An out-of-line value of @len bytes for @obj, accounted. */
static int softmap_obj_ool(struct softmap_obj *obj, u32 len, gfp_t gfp)
{
	obj->val = kvmalloc(len, gfp);
	if (!obj->val)
		return -ENOMEM;
	softmap_count(SOFTMAP_PC_OOL_BYTES, softmap_ool_bytes(obj));
	return 0;
}

/*
 * Pages that evicting @memcg's reclaimable objects (every one's, for
 * NULL) would give, estimated from the average slot of all objects.
 */
static unsigned long softmap_lru_pages(struct mem_cgroup *memcg)
{
	u64 objects = softmap_pcpu_sum(SOFTMAP_PC_OBJECTS);
	u64 slot = objects ? softmap_obj_slot_bytes() / objects : 0;
	unsigned long n = 0;
	int nid;

	if (!memcg) {
		n = list_lru_count(&softmap_lru);
	} else {
		for_each_online_node(nid)
			n += list_lru_count_one(&softmap_lru, nid, memcg);
	}
	return n * max_t(u64, slot, SOFTMAP_CLASS_MIN) >> PAGE_SHIFT;
}

#ifdef CONFIG_MEMCG
/* Whether @memcg and its ancestors have room for a pinned object. */
static bool softmap_memcg_room(struct mem_cgroup *memcg)
{
	unsigned long spare = 0, limit, used;
	struct mem_cgroup *m;
	bool counted = false;

	for (m = memcg; m && parent_mem_cgroup(m); m = parent_mem_cgroup(m)) {
		limit = READ_ONCE(m->memory.max);
		if (limit >= PAGE_COUNTER_MAX)
			continue;
		used = page_counter_read(&m->memory) +
		       max(limit / SOFTMAP_RESERVE_DIV,
			   (unsigned long)SOFTMAP_RESERVE_MIN_PAGES);
		if (used <= limit)
			continue;
		if (!counted) {
			/* evicting them uncharges every ancestor too */
			spare = softmap_lru_pages(memcg);
			counted = true;
		}
		if (used > limit + spare)
			return false;
	}
	return true;
}
#else
static bool softmap_memcg_room(struct mem_cgroup *memcg)
{
	return true;
}
#endif

/*
 * Whether an object with @flags, stored by a task of @memcg, may take
 * memory now (see the top).
 */
static bool softmap_obj_room(u32 flags, struct mem_cgroup *memcg)
{
	long avail, reserve = totalram_pages() / SOFTMAP_RESERVE_DIV;

	if (flags & SOFTMAP_F_RECLAIMABLE)
		return true;
	avail = si_mem_available();
	if (avail < reserve && avail + softmap_lru_pages(NULL) < reserve)
		return false;
	return softmap_memcg_room(memcg);
}

/**
 * softmap_obj_alloc() - allocate an object
 * @uid: the owner.
 * @key: key bytes, copied.
 * @key_len: 1..%SOFTMAP_KEY_MAX.
 * @val_len: length of the value; the caller fills @val_len bytes at ->val.
 * @flags: &enum softmap_obj_flags.
 *
 * Called between softmap_obj_gen_lock() and softmap_obj_gen_unlock(), in
 * the context of the task storing the object: the object is charged to
 * its memory cgroup and records it.  The object has one reference (the
 * table's, once inserted) and no owner record yet.
 *
 * Return: the object, or NULL when out of memory (or, for a pinned
 * object, short of it).
 */
struct softmap_obj *softmap_obj_alloc(kuid_t uid, const u8 *key, u32 key_len,
				      u32 val_len, u32 flags)
{
	size_t head = sizeof(struct softmap_obj) + key_len;
	bool inl = head + val_len <= SOFTMAP_INLINE_MAX;
	struct mem_cgroup *memcg = get_mem_cgroup_from_mm(current->mm);
	struct softmap_obj *obj;

	if (!softmap_obj_room(flags, memcg))
		goto fail;
	obj = softmap_obj_slot(softmap_class_of(inl ? head + val_len : head),
			       SOFTMAP_OBJ_GFP);
	if (!obj)
		goto fail;
	obj->uid = uid;
	obj->flags = flags;
	obj->key_len = key_len;
	obj->val_len = val_len;
	obj->stored = get_jiffies_64();
	memcpy(obj->data, key, key_len);
	if (inl) {
		obj->val = obj->data + key_len;
	} else if (softmap_obj_ool(obj, val_len, SOFTMAP_OBJ_GFP)) {
		softmap_obj_slot_free(obj);
		goto fail;
	}
	obj->memcg = memcg;
	return obj;
fail:
	mem_cgroup_put(memcg);
	return NULL;
}

/**
 * softmap_obj_copy() - a copy of an object in the current generation
 * @obj: the object, of which the caller holds a reference.
 *
 * For compaction.  The copy is charged to @obj's memory cgroup, whatever
 * task runs this, and has everything of @obj (an out-of-line value is
 * copied too: readers of @obj may still use its own) but its memory cgroup
 * reference, which softmap_store_move() passes on.
 *
 * Return: the copy, with one reference, or NULL when out of memory.
 */
struct softmap_obj *softmap_obj_copy(const struct softmap_obj *obj)
{
	struct mem_cgroup *old = set_active_memcg(obj->memcg);
	struct softmap_obj *cp;

	cp = softmap_obj_slot(obj->class, SOFTMAP_COPY_GFP);
	if (!cp)
		goto out;
	cp->uid = obj->uid;
	cp->flags = obj->flags;
	cp->key_len = obj->key_len;
	cp->val_len = obj->val_len;
	cp->referenced = READ_ONCE(obj->referenced);
	cp->stored = obj->stored;
	cp->user = obj->user;
	if (softmap_obj_inline(obj)) {
		memcpy(cp->data, obj->data, obj->key_len + obj->val_len);
		cp->val = cp->data + cp->key_len;
	} else {
		memcpy(cp->data, obj->data, obj->key_len);
		if (softmap_obj_ool(cp, obj->val_len, SOFTMAP_COPY_GFP)) {
			softmap_obj_slot_free(cp);
			cp = NULL;
			goto out;
		}
		memcpy(cp->val, obj->val, obj->val_len);
	}
out:
	set_active_memcg(old);
	return cp;
}

static void softmap_obj_free(struct softmap_obj *obj)
{
	if (!softmap_obj_inline(obj)) {
		softmap_count(SOFTMAP_PC_OOL_BYTES,
			      -(long)softmap_ool_bytes(obj));
		kvfree(obj->val);
	}
	mem_cgroup_put(obj->memcg);
	softmap_obj_slot_free(obj);
}

static void softmap_obj_free_rcu(struct rcu_head *rcu)
{
	softmap_obj_free(container_of(rcu, struct softmap_obj, rcu));
	softmap_count(SOFTMAP_PC_RCU_PENDING, -1);
}

/**
 * softmap_obj_get() - take a reference
 * @obj: an object the caller already holds a reference on.
 */
void softmap_obj_get(struct softmap_obj *obj)
{
	refcount_inc(&obj->ref);
}

/**
 * softmap_obj_put() - drop a reference
 * @obj: the object.
 *
 * The last reference frees @obj after an RCU grace period, so readers
 * that found it under rcu_read_lock() may still look at it.  Callable
 * from any context that may call call_rcu().
 */
void softmap_obj_put(struct softmap_obj *obj)
{
	if (!refcount_dec_and_test(&obj->ref))
		return;
	softmap_count(SOFTMAP_PC_RCU_PENDING, 1);
	call_rcu(&obj->rcu, softmap_obj_free_rcu);
}

/**
 * softmap_obj_free_now() - free an object that was never published
 * @obj: from softmap_obj_alloc() or softmap_obj_copy(), never linked, and
 *	not on the LRU.
 */
void softmap_obj_free_now(struct softmap_obj *obj)
{
	softmap_obj_free(obj);
}

/**
 * softmap_obj_slot_bytes() - slab slots of every allocated object
 *
 * Return: the sum of the slot sizes of the objects allocated (linked, or
 * waiting for their RCU grace period), out-of-line values excluded.
 */
u64 softmap_obj_slot_bytes(void)
{
	return softmap_pcpu_sum(SOFTMAP_PC_SLOT_BYTES);
}

/**
 * softmap_obj_shrink_caches() - return the caches' free slabs
 *
 * Calls kmem_cache_shrink() on every cache of both generations: per-CPU
 * and partial slabs are flushed and empty slabs freed.  Pages holding a
 * live object stay.  Caller holds the compaction mutex.
 */
void softmap_obj_shrink_caches(void)
{
	unsigned int i, slot;

	for (i = 0; i < softmap_nr_classes; i++)
		for (slot = 0; slot < 2; slot++)
			if (softmap_classes[i].cache[slot])
				kmem_cache_shrink(softmap_classes[i].cache[slot]);
}

static int softmap_class_create(struct softmap_class *c, unsigned int gen)
{
	unsigned int slot = gen & 1;

	if (gen)
		snprintf(c->name[slot], sizeof(c->name[slot]),
			 "softmap_obj_%u_g%u", c->size, gen);
	else
		snprintf(c->name[slot], sizeof(c->name[slot]), "softmap_obj_%u",
			 c->size);
	c->cache[slot] = kmem_cache_create(c->name[slot], c->size,
					   __alignof__(struct softmap_obj),
					   SLAB_ACCOUNT | SOFTMAP_SLAB_NO_MERGE,
					   NULL);
	return c->cache[slot] ? 0 : -ENOMEM;
}

static void softmap_gen_destroy(unsigned int slot)
{
	unsigned int i;

	for (i = 0; i < softmap_nr_classes; i++) {
		kmem_cache_destroy(softmap_classes[i].cache[slot]);
		softmap_classes[i].cache[slot] = NULL;
	}
}

/**
 * softmap_obj_gen_begin() - make new objects go to a fresh generation
 *
 * Creates the caches of generation N + 1 and makes them current, then
 * waits until no PUT that may have allocated from generation N is still
 * to link its object.  When generation N - 1 still exists (a compaction
 * ran out of memory before it could move all of it), nothing is created:
 * compaction moves what is left of it into N.  Caller holds the
 * compaction mutex.
 *
 * Return: 0, or -ENOMEM (generation N stays current).
 */
int softmap_obj_gen_begin(void)
{
	unsigned int gen = softmap_gen + 1, i;
	int err;

	if (softmap_gen_old)
		return 0;
	for (i = 0; i < softmap_nr_classes; i++) {
		err = softmap_class_create(&softmap_classes[i], gen);
		if (err) {
			softmap_gen_destroy(gen & 1);
			return err;
		}
	}
	/* the new caches are set up before an allocation may use them */
	smp_store_release(&softmap_gen, gen);
	softmap_gen_old = true;
	synchronize_srcu(&softmap_gen_srcu);
	return 0;
}

/**
 * softmap_obj_is_old() - whether an object belongs to the old generation
 * @obj: the object.
 *
 * Return: true while a compaction has to move @obj.
 */
bool softmap_obj_is_old(const struct softmap_obj *obj)
{
	return obj->gen != (READ_ONCE(softmap_gen) & 1);
}

/**
 * softmap_obj_gen_end() - destroy the old generation once it is empty
 *
 * Compaction moved every object of the old generation it found linked.
 * The old objects are freed after a grace period (rcu_barrier()), once
 * lookups in flight that hold one drop it; this waits for that, up to
 * SOFTMAP_GEN_END_WAIT_MS, and destroys the old caches, which gives their
 * pages back.  Caller holds the compaction mutex.
 *
 * Return: true when the old generation is gone (or there was none).
 */
bool softmap_obj_gen_end(void)
{
	unsigned int old = (softmap_gen + 1) & 1, waited = 0;

	if (!softmap_gen_old)
		return true;
	for (;;) {
		rcu_barrier();
		if (!softmap_pcpu_sum(softmap_gen_counter(old)))
			break;
		if (waited >= SOFTMAP_GEN_END_WAIT_MS)
			return false;
		msleep(20);
		waited += 20;
	}
	softmap_gen_destroy(old);
	softmap_gen_old = false;
	return true;
}

/**
 * softmap_obj_init() - create the size-class caches of generation 0
 *
 * Return: 0 or -ENOMEM.
 */
int softmap_obj_init(void)
{
	unsigned int size = SOFTMAP_CLASS_MIN, i;
	int err;

	BUILD_BUG_ON(sizeof(struct softmap_obj) + SOFTMAP_KEY_MAX >
		     SOFTMAP_INLINE_MAX);
	BUILD_BUG_ON(sizeof(struct softmap_obj) >= SOFTMAP_CLASS_MIN);
	err = init_srcu_struct(&softmap_gen_srcu);
	if (err)
		return err;
	for (i = 0; i < SOFTMAP_NR_CLASSES; i++) {
		struct softmap_class *c = &softmap_classes[i];

		c->size = i == SOFTMAP_NR_CLASSES - 1 ? SOFTMAP_INLINE_MAX :
			  min(size, SOFTMAP_INLINE_MAX);
		softmap_nr_classes = i + 1;
		if (softmap_class_create(c, 0))
			goto fail;
		if (c->size == SOFTMAP_INLINE_MAX)
			break;
		size = ALIGN(size + size / 4, 8);
	}
	return 0;
fail:
	softmap_obj_exit();
	return -ENOMEM;
}

/**
 * softmap_obj_exit() - destroy the caches
 *
 * Every object must have been put: rcu_barrier() waits for the frees
 * still queued, then each cache of both generations is destroyed.
 */
void softmap_obj_exit(void)
{
	rcu_barrier();
	softmap_gen_destroy(0);
	softmap_gen_destroy(1);
	softmap_nr_classes = 0;
	softmap_gen = 0;
	softmap_gen_old = false;
	cleanup_srcu_struct(&softmap_gen_srcu);
}
