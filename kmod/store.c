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
 * new object, never neither.
 *
 * Exactly one caller manages to unlink a given object (a remove or a
 * replace of an object already gone fails with -ENOENT); that caller gives
 * the object's accounting back, takes a reclaimable object off the LRU
 * and drops the table's reference.  The unlinkers are DEL, FLUSH, a
 * replacing PUT, eviction (softmap_store_try_unlink(), called by the LRU
 * walk under the LRU lock, so an rhashtable bucket lock nests inside an
 * LRU lock and never the reverse), compaction (softmap_store_move()) and
 * unload.  A reclaimable object goes on the LRU before it is linked, so
 * it is never linked and off the LRU while its unlinker may look for it.
 *
 * Shrinking.  automatic_shrinking lets rhashtable's worker halve the table
 * below 30% load, off the request path, after deletes; between 30% and
 * 75% nothing happens, so a table that hovers around a size does not
 * thrash.  A reclaim pass (softmap_store_shrink()) runs that worker now
 * and, when the table still has more buckets than rhashtable would give a
 * fresh table of its objects (below about 37.5% load), rebuilds it: there
 * are two tables, and each object has a linkage for each (->node[0],
 * ->node[1]), so it can be in both.  The rebuild holds off writers
 * (softmap_table_sem, a percpu rwsem every writer holds for reading),
 * inserts every object into the spare table, created for that many
 * objects (nelem_hint), and publishes it with rcu_assign_pointer().
 * Lock-free readers go on in the old table, which still holds every
 * object, until a grace period has passed; walks move to the new table at
 * their next start and begin it again (as after a resize: objects may be
 * returned twice).  The old table is destroyed, without its objects, when
 * its last walk ends.  table_shrinks counts the rebuilds and the
 * decreases of the bucket count seen at reclaim, compaction and reads of
 * the counters.
 */
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/percpu-rwsem.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "softmap.h"
#include "trace.h"

/* Objects unlinked by a flush between two reschedule points. */
#define SOFTMAP_FLUSH_BATCH	256

/**
 * struct softmap_table - one of the two tables
 * @ht: the rhashtable; its objects are linked by ->node[] at the index of
 *	this table in softmap_tables[].
 * @users: walks on @ht, plus one while the table is current; the last
 *	softmap_table_put() destroys @ht.
 * @live: @ht is set up and not destroyed; written under
 *	softmap_table_sem held for writing (set) or by the last put (clear).
 */
struct softmap_table {
	struct rhashtable ht;
	refcount_t users;
	bool live;
};

static struct softmap_table softmap_tables[2];
/* The current table; changed only with softmap_table_sem held to write. */
static struct softmap_table __rcu *softmap_cur;
/* Held for reading by every writer of the table, to write by a rebuild. */
DEFINE_STATIC_PERCPU_RWSEM(softmap_table_sem);
/* Bucket count last seen, and how often it was seen to fall. */
static atomic_long_t softmap_seen_buckets = ATOMIC_LONG_INIT(0);
static atomic_long_t softmap_table_shrinks = ATOMIC_LONG_INIT(0);

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

#define SOFTMAP_PARAMS(i) {						\
	.head_offset		= offsetof(struct softmap_obj, node[i]),	\
	.key_len		= 0,						\
	.hashfn			= softmap_key_hash,				\
	.obj_hashfn		= softmap_obj_hash,				\
	.obj_cmpfn		= softmap_obj_cmp,				\
	.min_size		= SOFTMAP_TABLE_MIN,				\
	.automatic_shrinking	= true,						\
}

/* Smallest table, in buckets. */
#define SOFTMAP_TABLE_MIN	16
/* Objects a rebuild inserts between two reschedule points. */
#define SOFTMAP_REBUILD_BATCH	1024

/*
 * The parameters of each table, constant so that each rhashtable call
 * below is compiled for its table.
 */
static const struct rhashtable_params softmap_params0 = SOFTMAP_PARAMS(0);
static const struct rhashtable_params softmap_params1 = SOFTMAP_PARAMS(1);

static bool softmap_table_first(const struct softmap_table *t)
{
	return t == &softmap_tables[0];
}

static struct softmap_obj *softmap_ht_lookup(struct softmap_table *t,
					     const struct softmap_key *key)
{
	if (softmap_table_first(t))
		return rhashtable_lookup(&t->ht, key, softmap_params0);
	return rhashtable_lookup(&t->ht, key, softmap_params1);
}

