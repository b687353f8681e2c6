// SPDX-License-Identifier: GPL-2.0
/*
 * softmap_compact: after deleting most objects, the memory comes back.
 *
 * Insert 1,000,000 pinned objects (16-byte keys, 100-byte values; 20,000
 * on the debug kernel), a random 1% of them stored for alice and the rest
 * for root, delete root's with one FLUSH, then write "compact" to
 * /sys/kernel/softmap/shrink and apply pressure (drop_caches).  The
 * survivors are scattered at random over the slab pages, so nearly every
 * page stays partly used, and only moving the survivors gives the pages
 * back.  (One FLUSH deletes as a million random DELs would, at a hundredth
 * of the test's time.)  Then:
 *
 * - every survivor is there with its value, nothing pinned was evicted,
 *   and a listing of the store holds the survivors and nothing else;
 * - table_buckets is within 2x of the minimum the live objects need at
 *   rhashtable's 75% maximum load (live * 4 / 3), and table_shrinks rose;
 * - slab_pages fell by at least 80% of the drop the deleted objects'
 *   pages allow: peak - after >= 0.8 * (peak - peak * live / inserted),
 *   and so did the pages /proc/slabinfo shows for the softmap_* caches
 *   (num_slabs * pagesperslab), measured independently;
 * - slab_pages agrees with /proc/slabinfo (within 10% + 64 pages) at the
 *   peak, after the deletes and after compaction: a counter that followed
 *   the objects instead of the pages would read low after the deletes;
 * - objects_moved and slab_pages_returned rose, and slab_pages_returned
 *   covers at least 80% of the pages compaction gave back.
 *
 * Preconditions: root, softmap.ko loaded, about 300 MiB free.  Every
 * owner's objects are flushed before and after, the tunables restored.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "sm_test.h"
#include "smreclaim.h"
#include "smset.h"
#include "smuser.h"

#define INSERT		1000000
#define INSERT_DEBUG	20000
#define LIVE_PERCENT	1
#define CHUNK		50000
#define VLEN		100
#define PRESSURE_ROUNDS	2

FIXTURE(compact)
{
	struct softmap *h;
	struct sm_watch w;
	bool watching;
	struct sm_tunables saved;
	bool saved_ok;
};

FIXTURE_SETUP(compact)
{
	struct sm_reclaim r;
	int err;

	SM_PRECONDITIONS();
	ASSERT_EQ(0, sm_tunables_read(&self->saved));
	self->saved_ok = true;
	ASSERT_EQ(0, sm_sysfs_write_u64("user_max_objects", 1 << 21));
	ASSERT_EQ(0, sm_sysfs_write_u64("user_max_bytes", 1ULL << 40));
	ASSERT_EQ(0, sm_sysfs_write_u64("max_bytes", 1ULL << 40));
	sm_flush_all();
	err = sm_reclaim_read(&r);
	ASSERT_EQ(0, err) TH_LOG("reclaim counters in " SM_SYSFS_DIR ": %s",
				 strerror(-err));
	self->h = softmap_open();
	ASSERT_NE(NULL, self->h) TH_LOG("softmap_open: %s", strerror(errno));
	sm_watch_start(_metadata, &self->w, "compaction test");
	self->watching = true;
}

FIXTURE_TEARDOWN(compact)
{
	/* No warning, lockdep or RCU splat, no taint, while it ran. */
	if (self->watching)
		sm_watch_check(_metadata, &self->w);
	softmap_close(self->h);
	sm_flush_all();
	if (self->saved_ok && sm_tunables_write(&self->saved))
		TH_LOG("could not restore the tunables");
}

/* What is measured at each step. */
struct point {
	const char *name;
	struct sm_counters c;
	struct sm_reclaim r;
	uint64_t slabinfo;	/* pages of the softmap_* caches */
	int caches;
};

static void measure(struct __test_metadata *_metadata, struct point *p,
		    const char *name)
{
	p->name = name;
	/* Under KASAN, freed objects wait in a quarantine: flush it. */
	if (sm_kernel_is_debug())
		sm_slab_shrink_all();
	ASSERT_EQ(0, sm_wait_rcu_frees(20000));
	ASSERT_EQ(0, sm_counters_read(&p->c));
	ASSERT_EQ(0, sm_reclaim_read(&p->r));
	ASSERT_EQ(0, sm_slabinfo_pages(&p->slabinfo, &p->caches));
	ksft_print_msg("%-16s objects %8" PRIu64 "  buckets %8" PRIu64 "  slab_pages %7" PRIu64 "  slabinfo %7" PRIu64 " (%d caches)  bytes_allocated %10" PRIu64 "\n",
		       name, p->c.objects, p->c.table_buckets, p->r.slab_pages,
		       p->slabinfo, p->caches, p->c.bytes_allocated);
}

