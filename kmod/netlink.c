// SPDX-License-Identifier: GPL-2.0
/*
 * softmap: the generic netlink family "softmap": policies, operations and
 * the helpers the handlers share.
 *
 * Every operation has its own strict policy: unknown attributes and
 * trailing data are rejected by the core with an extended ack.  Length and
 * range limits live in the policies; the total size of a value, spread
 * over several %SOFTMAP_A_VALUE chunks, is checked by the PUT handler.
 *
 * The genetlink core also checks the header (reserved byte, and no
 * nlmsg_flags beyond REQUEST, ACK, ECHO and DUMP) of every command from
 * resv_start_op on.  PUT takes its mode from NLM_F_CREATE, NLM_F_REPLACE
 * and NLM_F_EXCL, as rtnetlink does, which that check refuses; so
 * resv_start_op is the first command after PUT, and softmap_nl_check_hdr()
 * makes the same check for VERSION and PUT, allowing PUT's three flags.
 *
 * Handlers run without a family lock (parallel_ops) in the sender's
 * context.  The owner a request acts on is the sender's fsuid, or with
 * %SOFTMAP_A_UID another user's, which needs CAP_SYS_ADMIN in the initial
 * user namespace (checked here rather than with GENL_ADMIN_PERM, which
 * asks for CAP_NET_ADMIN).
 */
#include <linux/cred.h>
#include <linux/capability.h>
#include <linux/stringify.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include "compat.h"
#include "softmap.h"

/*
 * Keys and value chunks are checked by a policy function rather than by
 * a length in the policy, so that the error names what is wrong.
 */
static int softmap_validate_key(const struct nlattr *attr,
				struct netlink_ext_ack *extack)
{
	if (nla_len(attr) >= 1 && nla_len(attr) <= SOFTMAP_KEY_MAX)
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "key must be 1 to " __stringify(SOFTMAP_KEY_MAX) " bytes");
	return -EINVAL;
}

static int softmap_validate_chunk(const struct nlattr *attr,
				  struct netlink_ext_ack *extack)
{
	if (nla_len(attr) <= SOFTMAP_VALUE_CHUNK_MAX)
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr, "value chunk longer than "
			    __stringify(SOFTMAP_VALUE_CHUNK_MAX) " bytes");
	return -EINVAL;
}

#define SOFTMAP_KEY_POLICY \
	NLA_POLICY_VALIDATE_FN(NLA_BINARY, softmap_validate_key)

static const struct nla_policy softmap_version_policy[SOFTMAP_A_MAX + 1] = {
};

static const struct nla_policy softmap_put_policy[SOFTMAP_A_MAX + 1] = {
	[SOFTMAP_A_UID]		= { .type = NLA_U32 },
	[SOFTMAP_A_KEY]		= SOFTMAP_KEY_POLICY,
	[SOFTMAP_A_VALUE]	= NLA_POLICY_VALIDATE_FN(NLA_BINARY,
							 softmap_validate_chunk),
	[SOFTMAP_A_FLAGS]	= NLA_POLICY_MASK(NLA_U32, SOFTMAP_F_ALL),
};

static const struct nla_policy softmap_get_policy[SOFTMAP_A_MAX + 1] = {
	[SOFTMAP_A_UID]		= { .type = NLA_U32 },
	[SOFTMAP_A_KEY]		= SOFTMAP_KEY_POLICY,
	[SOFTMAP_A_WANT_VALUES]	= { .type = NLA_FLAG },
};

static const struct nla_policy softmap_del_policy[SOFTMAP_A_MAX + 1] = {
	[SOFTMAP_A_UID]		= { .type = NLA_U32 },
	[SOFTMAP_A_KEY]		= SOFTMAP_KEY_POLICY,
};

static const struct nla_policy softmap_flush_policy[SOFTMAP_A_MAX + 1] = {
	[SOFTMAP_A_UID]		= { .type = NLA_U32 },
	[SOFTMAP_A_ALL]		= { .type = NLA_FLAG },
};

static const struct nla_policy softmap_stats_policy[SOFTMAP_A_MAX + 1] = {
	[SOFTMAP_A_UID]		= { .type = NLA_U32 },
};

static const struct nla_policy softmap_shrink_policy[SOFTMAP_A_MAX + 1] = {
	[SOFTMAP_A_TARGET]	= { .type = NLA_U64 },
};