static struct softmap_obj *softmap_ht_insert(struct softmap_table *t,
					     const struct softmap_key *key,
					     struct softmap_obj *obj)
{
	if (softmap_table_first(t))
		return rhashtable_lookup_get_insert_key(&t->ht, key,
							&obj->node[0],
							softmap_params0);
	return rhashtable_lookup_get_insert_key(&t->ht, key, &obj->node[1],
						softmap_params1);
}

static int softmap_ht_replace(struct softmap_table *t,
			      struct softmap_obj *old, struct softmap_obj *obj)
{
	if (softmap_table_first(t))
		return rhashtable_replace_fast(&t->ht, &old->node[0],
					       &obj->node[0], softmap_params0);
	return rhashtable_replace_fast(&t->ht, &old->node[1], &obj->node[1],
				       softmap_params1);
}

static int softmap_ht_remove(struct softmap_table *t, struct softmap_obj *obj)
{
	if (softmap_table_first(t))
		return rhashtable_remove_fast(&t->ht, &obj->node[0],
					      softmap_params0);
	return rhashtable_remove_fast(&t->ht, &obj->node[1], softmap_params1);
}

/* The current table, for a reader under rcu_read_lock(). */
static struct softmap_table *softmap_table_rcu(void)
{
	return rcu_dereference(softmap_cur);
}

/* The current table, for a writer holding softmap_table_sem. */
static struct softmap_table *softmap_table_writer(void)
{
	return rcu_dereference_protected(softmap_cur,
					 percpu_rwsem_is_held(&softmap_table_sem));
}

static void softmap_table_put(struct softmap_table *t)
{
	if (!refcount_dec_and_test(&t->users))
		return;
	/* the objects live on in the other table */
	rhashtable_free_and_destroy(&t->ht, NULL, NULL);
	/* pairs with the acquire in softmap_store_rebuild(): @ht is gone */
	smp_store_release(&t->live, false);
}

/* The current table, with a reference. */
static struct softmap_table *softmap_table_get(void)
{
	struct softmap_table *t;

	rcu_read_lock();
	do {
		t = softmap_table_rcu();
	} while (!refcount_inc_not_zero(&t->users));
	rcu_read_unlock();
	return t;
}

static void softmap_key_of(const struct softmap_obj *obj,
			   struct softmap_key *key)
{
	key->uid = obj->uid;
	key->len = obj->key_len;
	key->data = obj->data;
}

/* The caller unlinked @obj, already off the LRU: its share and ref. */
static void softmap_store_release(struct softmap_obj *obj)
{
	softmap_user_uncharge(obj->user, 1, softmap_obj_bytes(obj));
	softmap_count(SOFTMAP_PC_OBJECTS, -1);
	softmap_obj_put(obj);
}

/* The caller unlinked @obj: off the LRU, give back its share and ref. */
static void softmap_store_unlinked(struct softmap_obj *obj)
{
	softmap_lru_untrack(obj);
	softmap_store_release(obj);
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
 * charged the difference in bytes only.  A reclaimable @obj goes on the
 * LRU first.  On success the table owns @obj; on error the caller still
 * does, off the LRU.  Called between softmap_obj_gen_lock() and
 * softmap_obj_gen_unlock(), like the allocation of @obj.
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
	/* for the tracepoint: once linked, @obj may go at any time */
	u32 val_len = obj->val_len, flags = obj->flags;
	struct softmap_table *t;
	struct softmap_obj *old;
	int err;

	percpu_down_read(&softmap_table_sem);
	t = softmap_table_writer();
	softmap_lru_track(obj);
	for (;;) {
		rcu_read_lock();
		old = softmap_ht_lookup(t, &key);
		if (!old) {
			rcu_read_unlock();
			if (!(mode & SOFTMAP_PUT_CREATE)) {
				NL_SET_ERR_MSG(extack,
					       "key not found (NLM_F_CREATE not set)");
				err = -ENOENT;
				goto fail;
			}
			err = softmap_user_charge(obj->user, 1, bytes, extack);
			if (err)
				goto fail;
			old = softmap_ht_insert(t, &key, obj);
			if (!old) {
				softmap_count(SOFTMAP_PC_OBJECTS, 1);
				*replaced = false;
				err = 0;
				goto out;
			}
			softmap_user_uncharge(obj->user, 1, bytes);
			if (IS_ERR(old)) {
				err = softmap_store_err(PTR_ERR(old), extack);
				goto fail;
			}
			continue;	/* inserted meanwhile: replace it */
		}
		if (!(mode & SOFTMAP_PUT_REPLACE)) {
			rcu_read_unlock();
			NL_SET_ERR_MSG(extack,
				       "key exists (NLM_F_REPLACE not set or NLM_F_EXCL set)");
			err = -EEXIST;
			goto fail;
		}
		delta = bytes - (long)softmap_obj_bytes(old);
		err = softmap_user_charge(obj->user, 0, delta, extack);
		if (err) {
			rcu_read_unlock();
			goto fail;
		}
		err = softmap_ht_replace(t, old, obj);
		rcu_read_unlock();
		if (!err)
			break;
		softmap_user_uncharge(obj->user, 0, delta);
		if (err != -ENOENT) {
			err = softmap_store_err(err, extack);
			goto fail;
		}
		/* @old was unlinked meanwhile: start over */
	}
	/* We unlinked @old; its objects share passed to @obj. */
	softmap_lru_untrack(old);
	softmap_obj_put(old);
	*replaced = true;
	goto out;
fail:
	softmap_lru_untrack(obj);
out:
	percpu_up_read(&softmap_table_sem);
	if (!err)
		trace_put(key.uid, key.len, val_len, flags, *replaced);
	return err;
}

