// SPDX-License-Identifier: GPL-2.0
/*
 * softmap: the object commands: PUT, GET (and its dump) and DEL.
 *
 * A value travels as %SOFTMAP_A_VALUE chunks of at most
 * %SOFTMAP_VALUE_CHUNK_MAX bytes, concatenated in message order.  PUT
 * walks the whole message for them (info->attrs keeps only the last of a
 * repeated attribute); replies split the value again into full chunks and
 * a remainder, and size the reply from the value.
 */
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include "softmap.h"

/* Attributes of an object besides its value, in a reply. */
static size_t softmap_obj_msg_size(const struct softmap_obj *obj)
{
	return nla_total_size(obj->key_len) +		/* KEY */
	       nla_total_size(sizeof(u32)) +		/* UID */
	       nla_total_size(sizeof(u32)) +		/* FLAGS */
	       nla_total_size(sizeof(u32)) +		/* SIZE */
	       nla_total_size_64bit(sizeof(u64)) +	/* AGE_MS */
	       nla_total_size(0);			/* VALUE_OMITTED */
}

static int softmap_obj_fill(struct sk_buff *skb, const struct softmap_obj *obj,
			    bool value)
{
	u64 age = jiffies64_to_msecs(get_jiffies_64() - obj->stored);

	if (nla_put(skb, SOFTMAP_A_KEY, obj->key_len, softmap_obj_key(obj)) ||
	    nla_put_u32(skb, SOFTMAP_A_UID,
			from_kuid_munged(&init_user_ns, obj->uid)) ||
	    nla_put_u32(skb, SOFTMAP_A_FLAGS, obj->flags) ||
	    nla_put_u32(skb, SOFTMAP_A_SIZE, obj->val_len) ||
	    nla_put_u64_64bit(skb, SOFTMAP_A_AGE_MS, age, SOFTMAP_A_PAD))
		return -EMSGSIZE;
	if (value)
		return softmap_nl_put_value(skb, obj);
	return nla_put_flag(skb, SOFTMAP_A_VALUE_OMITTED);
}

/* A missing key: the ack names the attribute and says so in words. */
static bool softmap_nl_need_key(struct genl_info *info)
{
	if (!GENL_REQ_ATTR_CHECK(info, SOFTMAP_A_KEY))
		return false;
	GENL_SET_ERR_MSG(info, "missing key (SOFTMAP_A_KEY)");
	return true;
}

/* Sum of the %SOFTMAP_A_VALUE chunks, or -E2BIG past max_value_size. */
static long softmap_put_value_len(struct genl_info *info)
{
	u64 max = READ_ONCE(softmap_tun.max_value_size);
	const struct nlattr *nla;
	u64 len = 0;
	int rem;

	nla_for_each_attr(nla, nlmsg_attrdata(info->nlhdr, GENL_HDRLEN),
			  nlmsg_attrlen(info->nlhdr, GENL_HDRLEN), rem) {
		if (nla_type(nla) != SOFTMAP_A_VALUE)
			continue;
		len += nla_len(nla);
		if (len > max) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "value larger than max_value_size");
			return -E2BIG;
		}
	}
	return len;
}

static void softmap_put_value_copy(struct genl_info *info, u8 *dst)
{
	const struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, nlmsg_attrdata(info->nlhdr, GENL_HDRLEN),
			  nlmsg_attrlen(info->nlhdr, GENL_HDRLEN), rem) {
		if (nla_type(nla) != SOFTMAP_A_VALUE)
			continue;
		memcpy(dst, nla_data(nla), nla_len(nla));
		dst += nla_len(nla);
	}
}

/**
 * softmap_nl_put() - SOFTMAP_CMD_PUT
 * @skb: the request.
 * @info: its parsed form.
 *
 * Return: 0 or a negative errno (see &enum softmap_cmd).
 */
