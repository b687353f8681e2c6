// SPDX-License-Identifier: GPL-2.0
/*
 * softmap_reclaim_stress: eviction and compaction while requests run.
 *
 * Worker threads (each with its own libsoftmap handle and its own keys)
 * upsert, read and delete objects, pinned and reclaimable, of sizes across
 * several size classes, and read a base set of pinned objects, while a
 * reclaimer thread loops: "compact" into /sys/kernel/softmap/shrink,
 * drop_caches, SHRINK down to half the bytes stored, and a decimal target
 * into the shrink file.  Each worker keeps a model of its keys and checks
 * every answer against it:
 *
 * - a pinned object is always there, with the value and flags last
 *   written;
 * - a reclaimable object is there with its last value, or gone (ENOENT:
 *   evicted), and once gone it stays gone;
 * - a deleted or never written key is ENOENT;
 * - no request fails otherwise, nor does any reclaim step.
 *
 * Once quiet: every base object and every pinned object of the workers is
 * there and intact; objects and bytes equal what is really stored;
 * puts, gets, hits + misses and dels equal the requests that did so;
 * objects changed by puts - replaces - dels - evictions; the owner's
 * evictions equal the global ones; and the kernel logged no warning, lock
 * or RCU splat, and was not tainted.
 *
 * Runs on every kernel; it matters most on the debug kernel (KASAN,
 * lockdep, PROVE_RCU), where it runs longer with fewer objects.
 *
 * Preconditions: root, softmap.ko loaded.  Every owner's objects are
 * flushed before and after.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "sm_test.h"
#include "smreclaim.h"
#include "smset.h"

#define WORKERS		3
#define KEYS		256	/* per worker */
#define NBASE		2000
#define NBASE_DEBUG	300
#define RUN_MS		20000
#define RUN_MS_DEBUG	40000
#define BASE_VLEN	120
#define MAX_VLEN	3000

FIXTURE(stress)
{
	struct sm_tunables saved;
	bool saved_ok;
};

FIXTURE_SETUP(stress)
{
	struct sm_reclaim r;
	int err;

	SM_PRECONDITIONS();
	ASSERT_EQ(0, sm_tunables_read(&self->saved));
	self->saved_ok = true;
	ASSERT_EQ(0, sm_sysfs_write_u64("user_max_objects", 1 << 20));
	ASSERT_EQ(0, sm_sysfs_write_u64("user_max_bytes", 1ULL << 40));
	ASSERT_EQ(0, sm_sysfs_write_u64("max_bytes", 1ULL << 40));
	sm_flush_all();
	err = sm_reclaim_read(&r);
	ASSERT_EQ(0, err) TH_LOG("reclaim counters in " SM_SYSFS_DIR ": %s",
				 strerror(-err));
}

FIXTURE_TEARDOWN(stress)
{
	sm_flush_all();
	if (self->saved_ok && sm_tunables_write(&self->saved))
		TH_LOG("could not restore the tunables");
}

enum kstate { K_ABSENT, K_PINNED, K_RECLAIMABLE };

struct key_model {
	enum kstate state;
	uint32_t ver;
};

struct worker {
	int id;
	atomic_bool *stop;
	const struct sm_set *base;
	struct key_model k[KEYS];
	uint64_t rnd;
	long puts, gets, hits, dels;	/* requests that did so */
	long evicted_seen;		/* GET/DEL found a reclaimable gone */
	long errors, wrong;
	int err;
	char what[160];			/* the first problem */
};

static size_t wk_key(const struct worker *w, int k, char *key)
{
	return snprintf(key, 64, "w%d/%d", w->id, k);
}

static size_t wk_vlen(uint32_t ver)
{
	return 16 + (ver * 397) % MAX_VLEN;
}

static uint64_t wk_seed(const struct worker *w, int k, uint32_t ver)
{
	return ((uint64_t)w->id << 48) | ((uint64_t)k << 32) | ver;
}

/* Record a problem: @wrong for a wrong answer, else a failed request. */
static void wk_problem(struct worker *w, bool wrong, int err,
		       const char *what, int k)
{
	if (wrong)
		w->wrong++;
	else
		w->errors++;
	w->err = err;
	if (!w->what[0])
		snprintf(w->what, sizeof(w->what), "w%d/%d: %s%s%s", w->id, k,
			 what, err ? ": " : "", err ? strerror(-err) : "");
}