/* slab_pages and /proc/slabinfo agree within 10% + 64 pages. */
static void agree(struct __test_metadata *_metadata, const struct point *p)
{
	uint64_t hi = p->r.slab_pages > p->slabinfo ? p->r.slab_pages :
						       p->slabinfo;
	uint64_t lo = p->r.slab_pages + p->slabinfo - hi;

	EXPECT_LE(hi - lo, hi / 10 + 64)
		TH_LOG("%s: slab_pages %" PRIu64 " but /proc/slabinfo shows %" PRIu64 " pages for the softmap_* caches",
		       p->name, p->r.slab_pages, p->slabinfo);
}

/* What a listing of the store found, against the survivors. */
struct listing {
	unsigned char *present;	/* 1: a survivor not listed yet */
	long n;
	long survivors;		/* survivors listed (once each) */
	long strangers;		/* anything else listed */
};

static int list_one(const struct softmap_object *o, void *arg)
{
	struct listing *l = arg;
	char key[64];
	char *end;
	long i;

	snprintf(key, sizeof(key), "%.*s", (int)o->key_len, o->key);
	i = strncmp(key, "key:", 4) ? -1 : strtol(key + 4, &end, 10);
	if (i < 0 || i >= l->n || *end) {
		l->strangers++;
	} else if (l->present[i] == 1) {
		l->present[i] = 2;
		l->survivors++;
	} else if (l->present[i] != 2) {
		l->strangers++;
	}
	return 0;
}

/*
 * PUT objects [@from, @to) of @s, those marked in @alice for alice (root
 * may store for another owner) and the others for root.
 */
static int put_owned(struct softmap *h, const struct sm_set *s, long from,
		     long to, const unsigned char *alice, struct sm_tally *t)
{
	struct sm_set_ctx c = { .s = s, .t = t };
	unsigned char v[VLEN];
	char key[64];
	long i;
	int err;

	err = softmap_batch_begin(h, sm_set_result, &c);
	for (i = from; !err && i < to; i++) {
		size_t klen = sm_set_key(s, i, key);

		sm_fill(v, s->vlen, s->seed + i);
		err = softmap_set_uid(h, alice[i] ? SM_UID_ALICE : -1);
		if (!err)
			err = softmap_batch_put(h, key, klen, v, s->vlen,
						s->flags, SOFTMAP_PUT_CREATE,
						(void *)(intptr_t)i);
	}
	if (!err)
		err = softmap_batch_end(h);
	else
		softmap_batch_end(h);
	softmap_set_uid(h, -1);
	return err;
}

