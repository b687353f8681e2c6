/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * softmap: per-user keyed objects in the kernel whose memory comes back.
 *
 * This header is the whole userspace interface of the generic netlink
 * family "softmap": its commands, attributes, object flags and limits.
 * Documentation/softmap.rst describes the semantics in prose.
 */
#ifndef _UAPI_LINUX_SOFTMAP_H
#define _UAPI_LINUX_SOFTMAP_H

/** define SOFTMAP_FAMILY_NAME - generic netlink family name */
#define SOFTMAP_FAMILY_NAME	"softmap"
/** define SOFTMAP_FAMILY_VERSION - generic netlink family version */
#define SOFTMAP_FAMILY_VERSION	1

/** define SOFTMAP_KEY_MAX - longest key, in bytes (keys are 1..256 bytes) */
#define SOFTMAP_KEY_MAX		256
/**
 * define SOFTMAP_VALUE_CHUNK_MAX - most bytes one %SOFTMAP_A_VALUE carries
 *
 * A netlink attribute holds at most 65,531 bytes, so a value travels as a
 * sequence of %SOFTMAP_A_VALUE attributes, each of at most this many
 * bytes; the value is their concatenation in message order.  A value of
 * zero bytes is sent as no %SOFTMAP_A_VALUE at all (or one empty one).
 */
#define SOFTMAP_VALUE_CHUNK_MAX	32768
/**
 * define SOFTMAP_VALUE_MAX - upper bound of the max_value_size tunable
 *
 * The tunable itself (sysfs, default 64 KiB) is the limit in force.
 */
#define SOFTMAP_VALUE_MAX	(1024 * 1024)

/**
 * enum softmap_obj_flags - flags of an object (%SOFTMAP_A_FLAGS)
 * @SOFTMAP_F_RECLAIMABLE: the object may be evicted under memory pressure,
 *	least recently used first; without it the object is pinned and only
 *	a DEL or FLUSH removes it.
 * @SOFTMAP_F_ALL: mask of every defined flag; others are rejected.
 */
enum softmap_obj_flags {
	SOFTMAP_F_RECLAIMABLE	= 0x1,

	SOFTMAP_F_ALL		= SOFTMAP_F_RECLAIMABLE,
};

/**
 * enum softmap_cmd - generic netlink commands of the family
 * @SOFTMAP_CMD_UNSPEC: unused.
 * @SOFTMAP_CMD_VERSION: reply with %SOFTMAP_A_VERSION, the module's version.
 * @SOFTMAP_CMD_PUT: store %SOFTMAP_A_KEY -> %SOFTMAP_A_VALUE (chunks) with
 *	%SOFTMAP_A_FLAGS.  nlmsg_flags choose the mode, as in rtnetlink: an
 *	absent key is created only with NLM_F_CREATE (else -ENOENT); a present
 *	key is replaced only with NLM_F_REPLACE and without NLM_F_EXCL (else
 *	-EEXIST).  So NLM_F_CREATE|NLM_F_EXCL creates only, NLM_F_REPLACE
 *	replaces only, NLM_F_CREATE|NLM_F_REPLACE upserts.  Do not send
 *	NLM_F_REPLACE|NLM_F_EXCL together: their bits spell NLM_F_DUMP.
 *	Replacement is atomic for readers.  Quotas give -EDQUOT (per user)
 *	or -ENOSPC (global max_bytes).
 * @SOFTMAP_CMD_GET: look up %SOFTMAP_A_KEY; reply with %SOFTMAP_A_KEY,
 *	%SOFTMAP_A_VALUE (chunks), %SOFTMAP_A_FLAGS, %SOFTMAP_A_SIZE and
 *	%SOFTMAP_A_AGE_MS; -ENOENT when absent.  With NLM_F_DUMP, list the
 *	caller's objects (or %SOFTMAP_A_UID's, admin only), one message each
 *	with key, size, flags and age, and values when %SOFTMAP_A_WANT_VALUES
 *	is set.  A value too large for a dump message is left out and the
 *	entry carries %SOFTMAP_A_VALUE_OMITTED; fetch it with a GET.  A dump
 *	may run over many recvmsg() calls while objects come and go: every
 *	object present for the whole dump is listed, possibly twice when the
 *	table is resized meanwhile; objects added or removed during it may or
 *	may not be.
 * @SOFTMAP_CMD_DEL: delete %SOFTMAP_A_KEY; -ENOENT when absent.
 * @SOFTMAP_CMD_FLUSH: delete all of the caller's objects.  Admin only: with
 *	%SOFTMAP_A_UID, that user's; with %SOFTMAP_A_ALL, everybody's.  Reply
 *	with %SOFTMAP_A_COUNT, the number of objects deleted.
 * @SOFTMAP_CMD_STATS: reply with %SOFTMAP_A_STATS (global counters) and
 *	%SOFTMAP_A_USER_STATS (the caller's, or %SOFTMAP_A_UID's for an
 *	admin).  With NLM_F_DUMP (admin only), one message per user holding
 *	%SOFTMAP_A_USER_STATS.
 * @SOFTMAP_CMD_SHRINK: admin only: reclaim now, as memory pressure would:
 *	evict reclaimable objects until the store holds at most
 *	%SOFTMAP_A_TARGET bytes (default: evict none), compact the slab
 *	caches and shrink the table.  Reply with %SOFTMAP_A_COUNT, the number
 *	of objects evicted.
 * @__SOFTMAP_CMD_MAX: internal use.
 * @SOFTMAP_CMD_MAX: highest command number.
 *
 * Admin means CAP_SYS_ADMIN in the initial user namespace.  A request of
 * an unprivileged caller always acts on its own objects (the owner is the
 * caller's fsuid), and never reveals whether another user's key exists.
 */
