// SPDX-License-Identifier: GPL-2.0
/*
 * softmap_model: a random workload checked against a model.
 *
 * 100,000 random requests (20,000 on the debug kernel, which is some 30
 * times slower) over a bounded key space: PUT create-only, replace-only
 * and upsert, DEL and GET, with random keys (1 to 256 bytes, NULs
 * included), values (0 to max_value_size + a few KiB, so some are too
 * large) and flags.  A userspace model of the store predicts the answer
 * of each request, errno and returned value included, and every answer is
 * compared with it.  Then the counters must equal the model's ground
 * truth: objects (sysfs == model == dump entries), bytes, users, and the
 * deltas of puts, gets, hits, misses, dels, replaces and quota_rejections;
 * every object a dump returns must be the model's, value and flags.
 *
 * The seed is printed; SOFTMAP_SEED=<seed> replays a run and
 * SOFTMAP_MODEL_OPS=<n> changes its length.  Requests are pipelined with
 * libsoftmap's batches; the kernel answers them in order, so the model
 * can be run ahead as they are queued.
 *
 * Preconditions: root, softmap.ko loaded, no other user of the store
 * meanwhile (SETUP flushes every owner's objects).  Tunables are set for
 * the run and restored by TEARDOWN, which also flushes.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>

#include "sm_test.h"

#define NKEYS		512
#define OPS_STOCK	100000
#define OPS_DEBUG	20000
#define MAX_VALUE	SM_DEFAULT_MAX_VALUE
#define REPORT_MAX	10

struct mkey {
	unsigned char key[SOFTMAP_KEY_MAX];
	size_t klen;
	/* the model: what the store holds for this key */
	bool present;
	size_t vlen;
	uint64_t vseed;
	uint32_t flags;
};

enum mop_kind { OP_CREATE, OP_REPLACE, OP_UPSERT, OP_DEL, OP_GET };

static const char *const kind_names[] = {
	"PUT create", "PUT replace", "PUT upsert", "DEL", "GET",
};

/* One request as queued, and what the model says it must answer. */
struct mop {
	uint8_t kind;
	uint16_t key;
	int err;		/* expected: 0 or -errno */
	uint32_t vlen;		/* GET: expected value */
	uint64_t vseed;
	uint32_t flags;
};

struct model {
	struct mkey keys[NKEYS];
	struct mop *ops;
	long n;
	uint64_t objects, bytes;
	uint64_t puts, replaces, gets, hits, misses, dels;
	long mismatches, results;
	char report[REPORT_MAX][256];
};

FIXTURE(model)
{
	struct softmap *h;
	struct sm_tunables saved;
	bool saved_ok;
	struct model *m;
};

FIXTURE_SETUP(model)
{
	SM_PRECONDITIONS();
	ASSERT_EQ(0, sm_tunables_read(&self->saved));
	self->saved_ok = true;
	/* Limits out of the way: only max_value_size is part of the test. */
	ASSERT_EQ(0, sm_sysfs_write_u64("max_bytes", 1ULL << 40));
	ASSERT_EQ(0, sm_sysfs_write_u64("user_max_bytes", 1ULL << 40));
	ASSERT_EQ(0, sm_sysfs_write_u64("user_max_objects", 1 << 20));
	ASSERT_EQ(0, sm_sysfs_write_u64("max_value_size", MAX_VALUE));
	sm_flush_all();
	self->h = softmap_open();
	ASSERT_NE(NULL, self->h);
	self->m = calloc(1, sizeof(*self->m));
	ASSERT_NE(NULL, self->m);
}

FIXTURE_TEARDOWN(model)
{
	sm_flush_all();
	if (self->saved_ok && sm_tunables_write(&self->saved))
		TH_LOG("could not restore the tunables");
	softmap_close(self->h);
	if (self->m)
		free(self->m->ops);
	free(self->m);
}