/* Whether @o is what the model says key @k holds. */
static bool wk_intact(const struct worker *w, int k,
		      const struct softmap_object *o)
{
	const struct key_model *m = &w->k[k];
	uint32_t flags = m->state == K_RECLAIMABLE ? SOFTMAP_F_RECLAIMABLE : 0;

	return o->value_len == wk_vlen(m->ver) && o->flags == flags &&
	       sm_check(o->value, o->value_len, wk_seed(w, k, m->ver));
}

static void wk_put(struct worker *w, struct softmap *h, int k, void *buf)
{
	struct key_model *m = &w->k[k];
	uint32_t ver = m->ver + 1;
	bool rec = sm_rand_next(&w->rnd) & 1;
	char key[64];
	size_t klen = wk_key(w, k, key);
	int err;

	sm_fill(buf, wk_vlen(ver), wk_seed(w, k, ver));
	err = softmap_put(h, key, klen, buf, wk_vlen(ver),
			  rec ? SOFTMAP_F_RECLAIMABLE : 0, SOFTMAP_PUT_UPSERT);
	if (err) {
		wk_problem(w, false, err, "PUT", k);
		return;
	}
	w->puts++;
	m->ver = ver;
	m->state = rec ? K_RECLAIMABLE : K_PINNED;
}

static void wk_get(struct worker *w, struct softmap *h, int k)
{
	struct key_model *m = &w->k[k];
	struct softmap_object o;
	char key[64];
	size_t klen = wk_key(w, k, key);
	int err;

	err = softmap_get(h, key, klen, &o);
	w->gets++;
	if (!err) {
		w->hits++;
		if (m->state == K_ABSENT)
			wk_problem(w, true, 0, "GET found a deleted or evicted key",
				   k);
		else if (!wk_intact(w, k, &o))
			wk_problem(w, true, 0, "GET: wrong value or flags",
				   k);
		softmap_object_release(&o);
	} else if (err == -ENOENT && m->state == K_RECLAIMABLE) {
		w->evicted_seen++;
		m->state = K_ABSENT;
	} else if (err == -ENOENT && m->state == K_PINNED) {
		wk_problem(w, true, err, "pinned object lost: GET",
			   k);
		m->state = K_ABSENT;
	} else if (err != -ENOENT) {
		wk_problem(w, false, err, "GET", k);
	}
}

static void wk_del(struct worker *w, struct softmap *h, int k)
{
	struct key_model *m = &w->k[k];
	char key[64];
	size_t klen = wk_key(w, k, key);
	int err;

	err = softmap_del(h, key, klen);
	if (!err) {
		w->dels++;
		if (m->state == K_ABSENT)
			wk_problem(w, true, 0, "DEL found a deleted or evicted key",
				   k);
	} else if (err == -ENOENT && m->state == K_RECLAIMABLE) {
		w->evicted_seen++;
	} else if (err == -ENOENT && m->state == K_PINNED) {
		wk_problem(w, true, err, "pinned object lost: DEL",
			   k);
	} else if (err != -ENOENT) {
		wk_problem(w, false, err, "DEL", k);
	}
	m->state = K_ABSENT;
}

static void wk_get_base(struct worker *w, struct softmap *h)
{
	long i = sm_rand_next(&w->rnd) % w->base->n;
	struct softmap_object o;
	char key[64];
	size_t klen = sm_set_key(w->base, i, key);
	int err;

	err = softmap_get(h, key, klen, &o);
	w->gets++;
	if (err) {
		wk_problem(w, err == -ENOENT, err,
			   "GET of base object (index after the slash)", (int)i);
		return;
	}
	w->hits++;
	if (o.value_len != w->base->vlen || o.flags != w->base->flags ||
	    !sm_check(o.value, o.value_len, w->base->seed + i))
		wk_problem(w, true, 0, "base object (index after the slash): wrong value",
			   (int)i);
	softmap_object_release(&o);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct softmap *h = softmap_open();
	void *buf = malloc(MAX_VLEN + 16);

	if (!h || !buf) {
		wk_problem(w, false, h ? -ENOMEM : -errno,
			   "open", 0);
		goto out;
	}
	while (!atomic_load(w->stop)) {
		unsigned int r = sm_rand_next(&w->rnd) % 100;
		int k = sm_rand_next(&w->rnd) % KEYS;

		if (r < 40)
			wk_put(w, h, k, buf);
		else if (r < 75)
			wk_get(w, h, k);
		else if (r < 90)
			wk_del(w, h, k);
		else
			wk_get_base(w, h);
	}
out:
	free(buf);
	softmap_close(h);
	return NULL;
}

