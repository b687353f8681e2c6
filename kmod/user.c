// SPDX-License-Identifier: GPL-2.0
/*
 * softmap: per-owner accounting and the quotas.
 *
 * Each owner has a struct softmap_user in an xarray indexed by its uid in
 * the initial user namespace.  A record is created on the owner's first
 * PUT and kept until unload: objects point at their owner's record without
 * a reference, and a record costs a few dozen bytes per distinct owner (an
 * unprivileged task cannot own objects under more than the uids it may
 * switch to).
 *
 * Reservation is race-free without a lock: a PUT adds its objects and
 * bytes to the owner's and the global counters first, then compares the
 * results with the limits, and takes the addition back when one is
 * exceeded.  Two racing PUTs near a limit may therefore both be refused
 * while either alone would fit, but never both admitted past it.  Whoever
 * unlinks an object gives its share back, so once the store is quiet the
 * counters equal the sum over the objects in the table.
 */
#include <linux/slab.h>
#include <linux/user_namespace.h>
#include <linux/xarray.h>
#include "softmap.h"

static DEFINE_XARRAY(softmap_users);
/* Key and value bytes of all owners; the global max_bytes is on this. */
static atomic_long_t softmap_total_bytes = ATOMIC_LONG_INIT(0);
/* Owners with at least one object. */
static atomic_long_t softmap_active_users = ATOMIC_LONG_INIT(0);
/*
 * Highest softmap_total_bytes since the last compaction (or load): the
 * slab pages a store holds follow its peak, not its current size, so the
 * gap between the two says how much compaction could give back.  A racy
 * maximum: two PUTs may each write theirs; it is an estimate.
 */
static unsigned long softmap_peak_bytes;

/**
 * softmap_user_find() - an owner's record, if any
 * @uid: the owner.
 *
 * Return: the record, or NULL when the owner never stored an object.
 */
struct softmap_user *softmap_user_find(kuid_t uid)
{
	return xa_load(&softmap_users, from_kuid(&init_user_ns, uid));
}

/**
 * softmap_user_get() - an owner's record, created if needed
 * @uid: the owner.
 *
 * Return: the record (valid until unload), or NULL when out of memory.
 */
struct softmap_user *softmap_user_get(kuid_t uid)
{
	unsigned long idx = from_kuid(&init_user_ns, uid);
	struct softmap_user *u, *old;

	u = xa_load(&softmap_users, idx);
	if (u)
		return u;
	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u)
		return NULL;
	u->uid = uid;
	old = xa_cmpxchg(&softmap_users, idx, NULL, u, GFP_KERNEL);
	if (!old)
		return u;
	kfree(u);
	return xa_is_err(old) ? NULL : old;
}

/**
 * softmap_user_next() - iterate over the records
 * @index: in: first uid to look at; out: the uid found.
 *
 * Return: the record at the lowest uid >= *@index, or NULL.
 */
struct softmap_user *softmap_user_next(unsigned long *index)
{
	return xa_find(&softmap_users, index, ULONG_MAX, XA_PRESENT);
}

/* Add to an owner's objects, keep the count of active owners; the sum. */
static long softmap_user_objects(struct softmap_user *u, long delta)
{
	long n = atomic_long_add_return(delta, &u->objects);

	if (delta > 0 && n == delta)
		atomic_long_inc(&softmap_active_users);
	else if (delta < 0 && n == 0)
		atomic_long_dec(&softmap_active_users);
	return n;
}

static int softmap_user_reject(struct softmap_user *u, long objects,
			       long bytes, long gbytes, int err)
{
	if (gbytes)
		atomic_long_sub(gbytes, &softmap_total_bytes);
	if (bytes)
		atomic_long_sub(bytes, &u->bytes);
	if (objects)
		softmap_user_objects(u, -objects);
	atomic_long_inc(&u->quota_rejections);
	softmap_count(SOFTMAP_PC_QUOTA_REJECTIONS, 1);
	return err;
}

