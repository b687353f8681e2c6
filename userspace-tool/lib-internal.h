/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsoftmap internals: the handle, requests in flight and the transport
 * shared by lib-sock.c (socket, send, receive, acks), lib-ops.c (one
 * function per command) and lib-batch.c (pipelined requests).
 *
 * Every request is serialized into h->tx (several of them back to back in
 * a batch), sent with one sendto() and tracked by a struct sm_req until
 * its terminating message arrives: the ack (NLMSG_ERROR) of a do request,
 * or NLMSG_DONE (or an NLMSG_ERROR refusing to start) of a dump.  Data
 * messages in between go to the request's handler.
 */
#ifndef LIBSOFTMAP_INTERNAL_H
#define LIBSOFTMAP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "libsoftmap.h"

#define SM_API __attribute__((visibility("default")))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Longest extended-ack text kept, NUL included. */
#define SM_EXTACK_MAX		512
/* Most requests in one batch window. */
#define SM_WINDOW_MAX		128
/* Socket buffers asked for (the kernel doubles them for bookkeeping). */
#define SM_SNDBUF		(4 << 20)
#define SM_RCVBUF		(8 << 20)

struct sm_req;

/**
 * typedef sm_handler - consumes one data message of a request
 * @h: handle.
 * @r: the request the message answers.
 * @nlh: the message (a reply of the request's family).
 *
 * Return: 0, or a negative errno, which is recorded in @r->cb_err; later
 * data messages of the request are then dropped.
 */
typedef int (*sm_handler)(struct softmap *h, struct sm_req *r,
			  const struct nlmsghdr *nlh);

/**
 * struct sm_req - one request in flight
 * @seq: its sequence number.
 * @dump: sent with NLM_F_DUMP, ends with NLMSG_DONE.
 * @ends_on_reply: sent without NLM_F_ACK: its one reply ends it.
 * @done: its terminating message arrived.
 * @err: 0 or the kernel's negative errno (or the transport's).
 * @cb_err: 0 or a handler's negative return.
 * @extack: the kernel's extended-ack text, "" if none.
 * @handler: consumes data messages, or NULL to ignore them.
 * @priv: handler's state.
 * @op: batch: kind of request.
 * @cookie: batch: caller's cookie.
 * @obj: batch GET: the object received.
 * @has_obj: batch GET: @obj is set.
 * @count: batch FLUSH: objects deleted.
 * @rx_cost: batch: bytes of receive buffer its replies may take.
 */
struct sm_req {
	uint32_t seq;
	bool dump;
	bool ends_on_reply;
	bool done;
	int err;
	int cb_err;
	char extack[SM_EXTACK_MAX];
	sm_handler handler;
	void *priv;

	enum softmap_op op;
	void *cookie;
	struct softmap_object obj;
	bool has_obj;
	uint64_t count;
	size_t rx_cost;
};

/**
 * struct sm_batch - the open batch of a handle
 * @open: softmap_batch_begin() was called.
 * @cb: result callback.
 * @arg: its argument.
 * @reqs: queued requests, all serialized in the handle's tx buffer.
 * @n: number of queued requests.
 * @rx_used: sum of their @rx_cost.
 * @get_cost: receive-buffer bytes budgeted for one GET reply.
 */
struct sm_batch {
	bool open;
	softmap_result_cb cb;
	void *arg;
	struct sm_req reqs[SM_WINDOW_MAX];
	size_t n;
	size_t rx_used;
	size_t get_cost;
};

/**
 * struct softmap - an open handle
 * @sk: libnl socket.
 * @fd: its file descriptor.
 * @family: generic netlink family id of "softmap".
 * @family_version: version the kernel registered the family with.
 * @seq: last sequence number used.
 * @uid: owner to act on (%SOFTMAP_A_UID), or -1.
 * @sndbuf: the socket's send buffer, as the kernel accounts it.
 * @rcvbuf: the socket's receive buffer, likewise.
 * @tx: serialized requests waiting to be sent.
 * @tx_len: bytes used in @tx.
 * @tx_cap: bytes allocated for @tx.
 * @rx: receive buffer.
 * @rx_cap: bytes allocated for @rx.
 * @extack: extended-ack text of the last request.
 * @batch: the open batch, if any.
 */
struct softmap {
	struct nl_sock *sk;
	int fd;
	uint16_t family;
	unsigned int family_version;
	uint32_t seq;
	long uid;
	size_t sndbuf;
	size_t rcvbuf;
	unsigned char *tx;
	size_t tx_len;
	size_t tx_cap;
	unsigned char *rx;
	size_t rx_cap;
	char extack[SM_EXTACK_MAX];
	struct sm_batch batch;
};

/* lib-sock.c */
struct nl_msg *sm_msg_new(struct softmap *h, uint16_t family, uint8_t cmd,
			  uint8_t version, uint16_t flags, size_t payload);
int sm_queue(struct softmap *h, struct nl_msg *msg, struct sm_req *r);
int sm_exchange(struct softmap *h, struct sm_req *reqs, size_t n);
int sm_do(struct softmap *h, struct nl_msg *msg, sm_handler handler,
	  void *priv);
int sm_put_value(struct nl_msg *msg, const void *val, size_t vlen);
size_t sm_value_space(size_t vlen);
int sm_attrs(const struct nlmsghdr *nlh, struct nlattr **tb, int max,
	     const struct nla_policy *policy);

/* lib-ops.c */
int sm_get_reply(struct softmap *h, struct sm_req *r,
		 const struct nlmsghdr *nlh);
int sm_parse_object(const struct nlmsghdr *nlh, struct softmap_object *o,
		    bool *omitted);
struct nl_msg *sm_build_put(struct softmap *h, const void *key, size_t klen,
			    const void *val, size_t vlen, uint32_t flags,
			    enum softmap_put_mode mode);
struct nl_msg *sm_build_key(struct softmap *h, uint8_t cmd, const void *key,
			    size_t klen);
struct nl_msg *sm_build_flush(struct softmap *h, bool all);
int sm_flush_reply(struct softmap *h, struct sm_req *r,
		   const struct nlmsghdr *nlh);

/* lib-batch.c */
int sm_batch_drain(struct softmap *h);

#endif /* LIBSOFTMAP_INTERNAL_H */
