// SPDX-License-Identifier: GPL-2.0
/*
 * smraw: softmap requests built by hand with nlraw.  See smraw.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "smraw.h"

/**
 * smraw_msg() - start a softmap request
 * @nl: socket with the family resolved
 * @cmd: &enum softmap_cmd
 * @nlflags: nlmsg_flags beyond NLM_F_REQUEST | NLM_F_ACK
 *
 * Return: the message or NULL.
 */
struct nlraw_msg *smraw_msg(const struct nlraw *nl, uint8_t cmd,
			    uint16_t nlflags)
{
	return nlraw_msg_new(nl->family, cmd, SOFTMAP_FAMILY_VERSION,
			     NLM_F_REQUEST | NLM_F_ACK | nlflags);
}

static int smraw_fail(struct nlraw_ack *ack, int err)
{
	memset(ack, 0, sizeof(*ack));
	ack->offs = -1;
	ack->miss_type = -1;
	ack->err = err;
	return err;
}

/**
 * smraw_put() - PUT @key -> @val, value in SOFTMAP_VALUE_CHUNK_MAX chunks
 * @nl: socket
 * @key: key bytes
 * @klen: sent as it is, even 0 or more than SOFTMAP_KEY_MAX
 * @val: value bytes
 * @vlen: value length
 * @flags: SOFTMAP_A_FLAGS, or SMRAW_NONE to leave it out
 * @nlflags: NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE...
 * @ack: the answer
 *
 * Return: 0 or the kernel's negative errno.
 */
int smraw_put(struct nlraw *nl, const void *key, size_t klen,
	      const void *val, size_t vlen, long flags, uint16_t nlflags,
	      struct nlraw_ack *ack)
{
	struct nlraw_msg *m = smraw_msg(nl, SOFTMAP_CMD_PUT, nlflags);
	int err;

	if (!m)
		return smraw_fail(ack, -ENOMEM);
	err = nlraw_put(m, SOFTMAP_A_KEY, key, klen);
	if (err >= 0 && flags != SMRAW_NONE)
		err = nlraw_put_u32(m, SOFTMAP_A_FLAGS, flags);
	if (err >= 0)
		err = nlraw_put_chunked(m, SOFTMAP_A_VALUE, val, vlen,
					SOFTMAP_VALUE_CHUNK_MAX);
	if (err >= 0)
		err = nlraw_request(nl, m, NULL, NULL, ack);
	else
		smraw_fail(ack, err);
	nlraw_msg_free(m);
	return err;
}

/* An optional u32 attribute: 0 (absent or read), -EBADMSG (wrong size). */
static int smraw_u32(const struct nlattr *a, uint32_t *v, bool *has)
{
	if (!a)
		return 0;
	if (nlraw_len(a) != sizeof(uint32_t))
		return -EBADMSG;
	*v = nlraw_u32(a);
	*has = true;
	return 0;
}

/**
 * smraw_obj_parse() - read one GET reply or dump entry
 * @nlh: the message
 * @o: filled in; smraw_obj_free() it
 *
 * Return: 0, or -EBADMSG when the message is malformed (no key, a key
 * longer than SOFTMAP_KEY_MAX, attributes of the wrong size).
 */
int smraw_obj_parse(const struct nlmsghdr *nlh, struct smraw_obj *o)
{
	const struct nlattr *tb[SOFTMAP_A_MAX + 1];
	ssize_t n;

	memset(o, 0, sizeof(*o));
	if (nlraw_genl_parse(nlh, tb, SOFTMAP_A_MAX))
		return -EBADMSG;
	if (!tb[SOFTMAP_A_KEY] || nlraw_len(tb[SOFTMAP_A_KEY]) > SOFTMAP_KEY_MAX)
		return -EBADMSG;
	o->klen = nlraw_len(tb[SOFTMAP_A_KEY]);
	memcpy(o->key, nlraw_data(tb[SOFTMAP_A_KEY]), o->klen);
	if (tb[SOFTMAP_A_VALUE]) {
		n = nlraw_collect(nlh, SOFTMAP_A_VALUE, &o->val);
		if (n < 0)
			return n;
		o->vlen = n;
		o->has_val = true;
	}
	o->omitted = tb[SOFTMAP_A_VALUE_OMITTED];
	if (smraw_u32(tb[SOFTMAP_A_FLAGS], &o->flags, &o->has_flags) ||
	    smraw_u32(tb[SOFTMAP_A_SIZE], &o->size, &o->has_size) ||
	    smraw_u32(tb[SOFTMAP_A_UID], &o->uid, &o->has_uid))
		goto bad;
	if (tb[SOFTMAP_A_AGE_MS]) {
		if (nlraw_len(tb[SOFTMAP_A_AGE_MS]) != sizeof(uint64_t))
			goto bad;
		o->age_ms = nlraw_u64(tb[SOFTMAP_A_AGE_MS]);
		o->has_age = true;
	}
	return 0;
bad:
	smraw_obj_free(o);
	return -EBADMSG;
}

/** smraw_obj_free() - free the value smraw_obj_parse() copied */
void smraw_obj_free(struct smraw_obj *o)
{
	free(o->val);
	o->val = NULL;
	o->has_val = false;
}

struct smraw_get_ctx {
	struct smraw_obj *o;
	int replies;
};

static int smraw_get_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct smraw_get_ctx *c = arg;

	if (c->replies++)
		return -EPROTO;	/* one reply only */
	return smraw_obj_parse(nlh, c->o);
}

