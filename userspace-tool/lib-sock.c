// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libsoftmap transport: the socket, the family lookup, sending serialized
 * requests, and receiving replies and acks matched to their requests by
 * sequence number, with the kernel's errno and extended-ack text kept
 * exactly.  Receiving peeks at each datagram's size first so that a reply
 * carrying a 1 MiB value is read whole.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <netlink/genl/genl.h>

#include "lib-internal.h"

/* Room for the netlink and genetlink headers of a request. */
#define SM_HDR_SPACE	(NLMSG_HDRLEN + GENL_HDRLEN)
/* Slack for small attributes (flags, uid) on top of a request's payload. */
#define SM_SMALL_ATTRS	64

static const char *const sm_attr_names[] = {
	[SOFTMAP_A_VERSION] = "SOFTMAP_A_VERSION",
	[SOFTMAP_A_UID] = "SOFTMAP_A_UID",
	[SOFTMAP_A_KEY] = "SOFTMAP_A_KEY",
	[SOFTMAP_A_VALUE] = "SOFTMAP_A_VALUE",
	[SOFTMAP_A_FLAGS] = "SOFTMAP_A_FLAGS",
	[SOFTMAP_A_SIZE] = "SOFTMAP_A_SIZE",
	[SOFTMAP_A_AGE_MS] = "SOFTMAP_A_AGE_MS",
	[SOFTMAP_A_WANT_VALUES] = "SOFTMAP_A_WANT_VALUES",
	[SOFTMAP_A_VALUE_OMITTED] = "SOFTMAP_A_VALUE_OMITTED",
	[SOFTMAP_A_ALL] = "SOFTMAP_A_ALL",
	[SOFTMAP_A_COUNT] = "SOFTMAP_A_COUNT",
	[SOFTMAP_A_TARGET] = "SOFTMAP_A_TARGET",
	[SOFTMAP_A_STATS] = "SOFTMAP_A_STATS",
	[SOFTMAP_A_USER_STATS] = "SOFTMAP_A_USER_STATS",
};

SM_API const char *softmap_strerror_ext(const struct softmap *h)
{
	return h ? h->extack : "";
}

SM_API unsigned int softmap_family_version(const struct softmap *h)
{
	return h->family_version;
}

SM_API int softmap_set_uid(struct softmap *h, long uid)
{
	if (uid != -1 && (uid < 0 || uid > (long)UINT32_MAX - 1))
		return -EINVAL;
	h->uid = uid;
	return 0;
}

/**
 * sm_msg_new() - start a request
 * @h: handle (unused today; keeps call sites uniform).
 * @family: generic netlink family id.
 * @cmd: command.
 * @version: family version to claim.
 * @flags: nlmsg_flags besides NLM_F_REQUEST.
 * @payload: attribute bytes the caller will add, beyond small ones.
 *
 * Return: the message, or NULL when out of memory.
 */
struct nl_msg *sm_msg_new(struct softmap *h, uint16_t family, uint8_t cmd,
			  uint8_t version, uint16_t flags, size_t payload)
{
	struct nl_msg *msg;

	(void)h;
	msg = nlmsg_alloc_size(SM_HDR_SPACE + SM_SMALL_ATTRS + payload);
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
			 NLM_F_REQUEST | flags, cmd, version)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/**
 * sm_value_space() - attribute bytes a value of @vlen bytes takes
 * @vlen: value length.
 *
 * Return: the total size of its %SOFTMAP_A_VALUE chunks.
 */
size_t sm_value_space(size_t vlen)
{
	size_t full = vlen / SOFTMAP_VALUE_CHUNK_MAX;
	size_t rest = vlen % SOFTMAP_VALUE_CHUNK_MAX;

	return full * nla_total_size(SOFTMAP_VALUE_CHUNK_MAX) +
	       (rest ? nla_total_size(rest) : 0);
}

/**
 * sm_put_value() - add a value as %SOFTMAP_A_VALUE chunks
 * @msg: request.
 * @val: value bytes.
 * @vlen: value length; 0 adds nothing.
 *
 * Return: 0, or -ENOMEM when @msg lacks room.
 */
