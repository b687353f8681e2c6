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
 * Each class records its cache generation; the caches of a later
 * generation get the name suffix _g<N>, so two generations of a class can
 * coexist under distinct names.
 */
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "compat.h"
#include "softmap.h"

/* Objects up to this size keep their value inline. */
#define SOFTMAP_INLINE_MAX	4096U
/* Smallest class: a header with a short key and value. */
#define SOFTMAP_CLASS_MIN	96U
#define SOFTMAP_NR_CLASSES	18

/**
 * struct softmap_class - one size class
 * @size: object size of the class's cache.
 * @gen: generation of @cache; 0 for the caches created at load.
 * @cache: the slab cache; created at load, destroyed at unload.
 * @name: the cache's name.
 */
struct softmap_class {
	unsigned int size;
	unsigned int gen;
	struct kmem_cache *cache;
	char name[32];
};

static struct softmap_class softmap_classes[SOFTMAP_NR_CLASSES];
static unsigned int softmap_nr_classes;

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

static size_t softmap_obj_alloc_bytes(const struct softmap_obj *obj)
{
	size_t n = softmap_classes[obj->class].size;

	if (!softmap_obj_inline(obj))
		n += softmap_ool_bytes(obj);
	return n;
}

/**
 * softmap_obj_alloc() - allocate an object
 * @uid: the owner.
 * @key: key bytes, copied.
 * @key_len: 1..%SOFTMAP_KEY_MAX.
 * @val_len: length of the value; the caller fills @val_len bytes at ->val.
 * @flags: &enum softmap_obj_flags.
 *
 * The object has one reference (the table's, once inserted) and no
 * owner record yet.
 *
 * Return: the object, or NULL when out of memory.
 */
struct softmap_obj *softmap_obj_alloc(kuid_t uid, const u8 *key, u32 key_len,
				      u32 val_len, u32 flags)
{
	size_t head = sizeof(struct softmap_obj) + key_len;
	bool inl = head + val_len <= SOFTMAP_INLINE_MAX;
	unsigned int class = softmap_class_of(inl ? head + val_len : head);
	struct softmap_obj *obj;

	obj = kmem_cache_alloc_lru(softmap_classes[class].cache, &softmap_lru,
				   GFP_KERNEL);
	if (!obj)
		return NULL;
	memset(obj, 0, sizeof(*obj));
	refcount_set(&obj->ref, 1);
	obj->uid = uid;
	obj->flags = flags;
	obj->key_len = key_len;
	obj->class = class;
	obj->val_len = val_len;
	obj->stored = get_jiffies_64();
	INIT_LIST_HEAD(&obj->lru);
	memcpy(obj->data, key, key_len);
	if (inl) {
		obj->val = obj->data + key_len;
	} else {
		obj->val = kvmalloc(val_len, GFP_KERNEL_ACCOUNT);
		if (!obj->val) {
			kmem_cache_free(softmap_classes[class].cache, obj);
			return NULL;
		}
	}
	softmap_count(SOFTMAP_PC_ALLOC_BYTES, softmap_obj_alloc_bytes(obj));
	return obj;
}

static void softmap_obj_free(struct softmap_obj *obj)
{
	softmap_count(SOFTMAP_PC_ALLOC_BYTES, -(long)softmap_obj_alloc_bytes(obj));
	if (!softmap_obj_inline(obj))
		kvfree(obj->val);
	kmem_cache_free(softmap_classes[obj->class].cache, obj);
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
 * @obj: from softmap_obj_alloc(), never inserted into the table.
 */
void softmap_obj_free_now(struct softmap_obj *obj)
{
	softmap_obj_free(obj);
}

/**
 * softmap_obj_shrink_caches() - return the caches' free slabs
 *
 * Calls kmem_cache_shrink() on every class: per-CPU and partial slabs
 * are flushed and empty slabs freed.  Pages holding a live object stay.
 */
void softmap_obj_shrink_caches(void)
{
	unsigned int i;

	for (i = 0; i < softmap_nr_classes; i++)
		kmem_cache_shrink(softmap_classes[i].cache);
}

static void softmap_class_name(struct softmap_class *c)
{
	if (c->gen)
		snprintf(c->name, sizeof(c->name), "softmap_obj_%u_g%u",
			 c->size, c->gen);
	else
		snprintf(c->name, sizeof(c->name), "softmap_obj_%u", c->size);
}

/**
 * softmap_obj_init() - create the size-class caches
 *
 * Return: 0 or -ENOMEM.
 */
int softmap_obj_init(void)
{
	unsigned int size = SOFTMAP_CLASS_MIN, i;

	BUILD_BUG_ON(sizeof(struct softmap_obj) + SOFTMAP_KEY_MAX >
		     SOFTMAP_INLINE_MAX);
	BUILD_BUG_ON(sizeof(struct softmap_obj) >= SOFTMAP_CLASS_MIN);
	for (i = 0; i < SOFTMAP_NR_CLASSES; i++) {
		struct softmap_class *c = &softmap_classes[i];

		c->size = i == SOFTMAP_NR_CLASSES - 1 ? SOFTMAP_INLINE_MAX :
			  min(size, SOFTMAP_INLINE_MAX);
		softmap_class_name(c);
		c->cache = kmem_cache_create(c->name, c->size,
					     __alignof__(struct softmap_obj),
					     SLAB_ACCOUNT |
					     SOFTMAP_SLAB_NO_MERGE, NULL);
		if (!c->cache)
			goto fail;
		softmap_nr_classes = i + 1;
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
 * still queued, then each cache is destroyed.
 */
void softmap_obj_exit(void)
{
	unsigned int i;

	rcu_barrier();
	for (i = 0; i < softmap_nr_classes; i++)
		kmem_cache_destroy(softmap_classes[i].cache);
	softmap_nr_classes = 0;
}
