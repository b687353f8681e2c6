/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smset: sets of many checksummed objects, stored, checked and deleted
 * with libsoftmap batches, for the selftests that need thousands of
 * objects and must tell afterwards exactly which are still there and
 * intact.
 *
 * Object i of a set has the key "<prefix><i>" and the value
 * sm_fill(vlen, seed + i), with the set's flags.  A GET finds it intact
 * only with that length, those bytes and those flags.
 *
 * Include after sm_test.h (sm_fill() and sm_check() come from there).
 * Functions return 0 when every request got its result (each of which is
 * tallied) and a negative errno when the exchange itself failed.
 */
#ifndef SOFTMAP_SELFTEST_SMSET_H
#define SOFTMAP_SELFTEST_SMSET_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* EXPECT_LIBOK(h, expr): as sm_test.h's ASSERT_LIBOK, going on after. */
#define EXPECT_LIBOK(h, expr) do {					\
	int __r = (expr);						\
									\
	EXPECT_EQ(0, __r)						\
		TH_LOG("%s: %s: %s", #expr, strerror(-__r),		\
		       softmap_strerror_ext(h));			\
} while (0)

/** struct sm_set - a set of objects */
struct sm_set {
	const char *prefix;
	long n;
	size_t vlen;
	uint32_t flags;
	uint64_t seed;
};

/** struct sm_tally - what a batch of requests on a set found */
struct sm_tally {
	long ok;	/* succeeded (a GET: present and intact) */
	long enoent;	/* -ENOENT */
	long bad;	/* a GET found the key with a wrong value or flags */
	long enomem;	/* -ENOMEM */
	long quota;	/* -EDQUOT or -ENOSPC */
	long failed;	/* any other error */
	int err;	/* the last of those other errors */
};

/* Object @i's key into @key (at least 64 bytes); its length. */
static inline size_t sm_set_key(const struct sm_set *s, long i, char *key)
{
	return snprintf(key, 64, "%s%ld", s->prefix, i);
}

/* Bytes (key and value) of objects [@from, @to) of @s. */
static inline uint64_t sm_set_bytes(const struct sm_set *s, long from,
				    long to)
{
	uint64_t b = 0;
	char key[64];
	long i;

	for (i = from; i < to; i++)
		b += sm_set_key(s, i, key) + s->vlen;
	return b;
}

static inline void sm_tally_err(struct sm_tally *t, int err)
{
	switch (err) {
	case 0:
		t->ok++;
		break;
	case -ENOENT:
		t->enoent++;
		break;
	case -ENOMEM:
		t->enomem++;
		break;
	case -EDQUOT:
	case -ENOSPC:
		t->quota++;
		break;
	default:
		t->failed++;
		t->err = err;
	}
}

struct sm_set_ctx {
	const struct sm_set *s;
	struct sm_tally *t;
	unsigned char *present;	/* GET: 1 when found intact, else 0 */
	long *ok_idx;		/* PUT: indices stored, in order */
	long nok;
};

static inline void sm_set_result(const struct softmap_result *r, void *arg)
{
	struct sm_set_ctx *c = arg;
	long i = (long)(intptr_t)r->cookie;
	const struct softmap_object *o = r->obj;

	if (r->op == SOFTMAP_OP_GET && !r->err) {
		bool intact = o && o->value_len == c->s->vlen &&
			      o->flags == c->s->flags &&
			      sm_check(o->value, o->value_len, c->s->seed + i);

		if (!intact)
			c->t->bad++;
		else
			c->t->ok++;
		if (c->present)
			c->present[i] = intact;
		return;
	}
	if (c->present)
		c->present[i] = 0;
	if (!r->err && c->ok_idx)
		c->ok_idx[c->nok++] = i;
	sm_tally_err(c->t, r->err);
}

/*
 * PUT objects [@from, @to) of @s in @mode; with @ok_idx, the indices of
 * those stored are written there in order and their count returned in
 * @nok (both may be NULL).
 */
static inline int sm_set_put_idx(struct softmap *h, const struct sm_set *s,
				 long from, long to,
				 enum softmap_put_mode mode, struct sm_tally *t,
				 long *ok_idx, long *nok)
{
	struct sm_set_ctx c = { .s = s, .t = t, .ok_idx = ok_idx };
	unsigned char *v = malloc(s->vlen + 1);
	char key[64];
	int err;
	long i;

	if (!v)
		return -ENOMEM;
	err = softmap_batch_begin(h, sm_set_result, &c);
	for (i = from; !err && i < to; i++) {
		size_t klen = sm_set_key(s, i, key);

		sm_fill(v, s->vlen, s->seed + i);
		err = softmap_batch_put(h, key, klen, v, s->vlen, s->flags,
					mode, (void *)(intptr_t)i);
	}
	if (!err)
		err = softmap_batch_end(h);
	else
		softmap_batch_end(h);
	free(v);
	if (nok)
		*nok = c.nok;
	return err;
}

static inline int sm_set_put(struct softmap *h, const struct sm_set *s,
			     long from, long to, enum softmap_put_mode mode,
			     struct sm_tally *t)
{
	return sm_set_put_idx(h, s, from, to, mode, t, NULL, NULL);
}

/*
 * GET @n objects of @s: those whose indices are at @idx, or with @idx
 * NULL objects [@from, @from + @n); with @present (@s->n bytes), record
 * for each whether it was found intact.
 */
static inline int sm_set_get_some(struct softmap *h, const struct sm_set *s,
				  long from, const long *idx, long n,
				  unsigned char *present, struct sm_tally *t)
{
	struct sm_set_ctx c = { .s = s, .t = t, .present = present };
	char key[64];
	int err;
	long i;

	err = softmap_batch_begin(h, sm_set_result, &c);
	for (i = 0; !err && i < n; i++) {
		long k = idx ? idx[i] : from + i;
		size_t klen = sm_set_key(s, k, key);

		err = softmap_batch_get(h, key, klen, (void *)(intptr_t)k);
	}
	if (!err)
		err = softmap_batch_end(h);
	else
		softmap_batch_end(h);
	return err;
}

/* GET objects [@from, @to) of @s, as sm_set_get_some(). */
static inline int sm_set_get(struct softmap *h, const struct sm_set *s,
			     long from, long to, unsigned char *present,
			     struct sm_tally *t)
{
	return sm_set_get_some(h, s, from, NULL, to - from, present, t);
}

/* DEL the @n objects of @s whose indices are at @idx. */
static inline int sm_set_del(struct softmap *h, const struct sm_set *s,
			     const long *idx, long n, struct sm_tally *t)
{
	struct sm_set_ctx c = { .s = s, .t = t };
	char key[64];
	int err;
	long i;

	err = softmap_batch_begin(h, sm_set_result, &c);
	for (i = 0; !err && i < n; i++) {
		size_t klen = sm_set_key(s, idx[i], key);

		err = softmap_batch_del(h, key, klen,
					(void *)(intptr_t)idx[i]);
	}
	if (!err)
		err = softmap_batch_end(h);
	else
		softmap_batch_end(h);
	return err;
}

/* One owner's counters, asked as root: 0 or a negative errno. */
static inline int sm_uid_stats(struct softmap *h, long uid,
			       struct softmap_user_stats *u)
{
	int err = softmap_set_uid(h, uid);

	if (!err)
		err = softmap_stats(h, NULL, u);
	softmap_set_uid(h, -1);
	return err;
}

#endif /* SOFTMAP_SELFTEST_SMSET_H */
