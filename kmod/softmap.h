/* SPDX-License-Identifier: GPL-2.0 */
/*
 * softmap: private declarations shared by the files of the module.
 *
 * An object is (owner, key) -> value + flags.  Objects live in one
 * rhashtable (store.c) and are allocated from the module's own slab caches
 * (obj.c).  Each object holds one reference for the table; a lookup takes
 * another with refcount_inc_not_zero() under RCU.  Whoever unlinks an
 * object from the table (DEL, FLUSH, a replacing PUT, unload) releases its
 * accounting (user.c) and drops the table's reference; the last reference
 * frees the object after an RCU grace period, so lock-free readers never
 * touch freed memory.
 *
 * Reclaimable objects are also on softmap_lru (shrinker.c) from just
 * before they are linked until the one party that unlinks them takes them
 * off it.  Compaction (compact.c) moves live objects into a fresh
 * generation of the slab caches and destroys the old one.
 */
#ifndef _SOFTMAP_H
#define _SOFTMAP_H

#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/list_lru.h>
#include <linux/netlink.h>
#include <linux/refcount.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/softmap.h>

struct genl_info;
struct kobject;
struct mem_cgroup;
struct netlink_callback;
struct softmap_table;

/**
 * struct softmap_user - one owner's accounting record
 * @uid: the owner; immutable.
 * @objects: objects the owner has in the table; atomic, reserved before an
 *	insert and released by whoever unlinks an object.
 * @bytes: bytes of keys and values the owner has in the table; as @objects.
 * @quota_rejections: the owner's PUTs refused by a limit; atomic.
 * @evictions: the owner's objects evicted; atomic.
 *
 * Records are created on an owner's first PUT and live until unload (see
 * user.c), so an object may point at its record without a reference.
 */
struct softmap_user {
	kuid_t uid;
	atomic_long_t objects;
	atomic_long_t bytes;
	atomic_long_t quota_rejections;
	atomic_long_t evictions;
};

/**
 * struct softmap_obj - one stored object
 * @node: linkage in each of the two tables (store.c), written by
 *	rhashtable under its bucket lock, followed by readers under RCU.  An
 *	object is in the current table, and in both while a rebuild fills
 *	the other.
 * @ref: references: one for the table while linked, one per lookup in
 *	flight.  The object is freed after a grace period once it drops to 0.
 * @uid: the owner; immutable.
 * @flags: &enum softmap_obj_flags; immutable (a PUT replaces the object).
 * @key_len: length of the key at @data, 1..%SOFTMAP_KEY_MAX; immutable.
 * @class: index of the slab cache the object came from; immutable.
 * @val_len: length of the value; immutable.
 * @gen: which of its class's two caches the object came from (the low bit
 *	of the cache generation); immutable.
 * @referenced: set by a GET with WRITE_ONCE(), without a lock; cleared by
 *	an LRU walk under the LRU lock (second chance).  Reclaimable objects
 *	only.
 * @stored: jiffies64 when the object was stored; immutable.
 * @user: the owner's record, for accounting; immutable.
 * @memcg: the memory cgroup of the task that stored the object, with a
 *	css reference the object holds (NULL when memcg is disabled, or once
 *	a move passed the reference on to the copy); copies made by
 *	compaction are charged to it.  Written only by compaction, which
 *	holds a reference on the object, and read at free.
 * @lru_seq: when the object last went to the young end of its LRU list
 *	(a global sequence): set before it is added, and under the LRU lock
 *	when the walk rotates it.  Compaction moves reclaimable objects in
 *	this order, which keeps the order of each list.
 * @lru: linkage in softmap_lru, for a reclaimable object: added before
 *	the object is linked, removed by whoever unlinks it, under the LRU
 *	lock.  Empty for a pinned object.
 * @rcu: deferred free after the last reference.  Shares its storage with
 *	@lru: an object is off every list before its last reference goes.
 * @val: the value: inside @data right after the key, or a separate
 *	kvmalloc() allocation for large values; immutable.
 * @data: the key, then (when inline) the value.
 */
struct softmap_obj {
	struct rhash_head node[2];
	refcount_t ref;
	kuid_t uid;
	u32 flags;
	u16 key_len;
	u16 class;
	u32 val_len;
	u8 gen;
	u8 referenced;
	u64 stored;
	struct softmap_user *user;
	struct mem_cgroup *memcg;
	u64 lru_seq;
	union {
		struct list_head lru;
		struct rcu_head rcu;
	};
	u8 *val;
	u8 data[];
};

