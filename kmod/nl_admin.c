// SPDX-License-Identifier: GPL-2.0
/*
 * softmap: the store-wide commands: FLUSH, STATS (and its dump of every
 * user) and SHRINK.
 */
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include "softmap.h"

/* A reply holding one u64 (%SOFTMAP_A_COUNT). */
static int softmap_reply_count(struct genl_info *info, u8 cmd, u64 count)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size_64bit(sizeof(u64)), GFP_KERNEL);
	if (!msg)
		goto nomem;
	hdr = genlmsg_put_reply(msg, info, &softmap_family, 0, cmd);
	if (!hdr || nla_put_u64_64bit(msg, SOFTMAP_A_COUNT, count,
				      SOFTMAP_A_PAD)) {
		nlmsg_free(msg);
		goto nomem;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
nomem:
	GENL_SET_ERR_MSG(info, "out of memory for the reply");
	return -ENOMEM;
}

/**
 * softmap_nl_flush() - SOFTMAP_CMD_FLUSH
 * @skb: the request.
 * @info: its parsed form.
 *
 * Return: 0 (a reply with %SOFTMAP_A_COUNT sent) or a negative errno.
 */
int softmap_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *all = info->attrs[SOFTMAP_A_ALL];
	kuid_t owner;
	u64 n;
	int err;

	if (all) {
		if (info->attrs[SOFTMAP_A_UID]) {
			NL_SET_ERR_MSG_ATTR(info->extack, all,
					    "SOFTMAP_A_ALL and SOFTMAP_A_UID exclude each other");
			return -EINVAL;
		}
		if (!softmap_nl_admin(skb, all, info->extack))
			return -EPERM;
		n = softmap_store_flush(NULL);
	} else {
		err = softmap_nl_owner(skb, info->attrs, info->extack, &owner);
		if (err)
			return err;
		n = softmap_store_flush(&owner);
	}
	return softmap_reply_count(info, SOFTMAP_CMD_FLUSH, n);
}

/* Space of one %SOFTMAP_A_USER_STATS nest. */
static size_t softmap_user_stats_size(void)
{
	return nla_total_size(0) +			/* nest */
	       nla_total_size(sizeof(u32)) +		/* UID */
	       4 * nla_total_size_64bit(sizeof(u64));	/* the counters */
}

static int softmap_put_user_stats(struct sk_buff *skb, kuid_t uid,
				  struct softmap_user *u)
{
	struct nlattr *nest;
	u64 objects = 0, bytes = 0, rej = 0, evicted = 0;