static const struct genl_ops softmap_ops[] = {
	{
		.cmd		= SOFTMAP_CMD_VERSION,
		.doit		= softmap_nl_version,
		.policy		= softmap_version_policy,
		.maxattr	= SOFTMAP_A_MAX,
	},
	{
		.cmd		= SOFTMAP_CMD_PUT,
		.doit		= softmap_nl_put,
		.policy		= softmap_put_policy,
		.maxattr	= SOFTMAP_A_MAX,
	},
	{
		.cmd		= SOFTMAP_CMD_GET,
		.doit		= softmap_nl_get,
		.start		= softmap_nl_get_start,
		.dumpit		= softmap_nl_get_dump,
		.done		= softmap_nl_get_done,
		.policy		= softmap_get_policy,
		.maxattr	= SOFTMAP_A_MAX,
	},
	{
		.cmd		= SOFTMAP_CMD_DEL,
		.doit		= softmap_nl_del,
		.policy		= softmap_del_policy,
		.maxattr	= SOFTMAP_A_MAX,
	},
	{
		.cmd		= SOFTMAP_CMD_FLUSH,
		.doit		= softmap_nl_flush,
		.policy		= softmap_flush_policy,
		.maxattr	= SOFTMAP_A_MAX,
	},
	{
		.cmd		= SOFTMAP_CMD_STATS,
		.doit		= softmap_nl_stats,
		.start		= softmap_nl_stats_start,
		.dumpit		= softmap_nl_stats_dump,
		.policy		= softmap_stats_policy,
		.maxattr	= SOFTMAP_A_MAX,
	},
	{
		.cmd		= SOFTMAP_CMD_SHRINK,
		.doit		= softmap_nl_shrink,
		.policy		= softmap_shrink_policy,
		.maxattr	= SOFTMAP_A_MAX,
	},
};

struct genl_family softmap_family = {
	.name		= SOFTMAP_FAMILY_NAME,
	.version	= SOFTMAP_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= softmap_ops,
	.n_ops		= ARRAY_SIZE(softmap_ops),
	.resv_start_op	= SOFTMAP_CMD_PUT + 1,
};

/**
 * softmap_nl_check_hdr() - the core's header check, for VERSION and PUT
 * @info: the request.
 * @flags: nlmsg_flags the command accepts beyond REQUEST, ACK and ECHO.
 *
 * Return: 0, or -EINVAL with an extack message.
 */
int softmap_nl_check_hdr(struct genl_info *info, u16 flags)
{
	if (info->genlhdr->reserved) {
		GENL_SET_ERR_MSG(info, "genlmsghdr.reserved field is not 0");
		return -EINVAL;
	}
	if (info->nlhdr->nlmsg_flags &
	    ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO | flags)) {
		GENL_SET_ERR_MSG(info,
				 "ambiguous or reserved bits set in nlmsg_flags");
		return -EINVAL;
	}
	return 0;
}

/**
 * softmap_nl_admin() - check that the sender is an admin
 * @skb: the request.
 * @attr: the attribute that made the request an admin one, or NULL when
 *	the operation itself is.
 * @extack: for the error message.
 *
 * Admin means CAP_SYS_ADMIN in the initial user namespace.
 *
 * Return: true for an admin; false, with an extack message, otherwise.
 */
bool softmap_nl_admin(struct sk_buff *skb, const struct nlattr *attr,
		      struct netlink_ext_ack *extack)
{
	if (netlink_capable(skb, CAP_SYS_ADMIN))
		return true;
	if (attr)
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "attribute needs CAP_SYS_ADMIN in the initial user namespace");
	else
		NL_SET_ERR_MSG(extack,
			       "operation needs CAP_SYS_ADMIN in the initial user namespace");
	return false;
}

/**
 * softmap_nl_owner() - the owner a request acts on
 * @skb: the request.
 * @attrs: its parsed attributes.
 * @extack: for error messages.
 * @owner: set to the owner.
 *
 * The sender's fsuid, or %SOFTMAP_A_UID (a uid in the initial user
 * namespace) for an admin.
 *
 * Return: 0, -EPERM (%SOFTMAP_A_UID from a non-admin) or -EINVAL (a uid
 * that is not valid).
 */
int softmap_nl_owner(struct sk_buff *skb, struct nlattr **attrs,
		     struct netlink_ext_ack *extack, kuid_t *owner)
{
	struct nlattr *a = attrs[SOFTMAP_A_UID];
	kuid_t uid;

	if (!a) {
		*owner = current_fsuid();
		return 0;
	}
	if (!softmap_nl_admin(skb, a, extack))
		return -EPERM;
	uid = make_kuid(&init_user_ns, nla_get_u32(a));
	if (!uid_valid(uid)) {
		NL_SET_ERR_MSG_ATTR(extack, a, "invalid uid");
		return -EINVAL;
	}
	*owner = uid;
	return 0;
}