/**
 * struct softmap_key - a lookup key
 * @uid: the owner.
 * @len: length of @data.
 * @data: the key bytes.
 */
struct softmap_key {
	kuid_t uid;
	u32 len;
	const u8 *data;
};

/**
 * struct softmap_tunables - limits, written through sysfs
 * @max_value_size: longest value a PUT may store.
 * @user_max_objects: most objects one owner may have.
 * @user_max_bytes: most key and value bytes one owner may have.
 * @max_bytes: most key and value bytes of all owners together.
 *
 * Read locklessly with READ_ONCE(); each is written whole with WRITE_ONCE().
 */
struct softmap_tunables {
	u64 max_value_size;
	u64 user_max_objects;
	u64 user_max_bytes;
	u64 max_bytes;
};

extern struct softmap_tunables softmap_tun;

/* Per-CPU event and gauge counters, summed on read (stats.c). */
enum softmap_pcpu_counter {
	SOFTMAP_PC_OBJECTS,
	SOFTMAP_PC_SLOT_BYTES,
	SOFTMAP_PC_OOL_BYTES,
	SOFTMAP_PC_PUTS,
	SOFTMAP_PC_GETS,
	SOFTMAP_PC_HITS,
	SOFTMAP_PC_MISSES,
	SOFTMAP_PC_DELS,
	SOFTMAP_PC_REPLACES,
	SOFTMAP_PC_RCU_PENDING,
	SOFTMAP_PC_QUOTA_REJECTIONS,
	SOFTMAP_PC_EVICTIONS,
	SOFTMAP_PC_SHRINKER_SCANS,
	SOFTMAP_PC_SHRINKER_FREED,
	SOFTMAP_PC_OBJECTS_MOVED,
	SOFTMAP_PC_GEN0,
	SOFTMAP_PC_GEN1,
	SOFTMAP_PC_NR
};

/**
 * struct softmap_pcpu - one CPU's share of the counters
 * @v: indexed by &enum softmap_pcpu_counter; only this CPU writes its
 *	share (this_cpu_add), any CPU reads it.  Gauges may be negative on
 *	one CPU; their sum is not.
 */
struct softmap_pcpu {
	long v[SOFTMAP_PC_NR];
};

extern struct softmap_pcpu __percpu *softmap_pcpu;

/**
 * softmap_count() - add to a per-CPU counter
 * @c: the counter.
 * @delta: amount, may be negative for gauges.
 */
static inline void softmap_count(enum softmap_pcpu_counter c, long delta)
{
	this_cpu_add(softmap_pcpu->v[c], delta);
}

/**
 * struct softmap_counter - one global counter, as sysfs and STATS show it
 * @name: sysfs file name.
 * @attr: &enum softmap_stats_attr in %SOFTMAP_A_STATS.
 * @pcpu: the per-CPU counter summed, when @read is NULL.
 * @read: returns the current value; NULL for a per-CPU counter.
 */
struct softmap_counter {
	const char *name;
	u16 attr;
	enum softmap_pcpu_counter pcpu;
	u64 (*read)(void);
};

/* stats.c */
extern const struct softmap_counter softmap_counters[];
extern const unsigned int softmap_nr_counters;
int softmap_stats_init(void);
void softmap_stats_exit(void);
u64 softmap_pcpu_sum(enum softmap_pcpu_counter c);
u64 softmap_counter_read(const struct softmap_counter *c);

/* obj.c: size-class slab caches and their generations */
int softmap_obj_init(void);
void softmap_obj_exit(void);
int softmap_obj_gen_lock(void);
void softmap_obj_gen_unlock(int idx);
struct softmap_obj *softmap_obj_alloc(kuid_t uid, const u8 *key, u32 key_len,
				      u32 val_len, u32 flags);
struct softmap_obj *softmap_obj_copy(const struct softmap_obj *obj);
void softmap_obj_get(struct softmap_obj *obj);
void softmap_obj_put(struct softmap_obj *obj);
void softmap_obj_free_now(struct softmap_obj *obj);
void softmap_obj_shrink_caches(void);
int softmap_obj_gen_begin(void);
bool softmap_obj_is_old(const struct softmap_obj *obj);
bool softmap_obj_gen_end(void);
u64 softmap_obj_slot_bytes(void);