enum softmap_cmd {
	SOFTMAP_CMD_UNSPEC,
	SOFTMAP_CMD_VERSION,
	SOFTMAP_CMD_PUT,
	SOFTMAP_CMD_GET,
	SOFTMAP_CMD_DEL,
	SOFTMAP_CMD_FLUSH,
	SOFTMAP_CMD_STATS,
	SOFTMAP_CMD_SHRINK,

	__SOFTMAP_CMD_MAX,
	SOFTMAP_CMD_MAX = __SOFTMAP_CMD_MAX - 1
};

/**
 * enum softmap_attr - top-level attributes
 * @SOFTMAP_A_UNSPEC: unused.
 * @SOFTMAP_A_PAD: padding for 64-bit attributes.
 * @SOFTMAP_A_VERSION: string, the module's version.
 * @SOFTMAP_A_UID: u32, owner to act on (admin only in requests; replies
 *	name the owner in the initial user namespace).
 * @SOFTMAP_A_KEY: binary, 1..%SOFTMAP_KEY_MAX bytes, NUL allowed.
 * @SOFTMAP_A_VALUE: binary, one chunk of a value, at most
 *	%SOFTMAP_VALUE_CHUNK_MAX bytes; repeated, see %SOFTMAP_VALUE_CHUNK_MAX.
 * @SOFTMAP_A_FLAGS: u32, &enum softmap_obj_flags.
 * @SOFTMAP_A_SIZE: u32, the value's size in bytes.
 * @SOFTMAP_A_AGE_MS: u64, milliseconds since the object was stored.
 * @SOFTMAP_A_WANT_VALUES: flag, dumps carry values.
 * @SOFTMAP_A_VALUE_OMITTED: flag, this dump entry left out its value.
 * @SOFTMAP_A_ALL: flag, FLUSH acts on every user (admin only).
 * @SOFTMAP_A_COUNT: u64, number of objects a FLUSH or SHRINK removed.
 * @SOFTMAP_A_TARGET: u64, SHRINK's target size of the store in bytes.
 * @SOFTMAP_A_STATS: nest, &enum softmap_stats_attr.
 * @SOFTMAP_A_USER_STATS: nest, &enum softmap_user_attr.
 * @__SOFTMAP_A_MAX: internal use.
 * @SOFTMAP_A_MAX: highest attribute number.
 */
enum softmap_attr {
	SOFTMAP_A_UNSPEC,
	SOFTMAP_A_PAD,
	SOFTMAP_A_VERSION,
	SOFTMAP_A_UID,
	SOFTMAP_A_KEY,
	SOFTMAP_A_VALUE,
	SOFTMAP_A_FLAGS,
	SOFTMAP_A_SIZE,
	SOFTMAP_A_AGE_MS,
	SOFTMAP_A_WANT_VALUES,
	SOFTMAP_A_VALUE_OMITTED,
	SOFTMAP_A_ALL,
	SOFTMAP_A_COUNT,
	SOFTMAP_A_TARGET,
	SOFTMAP_A_STATS,
	SOFTMAP_A_USER_STATS,

	__SOFTMAP_A_MAX,
	SOFTMAP_A_MAX = __SOFTMAP_A_MAX - 1
};