int sm_put_value(struct nl_msg *msg, const void *val, size_t vlen)
{
	const unsigned char *p = val;

	while (vlen) {
		size_t n = vlen < SOFTMAP_VALUE_CHUNK_MAX ?
			   vlen : SOFTMAP_VALUE_CHUNK_MAX;

		if (nla_put(msg, SOFTMAP_A_VALUE, (int)n, p) < 0)
			return -ENOMEM;
		p += n;
		vlen -= n;
	}
	return 0;
}

/**
 * sm_attrs() - parse the attributes of a generic netlink reply
 * @nlh: the message.
 * @tb: array of @max + 1 entries, filled.
 * @max: highest attribute type of interest.
 * @policy: libnl policy checking types and lengths, or NULL.
 *
 * Return: 0, or -EPROTO for a malformed message.
 */
int sm_attrs(const struct nlmsghdr *nlh, struct nlattr **tb, int max,
	     const struct nla_policy *policy)
{
	if (nlh->nlmsg_len < SM_HDR_SPACE)
		return -EPROTO;
	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, max,
			  (struct nla_policy *)policy) < 0)
		return -EPROTO;
	return 0;
}

static int sm_tx_reserve(struct softmap *h, size_t len)
{
	unsigned char *p;
	size_t cap;

	if (h->tx_len + len <= h->tx_cap)
		return 0;
	cap = h->tx_cap ? h->tx_cap : 4096;
	while (cap < h->tx_len + len)
		cap *= 2;
	p = realloc(h->tx, cap);
	if (!p)
		return -ENOMEM;
	h->tx = p;
	h->tx_cap = cap;
	return 0;
}

/**
 * sm_queue() - serialize a request into the handle's send buffer
 * @h: handle.
 * @msg: request, consumed (freed) whatever the outcome.
 * @r: tracking state, reset and given the request's sequence number.
 *
 * Return: 0 or -ENOMEM.
 */
int sm_queue(struct softmap *h, struct nl_msg *msg, struct sm_req *r)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int err;

	err = sm_tx_reserve(h, NLMSG_ALIGN(nlh->nlmsg_len));
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	nlh->nlmsg_seq = ++h->seq;
	nlh->nlmsg_pid = 0;
	memcpy(h->tx + h->tx_len, nlh, nlh->nlmsg_len);
	memset(h->tx + h->tx_len + nlh->nlmsg_len, 0,
	       NLMSG_ALIGN(nlh->nlmsg_len) - nlh->nlmsg_len);
	h->tx_len += NLMSG_ALIGN(nlh->nlmsg_len);

	r->seq = nlh->nlmsg_seq;
	/* NLM_F_DUMP is two bits, one of which PUT's NLM_F_EXCL shares. */
	r->dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	r->ends_on_reply = !r->dump && !(nlh->nlmsg_flags & NLM_F_ACK);
	r->done = false;
	r->err = 0;
	r->cb_err = 0;
	r->extack[0] = '\0';
	nlmsg_free(msg);
	return 0;
}

/* Extended-ack attributes after the error code of an ack or NLMSG_DONE. */
static void sm_parse_extack(struct sm_req *r, const struct nlmsghdr *nlh,
			    size_t off)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t plen = nlh->nlmsg_len - NLMSG_HDRLEN;
	const char *msg = NULL;
	size_t n;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= plen)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)NLMSG_DATA(nlh) + off),
		      (int)(plen - off), NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 0) {
		msg = nla_data(tb[NLMSGERR_ATTR_MSG]);
		n = strnlen(msg, nla_len(tb[NLMSGERR_ATTR_MSG]));
		if (n >= sizeof(r->extack))
			n = sizeof(r->extack) - 1;
		memcpy(r->extack, msg, n);
		r->extack[n] = '\0';
	} else if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
		   nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) >= 4) {
		uint32_t t = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);

		if (t < ARRAY_SIZE(sm_attr_names) &&
		    sm_attr_names[t])
			snprintf(r->extack, sizeof(r->extack),
				 "missing attribute %s", sm_attr_names[t]);
		else
			snprintf(r->extack, sizeof(r->extack),
				 "missing attribute %u", t);
	}
}