static uint64_t rnd(uint64_t *s, uint64_t n)
{
	return n ? sm_rand_next(s) % n : 0;
}

/* Distinct random keys, mostly short, some long, NULs allowed. */
static void make_keys(struct model *m, uint64_t *s)
{
	int i, j;

	for (i = 0; i < NKEYS; i++) {
		struct mkey *k = &m->keys[i];
		uint64_t p = rnd(s, 100);
		bool dup;

		do {
			if (p < 70)
				k->klen = 1 + rnd(s, 16);
			else if (p < 95)
				k->klen = 17 + rnd(s, 48);
			else
				k->klen = 65 + rnd(s, SOFTMAP_KEY_MAX - 64);
			if (i == 0)
				k->klen = SOFTMAP_KEY_MAX;
			for (j = 0; j < (int)k->klen; j++)
				k->key[j] = rnd(s, 4) ? rnd(s, 256) : 0;
			dup = false;
			for (j = 0; j < i && !dup; j++)
				dup = m->keys[j].klen == k->klen &&
				      !memcmp(m->keys[j].key, k->key, k->klen);
		} while (dup);
	}
}

static size_t value_len(uint64_t *s)
{
	static const size_t edges[] = {
		0, 1, SOFTMAP_VALUE_CHUNK_MAX, SOFTMAP_VALUE_CHUNK_MAX + 1,
		MAX_VALUE, MAX_VALUE + 1,
	};
	uint64_t p = rnd(s, 100);

	if (p < 55)
		return rnd(s, 65);
	if (p < 85)
		return 65 + rnd(s, 4096 - 64);
	if (p < 95)
		return 4097 + rnd(s, MAX_VALUE - 4096);
	if (p < 98)
		return edges[rnd(s, ARRAY_SIZE(edges))];
	return MAX_VALUE + 1 + rnd(s, 4096);
}

static void report(struct model *m, long i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));	/* no __printf() here */

static void report(struct model *m, long i, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (m->mismatches++ >= REPORT_MAX)
		return;
	n = snprintf(m->report[m->mismatches - 1], 256, "op %ld (%s key %u): ",
		     i, kind_names[m->ops[i].kind], m->ops[i].key);
	va_start(ap, fmt);
	vsnprintf(m->report[m->mismatches - 1] + n, 256 - n, fmt, ap);
	va_end(ap);
}

/* Each answer, in queue order: compare with the model's prediction. */
static void check_result(const struct softmap_result *r, void *arg)
{
	struct model *m = arg;
	long i = (long)(uintptr_t)r->cookie;
	const struct mop *op = &m->ops[i];
	const struct softmap_object *o = r->obj;

	m->results++;
	if (r->err != op->err) {
		report(m, i, "errno %d (%s), model says %d (%s); extack '%s'",
		       -r->err, strerror(-r->err), -op->err,
		       strerror(-op->err), r->extack);
		return;
	}
	if (op->kind != OP_GET || op->err)
		return;
	if (!o || !o->has_value || o->value_len != op->vlen ||
	    o->size != op->vlen || o->flags != op->flags ||
	    !sm_check(o->value, o->value_len, op->vseed) ||
	    o->key_len != m->keys[op->key].klen ||
	    memcmp(o->key, m->keys[op->key].key, o->key_len))
		report(m, i,
		       "got %zu bytes flags %#x, model says %u bytes flags %#x (or the bytes differ)",
		       o ? o->value_len : 0, o ? o->flags : 0, op->vlen,
		       op->flags);
}