/**
 * enum softmap_stats_attr - global counters, nested in %SOFTMAP_A_STATS
 *
 * Each is a u64 and mirrors the file of the same name in
 * /sys/kernel/softmap/ (Documentation/ABI/testing/sysfs-kernel-softmap).
 *
 * @SOFTMAP_STATS_A_UNSPEC: unused.
 * @SOFTMAP_STATS_A_PAD: padding for 64-bit attributes.
 * @SOFTMAP_STATS_A_OBJECTS: objects stored.
 * @SOFTMAP_STATS_A_BYTES: bytes of keys and values stored.
 * @SOFTMAP_STATS_A_BYTES_ALLOCATED: memory held: slab pages of the object
 *	caches, out-of-line values and the table's buckets.
 * @SOFTMAP_STATS_A_USERS: users owning at least one object.
 * @SOFTMAP_STATS_A_TABLE_BUCKETS: buckets of the hash table.
 * @SOFTMAP_STATS_A_PUTS: PUT requests that stored an object.
 * @SOFTMAP_STATS_A_GETS: GET requests.
 * @SOFTMAP_STATS_A_HITS: GET requests that found their key.
 * @SOFTMAP_STATS_A_MISSES: GET requests that did not.
 * @SOFTMAP_STATS_A_DELS: objects deleted by DEL or FLUSH.
 * @SOFTMAP_STATS_A_REPLACES: PUT requests that replaced an object.
 * @SOFTMAP_STATS_A_RCU_PENDING_FREES: objects unlinked, waiting for an RCU
 *	grace period to be freed.
 * @SOFTMAP_STATS_A_QUOTA_REJECTIONS: PUTs refused by a quota or max_bytes.
 * @SOFTMAP_STATS_A_EVICTIONS: reclaimable objects evicted, by the shrinker
 *	or by SHRINK.
 * @SOFTMAP_STATS_A_SHRINKER_SCANS: calls of the shrinker's scan callback.
 * @SOFTMAP_STATS_A_SHRINKER_FREED: objects the shrinker's scans evicted.
 * @SOFTMAP_STATS_A_TABLE_SHRINKS: times the table was rehashed smaller:
 *	rebuilds by a reclaim pass, and background shrinks seen.
 * @SOFTMAP_STATS_A_OBJECTS_MOVED: live objects moved by compaction into a
 *	fresh slab cache generation.
 * @SOFTMAP_STATS_A_SLAB_PAGES: pages of the object slab caches that hold
 *	at least one stored object.
 * @SOFTMAP_STATS_A_SLAB_PAGES_RETURNED: slab pages given back to the page
 *	allocator by compaction (pages held before minus after).
 * @__SOFTMAP_STATS_A_MAX: internal use.
 * @SOFTMAP_STATS_A_MAX: highest attribute number.
 */
enum softmap_stats_attr {
	SOFTMAP_STATS_A_UNSPEC,
	SOFTMAP_STATS_A_PAD,
	SOFTMAP_STATS_A_OBJECTS,
	SOFTMAP_STATS_A_BYTES,
	SOFTMAP_STATS_A_BYTES_ALLOCATED,
	SOFTMAP_STATS_A_USERS,
	SOFTMAP_STATS_A_TABLE_BUCKETS,
	SOFTMAP_STATS_A_PUTS,
	SOFTMAP_STATS_A_GETS,
	SOFTMAP_STATS_A_HITS,
	SOFTMAP_STATS_A_MISSES,
	SOFTMAP_STATS_A_DELS,
	SOFTMAP_STATS_A_REPLACES,
	SOFTMAP_STATS_A_RCU_PENDING_FREES,
	SOFTMAP_STATS_A_QUOTA_REJECTIONS,
	SOFTMAP_STATS_A_EVICTIONS,
	SOFTMAP_STATS_A_SHRINKER_SCANS,
	SOFTMAP_STATS_A_SHRINKER_FREED,
	SOFTMAP_STATS_A_TABLE_SHRINKS,
	SOFTMAP_STATS_A_OBJECTS_MOVED,
	SOFTMAP_STATS_A_SLAB_PAGES,
	SOFTMAP_STATS_A_SLAB_PAGES_RETURNED,

	__SOFTMAP_STATS_A_MAX,
	SOFTMAP_STATS_A_MAX = __SOFTMAP_STATS_A_MAX - 1
};

/**
 * enum softmap_user_attr - one user's counters, nested in
 *	%SOFTMAP_A_USER_STATS
 * @SOFTMAP_USER_A_UNSPEC: unused.
 * @SOFTMAP_USER_A_PAD: padding for 64-bit attributes.
 * @SOFTMAP_USER_A_UID: u32, the user, in the initial user namespace.
 * @SOFTMAP_USER_A_OBJECTS: u64, objects the user owns.
 * @SOFTMAP_USER_A_BYTES: u64, bytes of keys and values the user owns.
 * @SOFTMAP_USER_A_QUOTA_REJECTIONS: u64, the user's PUTs refused by a quota.
 * @SOFTMAP_USER_A_EVICTIONS: u64, the user's objects evicted.
 * @__SOFTMAP_USER_A_MAX: internal use.
 * @SOFTMAP_USER_A_MAX: highest attribute number.
 */
enum softmap_user_attr {
	SOFTMAP_USER_A_UNSPEC,
	SOFTMAP_USER_A_PAD,
	SOFTMAP_USER_A_UID,
	SOFTMAP_USER_A_OBJECTS,
	SOFTMAP_USER_A_BYTES,
	SOFTMAP_USER_A_QUOTA_REJECTIONS,
	SOFTMAP_USER_A_EVICTIONS,

	__SOFTMAP_USER_A_MAX,
	SOFTMAP_USER_A_MAX = __SOFTMAP_USER_A_MAX - 1
};

#endif /* _UAPI_LINUX_SOFTMAP_H */