struct reclaimer {
	atomic_bool *stop;
	long rounds, evicted;
	long errors;
	int err;
	char what[160];
};

static void rc_problem(struct reclaimer *r, int err, const char *step)
{
	r->errors++;
	r->err = err;
	if (!r->what[0])
		snprintf(r->what, sizeof(r->what), "round %ld: %s: %s",
			 r->rounds, step, strerror(-err));
}

static void *reclaimer_main(void *arg)
{
	struct reclaimer *r = arg;
	struct softmap *h = softmap_open();
	uint64_t bytes, n;
	char buf[32];
	int err;

	if (!h) {
		rc_problem(r, -errno, "open");
		return NULL;
	}
	while (!atomic_load(r->stop)) {
		err = sm_shrink_write("compact\n");
		if (err)
			rc_problem(r, err, "compact");
		err = sm_drop_caches();
		if (err)
			rc_problem(r, err, "drop_caches");
		err = sm_sysfs_read("bytes", &bytes);
		if (!err)
			err = softmap_shrink(h, bytes / 2, &n);
		if (err)
			rc_problem(r, err, "SHRINK");
		else
			r->evicted += n;
		if (!sm_sysfs_read("bytes", &bytes)) {
			snprintf(buf, sizeof(buf), "%" PRIu64 "\n",
				 bytes * 3 / 4);
			err = sm_shrink_write(buf);
			if (err)
				rc_problem(r, err, "shrink file target");
		}
		r->rounds++;
	}
	softmap_close(h);
	return NULL;
}

/* Final check of one worker's keys: returns objects and bytes found. */
static void wk_verify(struct __test_metadata *_metadata, struct worker *w,
		      struct softmap *h, uint64_t *objects, uint64_t *bytes)
{
	struct softmap_object o;
	char key[64];
	int k, err;

	for (k = 0; k < KEYS; k++) {
		struct key_model *m = &w->k[k];
		size_t klen = wk_key(w, k, key);

		err = softmap_get(h, key, klen, &o);
		if (m->state == K_PINNED) {
			EXPECT_EQ(0, err) TH_LOG("%s: pinned object: %s", key,
						 strerror(-err));
		} else if (m->state == K_ABSENT) {
			EXPECT_EQ(-ENOENT, err) TH_LOG("%s: deleted or evicted, yet GET: %s",
						       key, strerror(-err));
		} else {
			EXPECT_TRUE(!err || err == -ENOENT)
				TH_LOG("%s: %s", key, strerror(-err));
		}
		if (err)
			continue;
		EXPECT_TRUE(m->state != K_ABSENT && wk_intact(w, k, &o))
			TH_LOG("%s: wrong value or flags", key);
		(*objects)++;
		*bytes += klen + o.value_len;
		softmap_object_release(&o);
	}
}

