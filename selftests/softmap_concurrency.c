// SPDX-License-Identifier: GPL-2.0
/*
 * softmap_concurrency: what readers see while others write.
 *
 * replace_atomic: a writer thread upserts one key over and over with
 * values of different sizes and flags while reader threads GET it: a
 * reader never finds the key missing and always reads one whole value
 * that was written, with the flags written with it.
 *
 * dump_under_mutation: while a thread inserts and deletes thousands of
 * other keys (so the table grows and shrinks), every dump lists every key
 * of a set that stays put the whole time (twice is allowed, as documented)
 * and ends without error.
 *
 * Each thread has its own libsoftmap handle.  Preconditions: root,
 * softmap.ko loaded.  Root's objects are flushed before and after.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "sm_test.h"

FIXTURE(conc)
{
	struct softmap *h;
};

FIXTURE_SETUP(conc)
{
	SM_PRECONDITIONS();
	sm_flush_uid(0);
	self->h = softmap_open();
	ASSERT_NE(NULL, self->h);
}

FIXTURE_TEARDOWN(conc)
{
	softmap_close(self->h);
	sm_flush_uid(0);
}

/* The values the writer alternates between: sizes, seeds and flags. */
static const struct variant_value {
	size_t len;
	uint32_t flags;
} vals[] = {
	{ 16, 0 },
	{ 3000, SOFTMAP_F_RECLAIMABLE },
	{ 40000, 0 },		/* two chunks */
	{ 0, SOFTMAP_F_RECLAIMABLE },
	{ 50000, SOFTMAP_F_RECLAIMABLE },
};

#define NVALS		(ARRAY_SIZE(vals))
#define NREADERS	2

struct replace_ctx {
	atomic_bool stop;
	atomic_int readers_done;
	int reads_wanted;
	uint64_t deadline_ms;
	/* writer */
	long writes, write_errors;
	int write_err;
	/* readers */
	struct {
		long reads, missing, wrong, errors;
		int err;
		long seen[NVALS];
	} r[NREADERS];
};

static void *writer(void *arg)
{
	struct replace_ctx *c = arg;
	struct softmap *h = softmap_open();
	void *buf[NVALS];
	unsigned int i;

	for (i = 0; i < NVALS; i++) {
		buf[i] = malloc(vals[i].len + 1);
		sm_fill(buf[i], vals[i].len, i);
	}
	for (i = 0; h && !atomic_load(&c->stop); i = (i + 1) % NVALS) {
		int err = softmap_put(h, "atomic", 6, buf[i], vals[i].len,
				      vals[i].flags, SOFTMAP_PUT_UPSERT);

		if (err) {
			c->write_errors++;
			c->write_err = err;
		} else {
			c->writes++;
		}
	}
	if (!h)
		c->write_err = -errno;
	for (i = 0; i < NVALS; i++)
		free(buf[i]);
	softmap_close(h);
	return NULL;
}

struct reader_arg {
	struct replace_ctx *c;
	int id;
};

static void *reader(void *arg)
{
	struct reader_arg *ra = arg;
	struct replace_ctx *c = ra->c;
	struct softmap *h = softmap_open();
	struct softmap_object o;
	unsigned int i;
	int n;

	if (!h)
		c->r[ra->id].err = -errno;
	for (n = 0; h && n < c->reads_wanted && sm_now_ms() < c->deadline_ms;
	     n++) {
		int err = softmap_get(h, "atomic", 6, &o);

		c->r[ra->id].reads++;
		if (err == -ENOENT) {
			c->r[ra->id].missing++;
			continue;
		}
		if (err) {
			c->r[ra->id].errors++;
			c->r[ra->id].err = err;
			continue;
		}
		for (i = 0; i < NVALS; i++)
			if (o.value_len == vals[i].len &&
			    o.flags == vals[i].flags &&
			    sm_check(o.value, o.value_len, i))
				break;
		if (i == NVALS)
			c->r[ra->id].wrong++;
		else
			c->r[ra->id].seen[i]++;
		softmap_object_release(&o);
	}
	softmap_close(h);
	atomic_fetch_add(&c->readers_done, 1);
	return NULL;
}