/**
 * softmap_store_lookup() - find an object and take a reference
 * @key: owner and key.
 *
 * An object found just as a PUT replaces it may already have dropped to
 * zero references; the lookup then runs again and finds the replacement.
 * A reclaimable object found is marked referenced, without a lock: the
 * LRU walk gives it a second chance.
 *
 * Return: the object (release with softmap_obj_put()), or NULL.
 */
struct softmap_obj *softmap_store_lookup(const struct softmap_key *key)
{
	struct softmap_obj *obj;

	rcu_read_lock();
	do {
		obj = softmap_ht_lookup(softmap_table_rcu(), key);
	} while (obj && !refcount_inc_not_zero(&obj->ref));
	rcu_read_unlock();
	if (obj && softmap_obj_reclaimable(obj) && !READ_ONCE(obj->referenced))
		WRITE_ONCE(obj->referenced, 1);
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
	struct softmap_table *t;
	struct softmap_obj *obj;
	int err;

	percpu_down_read(&softmap_table_sem);
	t = softmap_table_writer();
	do {
		rcu_read_lock();
		obj = softmap_ht_lookup(t, key);
		if (!obj) {
			rcu_read_unlock();
			err = -ENOENT;
			goto out;
		}
		/* -ENOENT: replaced or deleted meanwhile; look again */
		err = softmap_ht_remove(t, obj);
		rcu_read_unlock();
	} while (err);
	trace_del(obj, SOFTMAP_DEL_CMD);
	softmap_store_unlinked(obj);
	softmap_count(SOFTMAP_PC_DELS, 1);
out:
	percpu_up_read(&softmap_table_sem);
	return err;
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

	percpu_down_read(&softmap_table_sem);
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
		if (softmap_ht_remove(w.t, obj))
			continue;
		trace_del(obj, SOFTMAP_DEL_FLUSH);
		softmap_store_unlinked(obj);
		n++;
	}
	softmap_walk_stop(&w);
	softmap_walk_exit(&w);
	percpu_up_read(&softmap_table_sem);
	softmap_count(SOFTMAP_PC_DELS, n);
	return n;
}

/**
 * softmap_store_try_unlink() - unlink an object if it is still linked
 * @obj: the object; the caller holds the LRU lock of @obj's list.
 *
 * For eviction.  On success the caller is @obj's unlinker: it takes @obj
 * off the LRU and calls softmap_store_evicted().
 *
 * Return: 0, -ENOENT when @obj is not (or no longer) linked: another
 * party unlinks it, or its PUT has not linked it yet; or -EBUSY while the
 * table is being rebuilt.
 */
int softmap_store_try_unlink(struct softmap_obj *obj)
{
	int err;

	if (!percpu_down_read_trylock(&softmap_table_sem))
		return -EBUSY;
	err = softmap_ht_remove(softmap_table_writer(), obj);
	percpu_up_read(&softmap_table_sem);
	return err;
}

/**
 * softmap_store_evicted() - finish the eviction of an object
 * @obj: unlinked by softmap_store_try_unlink() and taken off the LRU.
 *
 * Gives back the object's accounting, counts the eviction globally and
 * for its owner, and drops the table's reference.
 */
void softmap_store_evicted(struct softmap_obj *obj)
{
	trace_evict(obj);
	atomic_long_inc(&obj->user->evictions);
	softmap_count(SOFTMAP_PC_EVICTIONS, 1);
	softmap_store_release(obj);
}

