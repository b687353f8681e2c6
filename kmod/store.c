// SPDX-License-Identifier: GPL-2.0
/*
 * softmap: the table, the only user of the rhashtable.
 *
 * One rhashtable holds every object, keyed by (owner, key bytes).  Keys
 * have variable length, so the table hashes with its own functions
 * (key_len 0, hashfn on a struct softmap_key, obj_hashfn on an object)
 * and inserts with rhashtable_lookup_get_insert_key().  rhashtable draws
 * a random seed for each bucket table it allocates, the first at load.
 *
 * Lookups run under rcu_read_lock() without a lock; a caller that keeps
 * an object after it takes a reference.  Writers serialize per bucket
 * inside rhashtable.  A replacing PUT swaps the new object in with
 * rhashtable_replace_fast(), so a concurrent lookup finds the old or the
 * new object, never neither.  automatic_shrinking lets rhashtable's worker
 * halve the table when it falls below 30% load, off the request path.
 *
 * Exactly one caller manages to unlink a given object (a remove or a
 * replace of an object already gone fails with -ENOENT); that caller gives
 * the object's accounting back and drops the table's reference.
 */
#include <linux/jhash.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "softmap.h"

/* Objects unlinked by a flush between two reschedule points. */
#define SOFTMAP_FLUSH_BATCH	256

static struct rhashtable softmap_table;

static u32 softmap_key_hash(const void *data, u32 len, u32 seed)
{
	const struct softmap_key *k = data;

	return jhash(k->data, k->len, jhash_1word(__kuid_val(k->uid), seed));
}

static u32 softmap_obj_hash(const void *data, u32 len, u32 seed)
{
	const struct softmap_obj *obj = data;

	return jhash(obj->data, obj->key_len,
		     jhash_1word(__kuid_val(obj->uid), seed));
}

static int softmap_obj_cmp(struct rhashtable_compare_arg *arg,
			   const void *ptr)
{
	const struct softmap_key *k = arg->key;
	const struct softmap_obj *obj = ptr;

	return !uid_eq(k->uid, obj->uid) || k->len != obj->key_len ||
	       memcmp(k->data, obj->data, k->len);
}

static const struct rhashtable_params softmap_params = {
	.head_offset		= offsetof(struct softmap_obj, node),
	.key_len		= 0,
	.hashfn			= softmap_key_hash,
	.obj_hashfn		= softmap_obj_hash,
	.obj_cmpfn		= softmap_obj_cmp,
	.min_size		= 16,
	.automatic_shrinking	= true,
};

/* The caller unlinked @obj: give back its share and the table's ref. */
static void softmap_store_unlinked(struct softmap_obj *obj)
{
	softmap_user_uncharge(obj->user, 1, softmap_obj_bytes(obj));
	softmap_count(SOFTMAP_PC_OBJECTS, -1);
	softmap_obj_put(obj);
}

static int softmap_store_err(int err, struct netlink_ext_ack *extack)
{
	switch (err) {
	case -E2BIG:
		NL_SET_ERR_MSG(extack, "hash table is full");
		return -ENOSPC;
	case -EBUSY:
		NL_SET_ERR_MSG(extack, "hash table busy resizing, retry");
		return -EBUSY;
	case -ENOMEM:
		NL_SET_ERR_MSG(extack, "out of memory growing the hash table");
		return -ENOMEM;
	default:
		NL_SET_ERR_MSG(extack, "cannot insert into the hash table");
		return err;
	}
}

/**
 * softmap_store_put() - insert or replace an object
 * @obj: the new object, from softmap_obj_alloc(), with ->user set.
 * @mode: &enum softmap_put_mode bits.
 * @replaced: set to whether an object was replaced.
 * @extack: for error messages.
 *
 * Charges @obj to its owner before it becomes visible; a replacement is
 * charged the difference in bytes only.  On success the table owns @obj;
 * on error the caller still does.
 *
 * Return: 0, -ENOENT (absent, no %SOFTMAP_PUT_CREATE), -EEXIST (present,
 * no %SOFTMAP_PUT_REPLACE), a quota error from softmap_user_charge(), or
 * a table error (-ENOMEM, -ENOSPC, -EBUSY).
 */