TEST_F_TIMEOUT(conc, replace_atomic, 300)
{
	struct replace_ctx *c = calloc(1, sizeof(*c));
	struct reader_arg ra[NREADERS];
	pthread_t w, r[NREADERS];
	struct sm_counters a, b;
	long reads = 0, variants = 0;
	unsigned int i, j;
	void *v;

	ASSERT_NE(NULL, c);
	c->reads_wanted = sm_kernel_is_debug() ? 1500 : 10000;
	c->deadline_ms = sm_now_ms() + (sm_kernel_is_debug() ? 120 : 60) *
				       1000;
	v = malloc(vals[0].len);
	ASSERT_NE(NULL, v);
	sm_fill(v, vals[0].len, 0);
	ASSERT_LIBOK(self->h, softmap_put(self->h, "atomic", 6, v, vals[0].len,
					  vals[0].flags, SOFTMAP_PUT_CREATE));
	free(v);
	ASSERT_EQ(0, sm_counters_read(&a));

	ASSERT_EQ(0, pthread_create(&w, NULL, writer, c));
	for (i = 0; i < NREADERS; i++) {
		ra[i].c = c;
		ra[i].id = i;
		ASSERT_EQ(0, pthread_create(&r[i], NULL, reader, &ra[i]));
	}
	for (i = 0; i < NREADERS; i++)
		pthread_join(r[i], NULL);
	atomic_store(&c->stop, true);
	pthread_join(w, NULL);
	ASSERT_EQ(0, sm_counters_read(&b));

	EXPECT_EQ(0, c->write_errors) TH_LOG("writer: %s",
					     strerror(-c->write_err));
	for (i = 0; i < NREADERS; i++) {
		ksft_print_msg("reader %u: %ld reads, seen per value:", i,
			       c->r[i].reads);
		for (j = 0; j < NVALS; j++)
			printf(" %ld", c->r[i].seen[j]);
		printf("\n");
		EXPECT_EQ(0, c->r[i].missing)
			TH_LOG("reader %u found the key missing", i);
		EXPECT_EQ(0, c->r[i].wrong)
			TH_LOG("reader %u read a value never written whole", i);
		EXPECT_EQ(0, c->r[i].errors) TH_LOG("reader %u: %s", i,
						    strerror(-c->r[i].err));
		reads += c->r[i].reads;
	}
	for (j = 0; j < NVALS; j++) {
		long seen = 0;

		for (i = 0; i < NREADERS; i++)
			seen += c->r[i].seen[j];
		variants += seen > 0;
	}
	ksft_print_msg("%ld replaces during %ld reads\n", c->writes, reads);
	/* The race was run: many reads, many writes, values interleaved. */
	EXPECT_LE(1000, reads);
	EXPECT_LE(100, c->writes);
	EXPECT_LE(2, variants);

	/* Counters agree exactly with what the threads did. */
	EXPECT_EQ(a.puts + c->writes, b.puts);
	EXPECT_EQ(a.replaces + c->writes, b.replaces);
	EXPECT_EQ(a.gets + reads, b.gets);
	EXPECT_EQ(a.hits + reads, b.hits);
	EXPECT_EQ(a.misses, b.misses);
	EXPECT_EQ(a.objects, b.objects);
	free(c);
}

/* Dump under mutation. */
#define STABLE		1000

struct mutator_ctx {
	atomic_bool stop;
	int churn;		/* keys inserted, then deleted, per round */
	atomic_long rounds;
	long errors;
	int err;
};

static void count_err(const struct softmap_result *r, void *arg)
{
	struct mutator_ctx *m = arg;

	if (r->err) {
		m->errors++;
		m->err = r->err;
	}
}

static void *mutator(void *arg)
{
	struct mutator_ctx *m = arg;
	struct softmap *h = softmap_open();
	char key[32];
	int i;

	if (!h) {
		m->err = -errno;
		m->errors++;
		return NULL;
	}
	while (!atomic_load(&m->stop)) {
		softmap_batch_begin(h, count_err, m);
		for (i = 0; i < m->churn; i++) {
			snprintf(key, sizeof(key), "m/%d", i);
			softmap_batch_put(h, key, strlen(key), key, i % 64, 0,
					  SOFTMAP_PUT_CREATE, NULL);
		}
		for (i = 0; i < m->churn; i++) {
			snprintf(key, sizeof(key), "m/%d", i);
			softmap_batch_del(h, key, strlen(key), NULL);
		}
		softmap_batch_end(h);
		atomic_fetch_add(&m->rounds, 1);
	}
	softmap_close(h);
	return NULL;
}

struct dump_tally {
	unsigned short seen[STABLE];
	long entries, churn, foreign;
};

static int tally_key(struct dump_tally *t, const unsigned char *k, size_t n)
{
	char key[32];
	int i;

	if (n >= sizeof(key)) {
		t->foreign++;
		return 0;
	}
	memcpy(key, k, n);
	key[n] = '\0';
	t->entries++;
	if (sscanf(key, "s/%d", &i) == 1 && i >= 0 && i < STABLE)
		t->seen[i]++;
	else if (sscanf(key, "m/%d", &i) == 1)
		t->churn++;
	else
		t->foreign++;
	return 0;
}

