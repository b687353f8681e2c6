/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smraw: softmap requests built by hand with nlraw, for the selftests that
 * must control every byte sent (lengths the library would refuse to send,
 * nlmsg_flags it never sets) or read every attribute received.
 *
 * Each request carries NLM_F_REQUEST | NLM_F_ACK; the caller's nlmsg_flags
 * are added.  Each function returns 0 or the negative errno the kernel
 * answered, with the extended ack in @ack.
 */
#ifndef SOFTMAP_SELFTEST_SMRAW_H
#define SOFTMAP_SELFTEST_SMRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/softmap.h>

#include "nlraw.h"

/* No SOFTMAP_A_UID / SOFTMAP_A_FLAGS in the request. */
#define SMRAW_NONE	(-1L)

/** struct smraw_obj - one object of a GET reply or a dump entry */
struct smraw_obj {
	unsigned char key[SOFTMAP_KEY_MAX + 1];
	size_t klen;
	void *val;		/* malloc()ed when @has_val; see smraw_obj_free */
	size_t vlen;
	bool has_val;
	bool omitted;		/* SOFTMAP_A_VALUE_OMITTED */
	bool has_flags, has_size, has_age, has_uid;
	uint32_t flags;
	uint32_t size;
	uint64_t age_ms;
	uint32_t uid;
};

typedef int (*smraw_obj_cb)(const struct smraw_obj *o, void *arg);

struct nlraw_msg *smraw_msg(const struct nlraw *nl, uint8_t cmd,
			    uint16_t nlflags);
int smraw_put(struct nlraw *nl, const void *key, size_t klen,
	      const void *val, size_t vlen, long flags, uint16_t nlflags,
	      struct nlraw_ack *ack);
int smraw_get(struct nlraw *nl, const void *key, size_t klen,
	      struct smraw_obj *o, struct nlraw_ack *ack);
int smraw_del(struct nlraw *nl, const void *key, size_t klen,
	      struct nlraw_ack *ack);
int smraw_flush(struct nlraw *nl, long uid, bool all, uint64_t *count,
		struct nlraw_ack *ack);
int smraw_dump(struct nlraw *nl, long uid, bool values, smraw_obj_cb cb,
	       void *arg, struct nlraw_ack *ack);
int smraw_obj_parse(const struct nlmsghdr *nlh, struct smraw_obj *o);
void smraw_obj_free(struct smraw_obj *o);

#endif /* SOFTMAP_SELFTEST_SMRAW_H */