/* An NLMSG_ERROR (ack) or NLMSG_DONE ends its request. */
static void sm_end_req(struct sm_req *r, const struct nlmsghdr *nlh)
{
	size_t plen = nlh->nlmsg_len - NLMSG_HDRLEN;
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off;
	int error;

	r->done = true;
	if (nlh->nlmsg_type == NLMSG_DONE) {
		if (plen < sizeof(int))
			return;
		memcpy(&error, NLMSG_DATA(nlh), sizeof(int));
		off = sizeof(int);
	} else {
		if (plen < sizeof(*e)) {
			r->err = -EPROTO;
			return;
		}
		error = e->error;
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off = NLMSG_ALIGN(off + e->msg.nlmsg_len - NLMSG_HDRLEN);
	}
	r->err = error > 0 ? -error : error;
	sm_parse_extack(r, nlh, off);
}

/* Receive one datagram into h->rx, sized by peeking first. */
static ssize_t sm_recv(struct softmap *h)
{
	struct sockaddr_nl sa;
	socklen_t salen;
	ssize_t n;

	for (;;) {
		n = recv(h->fd, h->rx, h->rx_cap, MSG_PEEK | MSG_TRUNC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if ((size_t)n > h->rx_cap) {
			size_t cap = h->rx_cap;
			unsigned char *p;

			while (cap < (size_t)n)
				cap *= 2;
			p = realloc(h->rx, cap);
			if (!p)
				return -ENOMEM;
			h->rx = p;
			h->rx_cap = cap;
		}
		salen = sizeof(sa);
		n = recvfrom(h->fd, h->rx, h->rx_cap, 0,
			     (struct sockaddr *)&sa, &salen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		/* Only the kernel speaks to this socket. */
		if (salen == sizeof(sa) && sa.nl_pid == 0)
			return n;
	}
}

static struct sm_req *sm_find(struct sm_req *reqs, size_t n, uint32_t seq)
{
	uint32_t i = seq - reqs[0].seq;

	return i < n && reqs[i].seq == seq ? &reqs[i] : NULL;
}

/* Dispatch one datagram; returns how many requests it ended. */
static size_t sm_dispatch(struct softmap *h, struct sm_req *reqs, size_t n,
			  size_t len)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)h->rx;
	size_t ended = 0;
	int left = (int)len;
	struct sm_req *r;

	for (; NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left)) {
		r = sm_find(reqs, n, nlh->nlmsg_seq);
		/* Stale replies of an abandoned exchange are dropped. */
		if (!r || r->done)
			continue;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			break;
		case NLMSG_OVERRUN:
			r->done = true;
			r->err = -ENOBUFS;
			ended++;
			break;
		case NLMSG_DONE:
		case NLMSG_ERROR:
			sm_end_req(r, nlh);
			ended++;
			break;
		default:
			if (r->handler && !r->cb_err)
				r->cb_err = r->handler(h, r, nlh);
			if (r->ends_on_reply) {
				r->done = true;
				ended++;
			}
			break;
		}
	}
	return ended;
}

/**
 * sm_exchange() - send the handle's queued requests, await every end
 * @h: handle; its send buffer holds exactly @reqs, in order.
 * @reqs: the requests, with consecutive sequence numbers.
 * @n: how many, at least one.
 *
 * Return: 0 when every request ended (each with its own ->err), or a
 * negative errno when sending or receiving failed; requests left without
 * an end then carry that errno.
 */
int sm_exchange(struct softmap *h, struct sm_req *reqs, size_t n)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	size_t left = n;
	ssize_t len;
	int err = 0;
	size_t i;

	len = sendto(h->fd, h->tx, h->tx_len, 0,
		     (struct sockaddr *)&kernel, sizeof(kernel));
	h->tx_len = 0;
	if (len < 0)
		err = -errno;
	while (!err && left) {
		len = sm_recv(h);
		if (len < 0)
			err = (int)len;
		else
			left -= sm_dispatch(h, reqs, n, (size_t)len);
	}
	if (err) {
		for (i = 0; i < n; i++) {
			if (reqs[i].done)
				continue;
			reqs[i].done = true;
			reqs[i].err = err;
		}
	}
	return err;
}

/**
 * sm_do() - send one request and wait for its end
 * @h: handle.
 * @msg: the request, consumed.
 * @handler: consumes the reply's data messages, or NULL.
 * @priv: handler's state.
 *
 * Queued batch requests are sent and reported first.  The request's
 * extended-ack text becomes the handle's.
 *
 * Return: 0, the kernel's negative errno, or the handler's.
 */
