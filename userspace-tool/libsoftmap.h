/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsoftmap: a small C library over libnl-genl-3 for the generic netlink
 * family "softmap" (uapi/linux/softmap.h).
 *
 * Conventions, for every function below unless it says otherwise:
 *
 * - A call returns 0 on success or a negative errno.  When the kernel
 *   refused the request, it is the kernel's errno exactly (not libnl's
 *   -NLE_* codes), and softmap_strerror_ext() returns the kernel's
 *   extended-ack message for it.
 * - Keys are 1..%SOFTMAP_KEY_MAX bytes and binary-safe; values are
 *   0..%SOFTMAP_VALUE_MAX bytes (the kernel's max_value_size tunable is
 *   the limit in force).  The library splits values into
 *   %SOFTMAP_VALUE_CHUNK_MAX chunks and reassembles them on receipt.
 *   Lengths and flags are checked by the kernel, not here, so that a bad
 *   one comes back with the kernel's errno and message; only a key that
 *   no netlink attribute can carry (over 65531 bytes) is refused locally
 *   with -EINVAL.
 * - A handle is one netlink socket and is not thread-safe: use one handle
 *   per thread.  A callback (listing, users, batch results) must not call
 *   the library on the handle it was called for: the reply it is given
 *   lives in the handle's receive buffer.
 *
 * Socket buffers: softmap_open() raises the socket's send and receive
 * buffers with SO_SNDBUFFORCE/SO_RCVBUFFORCE (CAP_NET_ADMIN), falling back
 * to SO_SNDBUF/SO_RCVBUF, which the kernel caps at net.core.wmem_max and
 * net.core.rmem_max.  A request must fit in the send buffer, so an
 * unprivileged caller on a default system (wmem_max 212992, doubled by
 * the kernel) can PUT values up to about 400 KiB only; larger PUTs fail
 * with -EMSGSIZE unless net.core.wmem_max is raised.  Replies of any size
 * (up to a 1 MiB value) are received whole.
 *
 * Example:
 *
 *	struct softmap *h = softmap_open();
 *	struct softmap_object o;
 *
 *	if (!h)
 *		err(1, "softmap_open");	// ENOENT: module not loaded
 *	if (softmap_put(h, "k", 1, "v", 1, 0, SOFTMAP_PUT_UPSERT) < 0 ||
 *	    softmap_get(h, "k", 1, &o) < 0)
 *		errx(1, "%s", softmap_strerror_ext(h));
 *	softmap_object_release(&o);
 *	softmap_close(h);
 */
#ifndef LIBSOFTMAP_H
#define LIBSOFTMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/softmap.h>