int softmap_nl_put(struct sk_buff *skb, struct genl_info *info)
{
	u16 nlflags = info->nlhdr->nlmsg_flags;
	struct nlattr **attrs = info->attrs;
	struct softmap_user *user;
	struct softmap_obj *obj;
	unsigned int mode = 0;
	bool replaced;
	long val_len;
	kuid_t owner;
	u32 flags;
	int err, gen;

	err = softmap_nl_check_hdr(info, NLM_F_CREATE | NLM_F_REPLACE |
				   NLM_F_EXCL);
	if (err)
		return err;
	if (softmap_nl_need_key(info))
		return -EINVAL;
	err = softmap_nl_owner(skb, attrs, info->extack, &owner);
	if (err)
		return err;
	if (nlflags & NLM_F_CREATE)
		mode |= SOFTMAP_PUT_CREATE;
	if ((nlflags & NLM_F_REPLACE) && !(nlflags & NLM_F_EXCL))
		mode |= SOFTMAP_PUT_REPLACE;
	flags = attrs[SOFTMAP_A_FLAGS] ? nla_get_u32(attrs[SOFTMAP_A_FLAGS]) : 0;
	val_len = softmap_put_value_len(info);
	if (val_len < 0)
		return val_len;

	user = softmap_user_get(owner);
	if (!user)
		goto nomem;
	/* the object is allocated and linked in one cache generation */
	gen = softmap_obj_gen_lock();
	obj = softmap_obj_alloc(owner, nla_data(attrs[SOFTMAP_A_KEY]),
				nla_len(attrs[SOFTMAP_A_KEY]), val_len, flags);
	if (!obj) {
		softmap_obj_gen_unlock(gen);
		goto nomem;
	}
	obj->user = user;
	softmap_put_value_copy(info, obj->val);

	err = softmap_store_put(obj, mode, &replaced, info->extack);
	if (err)
		softmap_obj_free_now(obj);
	softmap_obj_gen_unlock(gen);
	if (err)
		return err;
	softmap_count(SOFTMAP_PC_PUTS, 1);
	if (replaced)
		softmap_count(SOFTMAP_PC_REPLACES, 1);
	return 0;
nomem:
	GENL_SET_ERR_MSG(info, "out of memory for the object");
	return -ENOMEM;
}

/* Owner and key of a GET or DEL request. */
static int softmap_nl_key(struct sk_buff *skb, struct genl_info *info,
			  struct softmap_key *key)
{
	struct nlattr *a = info->attrs[SOFTMAP_A_KEY];
	int err;

	if (softmap_nl_need_key(info))
		return -EINVAL;
	err = softmap_nl_owner(skb, info->attrs, info->extack, &key->uid);
	if (err)
		return err;
	key->len = nla_len(a);
	key->data = nla_data(a);
	return 0;
}

/**
 * softmap_nl_get() - SOFTMAP_CMD_GET without NLM_F_DUMP
 * @skb: the request.
 * @info: its parsed form.
 *
 * Return: 0 (a reply sent) or a negative errno (-ENOENT when absent).
 */
int softmap_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct softmap_key key;
	struct softmap_obj *obj;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = softmap_nl_key(skb, info, &key);
	if (err)
		return err;
	softmap_count(SOFTMAP_PC_GETS, 1);
	obj = softmap_store_lookup(&key);
	if (!obj) {
		softmap_count(SOFTMAP_PC_MISSES, 1);
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SOFTMAP_A_KEY],
				    "key not found");
		return -ENOENT;
	}
	softmap_count(SOFTMAP_PC_HITS, 1);

	err = -ENOMEM;
	msg = genlmsg_new(softmap_obj_msg_size(obj) +
			  softmap_nl_value_size(obj->val_len), GFP_KERNEL);
	if (!msg)
		goto out;
	hdr = genlmsg_put_reply(msg, info, &softmap_family, 0, SOFTMAP_CMD_GET);
	if (!hdr || softmap_obj_fill(msg, obj, true)) {
		/* the size above covers every attribute */
		WARN_ON_ONCE(hdr);
		nlmsg_free(msg);
		goto out;
	}
	genlmsg_end(msg, hdr);
	softmap_obj_put(obj);
	return genlmsg_reply(msg, info);
out:
	softmap_obj_put(obj);
	GENL_SET_ERR_MSG(info, "out of memory for the reply");
	return err;
}

/**
 * softmap_nl_del() - SOFTMAP_CMD_DEL
 * @skb: the request.
 * @info: its parsed form.
 *
 * Return: 0 or a negative errno (-ENOENT when absent).
 */