static int lib_tally(const struct softmap_object *o, void *arg)
{
	return tally_key(arg, o->key, o->key_len);
}

static int raw_tally(const struct smraw_obj *o, void *arg)
{
	struct dump_tally *t = arg;

	/* Stable values are their own key, 8 bytes: check them whole. */
	if (o->klen > 2 && !memcmp(o->key, "s/", 2) &&
	    (!o->has_val || o->vlen != 8 ||
	     memcmp(o->val, o->key, o->klen < 8 ? o->klen : 8)))
		t->foreign++;
	return tally_key(t, o->key, o->klen);
}

/*
 * Dump until the mutator has grown and emptied its keys several times
 * (so dumps overlap inserts, deletes and the resizes they cause) and at
 * least MIN_DUMPS dumps ran, alternating libsoftmap listings without
 * values and raw dumps with values.
 */
#define MIN_DUMPS	6
#define MIN_ROUNDS	3

TEST_F_TIMEOUT(conc, dump_under_mutation, 600)
{
	struct mutator_ctx *m = calloc(1, sizeof(*m));
	struct dump_tally *t = malloc(sizeof(*t));
	uint64_t deadline = sm_now_ms() +
			    (sm_kernel_is_debug() ? 300 : 120) * 1000;
	struct softmap_user_stats mine;
	int round, i, failed = 0;
	long twice_total = 0;
	struct nlraw_ack ack;
	struct nlraw nl;
	char key[32], val[8];
	pthread_t th;

	ASSERT_NE(NULL, m);
	ASSERT_NE(NULL, t);
	ASSERT_EQ(0, nlraw_open(&nl, SOFTMAP_FAMILY_NAME));
	ASSERT_LIBOK(self->h, softmap_batch_begin(self->h, count_err, m));
	for (i = 0; i < STABLE; i++) {
		snprintf(key, sizeof(key), "s/%d", i);
		memset(val, 0, sizeof(val));
		memcpy(val, key, strlen(key) < 8 ? strlen(key) : 8);
		ASSERT_EQ(0, softmap_batch_put(self->h, key, strlen(key), val,
					       8, 0, SOFTMAP_PUT_CREATE,
					       NULL));
	}
	ASSERT_LIBOK(self->h, softmap_batch_end(self->h));
	ASSERT_EQ(0, m->errors) TH_LOG("storing the stable set: %s",
				       strerror(-m->err));

	m->churn = sm_kernel_is_debug() ? 1000 : 2000;
	ASSERT_EQ(0, pthread_create(&th, NULL, mutator, m));
	for (round = 0; round < MIN_DUMPS ||
	     atomic_load(&m->rounds) < MIN_ROUNDS; round++) {
		int missing = 0, twice = 0, err;

		if (sm_now_ms() > deadline)
			break;
		memset(t, 0, sizeof(*t));
		if (round & 1) {
			err = smraw_dump(&nl, SMRAW_NONE, true, raw_tally, t,
					 &ack);
			EXPECT_EQ(0, err) TH_LOG("round %d: %s, extack '%s'",
						 round, strerror(-err),
						 ack.msg);
		} else {
			err = softmap_list(self->h, false, lib_tally, t);
			EXPECT_EQ(0, err) TH_LOG("round %d: %s, extack '%s'",
						 round, strerror(-err),
						 softmap_strerror_ext(self->h));
		}
		for (i = 0; i < STABLE; i++) {
			missing += !t->seen[i];
			twice += t->seen[i] > 1;
		}
		twice_total += twice;
		EXPECT_EQ(0, missing) TH_LOG("round %d: %d stable keys missed",
					     round, missing);
		EXPECT_EQ(0, t->foreign)
			TH_LOG("round %d: %ld unexpected entries", round,
			       t->foreign);
		failed += missing || t->foreign || err;
	}
	atomic_store(&m->stop, true);
	pthread_join(th, NULL);
	nlraw_close(&nl);
	ksft_print_msg("%d dumps during %ld rounds of %d inserts and deletes; stable keys listed twice %ld times\n",
		       round, atomic_load(&m->rounds), m->churn, twice_total);
	EXPECT_EQ(0, m->errors) TH_LOG("mutator: %s", strerror(-m->err));
	/* The race was run. */
	EXPECT_LE(MIN_DUMPS, round);
	EXPECT_LE(MIN_ROUNDS, atomic_load(&m->rounds));

	/* Quiet again: only the stable set is left. */
	ASSERT_LIBOK(self->h, softmap_stats(self->h, NULL, &mine));
	EXPECT_EQ(STABLE, mine.objects);
	EXPECT_EQ(0, failed);
	free(t);
	free(m);
}

TEST_HARNESS_MAIN