#ifdef __cplusplus
extern "C" {
#endif

/** struct softmap - an open handle (opaque) */
struct softmap;

/**
 * struct softmap_object - one object, as GET or a dump returns it
 * @key: the key's bytes (not NUL-terminated; @key_len bytes are valid).
 * @key_len: length of @key, 1..%SOFTMAP_KEY_MAX.
 * @value: the value's bytes, or NULL when @has_value is false or the value
 *	is empty.  From softmap_get() it is malloc'd and freed by
 *	softmap_object_release(); in a callback it is valid only during the
 *	call.
 * @value_len: bytes in @value.
 * @has_value: the reply carried the value (always for GET; for a listing
 *	only when values were asked for).
 * @size: the value's size in bytes as the kernel reports it
 *	(%SOFTMAP_A_SIZE); equals @value_len when @has_value.
 * @flags: &enum softmap_obj_flags.
 * @age_ms: milliseconds since the object was stored.
 * @uid: the owner, when @has_uid.
 * @has_uid: the reply named the owner (%SOFTMAP_A_UID).
 */
struct softmap_object {
	unsigned char key[SOFTMAP_KEY_MAX];
	uint32_t key_len;
	void *value;
	size_t value_len;
	bool has_value;
	uint32_t size;
	uint32_t flags;
	uint64_t age_ms;
	uint32_t uid;
	bool has_uid;
};

/**
 * struct softmap_stats - global counters (&enum softmap_stats_attr)
 *
 * Each member mirrors the /sys/kernel/softmap/ file of the same name;
 * a counter the kernel did not report reads 0.
 */
struct softmap_stats {
	uint64_t objects;
	uint64_t bytes;
	uint64_t bytes_allocated;
	uint64_t users;
	uint64_t table_buckets;
	uint64_t puts;
	uint64_t gets;
	uint64_t hits;
	uint64_t misses;
	uint64_t dels;
	uint64_t replaces;
	uint64_t rcu_pending_frees;
	uint64_t quota_rejections;
	uint64_t evictions;
	uint64_t shrinker_scans;
	uint64_t shrinker_freed;
	uint64_t table_shrinks;
	uint64_t objects_moved;
	uint64_t slab_pages;
	uint64_t slab_pages_returned;
};

/**
 * struct softmap_user_stats - one user's counters (&enum softmap_user_attr)
 * @uid: the user, in the initial user namespace.
 * @objects: objects the user owns.
 * @bytes: bytes of keys and values the user owns.
 * @quota_rejections: the user's PUTs refused by a quota.
 * @evictions: the user's reclaimable objects evicted, by memory pressure
 *	or by SHRINK.
 */
struct softmap_user_stats {
	uint32_t uid;
	uint64_t objects;
	uint64_t bytes;
	uint64_t quota_rejections;
	uint64_t evictions;
};

/**
 * enum softmap_put_mode - what a PUT may do
 * @SOFTMAP_PUT_UPSERT: create the key or replace it (NLM_F_CREATE |
 *	NLM_F_REPLACE).
 * @SOFTMAP_PUT_CREATE: create only; -EEXIST when present (NLM_F_CREATE |
 *	NLM_F_EXCL).
 * @SOFTMAP_PUT_REPLACE: replace only; -ENOENT when absent (NLM_F_REPLACE).
 */
enum softmap_put_mode {
	SOFTMAP_PUT_UPSERT,
	SOFTMAP_PUT_CREATE,
	SOFTMAP_PUT_REPLACE,
};

/**
 * softmap_open() - open a handle on the softmap family
 *
 * Creates a generic netlink socket, enables NETLINK_EXT_ACK and
 * NETLINK_CAP_ACK, sizes its buffers and resolves the family.
 *
 * Return: the handle, or NULL with errno set: ENOENT when the family is
 * absent (the module is not loaded), otherwise the socket's error.
 */
struct softmap *softmap_open(void);

/**
 * softmap_close() - close a handle
 * @h: handle from softmap_open(), or NULL.
 *
 * An open batch is abandoned: its pending requests get no result.
 */
void softmap_close(struct softmap *h);

/**
 * softmap_strerror_ext() - the kernel's message for the last call
 * @h: handle.
 *
 * Return: the extended-ack text the kernel attached to the last reply
 * (usually explaining an error), or "" if none.  Valid until the next call
 * on @h.
 */
const char *softmap_strerror_ext(const struct softmap *h);

/**
 * softmap_errno_name() - symbolic name of an errno
 * @err: errno, positive or negative.
 *
 * Return: "ENOENT" and the like, or "E?" for a value it does not know.
 */
const char *softmap_errno_name(int err);

/**
 * softmap_family_version() - version of the family the kernel registered
 * @h: handle.
 *
 * Return: the generic netlink family version (%SOFTMAP_FAMILY_VERSION for
 * the kernel this header matches).
 */
unsigned int softmap_family_version(const struct softmap *h);

/**
 * softmap_set_uid() - choose the owner later requests act on (admin)
 * @h: handle.
 * @uid: -1 to act as the caller (the default), otherwise a uid in the
 *	initial user namespace, sent as %SOFTMAP_A_UID with every later
 *	PUT, GET, DEL, FLUSH (unless @all), STATS and listing, queued or
 *	not.  The kernel refuses it (-EPERM) unless the caller has
 *	CAP_SYS_ADMIN.
 *
 * Return: 0, or -EINVAL when @uid is neither -1 nor a valid u32.
 */
int softmap_set_uid(struct softmap *h, long uid);

/**
 * softmap_version() - the module's version string
 * @h: handle.
 * @buf: receives the NUL-terminated version (truncated to fit).
 * @len: size of @buf, at least 1.
 *
 * Return: 0 or a negative errno.
 */
int softmap_version(struct softmap *h, char *buf, size_t len);

/**
 * softmap_put() - store an object
 * @h: handle.
 * @key: key bytes.
 * @klen: key length, 1..%SOFTMAP_KEY_MAX.
 * @val: value bytes (may be NULL when @vlen is 0).
 * @vlen: value length, 0..%SOFTMAP_VALUE_MAX.
 * @flags: &enum softmap_obj_flags.
 * @mode: &enum softmap_put_mode.
 *
 * Return: 0, or a negative errno: -EEXIST, -ENOENT (see @mode), -EDQUOT
 * (a per-user quota), -ENOSPC (global max_bytes), -EMSGSIZE (the request
 * does not fit the socket's send buffer), -EINVAL or -E2BIG (bad length
 * or flags, with the kernel's message) or another kernel error.
 */
int softmap_put(struct softmap *h, const void *key, size_t klen,
		const void *val, size_t vlen, uint32_t flags,
		enum softmap_put_mode mode);

/**
 * softmap_get() - look an object up
 * @h: handle.
 * @key: key bytes.
 * @klen: key length, 1..%SOFTMAP_KEY_MAX.
 * @out: filled on success; release it with softmap_object_release().
 *	Untouched on failure.
 *
 * Return: 0, -ENOENT when absent, or another negative errno.
 */
int softmap_get(struct softmap *h, const void *key, size_t klen,
		struct softmap_object *out);

/**
 * softmap_object_release() - free what softmap_get() allocated in @o
 * @o: object, or NULL.
 */
void softmap_object_release(struct softmap_object *o);

/**
 * softmap_del() - delete an object
 * @h: handle.
 * @key: key bytes.
 * @klen: key length, 1..%SOFTMAP_KEY_MAX.
 *
 * Return: 0, -ENOENT when absent, or another negative errno.
 */
int softmap_del(struct softmap *h, const void *key, size_t klen);

/**
 * softmap_flush() - delete many objects
 * @h: handle.
 * @all: delete every user's objects (admin); otherwise the caller's, or
 *	those of the uid set with softmap_set_uid().
 * @count: if not NULL, receives the number of objects deleted.
 *
 * Return: 0 or a negative errno.
 */
int softmap_flush(struct softmap *h, bool all, uint64_t *count);

/**
 * typedef softmap_object_cb - called once per listed object
 * @o: the object; its storage is valid only during the call.
 * @arg: the caller's argument.
 *
 * Return: 0 to go on, or a negative errno to stop the listing, which then
 * returns that value.
 */
typedef int (*softmap_object_cb)(const struct softmap_object *o, void *arg);

/**
 * softmap_list() - list the caller's objects (GET dump)
 * @h: handle.
 * @values: also report values.  Entries whose value did not fit in a dump
 *	message (%SOFTMAP_A_VALUE_OMITTED) are fetched with a GET once the
 *	dump has ended and are reported after the others; one deleted
 *	meanwhile is left out.
 * @cb: called for each object.
 * @arg: passed to @cb.
 *
 * Lists the objects of the uid set with softmap_set_uid() when there is
 * one (admin).  As the kernel documents, an object present for the whole
 * listing is reported at least once and may be reported twice.
 *
 * Return: 0, a negative errno from the kernel, or @cb's negative return.
 */
int softmap_list(struct softmap *h, bool values, softmap_object_cb cb,
		 void *arg);

/**
 * softmap_stats() - global counters and one user's
 * @h: handle.
 * @global: if not NULL, receives the global counters.
 * @mine: if not NULL, receives the caller's counters (or those of the uid
 *	set with softmap_set_uid()).
 *
 * Return: 0 or a negative errno.
 */
int softmap_stats(struct softmap *h, struct softmap_stats *global,
		  struct softmap_user_stats *mine);

/**
 * typedef softmap_user_cb - called once per user by softmap_users()
 * @u: the user's counters, valid only during the call.
 * @arg: the caller's argument.
 *
 * Return: 0 to go on, or a negative errno to stop.
 */
typedef int (*softmap_user_cb)(const struct softmap_user_stats *u, void *arg);

/**
 * softmap_users() - every user's counters (STATS dump, admin)
 * @h: handle.
 * @cb: called for each user owning objects.
 * @arg: passed to @cb.
 *
 * Return: 0, a negative errno (-EPERM for an unprivileged caller), or
 * @cb's negative return.
 */
int softmap_users(struct softmap *h, softmap_user_cb cb, void *arg);

/**
 * softmap_shrink() - reclaim now, as memory pressure would (admin)
 * @h: handle.
 * @target: evict reclaimable objects until the store holds at most this
 *	many bytes; UINT64_MAX to evict none (the kernel's default).
 * @evicted: if not NULL, receives the number of objects evicted.
 *
 * Return: 0 or a negative errno.
 */
int softmap_shrink(struct softmap *h, uint64_t target, uint64_t *evicted);

/*
 * Batches: many requests per sendmsg(), each with its own sequence number
 * and its own ack, matched by sequence number.  Requests are queued and
 * sent in windows sized so that the requests fit the send buffer and the
 * replies fit the receive buffer; results are reported in queue order.
 */

/**
 * enum softmap_op - request kinds in a batch
 * @SOFTMAP_OP_PUT: softmap_batch_put().
 * @SOFTMAP_OP_GET: softmap_batch_get().
 * @SOFTMAP_OP_DEL: softmap_batch_del().
 * @SOFTMAP_OP_FLUSH: softmap_batch_flush().
 */
enum softmap_op {
	SOFTMAP_OP_PUT,
	SOFTMAP_OP_GET,
	SOFTMAP_OP_DEL,
	SOFTMAP_OP_FLUSH,
};

/**
 * struct softmap_result - the outcome of one batched request
 * @cookie: the cookie given when the request was queued.
 * @op: the request's kind.
 * @err: 0 or the kernel's negative errno for this request.
 * @extack: the kernel's extended-ack text for this request, "" if none.
 * @obj: for a successful GET, the object (storage valid only during the
 *	callback); NULL otherwise.
 * @count: for a successful FLUSH, the number of objects deleted.
 */
struct softmap_result {
	void *cookie;
	enum softmap_op op;
	int err;
	const char *extack;
	const struct softmap_object *obj;
	uint64_t count;
};

/**
 * typedef softmap_result_cb - receives each batched request's result
 * @r: the result, valid only during the call.
 * @arg: the argument given to softmap_batch_begin().
 */
typedef void (*softmap_result_cb)(const struct softmap_result *r, void *arg);

/**
 * softmap_batch_begin() - start queueing requests
 * @h: handle.
 * @cb: called once per queued request, in queue order, as results arrive.
 * @arg: passed to @cb.
 *
 * While a batch is open, any of the single-request calls above (and
 * softmap_batch_sync()) first sends what is queued and reports its
 * results, so results and calls stay in program order.
 *
 * Return: 0, -EBUSY when a batch is already open, or -EINVAL when @cb is
 * NULL.
 */
int softmap_batch_begin(struct softmap *h, softmap_result_cb cb, void *arg);

/**
 * softmap_batch_put() - queue a PUT
 * @h: handle with an open batch.
 * @key: key bytes (copied).
 * @klen: key length.
 * @val: value bytes (copied).
 * @vlen: value length.
 * @flags: &enum softmap_obj_flags.
 * @mode: &enum softmap_put_mode.
 * @cookie: reported back in the request's &struct softmap_result.
 *
 * The request is built at once, with the uid set by softmap_set_uid() at
 * this moment.  Queueing may first send a full window and report its
 * results.
 *
 * Return: 0 when queued: its result will be reported.  Otherwise a
 * negative errno, and the request was not queued and gets no result:
 * -EINVAL (bad argument), -ENOMEM, -EMSGSIZE (larger than the send
 * buffer), -EBADF (no open batch), or the errno with which sending the
 * previous window failed (its requests were reported with it).
 */
int softmap_batch_put(struct softmap *h, const void *key, size_t klen,
		      const void *val, size_t vlen, uint32_t flags,
		      enum softmap_put_mode mode, void *cookie);

/**
 * softmap_batch_get() - queue a GET
 * @h: handle with an open batch.
 * @key: key bytes (copied).
 * @klen: key length.
 * @cookie: reported back in the result, whose @obj holds the object.
 *
 * Return: as softmap_batch_put().
 */
int softmap_batch_get(struct softmap *h, const void *key, size_t klen,
		      void *cookie);

/**
 * softmap_batch_del() - queue a DEL
 * @h: handle with an open batch.
 * @key: key bytes (copied).
 * @klen: key length.
 * @cookie: reported back in the result.
 *
 * Return: as softmap_batch_put().
 */
int softmap_batch_del(struct softmap *h, const void *key, size_t klen,
		      void *cookie);

/**
 * softmap_batch_flush() - queue a FLUSH
 * @h: handle with an open batch.
 * @all: as for softmap_flush().
 * @cookie: reported back in the result, whose @count is set.
 *
 * Return: as softmap_batch_put().
 */
int softmap_batch_flush(struct softmap *h, bool all, void *cookie);

/**
 * softmap_batch_sync() - send everything queued and report every result
 * @h: handle with an open batch.
 *
 * Return: 0 when every request got its result (each of which may be an
 * error), -EBADF when no batch is open, or a negative errno when the
 * exchange itself failed (e.g. -ENOBUFS); requests without a reply are
 * then reported with that error.
 */
int softmap_batch_sync(struct softmap *h);

/**
 * softmap_batch_end() - sync and close the batch
 * @h: handle with an open batch.
 *
 * Return: as softmap_batch_sync().
 */
int softmap_batch_end(struct softmap *h);

#ifdef __cplusplus
}
#endif

#endif /* LIBSOFTMAP_H */