/* Queue op @i, after running it on the model. */
static int queue_op(struct softmap *h, struct model *m, long i, uint64_t *s,
		    void *vbuf)
{
	struct mop *op = &m->ops[i];
	uint64_t p = rnd(s, 100);
	struct mkey *k;
	size_t vlen = 0;
	void *cookie = (void *)(uintptr_t)i;

	op->key = rnd(s, NKEYS);
	k = &m->keys[op->key];
	op->kind = p < 20 ? OP_CREATE : p < 35 ? OP_REPLACE :
		   p < 60 ? OP_UPSERT : p < 75 ? OP_DEL : OP_GET;

	switch (op->kind) {
	case OP_CREATE:
	case OP_REPLACE:
	case OP_UPSERT:
		vlen = value_len(s);
		op->vlen = vlen;
		op->vseed = i + 1;
		op->flags = rnd(s, 2) ? SOFTMAP_F_RECLAIMABLE : 0;
		if (vlen > MAX_VALUE)
			op->err = -E2BIG;
		else if (op->kind == OP_CREATE && k->present)
			op->err = -EEXIST;
		else if (op->kind == OP_REPLACE && !k->present)
			op->err = -ENOENT;
		if (!op->err) {
			m->puts++;
			if (k->present) {
				m->replaces++;
				m->bytes -= k->vlen;
			} else {
				m->objects++;
				m->bytes += k->klen;
			}
			m->bytes += vlen;
			k->present = true;
			k->vlen = vlen;
			k->vseed = op->vseed;
			k->flags = op->flags;
		}
		sm_fill(vbuf, vlen, op->vseed);
		return softmap_batch_put(h, k->key, k->klen, vbuf, vlen,
					 op->flags, op->kind == OP_CREATE ?
					 SOFTMAP_PUT_CREATE :
					 op->kind == OP_REPLACE ?
					 SOFTMAP_PUT_REPLACE :
					 SOFTMAP_PUT_UPSERT, cookie);
	case OP_DEL:
		if (k->present) {
			m->dels++;
			m->objects--;
			m->bytes -= k->klen + k->vlen;
			k->present = false;
		} else {
			op->err = -ENOENT;
		}
		return softmap_batch_del(h, k->key, k->klen, cookie);
	default:
		m->gets++;
		if (k->present) {
			m->hits++;
			op->vlen = k->vlen;
			op->vseed = k->vseed;
			op->flags = k->flags;
		} else {
			m->misses++;
			op->err = -ENOENT;
		}
		return softmap_batch_get(h, k->key, k->klen, cookie);
	}
}

/* Every object a dump lists is the model's; count them. */
struct dump_check {
	struct model *m;
	unsigned short seen[NKEYS];
	long entries, wrong;
};

static int dump_cb(const struct softmap_object *o, void *arg)
{
	struct dump_check *d = arg;
	int i;

	d->entries++;
	for (i = 0; i < NKEYS; i++) {
		const struct mkey *k = &d->m->keys[i];

		if (k->klen != o->key_len || memcmp(k->key, o->key, k->klen))
			continue;
		d->seen[i]++;
		if (!k->present || !o->has_value || o->value_len != k->vlen ||
		    o->flags != k->flags ||
		    !sm_check(o->value, o->value_len, k->vseed))
			d->wrong++;
		return 0;
	}
	d->wrong++;
	return 0;
}