/**
 * softmap_obj_reclaimable() - whether an object may be evicted
 * @obj: the object.
 *
 * Return: true for an object stored with %SOFTMAP_F_RECLAIMABLE.
 */
static inline bool softmap_obj_reclaimable(const struct softmap_obj *obj)
{
	return obj->flags & SOFTMAP_F_RECLAIMABLE;
}

/**
 * softmap_obj_key() - the key bytes of an object
 * @obj: the object.
 *
 * Return: pointer to @obj->key_len bytes.
 */
static inline const u8 *softmap_obj_key(const struct softmap_obj *obj)
{
	return obj->data;
}

/**
 * softmap_obj_age_ms() - how long ago an object was stored
 * @obj: the object.
 *
 * Return: milliseconds.
 */
static inline u64 softmap_obj_age_ms(const struct softmap_obj *obj)
{
	return jiffies64_to_msecs(get_jiffies_64() - obj->stored);
}

/**
 * softmap_uid() - an owner as tracepoints show it
 * @uid: the owner.
 *
 * Return: @uid in the initial user namespace.
 */
static inline u32 softmap_uid(kuid_t uid)
{
	return from_kuid_munged(&init_user_ns, uid);
}

/**
 * softmap_obj_bytes() - bytes an object counts for in quotas and stats
 * @obj: the object.
 *
 * Return: key length plus value length.
 */
static inline u64 softmap_obj_bytes(const struct softmap_obj *obj)
{
	return (u64)obj->key_len + obj->val_len;
}

/* user.c: per-owner accounting and quotas */
int softmap_user_init(void);
void softmap_user_exit(void);
struct softmap_user *softmap_user_get(kuid_t uid);
struct softmap_user *softmap_user_find(kuid_t uid);
int softmap_user_charge(struct softmap_user *u, long objects, long bytes,
			struct netlink_ext_ack *extack);
void softmap_user_uncharge(struct softmap_user *u, long objects, long bytes);
u64 softmap_user_total_bytes(void);
u64 softmap_user_peak_bytes(void);
void softmap_user_peak_reset(void);
u64 softmap_user_count(void);
struct softmap_user *softmap_user_next(unsigned long *index);

/* store.c: the table */

/**
 * enum softmap_put_mode - what a PUT may do, from its nlmsg_flags
 * @SOFTMAP_PUT_CREATE: an absent key may be created.
 * @SOFTMAP_PUT_REPLACE: a present key may be replaced.
 */
enum softmap_put_mode {
	SOFTMAP_PUT_CREATE	= 1U << 0,
	SOFTMAP_PUT_REPLACE	= 1U << 1,
};

/**
 * struct softmap_walk - a resumable walk over the table
 * @iter: rhashtable's iterator.
 * @t: the table walked, of which the walk holds a reference.
 * @pending: the object last returned was not consumed; return it again
 *	first when the walk resumes.
 */
struct softmap_walk {
	struct rhashtable_iter iter;
	struct softmap_table *t;
	bool pending;
};

int softmap_store_init(void);
void softmap_store_exit(void);
int softmap_store_put(struct softmap_obj *obj, unsigned int mode,
		      bool *replaced, struct netlink_ext_ack *extack);
struct softmap_obj *softmap_store_lookup(const struct softmap_key *key);
int softmap_store_del(const struct softmap_key *key);
u64 softmap_store_flush(const kuid_t *uid);
int softmap_store_try_unlink(struct softmap_obj *obj);
void softmap_store_evicted(struct softmap_obj *obj);
int softmap_store_move(struct softmap_obj *from, struct softmap_obj *to);
u64 softmap_store_buckets(void);
u64 softmap_store_table_bytes(void);
void softmap_store_shrink(void);
u64 softmap_store_table_shrinks(void);
void softmap_walk_enter(struct softmap_walk *w);
void softmap_walk_exit(struct softmap_walk *w);
void softmap_walk_start(struct softmap_walk *w);
void softmap_walk_stop(struct softmap_walk *w);
struct softmap_obj *softmap_walk_next(struct softmap_walk *w);

/**
 * enum softmap_del_reason - why an object was deleted (softmap:del)
 * @SOFTMAP_DEL_CMD: a DEL request.
 * @SOFTMAP_DEL_FLUSH: a FLUSH request.
 */