static int smraw_key_req(struct nlraw *nl, uint8_t cmd, const void *key,
			 size_t klen, nlraw_cb cb, void *arg,
			 struct nlraw_ack *ack)
{
	struct nlraw_msg *m = smraw_msg(nl, cmd, 0);
	int err;

	if (!m)
		return smraw_fail(ack, -ENOMEM);
	err = nlraw_put(m, SOFTMAP_A_KEY, key, klen);
	if (err >= 0)
		err = nlraw_request(nl, m, cb, arg, ack);
	else
		smraw_fail(ack, err);
	nlraw_msg_free(m);
	return err;
}

/**
 * smraw_get() - GET @key
 * @nl: socket
 * @key: key bytes
 * @klen: sent as it is
 * @o: the object, on success; smraw_obj_free() it
 * @ack: the answer
 *
 * Return: 0, the kernel's negative errno, -EPROTO when the kernel sent
 * more than one reply or none, or -EBADMSG when the reply was malformed.
 */
int smraw_get(struct nlraw *nl, const void *key, size_t klen,
	      struct smraw_obj *o, struct nlraw_ack *ack)
{
	struct smraw_get_ctx c = { .o = o };
	int err;

	memset(o, 0, sizeof(*o));
	err = smraw_key_req(nl, SOFTMAP_CMD_GET, key, klen, smraw_get_cb, &c,
			    ack);
	if (!err && c.replies != 1)
		err = -EPROTO;
	if (err)
		smraw_obj_free(o);
	return err;
}

/**
 * smraw_del() - DEL @key
 * @nl: socket
 * @key: key bytes
 * @klen: sent as it is
 * @ack: the answer
 *
 * Return: 0 or the kernel's negative errno.
 */
int smraw_del(struct nlraw *nl, const void *key, size_t klen,
	      struct nlraw_ack *ack)
{
	return smraw_key_req(nl, SOFTMAP_CMD_DEL, key, klen, NULL, NULL, ack);
}

static int smraw_count_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[SOFTMAP_A_MAX + 1];

	if (nlraw_genl_parse(nlh, tb, SOFTMAP_A_MAX) ||
	    !tb[SOFTMAP_A_COUNT] || nlraw_len(tb[SOFTMAP_A_COUNT]) != 8)
		return -EBADMSG;
	*(uint64_t *)arg = nlraw_u64(tb[SOFTMAP_A_COUNT]);
	return 0;
}

/**
 * smraw_flush() - FLUSH
 * @nl: socket
 * @uid: SOFTMAP_A_UID, or SMRAW_NONE
 * @all: send SOFTMAP_A_ALL
 * @count: SOFTMAP_A_COUNT of the reply (may be NULL)
 * @ack: the answer
 *
 * Return: 0, the kernel's negative errno, or -EBADMSG when the reply
 * carried no count.
 */
int smraw_flush(struct nlraw *nl, long uid, bool all, uint64_t *count,
		struct nlraw_ack *ack)
{
	struct nlraw_msg *m = smraw_msg(nl, SOFTMAP_CMD_FLUSH, 0);
	uint64_t n = UINT64_MAX;
	int err = 0;

	if (!m)
		return smraw_fail(ack, -ENOMEM);
	if (uid != SMRAW_NONE)
		err = nlraw_put_u32(m, SOFTMAP_A_UID, uid);
	if (err >= 0 && all)
		err = nlraw_put_flag(m, SOFTMAP_A_ALL);
	if (err >= 0)
		err = nlraw_request(nl, m, smraw_count_cb, &n, ack);
	else
		smraw_fail(ack, err);
	nlraw_msg_free(m);
	if (!err && n == UINT64_MAX)
		err = -EBADMSG;
	if (count)
		*count = n;
	return err;
}

struct smraw_dump_ctx {
	smraw_obj_cb cb;
	void *arg;
};

static int smraw_dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct smraw_dump_ctx *c = arg;
	struct smraw_obj o;
	int err;

	err = smraw_obj_parse(nlh, &o);
	if (err)
		return err;
	err = c->cb(&o, c->arg);
	smraw_obj_free(&o);
	return err;
}

/**
 * smraw_dump() - GET with NLM_F_DUMP
 * @nl: socket
 * @uid: SOFTMAP_A_UID, or SMRAW_NONE
 * @values: send SOFTMAP_A_WANT_VALUES
 * @cb: called per entry (a negative return is remembered; the dump is
 *	still read to its end)
 * @arg: passed to @cb
 * @ack: the answer (NLMSG_DONE's errno and extended ack)
 *
 * Return: 0, the kernel's negative errno, -EBADMSG for a malformed entry,
 * or @cb's first negative return.
 */
int smraw_dump(struct nlraw *nl, long uid, bool values, smraw_obj_cb cb,
	       void *arg, struct nlraw_ack *ack)
{
	struct nlraw_msg *m = smraw_msg(nl, SOFTMAP_CMD_GET, NLM_F_DUMP);
	struct smraw_dump_ctx c = { .cb = cb, .arg = arg };
	int err = 0;

	if (!m)
		return smraw_fail(ack, -ENOMEM);
	if (uid != SMRAW_NONE)
		err = nlraw_put_u32(m, SOFTMAP_A_UID, uid);
	if (err >= 0 && values)
		err = nlraw_put_flag(m, SOFTMAP_A_WANT_VALUES);
	if (err >= 0)
		err = nlraw_request(nl, m, smraw_dump_cb, &c, ack);
	else
		smraw_fail(ack, err);
	nlraw_msg_free(m);
	return err;
}