TEST_F_TIMEOUT(model, random_workload, 900)
{
	const char *env_seed = getenv("SOFTMAP_SEED");
	const char *env_ops = getenv("SOFTMAP_MODEL_OPS");
	struct model *m = self->m;
	struct softmap_user_stats mine;
	struct dump_check *d;
	struct sm_counters a, b;
	uint64_t seed, s, t0, count;
	long i, nops, distinct = 0;
	void *vbuf;
	int err, j;

	seed = env_seed ? strtoull(env_seed, NULL, 0) :
			  (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	nops = env_ops ? atol(env_ops) :
		sm_kernel_is_debug() ? OPS_DEBUG : OPS_STOCK;
	ASSERT_LT(0, nops);
	ksft_print_msg("seed %" PRIu64 " (replay: SOFTMAP_SEED=%" PRIu64
		       "), %ld operations%s\n", seed, seed, nops,
		       !env_ops && sm_kernel_is_debug() ?
		       " (scaled down for the debug kernel)" : "");
	m->ops = calloc(nops, sizeof(*m->ops));
	vbuf = malloc(MAX_VALUE + 4096 + 1);
	d = calloc(1, sizeof(*d));
	ASSERT_NE(NULL, m->ops);
	ASSERT_NE(NULL, vbuf);
	ASSERT_NE(NULL, d);
	s = seed;
	make_keys(m, &s);

	ASSERT_EQ(0, sm_counters_read(&a));
	ASSERT_EQ(0, a.objects) TH_LOG("the store is not empty");
	t0 = sm_now_ms();
	ASSERT_LIBOK(self->h, softmap_batch_begin(self->h, check_result, m));
	for (i = 0; i < nops; i++) {
		err = queue_op(self->h, m, i, &s, vbuf);
		ASSERT_EQ(0, err) TH_LOG("queueing op %ld: %s", i,
					 strerror(-err));
	}
	ASSERT_LIBOK(self->h, softmap_batch_end(self->h));
	ksft_print_msg("%ld operations in %" PRIu64 " ms\n", nops,
		       sm_now_ms() - t0);
	for (j = 0; j < REPORT_MAX && j < m->mismatches; j++)
		TH_LOG("%s", m->report[j]);
	ASSERT_EQ(nops, m->results);
	ASSERT_EQ(0, m->mismatches) TH_LOG("seed %" PRIu64, seed);

	/* The counters are ground truth. */
	ASSERT_EQ(0, sm_counters_read(&b));
	EXPECT_EQ(m->objects, b.objects);
	EXPECT_EQ(m->bytes, b.bytes);
	EXPECT_EQ(m->objects ? 1 : 0, b.users);
	EXPECT_EQ(m->puts, b.puts - a.puts);
	EXPECT_EQ(m->replaces, b.replaces - a.replaces);
	EXPECT_EQ(m->gets, b.gets - a.gets);
	EXPECT_EQ(m->hits, b.hits - a.hits);
	EXPECT_EQ(m->misses, b.misses - a.misses);
	EXPECT_EQ(m->dels, b.dels - a.dels);
	EXPECT_EQ(0, b.quota_rejections - a.quota_rejections);
	ASSERT_LIBOK(self->h, softmap_stats(self->h, NULL, &mine));
	EXPECT_EQ(m->objects, mine.objects);
	EXPECT_EQ(m->bytes, mine.bytes);

	/* A dump lists the model's objects, each at least once. */
	d->m = m;
	ASSERT_LIBOK(self->h, softmap_list(self->h, true, dump_cb, d));
	for (j = 0; j < NKEYS; j++) {
		distinct += d->seen[j] > 0;
		EXPECT_EQ(m->keys[j].present, d->seen[j] > 0)
			TH_LOG("key %d: present %d, listed %u times", j,
			       m->keys[j].present, d->seen[j]);
	}
	EXPECT_EQ(0, d->wrong);
	EXPECT_EQ(m->objects, distinct);
	if (d->entries != distinct)
		ksft_print_msg("dump listed %ld entries for %ld objects\n",
			       d->entries, distinct);

	/* Quiet: every unlinked object is freed after a grace period. */
	for (j = 0; j < 100; j++) {
		ASSERT_EQ(0, sm_counters_read(&b));
		if (!b.rcu_pending_frees)
			break;
		usleep(100 * 1000);
	}
	EXPECT_EQ(0, b.rcu_pending_frees);

	ASSERT_LIBOK(self->h, softmap_flush(self->h, false, &count));
	EXPECT_EQ(m->objects, count);
	ASSERT_EQ(0, sm_counters_read(&b));
	EXPECT_EQ(0, b.objects);
	EXPECT_EQ(0, b.bytes);
	EXPECT_EQ(0, b.users);
	free(vbuf);
	free(d);
}

TEST_HARNESS_MAIN