/**
 * softmap_store_move() - replace an object by its copy
 * @from: a linked object; the caller holds a reference.
 * @to: its copy, from softmap_obj_copy().
 *
 * For compaction.  Readers find @from or @to, never neither.  A
 * reclaimable @to goes on the LRU before it is linked and @from comes off
 * once unlinked, so the object keeps its LRU membership (at the young end
 * of its list) and its referenced mark.  The owner's accounting does not
 * change.  On success the table owns @to and @from is freed once its last
 * reference goes; on error the caller still owns @to, off the LRU.
 *
 * Return: 0, or -ENOENT when @from was unlinked meanwhile (DEL, FLUSH,
 * replacement or eviction won).
 */
int softmap_store_move(struct softmap_obj *from, struct softmap_obj *to)
{
	int err;

	/*
	 * @to may be unlinked and freed as soon as it is linked: it gets
	 * the memory cgroup reference first, and @from (which the caller
	 * keeps) gives it up only once @to is in.
	 */
	to->memcg = from->memcg;
	percpu_down_read(&softmap_table_sem);
	softmap_lru_track(to);
	err = softmap_ht_replace(softmap_table_writer(), from, to);
	if (err) {
		softmap_lru_untrack(to);
		to->memcg = NULL;
	} else {
		from->memcg = NULL;
		softmap_lru_untrack(from);
		softmap_obj_put(from);
	}
	percpu_up_read(&softmap_table_sem);
	return err;
}

/**
 * softmap_walk_enter() - prepare a walk over the table
 * @w: the walk.
 */
void softmap_walk_enter(struct softmap_walk *w)
{
	w->t = softmap_table_get();
	rhashtable_walk_enter(&w->t->ht, &w->iter);
	w->pending = false;
}

/**
 * softmap_walk_exit() - end a walk
 * @w: the walk, stopped.
 *
 * May destroy a table a rebuild replaced: process context.
 */
void softmap_walk_exit(struct softmap_walk *w)
{
	rhashtable_walk_exit(&w->iter);
	softmap_table_put(w->t);
}

/**
 * softmap_walk_start() - (re)start a walk; enters an RCU read section
 * @w: the walk.
 *
 * When the table was rebuilt since the walk last ran, the walk goes on in
 * the new table, from its first bucket.  Process context.
 */