int softmap_store_put(struct softmap_obj *obj, unsigned int mode,
		      bool *replaced, struct netlink_ext_ack *extack)
{
	struct softmap_key key = {
		.uid = obj->uid, .len = obj->key_len, .data = obj->data,
	};
	long bytes = softmap_obj_bytes(obj), delta;
	struct softmap_obj *old;
	int err;

	for (;;) {
		rcu_read_lock();
		old = rhashtable_lookup(&softmap_table, &key, softmap_params);
		if (!old) {
			rcu_read_unlock();
			if (!(mode & SOFTMAP_PUT_CREATE)) {
				NL_SET_ERR_MSG(extack,
					       "key not found (NLM_F_CREATE not set)");
				return -ENOENT;
			}
			err = softmap_user_charge(obj->user, 1, bytes, extack);
			if (err)
				return err;
			old = rhashtable_lookup_get_insert_key(&softmap_table,
							       &key, &obj->node,
							       softmap_params);
			if (!old) {
				softmap_count(SOFTMAP_PC_OBJECTS, 1);
				*replaced = false;
				return 0;
			}
			softmap_user_uncharge(obj->user, 1, bytes);
			if (IS_ERR(old))
				return softmap_store_err(PTR_ERR(old), extack);
			continue;	/* inserted meanwhile: replace it */
		}
		if (!(mode & SOFTMAP_PUT_REPLACE)) {
			rcu_read_unlock();
			NL_SET_ERR_MSG(extack,
				       "key exists (NLM_F_REPLACE not set or NLM_F_EXCL set)");
			return -EEXIST;
		}
		delta = bytes - (long)softmap_obj_bytes(old);
		err = softmap_user_charge(obj->user, 0, delta, extack);
		if (err) {
			rcu_read_unlock();
			return err;
		}
		err = rhashtable_replace_fast(&softmap_table, &old->node,
					      &obj->node, softmap_params);
		rcu_read_unlock();
		if (!err)
			break;
		softmap_user_uncharge(obj->user, 0, delta);
		if (err != -ENOENT)
			return softmap_store_err(err, extack);
		/* @old was unlinked meanwhile: start over */
	}
	/* We unlinked @old; its objects share passed to @obj. */
	softmap_obj_put(old);
	*replaced = true;
	return 0;
}

/**
 * softmap_store_lookup() - find an object and take a reference
 * @key: owner and key.
 *
 * An object found just as a PUT replaces it may already have dropped to
 * zero references; the lookup then runs again and finds the replacement.
 *
 * Return: the object (release with softmap_obj_put()), or NULL.
 */
struct softmap_obj *softmap_store_lookup(const struct softmap_key *key)
{
	struct softmap_obj *obj;

	rcu_read_lock();
	do {
		obj = rhashtable_lookup(&softmap_table, key, softmap_params);
	} while (obj && !refcount_inc_not_zero(&obj->ref));
	rcu_read_unlock();
	return obj;
}

/**
 * softmap_store_del() - delete an object
 * @key: owner and key.
 *
 * Return: 0, or -ENOENT when the key is absent.
 */
int softmap_store_del(const struct softmap_key *key)
{
	struct softmap_obj *obj;
	int err;

	do {
		rcu_read_lock();
		obj = rhashtable_lookup(&softmap_table, key, softmap_params);
		if (!obj) {
			rcu_read_unlock();
			return -ENOENT;
		}
		/* -ENOENT: replaced or deleted meanwhile; look again */
		err = rhashtable_remove_fast(&softmap_table, &obj->node,
					     softmap_params);
		rcu_read_unlock();
	} while (err);
	softmap_store_unlinked(obj);
	softmap_count(SOFTMAP_PC_DELS, 1);
	return 0;
}

/**
 * softmap_store_flush() - delete every object of one owner or of all
 * @uid: the owner, or NULL for every owner.
 *
 * Objects stored while the flush runs may or may not be deleted; every
 * object present for the whole flush is.
 *
 * Return: the number of objects deleted.
 */
u64 softmap_store_flush(const kuid_t *uid)
{
	struct softmap_walk w;
	struct softmap_obj *obj;
	unsigned int batch = 0;
	u64 n = 0;

	softmap_walk_enter(&w);
	softmap_walk_start(&w);
	while ((obj = softmap_walk_next(&w))) {
		if (uid && !uid_eq(obj->uid, *uid))
			continue;
		if (++batch > SOFTMAP_FLUSH_BATCH) {
			/*
			 * Pause at an object still linked, so the walk finds
			 * its place again by it, and take it up on resume.
			 */
			batch = 0;
			w.pending = true;
			softmap_walk_stop(&w);
			cond_resched();
			softmap_walk_start(&w);
			continue;
		}
		if (rhashtable_remove_fast(&softmap_table, &obj->node,
					   softmap_params))
			continue;
		softmap_store_unlinked(obj);
		n++;
	}
	softmap_walk_stop(&w);
	softmap_walk_exit(&w);
	softmap_count(SOFTMAP_PC_DELS, n);
	return n;
}

