// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsoftmap batches: requests queued back to back in the send buffer and
 * sent as windows, each window in one sendmsg() and each request with its
 * own sequence number and its own ack or reply.
 *
 * The kernel handles a whole window inside that one sendmsg(), before the
 * caller can read anything, so every reply and ack of a window must fit
 * in the socket's receive buffer at once or the kernel drops it (and
 * reports ENOBUFS).  A window therefore closes when its requests would
 * overflow the send buffer, when the replies budgeted for them would
 * overflow the receive buffer, or at %SM_WINDOW_MAX requests.  A GET is
 * budgeted at the largest reply max_value_size allows; a reply alone in
 * an empty queue is always accepted, so one GET fits any buffer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib-internal.h"

/* Receive-buffer bytes (skb truesize) budgeted for an ack or error. */
#define SM_ACK_COST	2048
/* Where the kernel publishes the value size limit in force. */
#define SM_MAX_VALUE_FILE "/sys/kernel/softmap/max_value_size"

/*
 * A GET reply's truesize: the value, the key and headers, in a buffer the
 * kernel rounds up to a power of two, so at most twice that.
 */
static size_t sm_get_cost(void)
{
	unsigned long long v = SOFTMAP_VALUE_MAX;
	FILE *f = fopen(SM_MAX_VALUE_FILE, "re");

	if (f) {
		if (fscanf(f, "%llu", &v) != 1 || v > SOFTMAP_VALUE_MAX)
			v = SOFTMAP_VALUE_MAX;
		fclose(f);
	}
	return 2 * ((size_t)v + SOFTMAP_KEY_MAX + 2048);
}

SM_API int softmap_batch_begin(struct softmap *h, softmap_result_cb cb,
			       void *arg)
{
	struct sm_batch *b = &h->batch;

	if (b->open)
		return -EBUSY;
	if (!cb)
		return -EINVAL;
	memset(b, 0, sizeof(*b));
	b->open = true;
	b->cb = cb;
	b->arg = arg;
	b->get_cost = sm_get_cost();
	return 0;
}

/* Send the queued window and report each request's result, in order. */
static int sm_batch_window(struct softmap *h)
{
	struct sm_batch *b = &h->batch;
	struct softmap_result res;
	struct sm_req *r;
	size_t i, n = b->n;
	int err;

	err = sm_exchange(h, b->reqs, n);
	b->n = 0;
	b->rx_used = 0;
	for (i = 0; i < n; i++) {
		r = &b->reqs[i];
		memset(&res, 0, sizeof(res));
		res.cookie = r->cookie;
		res.op = r->op;
		res.err = r->err ? r->err : r->cb_err;
		res.extack = r->extack;
		if (!res.err && r->op == SOFTMAP_OP_GET) {
			if (r->obj.key_len)
				res.obj = &r->obj;
			else
				res.err = -EPROTO;
		}
		if (!res.err && r->op == SOFTMAP_OP_FLUSH)
			res.count = r->count;
		memcpy(h->extack, r->extack, sizeof(h->extack));
		b->cb(&res, b->arg);
		softmap_object_release(&r->obj);
	}
	return err;
}

/**
 * sm_batch_drain() - send what a batch queued, if anything
 * @h: handle.
 *
 * Return: 0, or the transport's negative errno (see softmap_batch_sync()).
 */
int sm_batch_drain(struct softmap *h)
{
	if (!h->batch.open || !h->batch.n)
		return 0;
	return sm_batch_window(h);
}

static int sm_batch_add(struct softmap *h, struct nl_msg *msg,
			enum softmap_op op, void *cookie, size_t rx_cost)
{
	struct sm_batch *b = &h->batch;
	size_t len, room;
	struct sm_req *r;
	int err;

	if (!msg)
		return -errno;
	if (!b->open) {
		nlmsg_free(msg);
		return -EBADF;
	}
	/* netlink_sendmsg() refuses more than the send buffer less 32. */
	room = h->sndbuf > 32 ? h->sndbuf - 32 : 0;
	len = NLMSG_ALIGN(nlmsg_hdr(msg)->nlmsg_len);
	if (len > room) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	if (b->n && (b->n == SM_WINDOW_MAX || h->tx_len + len > room ||
		     b->rx_used + rx_cost > h->rcvbuf)) {
		err = sm_batch_window(h);
		if (err) {
			nlmsg_free(msg);
			return err;
		}
	}
	r = &b->reqs[b->n];
	memset(r, 0, sizeof(*r));
	r->op = op;
	r->cookie = cookie;
	r->rx_cost = rx_cost;
	if (op == SOFTMAP_OP_GET) {
		r->handler = sm_get_reply;
		r->priv = &r->obj;
	} else if (op == SOFTMAP_OP_FLUSH) {
		r->handler = sm_flush_reply;
		r->priv = &r->count;
	}
	err = sm_queue(h, msg, r);
	if (err)
		return err;
	b->n++;
	b->rx_used += rx_cost;
	return 0;
}

SM_API int softmap_batch_put(struct softmap *h, const void *key, size_t klen,
			     const void *val, size_t vlen, uint32_t flags,
			     enum softmap_put_mode mode, void *cookie)
{
	return sm_batch_add(h, sm_build_put(h, key, klen, val, vlen, flags,
					    mode),
			    SOFTMAP_OP_PUT, cookie, SM_ACK_COST);
}

SM_API int softmap_batch_get(struct softmap *h, const void *key, size_t klen,
			     void *cookie)
{
	return sm_batch_add(h, sm_build_key(h, SOFTMAP_CMD_GET, key, klen),
			    SOFTMAP_OP_GET, cookie, h->batch.get_cost);
}

SM_API int softmap_batch_del(struct softmap *h, const void *key, size_t klen,
			     void *cookie)
{
	return sm_batch_add(h, sm_build_key(h, SOFTMAP_CMD_DEL, key, klen),
			    SOFTMAP_OP_DEL, cookie, SM_ACK_COST);
}

SM_API int softmap_batch_flush(struct softmap *h, bool all, void *cookie)
{
	/* A reply with the count, then the ack. */
	return sm_batch_add(h, sm_build_flush(h, all), SOFTMAP_OP_FLUSH,
			    cookie, 2 * SM_ACK_COST);
}

SM_API int softmap_batch_sync(struct softmap *h)
{
	if (!h->batch.open)
		return -EBADF;
	return sm_batch_drain(h);
}

SM_API int softmap_batch_end(struct softmap *h)
{
	int err = softmap_batch_sync(h);

	if (err == -EBADF)
		return err;
	h->batch.open = false;
	return err;
}