void softmap_walk_start(struct softmap_walk *w)
	__acquires(RCU)
{
	rhashtable_walk_start(&w->iter);
	if (likely(rcu_access_pointer(softmap_cur) == w->t))
		return;
	rhashtable_walk_stop(&w->iter);
	softmap_walk_exit(w);
	softmap_walk_enter(w);
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

static u64 softmap_store_size(void)
{
	struct bucket_table *tbl;
	struct softmap_table *t;
	u64 n;

	rcu_read_lock();
	t = softmap_table_rcu();
	tbl = rht_dereference_rcu(t->ht.tbl, &t->ht);
	n = tbl->size;
	rcu_read_unlock();
	return n;
}

/* Note the bucket count; count a decrease since the last time. */
static u64 softmap_store_observe(void)
{
	long n = softmap_store_size();

	if (atomic_long_xchg(&softmap_seen_buckets, n) > n)
		atomic_long_inc(&softmap_table_shrinks);
	return n;
}

/**
 * softmap_store_buckets() - buckets of the table in use
 *
 * Return: the current bucket table's size.
 */
u64 softmap_store_buckets(void)
{
	return softmap_store_observe();
}

/**
 * softmap_store_table_shrinks() - decreases of the bucket count
 *
 * Return: the rebuilds, plus the times the table was seen smaller than
 * the time before.
 */
u64 softmap_store_table_shrinks(void)
{
	softmap_store_observe();
	return atomic_long_read(&softmap_table_shrinks);
}

/* Buckets rhashtable gives a fresh table of @n objects. */
static unsigned long softmap_table_fit(unsigned long n)
{
	return max_t(unsigned long, roundup_pow_of_two(n * 4 / 3 + 1),
		     SOFTMAP_TABLE_MIN);
}

/* Link every object of @old into @new, set up for them. */
static int softmap_table_fill(struct softmap_table *old,
			      struct softmap_table *new)
{
	struct rhashtable_iter iter;
	struct softmap_obj *obj, *in;
	struct softmap_key key;
	unsigned int n = 0;
	int err = 0;

	rhashtable_walk_enter(&old->ht, &iter);
	rhashtable_walk_start(&iter);
	while ((obj = rhashtable_walk_next(&iter))) {
		if (IS_ERR(obj)) {
			if (PTR_ERR(obj) == -EAGAIN)
				continue;	/* resized: seen ones fail below */
			err = PTR_ERR(obj);
			break;
		}
		softmap_key_of(obj, &key);
		in = softmap_ht_insert(new, &key, obj);
		if (IS_ERR(in)) {
			err = PTR_ERR(in);
			break;
		}
		if (++n % SOFTMAP_REBUILD_BATCH == 0) {
			rhashtable_walk_stop(&iter);
			cond_resched();
			rhashtable_walk_start(&iter);
		}
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	return err;
}

/*
 * Rebuild the table into one sized for its objects (see the top).
 * Return: 0, or a negative errno (the table stays as it was).
 */
static int softmap_store_rebuild(void)
{
	struct rhashtable_params params;
	struct softmap_table *old, *new;
	unsigned int n;
	u64 before;
	int err;

	percpu_down_write(&softmap_table_sem);
	old = softmap_table_writer();
	new = &softmap_tables[softmap_table_first(old)];
	n = atomic_read(&old->ht.nelems);
	before = softmap_store_size();
	err = -EBUSY;
	/*
	 * A walk still holding the previous table keeps the spare slot;
	 * pairs with the release in softmap_table_put().
	 */
	if (smp_load_acquire(&new->live) || before <= softmap_table_fit(n))
		goto unlock;
	params = softmap_table_first(new) ? softmap_params0 : softmap_params1;
	params.nelem_hint = n;
	err = rhashtable_init(&new->ht, &params);
	if (err)
		goto unlock;
	err = softmap_table_fill(old, new);
	if (err) {
		rhashtable_free_and_destroy(&new->ht, NULL, NULL);
		goto unlock;
	}
	refcount_set(&new->users, 1);
	new->live = true;
	rcu_assign_pointer(softmap_cur, new);
	percpu_up_write(&softmap_table_sem);

	/* lock-free readers may still be in @old, which has every object */
	synchronize_rcu();
	softmap_table_put(old);
	atomic_long_inc(&softmap_table_shrinks);
	atomic_long_set(&softmap_seen_buckets, softmap_store_size());
	return 0;
unlock:
	percpu_up_write(&softmap_table_sem);
	return err;
}

/**
 * softmap_store_shrink() - make a sparse table smaller now
 *
 * Runs rhashtable's resize worker (the one automatic_shrinking uses after
 * deletes) and waits for it: below 30% load it rehashes the table.  Then,
 * if the table still has more buckets than a fresh table of its objects
 * would get, rebuilds it.
 */
void softmap_store_shrink(void)
{
	struct softmap_table *t;

	percpu_down_read(&softmap_table_sem);
	t = softmap_table_writer();
	softmap_store_observe();
	schedule_work(&t->ht.run_work);
	flush_work(&t->ht.run_work);
	softmap_store_observe();
	percpu_up_read(&softmap_table_sem);
	softmap_store_rebuild();
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
	struct softmap_table *t;
	u64 n = 0;

	rcu_read_lock();
	t = softmap_table_rcu();
	tbl = rht_dereference_rcu(t->ht.tbl, &t->ht);
	while (tbl) {
		n += softmap_tbl_bytes(tbl);
		tbl = rht_dereference_rcu(tbl->future_tbl, &t->ht);
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
	struct softmap_table *t = &softmap_tables[0];
	int err = rhashtable_init(&t->ht, &softmap_params0);

	if (err)
		return err;
	refcount_set(&t->users, 1);
	t->live = true;
	RCU_INIT_POINTER(softmap_cur, t);
	atomic_long_set(&softmap_seen_buckets, softmap_store_size());
	return 0;
}

static void softmap_store_free_one(void *ptr, void *arg)
{
	softmap_store_unlinked(ptr);
}

/**
 * softmap_store_exit() - empty and destroy the table
 *
 * Runs when no request and no walk can reach the table any more.  Every
 * object is released; the frees complete after a grace period
 * (softmap_obj_exit() waits for them).
 */
void softmap_store_exit(void)
{
	struct softmap_table *t = rcu_dereference_protected(softmap_cur, 1);
	unsigned int i;

	rhashtable_free_and_destroy(&t->ht, softmap_store_free_one, NULL);
	t->live = false;
	for (i = 0; i < ARRAY_SIZE(softmap_tables); i++)
		WARN_ON_ONCE(softmap_tables[i].live);
}