	if (u) {
		objects = max(atomic_long_read(&u->objects), 0L);
		bytes = max(atomic_long_read(&u->bytes), 0L);
		rej = atomic_long_read(&u->quota_rejections);
		evicted = atomic_long_read(&u->evictions);
	}
	nest = nla_nest_start(skb, SOFTMAP_A_USER_STATS);
	if (!nest ||
	    nla_put_u32(skb, SOFTMAP_USER_A_UID,
			from_kuid_munged(&init_user_ns, uid)) ||
	    nla_put_u64_64bit(skb, SOFTMAP_USER_A_OBJECTS, objects,
			      SOFTMAP_USER_A_PAD) ||
	    nla_put_u64_64bit(skb, SOFTMAP_USER_A_BYTES, bytes,
			      SOFTMAP_USER_A_PAD) ||
	    nla_put_u64_64bit(skb, SOFTMAP_USER_A_QUOTA_REJECTIONS, rej,
			      SOFTMAP_USER_A_PAD) ||
	    nla_put_u64_64bit(skb, SOFTMAP_USER_A_EVICTIONS, evicted,
			      SOFTMAP_USER_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int softmap_put_global_stats(struct sk_buff *skb)
{
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(skb, SOFTMAP_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < softmap_nr_counters; i++) {
		const struct softmap_counter *c = &softmap_counters[i];

		if (nla_put_u64_64bit(skb, c->attr, softmap_counter_read(c),
				      SOFTMAP_STATS_A_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * softmap_nl_stats() - SOFTMAP_CMD_STATS without NLM_F_DUMP
 * @skb: the request.
 * @info: its parsed form.
 *
 * Return: 0 (a reply sent) or a negative errno.
 */
int softmap_nl_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	kuid_t owner;
	void *hdr;
	int err;

	err = softmap_nl_owner(skb, info->attrs, info->extack, &owner);
	if (err)
		return err;
	msg = genlmsg_new(nla_total_size(0) +
			  softmap_nr_counters *
			  nla_total_size_64bit(sizeof(u64)) +
			  softmap_user_stats_size(), GFP_KERNEL);
	if (!msg)
		goto nomem;
	hdr = genlmsg_put_reply(msg, info, &softmap_family, 0,
				SOFTMAP_CMD_STATS);
	if (!hdr || softmap_put_global_stats(msg) ||
	    softmap_put_user_stats(msg, owner, softmap_user_find(owner))) {
		nlmsg_free(msg);
		goto nomem;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
nomem:
	GENL_SET_ERR_MSG(info, "out of memory for the reply");
	return -ENOMEM;
}

/**
 * struct softmap_stats_dump - state of a STATS dump, in cb->ctx
 * @next: the next uid to look at.
 * @refused: the dump was refused (kernels that give .start no extack).
 */
struct softmap_stats_dump {
	unsigned long next;
	struct softmap_nl_refusal refused;
};

static struct softmap_stats_dump *softmap_stats_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct softmap_stats_dump) > sizeof(cb->ctx));
	return (struct softmap_stats_dump *)cb->ctx;
}

/**
 * softmap_nl_stats_start() - begin a STATS dump (admin only)
 * @cb: the dump.
 *
 * Return: 0 or -EPERM (see &struct softmap_nl_refusal for kernels where
 * it comes from the dump's first part).
 */
int softmap_nl_stats_start(struct netlink_callback *cb)
{
	struct softmap_stats_dump *d = softmap_stats_ctx(cb);
	struct netlink_ext_ack local = {}, *extack;

	memset(d, 0, sizeof(*d));
	extack = softmap_nl_start_extack(cb, &local);
	if (!softmap_nl_admin(cb->skb, NULL, extack))
		return softmap_nl_start_refuse(cb, -EPERM, &local,
					       &d->refused);
	return 0;
}

/**
 * softmap_nl_stats_dump() - the next part of a STATS dump
 * @skb: the message to fill.
 * @cb: the dump.
 *
 * One message per user owning at least one object, in uid order.
 *
 * Return: the message length (0 ends the dump) or a negative errno.
 */
int softmap_nl_stats_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct softmap_stats_dump *d = softmap_stats_ctx(cb);
	unsigned long idx = d->next;
	struct softmap_user *u;
	void *hdr;

	if (d->refused.err)
		return softmap_nl_dump_refused(cb, &d->refused);
	while ((u = softmap_user_next(&idx))) {
		if (atomic_long_read(&u->objects) > 0) {
			hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, &softmap_family,
					  NLM_F_MULTI, SOFTMAP_CMD_STATS);
			if (!hdr)
				break;
			if (softmap_put_user_stats(skb, u->uid, u)) {
				genlmsg_cancel(skb, hdr);
				break;
			}
			genlmsg_end(skb, hdr);
		}
		if (idx == ULONG_MAX)
			break;
		idx++;
	}
	d->next = idx;
	return skb->len;
}

/**
 * softmap_nl_shrink() - SOFTMAP_CMD_SHRINK (admin only)
 * @skb: the request.
 * @info: its parsed form.
 *
 * Runs softmap_reclaim(): evicts reclaimable objects, oldest first, until
 * the store holds at most %SOFTMAP_A_TARGET bytes (none without it), then
 * compacts the slab caches and shrinks a sparse table.
 *
 * Return: 0 (a reply with %SOFTMAP_A_COUNT, the objects evicted, sent) or
 * a negative errno.
 */
int softmap_nl_shrink(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *target = info->attrs[SOFTMAP_A_TARGET];
	u64 n;

	if (!softmap_nl_admin(skb, NULL, info->extack))
		return -EPERM;
	n = softmap_reclaim(SOFTMAP_SHRINK_CMD, !!target,
			    target ? nla_get_u64(target) : 0);
	return softmap_reply_count(info, SOFTMAP_CMD_SHRINK, n);
}