TEST_F_TIMEOUT(compact, delete_99_percent_then_compact, 900)
{
	const long n = sm_kernel_is_debug() ? INSERT_DEBUG : INSERT;
	const long live = n * LIVE_PERCENT / 100;
	const struct sm_set s = { "key:", n, VLEN, 0, 7000000 };
	struct point base, peak, deleted, after;
	unsigned char *present = calloc(n, 1), *alice = calloc(n, 1);
	long *perm = malloc(n * sizeof(*perm));
	uint64_t seed = 42, t0, min_buckets, flushed = 0;
	int64_t fell, want, returned;
	struct sm_tally t = { 0 };
	struct listing l = { 0 };
	long i, j, kept;

	ASSERT_TRUE(present && alice && perm);
	ksft_print_msg("%ld objects (%zu-byte values), %ld kept%s\n", n,
		       s.vlen, live,
		       sm_kernel_is_debug() ? " (sized for the debug kernel)"
					    : "");
	/* A fresh cache generation to start from. */
	ASSERT_EQ(0, sm_shrink_write("compact"));
	measure(_metadata, &base, "empty");

	/* The survivors: the last `live` of a random permutation, alice's. */
	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = n - 1; i > 0; i--) {
		long tmp;

		j = sm_rand_next(&seed) % (i + 1);
		tmp = perm[i];
		perm[i] = perm[j];
		perm[j] = tmp;
	}
	for (i = n - live; i < n; i++)
		alice[perm[i]] = 1;

	t0 = sm_now_ms();
	for (i = 0; i < n; i += CHUNK)
		ASSERT_LIBOK(self->h, put_owned(self->h, &s, i,
						i + CHUNK < n ? i + CHUNK : n,
						alice, &t));
	ASSERT_EQ(n, t.ok) TH_LOG("%ld ENOMEM, %ld quota, %ld other: %s",
				  t.enomem, t.quota, t.failed,
				  strerror(-t.err));
	ksft_print_msg("inserted in %" PRIu64 " ms\n", sm_now_ms() - t0);
	measure(_metadata, &peak, "inserted");
	ASSERT_EQ(n, peak.c.objects);
	agree(_metadata, &peak);
	/* The objects' bytes at least are in those pages. */
	EXPECT_LE(sm_set_bytes(&s, 0, n) / 4096, peak.r.slab_pages);

	/* Delete root's objects: all but alice's. */
	t0 = sm_now_ms();
	ASSERT_LIBOK(self->h, softmap_flush(self->h, false, &flushed));
	ASSERT_EQ(n - live, (long)flushed);
	ksft_print_msg("deleted in %" PRIu64 " ms\n", sm_now_ms() - t0);
	measure(_metadata, &deleted, "deleted");
	ASSERT_EQ(live, deleted.c.objects);
	agree(_metadata, &deleted);

	/* Compact, then pressure. */
	t0 = sm_now_ms();
	ASSERT_EQ(0, sm_shrink_write("compact\n"));
	ksft_print_msg("compacted in %" PRIu64 " ms\n", sm_now_ms() - t0);
	for (i = 0; i < PRESSURE_ROUNDS; i++)
		ASSERT_EQ(0, sm_drop_caches());
	measure(_metadata, &after, "compacted");
	agree(_metadata, &after);
	ksft_print_msg("table_shrinks +%" PRIu64 ", objects_moved +%" PRIu64 ", slab_pages_returned +%" PRIu64 ", evictions +%" PRIu64 "\n",
		       after.r.table_shrinks - peak.r.table_shrinks,
		       after.r.objects_moved - deleted.r.objects_moved,
		       after.r.slab_pages_returned -
		       deleted.r.slab_pages_returned,
		       after.r.evictions - base.r.evictions);

	/*
	 * Every survivor is there and intact, nothing pinned was evicted,
	 * and listings of both owners hold the survivors and nothing else:
	 * no deleted key came back.  (A GET of every deleted key would say
	 * the same at a hundred times the cost.)
	 */
	EXPECT_EQ(live, after.c.objects);
	EXPECT_EQ(base.r.evictions, after.r.evictions);
	memset(&t, 0, sizeof(t));
	ASSERT_EQ(0, softmap_set_uid(self->h, SM_UID_ALICE));
	EXPECT_LIBOK(self->h, sm_set_get_some(self->h, &s, 0, perm + n - live,
					      live, present, &t));
	EXPECT_EQ(live, t.ok);
	EXPECT_EQ(0, t.bad);
	for (i = n - live, kept = 0; i < n; i++)
		kept += present[perm[i]];
	EXPECT_EQ(live, kept) TH_LOG("survivors missing after compaction");
	l.present = present;
	l.n = n;
	EXPECT_LIBOK(self->h, softmap_list(self->h, false, list_one, &l));
	ASSERT_EQ(0, softmap_set_uid(self->h, -1));
	EXPECT_LIBOK(self->h, softmap_list(self->h, false, list_one, &l));
	EXPECT_EQ(live, l.survivors);
	EXPECT_EQ(0, l.strangers)
		TH_LOG("%ld listed keys are not survivors", l.strangers);

	/* The table is within 2x of what the live objects need. */
	min_buckets = (live * 4 + 2) / 3;
	EXPECT_LE(after.c.table_buckets, 2 * min_buckets)
		TH_LOG("%" PRIu64 " buckets for %ld objects: more than twice the %" PRIu64 " needed at 75%% load",
		       after.c.table_buckets, live, min_buckets);
	EXPECT_LT(peak.r.table_shrinks, after.r.table_shrinks);

	/* The slab pages fell with the objects, by both measures. */
	fell = (int64_t)peak.r.slab_pages - (int64_t)after.r.slab_pages;
	want = ((int64_t)peak.r.slab_pages -
		(int64_t)(peak.r.slab_pages * live / n)) * 8 / 10;
	EXPECT_GE(fell, want)
		TH_LOG("slab_pages fell by %" PRId64 ", at least %" PRId64 " expected",
		       fell, want);
	fell = (int64_t)peak.slabinfo - (int64_t)after.slabinfo;
	want = ((int64_t)peak.slabinfo -
		(int64_t)(peak.slabinfo * live / n)) * 8 / 10;
	EXPECT_GE(fell, want)
		TH_LOG("/proc/slabinfo pages fell by %" PRId64 ", at least %" PRId64 " expected",
		       fell, want);
	EXPECT_LT(deleted.r.objects_moved, after.r.objects_moved);
	fell = (int64_t)deleted.slabinfo - (int64_t)after.slabinfo;
	returned = (int64_t)(after.r.slab_pages_returned -
			     deleted.r.slab_pages_returned);
	EXPECT_GE(returned, fell * 8 / 10)
		TH_LOG("slab_pages_returned rose by %" PRId64 " while the caches gave back %" PRId64 " pages",
		       returned, fell);
	EXPECT_GT(peak.c.bytes_allocated / 4, after.c.bytes_allocated);
	free(present);
	free(alice);
	free(perm);
}

TEST_HARNESS_MAIN