/**
 * softmap_nl_start_extack() - the extended ack a dump's .start may use
 * @cb: the dump.
 * @local: zeroed; used when the kernel gives .start none.
 *
 * Return: cb->extack, or @local.
 */
struct netlink_ext_ack *softmap_nl_start_extack(struct netlink_callback *cb,
						struct netlink_ext_ack *local)
{
	return cb->extack ? cb->extack : local;
}

/**
 * softmap_nl_start_refuse() - refuse a dump from its .start
 * @cb: the dump.
 * @err: the error.
 * @local: the extended ack from softmap_nl_start_extack().
 * @r: where to record the refusal when it must wait for the dump's first
 *	part (see &struct softmap_nl_refusal).
 *
 * Return: @err to return from .start, or 0 when the refusal was recorded
 * (.start then succeeds and the first part returns it).
 */
int softmap_nl_start_refuse(struct netlink_callback *cb, int err,
			    const struct netlink_ext_ack *local,
			    struct softmap_nl_refusal *r)
{
	if (cb->extack)
		return err;
	r->err = err;
	r->msg = local->_msg;
	return 0;
}

/**
 * softmap_nl_dump_refused() - return a refusal recorded by .start
 * @cb: the dump, in its first part.
 * @r: the refusal, with a non-zero error.
 *
 * Return: the error, its message set in the dump's extended ack.
 */
int softmap_nl_dump_refused(struct netlink_callback *cb,
			    const struct softmap_nl_refusal *r)
{
	/* the message is a literal NL_SET_ERR_MSG() set in .start */
	if (cb->extack)
		cb->extack->_msg = r->msg;
	return r->err;
}

/**
 * softmap_nl_dump_attrs() - the parsed attributes of a dump request
 * @cb: the dump.
 *
 * Return: array indexed by &enum softmap_attr.
 */
struct nlattr **softmap_nl_dump_attrs(struct netlink_callback *cb)
{
	return softmap_genl_dump_attrs(cb);
}

/**
 * softmap_nl_value_size() - message space the chunks of a value take
 * @val_len: value length.
 *
 * Return: bytes of the %SOFTMAP_A_VALUE attributes softmap_nl_put_value()
 * adds: full chunks of %SOFTMAP_VALUE_CHUNK_MAX bytes and the remainder;
 * none for an empty value.
 */
size_t softmap_nl_value_size(u32 val_len)
{
	u32 rem = val_len % SOFTMAP_VALUE_CHUNK_MAX;

	return (size_t)(val_len / SOFTMAP_VALUE_CHUNK_MAX) *
	       nla_total_size(SOFTMAP_VALUE_CHUNK_MAX) +
	       (rem ? nla_total_size(rem) : 0);
}

/**
 * softmap_nl_put_value() - add an object's value as chunks
 * @skb: the message.
 * @obj: the object.
 *
 * Return: 0 or -EMSGSIZE.
 */
int softmap_nl_put_value(struct sk_buff *skb, const struct softmap_obj *obj)
{
	u32 off, n;

	for (off = 0; off < obj->val_len; off += n) {
		n = min_t(u32, obj->val_len - off, SOFTMAP_VALUE_CHUNK_MAX);
		if (nla_put(skb, SOFTMAP_A_VALUE, n, obj->val + off))
			return -EMSGSIZE;
	}
	return 0;
}

/**
 * softmap_nl_version() - SOFTMAP_CMD_VERSION
 * @skb: the request.
 * @info: its parsed form.
 *
 * Return: 0 or a negative errno.
 */
int softmap_nl_version(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = softmap_nl_check_hdr(info, 0);
	if (err)
		return err;
	msg = genlmsg_new(nla_total_size(sizeof(SOFTMAP_VERSION)), GFP_KERNEL);
	if (!msg)
		goto nomem;
	hdr = genlmsg_put_reply(msg, info, &softmap_family, 0,
				SOFTMAP_CMD_VERSION);
	if (!hdr || nla_put_string(msg, SOFTMAP_A_VERSION, SOFTMAP_VERSION)) {
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
 * softmap_nl_init() - register the family
 *
 * Return: 0 or a negative errno.
 */
int softmap_nl_init(void)
{
	return genl_register_family(&softmap_family);
}

/**
 * softmap_nl_exit() - unregister the family
 *
 * Waits for requests in progress; dumps still open hold a module
 * reference, so none is left when the module goes.
 */
void softmap_nl_exit(void)
{
	genl_unregister_family(&softmap_family);
}