enum softmap_del_reason {
	SOFTMAP_DEL_CMD,
	SOFTMAP_DEL_FLUSH,
};

/**
 * enum softmap_shrink_source - who asked for a reclaim (softmap:shrink)
 * @SOFTMAP_SHRINK_SCAN: the shrinker's scan: memory pressure, drop_caches
 *	or a cgroup's memory.reclaim.
 * @SOFTMAP_SHRINK_CMD: %SOFTMAP_CMD_SHRINK.
 * @SOFTMAP_SHRINK_SYSFS: a write to /sys/kernel/softmap/shrink.
 */
enum softmap_shrink_source {
	SOFTMAP_SHRINK_SCAN,
	SOFTMAP_SHRINK_CMD,
	SOFTMAP_SHRINK_SYSFS,
};

/* shrinker.c: the LRU, eviction, the shrinker and reclaim on demand */
extern struct list_lru softmap_lru;
int softmap_reclaim_init(void);
void softmap_reclaim_start(void);
void softmap_reclaim_stop(void);
void softmap_reclaim_exit(void);
void softmap_lru_track(struct softmap_obj *obj);
void softmap_lru_untrack(struct softmap_obj *obj);
u64 softmap_reclaim(enum softmap_shrink_source source, bool evict,
		    u64 target);

/* compact.c: slab compaction by cache generations, slab page counts */
void softmap_compact_init(void);
void softmap_compact_exit(void);
int softmap_compact(void);
void softmap_compact_kick(void);
unsigned long softmap_compact_estimate(void);
u64 softmap_slab_pages(void);
u64 softmap_slab_pages_returned(void);

/* sysfs.c */
int softmap_sysfs_init(void);
void softmap_sysfs_exit(void);

/**
 * struct softmap_nl_refusal - a dump refused by its .start, told later
 * @err: the error, or 0 when the dump was not refused.
 * @msg: its extended-ack message.
 *
 * Older kernels (6.1) give a dump's .start no extended ack (cb->extack is
 * NULL), so its message would be lost.  There .start records the refusal
 * and the dump's first part returns it, with the message, in NLMSG_DONE.
 * The decision is still taken in .start, in the requester's context.
 */
struct softmap_nl_refusal {
	int err;
	const char *msg;
};

/* netlink.c, nl_obj.c, nl_admin.c */
struct netlink_ext_ack *softmap_nl_start_extack(struct netlink_callback *cb,
						struct netlink_ext_ack *local);
int softmap_nl_start_refuse(struct netlink_callback *cb, int err,
			    const struct netlink_ext_ack *local,
			    struct softmap_nl_refusal *r);
int softmap_nl_dump_refused(struct netlink_callback *cb,
			    const struct softmap_nl_refusal *r);
int softmap_nl_init(void);
void softmap_nl_exit(void);
int softmap_nl_check_hdr(struct genl_info *info, u16 flags);
int softmap_nl_owner(struct sk_buff *skb, struct nlattr **attrs,
		     struct netlink_ext_ack *extack, kuid_t *owner);
bool softmap_nl_admin(struct sk_buff *skb, const struct nlattr *attr,
		      struct netlink_ext_ack *extack);
struct nlattr **softmap_nl_dump_attrs(struct netlink_callback *cb);
int softmap_nl_put_value(struct sk_buff *skb, const struct softmap_obj *obj);
size_t softmap_nl_value_size(u32 val_len);
int softmap_nl_version(struct sk_buff *skb, struct genl_info *info);
int softmap_nl_put(struct sk_buff *skb, struct genl_info *info);
int softmap_nl_get(struct sk_buff *skb, struct genl_info *info);
int softmap_nl_get_start(struct netlink_callback *cb);
int softmap_nl_get_dump(struct sk_buff *skb, struct netlink_callback *cb);
int softmap_nl_get_done(struct netlink_callback *cb);
int softmap_nl_del(struct sk_buff *skb, struct genl_info *info);
int softmap_nl_flush(struct sk_buff *skb, struct genl_info *info);
int softmap_nl_stats(struct sk_buff *skb, struct genl_info *info);
int softmap_nl_stats_start(struct netlink_callback *cb);
int softmap_nl_stats_dump(struct sk_buff *skb, struct netlink_callback *cb);
int softmap_nl_shrink(struct sk_buff *skb, struct genl_info *info);

extern struct genl_family softmap_family;

#endif /* _SOFTMAP_H */