/**
 * softmap_walk_enter() - prepare a walk over the table
 * @w: the walk.
 */
void softmap_walk_enter(struct softmap_walk *w)
{
	rhashtable_walk_enter(&softmap_table, &w->iter);
	w->pending = false;
}

/**
 * softmap_walk_exit() - end a walk
 * @w: the walk, stopped.
 */
void softmap_walk_exit(struct softmap_walk *w)
{
	rhashtable_walk_exit(&w->iter);
}

/**
 * softmap_walk_start() - (re)start a walk; enters an RCU read section
 * @w: the walk.
 */
void softmap_walk_start(struct softmap_walk *w)
	__acquires(RCU)
{
	rhashtable_walk_start(&w->iter);
}

/**
 * softmap_walk_stop() - pause a walk; leaves the RCU read section
 * @w: the walk.
 *
 * Objects returned before must not be used after this.
 */
void softmap_walk_stop(struct softmap_walk *w)
	__releases(RCU)
{
	rhashtable_walk_stop(&w->iter);
}

/**
 * softmap_walk_next() - the next object of a started walk
 * @w: the walk.
 *
 * When @w->pending is set, the object the previous call returned is
 * returned again (if it is still in the table), so a caller that could not
 * use an object before pausing gets it back on resume.  A table resize
 * during the walk makes it start over from the first bucket: objects may
 * be returned twice, none present for the whole walk is left out.
 *
 * Return: an object, valid until softmap_walk_stop(), or NULL at the end.
 */
struct softmap_obj *softmap_walk_next(struct softmap_walk *w)
{
	struct softmap_obj *obj;

	if (w->pending) {
		w->pending = false;
		obj = rhashtable_walk_peek(&w->iter);
		if (!IS_ERR(obj))
			return obj;
	}
	do {
		obj = rhashtable_walk_next(&w->iter);
	} while (IS_ERR(obj) && PTR_ERR(obj) == -EAGAIN);
	return IS_ERR(obj) ? NULL : obj;
}

static size_t softmap_tbl_bytes(const struct bucket_table *tbl)
{
	return kmalloc_size_roundup(struct_size(tbl, buckets, tbl->size));
}

/**
 * softmap_store_buckets() - buckets of the table in use
 *
 * Return: the current bucket table's size.
 */
u64 softmap_store_buckets(void)
{
	struct bucket_table *tbl;
	u64 n;

	rcu_read_lock();
	tbl = rht_dereference_rcu(softmap_table.tbl, &softmap_table);
	n = tbl->size;
	rcu_read_unlock();
	return n;
}

/**
 * softmap_store_table_bytes() - memory of the bucket tables
 *
 * The current bucket table and, during a resize, the next one, each
 * rounded up to the size its allocation takes.
 *
 * Return: bytes.
 */
u64 softmap_store_table_bytes(void)
{
	struct bucket_table *tbl;
	u64 n = 0;

	rcu_read_lock();
	tbl = rht_dereference_rcu(softmap_table.tbl, &softmap_table);
	while (tbl) {
		n += softmap_tbl_bytes(tbl);
		tbl = rht_dereference_rcu(tbl->future_tbl, &softmap_table);
	}
	rcu_read_unlock();
	return n;
}

/**
 * softmap_store_init() - create the table
 *
 * Return: 0 or a negative errno.
 */
int softmap_store_init(void)
{
	return rhashtable_init(&softmap_table, &softmap_params);
}

static void softmap_store_free_one(void *ptr, void *arg)
{
	softmap_store_unlinked(ptr);
}

/**
 * softmap_store_exit() - empty and destroy the table
 *
 * Runs when no request can reach the table any more.  Every object is
 * released; the frees complete after a grace period (softmap_obj_exit()
 * waits for them).
 */
void softmap_store_exit(void)
{
	rhashtable_free_and_destroy(&softmap_table, softmap_store_free_one,
				    NULL);
}