/**
 * softmap_user_charge() - reserve objects and bytes against the limits
 * @u: the owner's record.
 * @objects: objects to add: 1 for a new object, 0 for a replacement.
 * @bytes: key and value bytes to add; negative when a replacement shrinks.
 * @extack: for the message naming the limit.
 *
 * A negative @bytes cannot exceed a limit and is applied as is.
 *
 * Return: 0, -EDQUOT (user_max_objects or user_max_bytes) or -ENOSPC
 * (max_bytes); on error nothing stays charged.
 */
int softmap_user_charge(struct softmap_user *u, long objects, long bytes,
			struct netlink_ext_ack *extack)
{
	u64 lim;
	long n;

	if (objects) {
		n = softmap_user_objects(u, objects);
		lim = READ_ONCE(softmap_tun.user_max_objects);
		if ((u64)n > lim) {
			NL_SET_ERR_MSG(extack, "user_max_objects quota reached");
			return softmap_user_reject(u, objects, 0, 0, -EDQUOT);
		}
	}
	if (bytes <= 0) {
		atomic_long_add(bytes, &u->bytes);
		atomic_long_add(bytes, &softmap_total_bytes);
		return 0;
	}
	lim = READ_ONCE(softmap_tun.user_max_bytes);
	n = atomic_long_add_return(bytes, &u->bytes);
	if ((u64)n > lim) {
		NL_SET_ERR_MSG(extack, "user_max_bytes quota reached");
		return softmap_user_reject(u, objects, bytes, 0, -EDQUOT);
	}
	lim = READ_ONCE(softmap_tun.max_bytes);
	n = atomic_long_add_return(bytes, &softmap_total_bytes);
	if ((u64)n > lim) {
		NL_SET_ERR_MSG(extack, "store is full: max_bytes reached");
		return softmap_user_reject(u, objects, bytes, bytes, -ENOSPC);
	}
	if ((unsigned long)n > READ_ONCE(softmap_peak_bytes))
		WRITE_ONCE(softmap_peak_bytes, n);
	return 0;
}

/**
 * softmap_user_uncharge() - give back what softmap_user_charge() took
 * @u: the owner's record.
 * @objects: objects to remove (1 for an unlinked object).
 * @bytes: key and value bytes to remove.
 */
void softmap_user_uncharge(struct softmap_user *u, long objects, long bytes)
{
	atomic_long_sub(bytes, &u->bytes);
	atomic_long_sub(bytes, &softmap_total_bytes);
	if (objects)
		softmap_user_objects(u, -objects);
}

/**
 * softmap_user_total_bytes() - key and value bytes of all owners
 *
 * Return: the sum, including reservations of PUTs in progress.
 */
u64 softmap_user_total_bytes(void)
{
	long n = atomic_long_read(&softmap_total_bytes);

	return n < 0 ? 0 : n;
}

/**
 * softmap_user_peak_bytes() - highest total of key and value bytes since
 *	the last softmap_user_peak_reset()
 *
 * Return: the peak, an estimate (see softmap_peak_bytes).
 */
u64 softmap_user_peak_bytes(void)
{
	return READ_ONCE(softmap_peak_bytes);
}

/**
 * softmap_user_peak_reset() - start a new peak from the current total
 */
void softmap_user_peak_reset(void)
{
	WRITE_ONCE(softmap_peak_bytes, softmap_user_total_bytes());
}

/**
 * softmap_user_count() - owners with at least one object
 *
 * Return: the count.
 */
u64 softmap_user_count(void)
{
	long n = atomic_long_read(&softmap_active_users);

	return n < 0 ? 0 : n;
}

/**
 * softmap_user_init() - nothing to set up; the pair keeps the init order
 *
 * Return: 0.
 */
int softmap_user_init(void)
{
	return 0;
}

/**
 * softmap_user_exit() - free every record
 *
 * Called after the table is emptied: every record is back at zero.
 */
void softmap_user_exit(void)
{
	struct softmap_user *u;
	unsigned long idx;

	xa_for_each(&softmap_users, idx, u) {
		WARN_ON_ONCE(atomic_long_read(&u->objects) ||
			     atomic_long_read(&u->bytes));
		kfree(u);
	}
	xa_destroy(&softmap_users);
	WARN_ON_ONCE(atomic_long_read(&softmap_total_bytes));
}