TEST_F_TIMEOUT(stress, reclaim_during_requests, 600)
{
	const bool debug = sm_kernel_is_debug();
	const struct sm_set base = { "base/", debug ? NBASE_DEBUG : NBASE,
				     BASE_VLEN, 0, 8000000 };
	const uint64_t run_ms = debug ? RUN_MS_DEBUG : RUN_MS;
	struct worker *w = calloc(WORKERS, sizeof(*w));
	struct reclaimer rc = { 0 };
	struct softmap_user_stats u0, u1;
	uint64_t objects, bytes, t0;
	struct sm_reclaim r0, r1;
	struct sm_counters c0, c1;
	struct sm_tally t = { 0 };
	atomic_bool stop = false;
	pthread_t tw[WORKERS], tr;
	long puts = 0, gets = 0, hits = 0, dels = 0, seen = 0;
	struct softmap *h;
	struct sm_watch wt;
	int i;

	ASSERT_NE(NULL, w);
	h = softmap_open();
	ASSERT_NE(NULL, h);
	ASSERT_LIBOK(h, sm_set_put(h, &base, 0, base.n, SOFTMAP_PUT_CREATE,
				   &t));
	ASSERT_EQ(base.n, t.ok);
	ksft_print_msg("%d workers on %d keys each, %ld base objects, reclaim looping, for %" PRIu64 " s%s\n",
		       WORKERS, KEYS, base.n, run_ms / 1000,
		       debug ? " (sized for the debug kernel)" : "");
	sm_watch_start(_metadata, &wt, "reclaim during requests");
	ASSERT_EQ(0, sm_counters_read(&c0));
	ASSERT_EQ(0, sm_reclaim_read(&r0));
	ASSERT_LIBOK(h, sm_uid_stats(h, 0, &u0));

	rc.stop = &stop;
	for (i = 0; i < WORKERS; i++) {
		w[i].id = i;
		w[i].stop = &stop;
		w[i].base = &base;
		w[i].rnd = 1000 + i;
		ASSERT_EQ(0, pthread_create(&tw[i], NULL, worker_main, &w[i]));
	}
	ASSERT_EQ(0, pthread_create(&tr, NULL, reclaimer_main, &rc));
	t0 = sm_now_ms();
	while (sm_now_ms() - t0 < run_ms)
		usleep(100 * 1000);
	atomic_store(&stop, true);
	for (i = 0; i < WORKERS; i++)
		pthread_join(tw[i], NULL);
	pthread_join(tr, NULL);

	ASSERT_EQ(0, sm_wait_rcu_frees(20000));
	ASSERT_EQ(0, sm_counters_read(&c1));
	ASSERT_EQ(0, sm_reclaim_read(&r1));
	ASSERT_LIBOK(h, sm_uid_stats(h, 0, &u1));

	ksft_print_msg("reclaimer: %ld rounds, SHRINK evicted %ld; evictions +%" PRIu64 ", shrinker scans +%" PRIu64 ", objects moved +%" PRIu64 ", table shrinks +%" PRIu64 ", slab pages returned +%" PRIu64 "\n",
		       rc.rounds, rc.evicted, r1.evictions - r0.evictions,
		       r1.shrinker_scans - r0.shrinker_scans,
		       r1.objects_moved - r0.objects_moved,
		       r1.table_shrinks - r0.table_shrinks,
		       r1.slab_pages_returned - r0.slab_pages_returned);
	for (i = 0; i < WORKERS; i++) {
		ksft_print_msg("worker %d: %ld puts, %ld gets (%ld hits), %ld dels, %ld evictions seen, %ld errors, %ld wrong answers%s%s\n",
			       i, w[i].puts, w[i].gets, w[i].hits, w[i].dels,
			       w[i].evicted_seen, w[i].errors, w[i].wrong,
			       w[i].what[0] ? ": first: " : "", w[i].what);
		EXPECT_EQ(0, w[i].errors);
		EXPECT_EQ(0, w[i].wrong);
		puts += w[i].puts;
		gets += w[i].gets;
		hits += w[i].hits;
		dels += w[i].dels;
		seen += w[i].evicted_seen;
	}
	EXPECT_EQ(0, rc.errors) TH_LOG("reclaimer: %s", rc.what);
	EXPECT_LT(0, rc.rounds);
	EXPECT_LT(0, seen) TH_LOG("no worker ever saw an eviction");

	/* Counters, exact once quiet. */
	EXPECT_EQ(puts, c1.puts - c0.puts);
	EXPECT_EQ(gets, c1.gets - c0.gets);
	EXPECT_EQ(hits, c1.hits - c0.hits);
	EXPECT_EQ(gets, (c1.hits - c0.hits) + (c1.misses - c0.misses));
	EXPECT_EQ(dels, c1.dels - c0.dels);
	EXPECT_EQ((int64_t)(c1.objects - c0.objects),
		  (int64_t)((c1.puts - c0.puts) - (c1.replaces - c0.replaces) -
			    (c1.dels - c0.dels) -
			    (r1.evictions - r0.evictions)));
	EXPECT_EQ(r1.evictions - r0.evictions, u1.evictions - u0.evictions);
	EXPECT_EQ(c1.objects, u1.objects);
	EXPECT_EQ(c1.bytes, u1.bytes);
	EXPECT_EQ(0, c1.rcu_pending_frees);

	/* Nothing pinned was lost; the counters match what is stored. */
	memset(&t, 0, sizeof(t));
	ASSERT_LIBOK(h, sm_set_get(h, &base, 0, base.n, NULL, &t));
	EXPECT_EQ(base.n, t.ok) TH_LOG("base objects: %ld missing, %ld damaged",
				       t.enoent, t.bad);
	objects = t.ok;
	bytes = sm_set_bytes(&base, 0, base.n);
	for (i = 0; i < WORKERS; i++)
		wk_verify(_metadata, &w[i], h, &objects, &bytes);
	EXPECT_EQ(objects, c1.objects);
	EXPECT_EQ(bytes, c1.bytes);

	sm_watch_check(_metadata, &wt);
	softmap_close(h);
	free(w);
}

TEST_HARNESS_MAIN