int sm_do(struct softmap *h, struct nl_msg *msg, sm_handler handler,
	  void *priv)
{
	struct sm_req r = { .handler = handler, .priv = priv };
	int err;

	h->extack[0] = '\0';
	err = sm_batch_drain(h);
	if (!err)
		err = sm_queue(h, msg, &r);
	else
		nlmsg_free(msg);
	if (err)
		return err;
	sm_exchange(h, &r, 1);
	memcpy(h->extack, r.extack, sizeof(h->extack));
	return r.err ? r.err : r.cb_err;
}

struct sm_family {
	uint16_t id;
	uint32_t version;
};

static int sm_family_reply(struct softmap *h, struct sm_req *r,
			   const struct nlmsghdr *nlh)
{
	static const struct nla_policy pol[CTRL_ATTR_MAX + 1] = {
		[CTRL_ATTR_FAMILY_ID] = { .type = NLA_U16 },
		[CTRL_ATTR_VERSION] = { .type = NLA_U32 },
	};
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct sm_family *f = r->priv;
	int err;

	(void)h;
	err = sm_attrs(nlh, tb, CTRL_ATTR_MAX, pol);
	if (err)
		return err;
	if (!tb[CTRL_ATTR_FAMILY_ID])
		return -EPROTO;
	f->id = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_VERSION])
		f->version = nla_get_u32(tb[CTRL_ATTR_VERSION]);
	return 0;
}

static int sm_resolve(struct softmap *h)
{
	struct sm_family f = { 0 };
	struct nl_msg *msg;
	int err;

	msg = sm_msg_new(h, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_ACK,
			 nla_total_size(sizeof(SOFTMAP_FAMILY_NAME)));
	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, SOFTMAP_FAMILY_NAME)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	err = sm_do(h, msg, sm_family_reply, &f);
	if (err)
		return err;
	if (!f.id)
		return -EPROTO;
	h->family = f.id;
	h->family_version = f.version;
	return 0;
}

/* Ask for @want bytes, forcing past the sysctl cap when allowed. */
static size_t sm_set_buf(int fd, int force_opt, int opt, int want)
{
	socklen_t len = sizeof(want);
	int got = 0;

	if (setsockopt(fd, SOL_SOCKET, force_opt, &want, sizeof(want)))
		setsockopt(fd, SOL_SOCKET, opt, &want, sizeof(want));
	if (getsockopt(fd, SOL_SOCKET, opt, &got, &len) || got <= 0)
		return 0;
	return (size_t)got;
}

SM_API struct softmap *softmap_open(void)
{
	int one = 1;
	struct softmap *h;
	int err;

	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->uid = -1;
	h->rx_cap = 65536;
	h->rx = malloc(h->rx_cap);
	h->sk = nl_socket_alloc();
	if (!h->rx || !h->sk) {
		err = -ENOMEM;
		goto fail;
	}
	nl_socket_enable_msg_peek(h->sk);
	nl_socket_disable_seq_check(h->sk);
	errno = 0;
	if (nl_connect(h->sk, NETLINK_GENERIC) < 0) {
		err = errno ? -errno : -EIO;
		goto fail;
	}
	h->fd = nl_socket_get_fd(h->sk);
	/* The kernel's message with each error, and acks without echoes. */
	setsockopt(h->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(h->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	h->sndbuf = sm_set_buf(h->fd, SO_SNDBUFFORCE, SO_SNDBUF, SM_SNDBUF / 2);
	h->rcvbuf = sm_set_buf(h->fd, SO_RCVBUFFORCE, SO_RCVBUF, SM_RCVBUF / 2);
	/* Unreadable sizes: assume the kernel's defaults. */
	if (!h->sndbuf)
		h->sndbuf = 212992;
	if (!h->rcvbuf)
		h->rcvbuf = 212992;
	err = sm_resolve(h);
	if (err)
		goto fail;
	h->extack[0] = '\0';
	return h;
fail:
	softmap_close(h);
	errno = -err;
	return NULL;
}

SM_API void softmap_close(struct softmap *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->batch.n; i++)
		softmap_object_release(&h->batch.reqs[i].obj);
	if (h->sk)
		nl_socket_free(h->sk);
	free(h->tx);
	free(h->rx);
	free(h);
}