int softmap_nl_del(struct sk_buff *skb, struct genl_info *info)
{
	struct softmap_key key;
	int err;

	err = softmap_nl_key(skb, info, &key);
	if (err)
		return err;
	err = softmap_store_del(&key);
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SOFTMAP_A_KEY],
				    "key not found");
	return err;
}

/**
 * struct softmap_dump - state of a GET dump, allocated in .start
 * @walk: position in the table.
 * @owner: whose objects are listed; fixed when the dump starts, since
 *	later parts of a dump run in the context of whoever reads.
 * @values: %SOFTMAP_A_WANT_VALUES was set.
 * @refused: the dump was refused (kernels that give .start no extack).
 */
struct softmap_dump {
	struct softmap_walk walk;
	kuid_t owner;
	bool values;
	struct softmap_nl_refusal refused;
};

static struct softmap_dump **softmap_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct softmap_dump *) > sizeof(cb->ctx));
	return (struct softmap_dump **)cb->ctx;
}

/**
 * softmap_nl_get_start() - begin a GET dump
 * @cb: the dump.
 *
 * Return: 0, -EPERM (%SOFTMAP_A_UID from a non-admin), -EINVAL or -ENOMEM
 * (see &struct softmap_nl_refusal for kernels where the first two come
 * from the dump's first part).
 */
int softmap_nl_get_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = softmap_nl_dump_attrs(cb);
	struct netlink_ext_ack local = {}, *extack;
	struct softmap_dump *d;
	int err;

	extack = softmap_nl_start_extack(cb, &local);
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d) {
		NL_SET_ERR_MSG(extack, "out of memory for the dump");
		return -ENOMEM;
	}
	err = softmap_nl_owner(cb->skb, attrs, extack, &d->owner);
	if (err) {
		err = softmap_nl_start_refuse(cb, err, &local, &d->refused);
		if (err) {
			kfree(d);
			return err;
		}
	}
	d->values = nla_get_flag(attrs[SOFTMAP_A_WANT_VALUES]);
	softmap_walk_enter(&d->walk);
	*softmap_dump_ctx(cb) = d;
	return 0;
}

/*
 * One entry.  An entry that does not fit in the rest of the message waits
 * for the next one; one that does not fit in an empty message with its
 * value goes without it, marked %SOFTMAP_A_VALUE_OMITTED.
 */
static int softmap_dump_one(struct sk_buff *skb, struct netlink_callback *cb,
			    const struct softmap_obj *obj, bool values)
{
	size_t need = nlmsg_total_size(GENL_HDRLEN + softmap_obj_msg_size(obj));
	bool value = values;
	void *hdr;

	if (value && need + softmap_nl_value_size(obj->val_len) >
		     skb_tailroom(skb)) {
		if (skb->len)
			return -EMSGSIZE;
		value = false;
	}
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &softmap_family, NLM_F_MULTI, SOFTMAP_CMD_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (softmap_obj_fill(skb, obj, value)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/**
 * softmap_nl_get_dump() - the next part of a GET dump
 * @skb: the message to fill.
 * @cb: the dump.
 *
 * Return: the message length (0 ends the dump) or a negative errno.
 */
int softmap_nl_get_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct softmap_dump *d = *softmap_dump_ctx(cb);
	struct softmap_obj *obj;

	if (d->refused.err)
		return softmap_nl_dump_refused(cb, &d->refused);
	softmap_walk_start(&d->walk);
	while ((obj = softmap_walk_next(&d->walk))) {
		if (!uid_eq(obj->uid, d->owner))
			continue;
		if (softmap_dump_one(skb, cb, obj, d->values)) {
			d->walk.pending = true;
			break;
		}
	}
	softmap_walk_stop(&d->walk);
	return skb->len;
}

/**
 * softmap_nl_get_done() - end a GET dump
 * @cb: the dump.
 *
 * Return: 0.
 */
int softmap_nl_get_done(struct netlink_callback *cb)
{
	struct softmap_dump *d = *softmap_dump_ctx(cb);

	softmap_walk_exit(&d->walk);
	kfree(d);
	return 0;
}
