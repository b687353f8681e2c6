/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nlraw: hand-made generic netlink messages for softmap's selftests.
 *
 * libsoftmap only ever builds well-formed requests.  The selftests also
 * send what a well-behaved client never would (oversized, wrong-typed,
 * unknown or missing attributes, odd nlmsg_flags, several requests in one
 * sendmsg()) and must see exactly what the kernel answered: the errno and
 * the extended ack (the message, the offset of the offending attribute,
 * the type of a missing one).  nlraw is a plain socket, a growable message
 * buffer and an ack parser, with no library in between.
 *
 * Every function returns 0 (or a non-negative value) on success and a
 * negative errno on failure; nothing here exits or asserts.
 */
#ifndef SOFTMAP_SELFTEST_NLRAW_H
#define SOFTMAP_SELFTEST_NLRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>

/** struct nlraw - a generic netlink socket bound to one family */
struct nlraw {
	int fd;
	uint16_t family;	/* the family's id, 0 when none resolved */
	uint32_t version;	/* the family's version */
	uint32_t portid;
	uint32_t seq;		/* last sequence number used */
};

/** struct nlraw_msg - one request being built */
struct nlraw_msg {
	struct nlmsghdr *nlh;	/* the message, nlh->nlmsg_len bytes */
	size_t cap;		/* bytes allocated at nlh */
	size_t nest[8];		/* offsets of the open nests */
	unsigned int depth;
};

/** struct nlraw_ack - how the kernel answered one request */
struct nlraw_ack {
	int err;		/* 0 or a negative errno */
	char msg[256];		/* NLMSGERR_ATTR_MSG, "" when absent */
	int offs;		/* NLMSGERR_ATTR_OFFS, -1 when absent */
	int miss_type;		/* NLMSGERR_ATTR_MISS_TYPE, -1 when absent */
};

/*
 * Called for every reply message that is neither an ack nor the end of a
 * dump.  The message is valid only during the call: copy what is needed.
 * A negative return is remembered and returned by nlraw_recv() once the
 * reply has been read to its end.
 */
typedef int (*nlraw_cb)(const struct nlmsghdr *nlh, void *arg);

int nlraw_open(struct nlraw *nl, const char *family);
int nlraw_resolve(struct nlraw *nl, const char *name, uint16_t *id,
		  uint32_t *version);
void nlraw_close(struct nlraw *nl);

struct nlraw_msg *nlraw_msg_new(uint16_t type, uint8_t cmd, uint8_t version,
				uint16_t flags);
void nlraw_msg_free(struct nlraw_msg *m);
int nlraw_put(struct nlraw_msg *m, uint16_t type, const void *data,
	      size_t len);
int nlraw_put_u16(struct nlraw_msg *m, uint16_t type, uint16_t v);
int nlraw_put_u32(struct nlraw_msg *m, uint16_t type, uint32_t v);
int nlraw_put_u64(struct nlraw_msg *m, uint16_t type, uint64_t v);
int nlraw_put_flag(struct nlraw_msg *m, uint16_t type);
int nlraw_put_chunked(struct nlraw_msg *m, uint16_t type, const void *data,
		      size_t len, size_t chunk);
int nlraw_nest_start(struct nlraw_msg *m, uint16_t type);
void nlraw_nest_end(struct nlraw_msg *m);

int nlraw_send(struct nlraw *nl, struct nlraw_msg **msgs, unsigned int n);
int nlraw_recv(struct nlraw *nl, uint32_t seq, nlraw_cb cb, void *arg,
	       struct nlraw_ack *ack);
int nlraw_request(struct nlraw *nl, struct nlraw_msg *m, nlraw_cb cb,
		  void *arg, struct nlraw_ack *ack);

/* Reading replies. */
int nlraw_parse(const void *data, size_t len, const struct nlattr **tb,
		unsigned int max);
int nlraw_genl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb,
		     unsigned int max);
const void *nlraw_data(const struct nlattr *a);
size_t nlraw_len(const struct nlattr *a);
uint32_t nlraw_u32(const struct nlattr *a);
uint64_t nlraw_u64(const struct nlattr *a);
ssize_t nlraw_collect(const struct nlmsghdr *nlh, uint16_t type, void **buf);

#endif /* SOFTMAP_SELFTEST_NLRAW_H */
