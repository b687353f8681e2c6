// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsoftmap commands: one builder and one reply parser per command of
 * the softmap family, each a request through sm_do() (lib-sock.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "lib-internal.h"

/* Longest payload a netlink attribute can carry. */
#define SM_NLA_MAX	(0xffff - NLA_HDRLEN)

static const struct nla_policy sm_obj_policy[SOFTMAP_A_MAX + 1] = {
	[SOFTMAP_A_UID] = { .type = NLA_U32 },
	[SOFTMAP_A_FLAGS] = { .type = NLA_U32 },
	[SOFTMAP_A_SIZE] = { .type = NLA_U32 },
	[SOFTMAP_A_AGE_MS] = { .type = NLA_U64 },
	[SOFTMAP_A_COUNT] = { .type = NLA_U64 },
	[SOFTMAP_A_VALUE_OMITTED] = { .type = NLA_FLAG },
	[SOFTMAP_A_VERSION] = { .type = NLA_STRING },
	[SOFTMAP_A_STATS] = { .type = NLA_NESTED },
	[SOFTMAP_A_USER_STATS] = { .type = NLA_NESTED },
};

static struct nl_msg *sm_new(struct softmap *h, uint8_t cmd, uint16_t flags,
			     size_t payload)
{
	return sm_msg_new(h, h->family, cmd, SOFTMAP_FAMILY_VERSION, flags,
			  payload);
}

/* Add %SOFTMAP_A_UID when the handle acts on another owner. */
static int sm_put_uid(struct softmap *h, struct nl_msg *msg)
{
	if (h->uid == -1)
		return 0;
	return nla_put_u32(msg, SOFTMAP_A_UID, (uint32_t)h->uid) ? -ENOMEM : 0;
}

/**
 * sm_build_key() - a request naming one key (GET, DEL)
 * @h: handle.
 * @cmd: command.
 * @key: key bytes.
 * @klen: key length.
 *
 * Return: the request, or NULL with errno set.
 */
struct nl_msg *sm_build_key(struct softmap *h, uint8_t cmd, const void *key,
			    size_t klen)
{
	struct nl_msg *msg;

	if (klen > SM_NLA_MAX) {
		errno = EINVAL;
		return NULL;
	}
	/*
	 * A GET asks for no ack: its reply ends it.  An ack queued behind a
	 * reply larger than the receive buffer would be dropped.
	 */
	msg = sm_new(h, cmd, cmd == SOFTMAP_CMD_GET ? 0 : NLM_F_ACK,
		     nla_total_size(klen));
	if (!msg) {
		errno = ENOMEM;
		return NULL;
	}
	if (nla_put(msg, SOFTMAP_A_KEY, (int)klen, key) || sm_put_uid(h, msg)) {
		nlmsg_free(msg);
		errno = ENOMEM;
		return NULL;
	}
	return msg;
}

/**
 * sm_build_put() - a PUT request
 * @h: handle.
 * @key: key bytes.
 * @klen: key length.
 * @val: value bytes.
 * @vlen: value length.
 * @flags: object flags.
 * @mode: create, replace or both.
 *
 * Return: the request, or NULL with errno set.
 */
struct nl_msg *sm_build_put(struct softmap *h, const void *key, size_t klen,
			    const void *val, size_t vlen, uint32_t flags,
			    enum softmap_put_mode mode)
{
	uint16_t nlflags = NLM_F_ACK;
	struct nl_msg *msg;

	switch (mode) {
	case SOFTMAP_PUT_UPSERT:
		nlflags |= NLM_F_CREATE | NLM_F_REPLACE;
		break;
	case SOFTMAP_PUT_CREATE:
		nlflags |= NLM_F_CREATE | NLM_F_EXCL;
		break;
	case SOFTMAP_PUT_REPLACE:
		nlflags |= NLM_F_REPLACE;
		break;
	default:
		errno = EINVAL;
		return NULL;
	}
	if (klen > SM_NLA_MAX || (vlen && !val) || vlen > (SIZE_MAX >> 2)) {
		errno = EINVAL;
		return NULL;
	}
	msg = sm_new(h, SOFTMAP_CMD_PUT, nlflags,
		     nla_total_size(klen) + sm_value_space(vlen));
	if (!msg) {
		errno = ENOMEM;
		return NULL;
	}
	if (nla_put(msg, SOFTMAP_A_KEY, (int)klen, key) ||
	    sm_put_value(msg, val, vlen) ||
	    nla_put_u32(msg, SOFTMAP_A_FLAGS, flags) || sm_put_uid(h, msg)) {
		nlmsg_free(msg);
		errno = ENOMEM;
		return NULL;
	}
	return msg;
}

/**
 * sm_build_flush() - a FLUSH request
 * @h: handle.
 * @all: every user's objects (%SOFTMAP_A_ALL) rather than one owner's.
 *
 * Return: the request, or NULL with errno set.
 */
struct nl_msg *sm_build_flush(struct softmap *h, bool all)
{
	struct nl_msg *msg;
	int err;

	msg = sm_new(h, SOFTMAP_CMD_FLUSH, NLM_F_ACK, 0);
	if (!msg) {
		errno = ENOMEM;
		return NULL;
	}
	err = all ? nla_put_flag(msg, SOFTMAP_A_ALL) : sm_put_uid(h, msg);
	if (err) {
		nlmsg_free(msg);
		errno = ENOMEM;
		return NULL;
	}
	return msg;
}

/**
 * sm_parse_object() - decode an object from a GET reply or dump entry
 * @nlh: the message.
 * @o: filled; o->value is malloc'd when the message carried value chunks.
 * @omitted: set when the entry carries %SOFTMAP_A_VALUE_OMITTED.
 *
 * o->has_value is set when value chunks are present; callers that know a
 * value was due (GET) set it themselves, since an empty value may travel
 * as no chunk at all.
 *
 * Return: 0, -EPROTO for a malformed message, or -ENOMEM.
 */
int sm_parse_object(const struct nlmsghdr *nlh, struct softmap_object *o,
		    bool *omitted)
{
	struct nlattr *tb[SOFTMAP_A_MAX + 1];
	struct genlmsghdr *ghdr = nlmsg_data(nlh);
	struct nlattr *a;
	size_t total = 0;
	unsigned char *p;
	int rem, err;

	memset(o, 0, sizeof(*o));
	err = sm_attrs(nlh, tb, SOFTMAP_A_MAX, sm_obj_policy);
	if (err)
		return err;
	if (!tb[SOFTMAP_A_KEY] || nla_len(tb[SOFTMAP_A_KEY]) > SOFTMAP_KEY_MAX)
		return -EPROTO;
	o->key_len = (uint32_t)nla_len(tb[SOFTMAP_A_KEY]);
	memcpy(o->key, nla_data(tb[SOFTMAP_A_KEY]), o->key_len);
	if (tb[SOFTMAP_A_FLAGS])
		o->flags = nla_get_u32(tb[SOFTMAP_A_FLAGS]);
	if (tb[SOFTMAP_A_SIZE])
		o->size = nla_get_u32(tb[SOFTMAP_A_SIZE]);
	if (tb[SOFTMAP_A_AGE_MS])
		o->age_ms = nla_get_u64(tb[SOFTMAP_A_AGE_MS]);
	if (tb[SOFTMAP_A_UID]) {
		o->uid = nla_get_u32(tb[SOFTMAP_A_UID]);
		o->has_uid = true;
	}
	*omitted = !!tb[SOFTMAP_A_VALUE_OMITTED];

	nla_for_each_attr(a, genlmsg_attrdata(ghdr, 0),
			  genlmsg_attrlen(ghdr, 0), rem) {
		if (nla_type(a) == SOFTMAP_A_VALUE) {
			total += (size_t)nla_len(a);
			o->has_value = true;
		}
	}
	if (!total)
		return 0;
	p = malloc(total);
	if (!p)
		return -ENOMEM;
	o->value = p;
	o->value_len = total;
	nla_for_each_attr(a, genlmsg_attrdata(ghdr, 0),
			  genlmsg_attrlen(ghdr, 0), rem) {
		if (nla_type(a) == SOFTMAP_A_VALUE) {
			memcpy(p, nla_data(a), (size_t)nla_len(a));
			p += nla_len(a);
		}
	}
	return 0;
}

SM_API void softmap_object_release(struct softmap_object *o)
{
	if (!o)
		return;
	free(o->value);
	o->value = NULL;
	o->value_len = 0;
}

/* The reply of a GET, into *r->priv. */
int sm_get_reply(struct softmap *h, struct sm_req *r,
		 const struct nlmsghdr *nlh)
{
	struct softmap_object *o = r->priv;
	bool omitted;
	int err;

	(void)h;
	softmap_object_release(o);
	err = sm_parse_object(nlh, o, &omitted);
	if (err)
		return err;
	o->has_value = true;
	return 0;
}

SM_API int softmap_put(struct softmap *h, const void *key, size_t klen,
		       const void *val, size_t vlen, uint32_t flags,
		       enum softmap_put_mode mode)
{
	struct nl_msg *msg;

	h->extack[0] = '\0';
	msg = sm_build_put(h, key, klen, val, vlen, flags, mode);
	if (!msg)
		return -errno;
	return sm_do(h, msg, NULL, NULL);
}

SM_API int softmap_get(struct softmap *h, const void *key, size_t klen,
		       struct softmap_object *out)
{
	struct softmap_object o = { 0 };
	struct nl_msg *msg;
	int err;

	h->extack[0] = '\0';
	msg = sm_build_key(h, SOFTMAP_CMD_GET, key, klen);
	if (!msg)
		return -errno;
	err = sm_do(h, msg, sm_get_reply, &o);
	if (!err && !o.key_len)
		err = -EPROTO;	/* acked without a reply */
	if (err) {
		softmap_object_release(&o);
		return err;
	}
	*out = o;
	return 0;
}

SM_API int softmap_del(struct softmap *h, const void *key, size_t klen)
{
	struct nl_msg *msg;

	h->extack[0] = '\0';
	msg = sm_build_key(h, SOFTMAP_CMD_DEL, key, klen);
	if (!msg)
		return -errno;
	return sm_do(h, msg, NULL, NULL);
}

/* Reply carrying %SOFTMAP_A_COUNT (FLUSH, SHRINK) into *r->priv. */
int sm_flush_reply(struct softmap *h, struct sm_req *r,
		   const struct nlmsghdr *nlh)
{
	struct nlattr *tb[SOFTMAP_A_MAX + 1];
	int err;

	(void)h;
	err = sm_attrs(nlh, tb, SOFTMAP_A_MAX, sm_obj_policy);
	if (err)
		return err;
	if (tb[SOFTMAP_A_COUNT])
		*(uint64_t *)r->priv = nla_get_u64(tb[SOFTMAP_A_COUNT]);
	return 0;
}

SM_API int softmap_flush(struct softmap *h, bool all, uint64_t *count)
{
	struct nl_msg *msg;
	uint64_t n = 0;
	int err;

	h->extack[0] = '\0';
	msg = sm_build_flush(h, all);
	if (!msg)
		return -errno;
	err = sm_do(h, msg, sm_flush_reply, &n);
	if (!err && count)
		*count = n;
	return err;
}

SM_API int softmap_shrink(struct softmap *h, uint64_t target,
			  uint64_t *evicted)
{
	struct nl_msg *msg;
	uint64_t n = 0;
	int err;

	h->extack[0] = '\0';
	msg = sm_new(h, SOFTMAP_CMD_SHRINK, NLM_F_ACK, 0);
	if (!msg)
		return -ENOMEM;
	if (target != UINT64_MAX &&
	    nla_put_u64(msg, SOFTMAP_A_TARGET, target)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	err = sm_do(h, msg, sm_flush_reply, &n);
	if (!err && evicted)
		*evicted = n;
	return err;
}

struct sm_version {
	char *buf;
	size_t len;
	bool seen;
};

static int sm_version_reply(struct softmap *h, struct sm_req *r,
			    const struct nlmsghdr *nlh)
{
	struct nlattr *tb[SOFTMAP_A_MAX + 1];
	struct sm_version *v = r->priv;
	int err;

	(void)h;
	err = sm_attrs(nlh, tb, SOFTMAP_A_MAX, sm_obj_policy);
	if (err)
		return err;
	if (!tb[SOFTMAP_A_VERSION])
		return -EPROTO;
	nla_strlcpy(v->buf, tb[SOFTMAP_A_VERSION], v->len);
	v->seen = true;
	return 0;
}

SM_API int softmap_version(struct softmap *h, char *buf, size_t len)
{
	struct sm_version v = { .buf = buf, .len = len };
	struct nl_msg *msg;
	int err;

	if (!len)
		return -EINVAL;
	h->extack[0] = '\0';
	buf[0] = '\0';
	msg = sm_new(h, SOFTMAP_CMD_VERSION, NLM_F_ACK, 0);
	if (!msg)
		return -ENOMEM;
	err = sm_do(h, msg, sm_version_reply, &v);
	if (!err && !v.seen)
		err = -EPROTO;
	return err;
}

/* Keys whose values a dump left out, fetched once it has ended. */
struct sm_list {
	bool values;
	softmap_object_cb cb;
	void *arg;
	struct sm_key {
		unsigned char key[SOFTMAP_KEY_MAX];
		uint32_t len;
	} *later;
	size_t n_later;
	size_t cap_later;
};

static int sm_list_defer(struct sm_list *l, const struct softmap_object *o)
{
	if (l->n_later == l->cap_later) {
		size_t cap = l->cap_later ? 2 * l->cap_later : 16;
		struct sm_key *p = realloc(l->later, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		l->later = p;
		l->cap_later = cap;
	}
	memcpy(l->later[l->n_later].key, o->key, o->key_len);
	l->later[l->n_later].len = o->key_len;
	l->n_later++;
	return 0;
}

static int sm_list_entry(struct softmap *h, struct sm_req *r,
			 const struct nlmsghdr *nlh)
{
	struct sm_list *l = r->priv;
	struct softmap_object o;
	bool omitted;
	int err;

	(void)h;
	err = sm_parse_object(nlh, &o, &omitted);
	if (err)
		return err;
	if (l->values && omitted) {
		softmap_object_release(&o);
		return sm_list_defer(l, &o);
	}
	o.has_value = l->values;
	err = l->cb(&o, l->arg);
	softmap_object_release(&o);
	return err;
}

SM_API int softmap_list(struct softmap *h, bool values, softmap_object_cb cb,
			void *arg)
{
	struct sm_list l = { .values = values, .cb = cb, .arg = arg };
	struct softmap_object o;
	struct nl_msg *msg;
	size_t i;
	int err;

	h->extack[0] = '\0';
	msg = sm_new(h, SOFTMAP_CMD_GET, NLM_F_DUMP, 0);
	if (!msg)
		return -ENOMEM;
	if ((values && nla_put_flag(msg, SOFTMAP_A_WANT_VALUES)) ||
	    sm_put_uid(h, msg)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	err = sm_do(h, msg, sm_list_entry, &l);
	for (i = 0; !err && i < l.n_later; i++) {
		err = softmap_get(h, l.later[i].key, l.later[i].len, &o);
		if (err == -ENOENT) {
			/* Deleted since the dump listed it. */
			err = 0;
			h->extack[0] = '\0';
			continue;
		}
		if (err)
			break;
		err = cb(&o, arg);
		softmap_object_release(&o);
	}
	free(l.later);
	return err;
}

static void sm_parse_user(struct nlattr *nest, struct softmap_user_stats *u)
{
	static const struct nla_policy pol[SOFTMAP_USER_A_MAX + 1] = {
		[SOFTMAP_USER_A_UID] = { .type = NLA_U32 },
		[SOFTMAP_USER_A_OBJECTS] = { .type = NLA_U64 },
		[SOFTMAP_USER_A_BYTES] = { .type = NLA_U64 },
		[SOFTMAP_USER_A_QUOTA_REJECTIONS] = { .type = NLA_U64 },
		[SOFTMAP_USER_A_EVICTIONS] = { .type = NLA_U64 },
	};
	struct nlattr *tb[SOFTMAP_USER_A_MAX + 1];

	memset(u, 0, sizeof(*u));
	if (nla_parse_nested(tb, SOFTMAP_USER_A_MAX, nest,
			     (struct nla_policy *)pol) < 0)
		return;
	if (tb[SOFTMAP_USER_A_UID])
		u->uid = nla_get_u32(tb[SOFTMAP_USER_A_UID]);
	if (tb[SOFTMAP_USER_A_OBJECTS])
		u->objects = nla_get_u64(tb[SOFTMAP_USER_A_OBJECTS]);
	if (tb[SOFTMAP_USER_A_BYTES])
		u->bytes = nla_get_u64(tb[SOFTMAP_USER_A_BYTES]);
	if (tb[SOFTMAP_USER_A_QUOTA_REJECTIONS])
		u->quota_rejections =
			nla_get_u64(tb[SOFTMAP_USER_A_QUOTA_REJECTIONS]);
	if (tb[SOFTMAP_USER_A_EVICTIONS])
		u->evictions = nla_get_u64(tb[SOFTMAP_USER_A_EVICTIONS]);
}

static void sm_parse_global(struct nlattr *nest, struct softmap_stats *s)
{
	struct nlattr *tb[SOFTMAP_STATS_A_MAX + 1];
	struct nla_policy pol[SOFTMAP_STATS_A_MAX + 1];
	uint64_t *field[SOFTMAP_STATS_A_MAX + 1] = {
		[SOFTMAP_STATS_A_OBJECTS] = &s->objects,
		[SOFTMAP_STATS_A_BYTES] = &s->bytes,
		[SOFTMAP_STATS_A_BYTES_ALLOCATED] = &s->bytes_allocated,
		[SOFTMAP_STATS_A_USERS] = &s->users,
		[SOFTMAP_STATS_A_TABLE_BUCKETS] = &s->table_buckets,
		[SOFTMAP_STATS_A_PUTS] = &s->puts,
		[SOFTMAP_STATS_A_GETS] = &s->gets,
		[SOFTMAP_STATS_A_HITS] = &s->hits,
		[SOFTMAP_STATS_A_MISSES] = &s->misses,
		[SOFTMAP_STATS_A_DELS] = &s->dels,
		[SOFTMAP_STATS_A_REPLACES] = &s->replaces,
		[SOFTMAP_STATS_A_RCU_PENDING_FREES] = &s->rcu_pending_frees,
		[SOFTMAP_STATS_A_QUOTA_REJECTIONS] = &s->quota_rejections,
		[SOFTMAP_STATS_A_EVICTIONS] = &s->evictions,
		[SOFTMAP_STATS_A_SHRINKER_SCANS] = &s->shrinker_scans,
		[SOFTMAP_STATS_A_SHRINKER_FREED] = &s->shrinker_freed,
		[SOFTMAP_STATS_A_TABLE_SHRINKS] = &s->table_shrinks,
		[SOFTMAP_STATS_A_OBJECTS_MOVED] = &s->objects_moved,
		[SOFTMAP_STATS_A_SLAB_PAGES] = &s->slab_pages,
		[SOFTMAP_STATS_A_SLAB_PAGES_RETURNED] = &s->slab_pages_returned,
	};
	int i;

	memset(s, 0, sizeof(*s));
	memset(pol, 0, sizeof(pol));
	for (i = SOFTMAP_STATS_A_OBJECTS; i <= SOFTMAP_STATS_A_MAX; i++)
		pol[i].type = NLA_U64;
	if (nla_parse_nested(tb, SOFTMAP_STATS_A_MAX, nest, pol) < 0)
		return;
	for (i = SOFTMAP_STATS_A_OBJECTS; i <= SOFTMAP_STATS_A_MAX; i++)
		if (tb[i] && field[i])
			*field[i] = nla_get_u64(tb[i]);
}

struct sm_stats {
	struct softmap_stats global;
	struct softmap_user_stats mine;
	bool seen;
	softmap_user_cb cb;
	void *arg;
};

static int sm_stats_reply(struct softmap *h, struct sm_req *r,
			  const struct nlmsghdr *nlh)
{
	struct nlattr *tb[SOFTMAP_A_MAX + 1];
	struct sm_stats *st = r->priv;
	int err;

	(void)h;
	err = sm_attrs(nlh, tb, SOFTMAP_A_MAX, sm_obj_policy);
	if (err)
		return err;
	if (!tb[SOFTMAP_A_STATS] && !tb[SOFTMAP_A_USER_STATS])
		return -EPROTO;
	if (tb[SOFTMAP_A_STATS])
		sm_parse_global(tb[SOFTMAP_A_STATS], &st->global);
	if (tb[SOFTMAP_A_USER_STATS])
		sm_parse_user(tb[SOFTMAP_A_USER_STATS], &st->mine);
	st->seen = true;
	return 0;
}

SM_API int softmap_stats(struct softmap *h, struct softmap_stats *global,
			 struct softmap_user_stats *mine)
{
	struct sm_stats st = { 0 };
	struct nl_msg *msg;
	int err;

	h->extack[0] = '\0';
	msg = sm_new(h, SOFTMAP_CMD_STATS, NLM_F_ACK, 0);
	if (!msg)
		return -ENOMEM;
	if (sm_put_uid(h, msg)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	err = sm_do(h, msg, sm_stats_reply, &st);
	if (!err && !st.seen)
		err = -EPROTO;
	if (err)
		return err;
	if (global)
		*global = st.global;
	if (mine)
		*mine = st.mine;
	return 0;
}

static int sm_users_entry(struct softmap *h, struct sm_req *r,
			  const struct nlmsghdr *nlh)
{
	struct nlattr *tb[SOFTMAP_A_MAX + 1];
	struct sm_stats *st = r->priv;
	struct softmap_user_stats u;
	int err;

	(void)h;
	err = sm_attrs(nlh, tb, SOFTMAP_A_MAX, sm_obj_policy);
	if (err)
		return err;
	if (!tb[SOFTMAP_A_USER_STATS])
		return -EPROTO;
	sm_parse_user(tb[SOFTMAP_A_USER_STATS], &u);
	return st->cb(&u, st->arg);
}

SM_API int softmap_users(struct softmap *h, softmap_user_cb cb, void *arg)
{
	struct sm_stats st = { .cb = cb, .arg = arg };
	struct nl_msg *msg;

	h->extack[0] = '\0';
	msg = sm_new(h, SOFTMAP_CMD_STATS, NLM_F_DUMP, 0);
	if (!msg)
		return -ENOMEM;
	return sm_do(h, msg, sm_users_entry, &st);
}
