// SPDX-License-Identifier: GPL-2.0
/*
 * softmap_reclaim: eviction by the kernel's reclaim and by SHRINK, and
 * the /sys/kernel/softmap/shrink file.
 *
 * drop_caches_evicts_reclaimable_only: alice stores pinned and
 * reclaimable objects, bob reclaimable ones under the same keys, all with
 * checksummed values; "echo 2 > /proc/sys/vm/drop_caches" (repeated while
 * it makes progress) evicts every reclaimable object (drop_caches scans
 * every object and none was read) and no pinned one, which all keep their
 * values; evictions (global and per user), shrinker_freed, objects, bytes
 * and the owners' counters account exactly for what vanished.
 *
 * lru_order_and_second_chance: SHRINK with a byte target evicts the
 * least recently stored reclaimable objects first and skips pinned ones;
 * once read (GET), an object gets a second chance and newer unread ones
 * go before it.
 *
 * lru_order_after_compaction: compaction moves every object into a new
 * slab cache generation, and eviction afterwards still takes the least
 * recently stored first.
 *
 * shrink_target: SHRINK evicts exactly as much as the target needs (none
 * without a target or at the current size, one object for one byte less,
 * every reclaimable object for 0), replies the count, and leaves pinned
 * objects alone.
 *
 * shrink_file_*: /sys/kernel/softmap/shrink is a regular file of mode
 * 0200; root's "compact" evicts nothing and loses nothing, a decimal
 * target evicts the oldest objects down to it; any other write is
 * -EINVAL and does nothing; a user cannot open it (-EACCES).
 *
 * shrink_*_refused: SHRINK from a user is -EPERM with an extended ack
 * naming CAP_SYS_ADMIN and evicts nothing; a SOFTMAP_A_TARGET of the wrong
 * size is -EINVAL with a message.
 *
 * Preconditions: root, softmap.ko loaded.  Every owner's objects are
 * flushed before and after each test, and the tunables restored.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "sm_test.h"
#include "smreclaim.h"
#include "smset.h"

/* Objects per set: stock kernels, and the slow debug kernel. */
#define NPIN		2000
#define NREC		3000
#define NPIN_DEBUG	200
#define NREC_DEBUG	300
#define DROP_ROUNDS	5

FIXTURE(reclaim)
{
	struct softmap *h;
	struct sm_watch w;
	bool watching;
	struct sm_tunables saved;
	bool saved_ok;
	long npin, nrec;
};

FIXTURE_SETUP(reclaim)
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
	self->h = softmap_open();
	ASSERT_NE(NULL, self->h) TH_LOG("softmap_open: %s", strerror(errno));
	sm_watch_start(_metadata, &self->w, "reclaim test");
	self->watching = true;
	self->npin = sm_kernel_is_debug() ? NPIN_DEBUG : NPIN;
	self->nrec = sm_kernel_is_debug() ? NREC_DEBUG : NREC;
}

FIXTURE_TEARDOWN(reclaim)
{
	/* No warning, lockdep or RCU splat, no taint, while it ran. */
	if (self->watching)
		sm_watch_check(_metadata, &self->w);
	softmap_close(self->h);
	sm_flush_all();
	if (self->saved_ok && sm_tunables_write(&self->saved))
		TH_LOG("could not restore the tunables");
}

/* Everything a test compares before and after. */
struct snap {
	struct sm_counters c;
	struct sm_reclaim r;
	struct softmap_user_stats root, alice, bob;
};

static void snap(struct __test_metadata *_metadata, struct softmap *h,
		 struct snap *s)
{
	ASSERT_EQ(0, sm_counters_read(&s->c));
	ASSERT_EQ(0, sm_reclaim_read(&s->r));
	ASSERT_LIBOK(h, sm_uid_stats(h, 0, &s->root));
	ASSERT_LIBOK(h, sm_uid_stats(h, SM_UID_ALICE, &s->alice));
	ASSERT_LIBOK(h, sm_uid_stats(h, SM_UID_BOB, &s->bob));
}

/* PUT (create only) all of @s as @uid; every one must be stored. */
static void put_set(struct __test_metadata *_metadata, struct softmap *h,
		    long uid, const struct sm_set *s)
{
	struct sm_tally t = { 0 };

	ASSERT_LIBOK(h, softmap_set_uid(h, uid));
	ASSERT_LIBOK(h, sm_set_put(h, s, 0, s->n, SOFTMAP_PUT_CREATE, &t));
	ASSERT_LIBOK(h, softmap_set_uid(h, -1));
	ASSERT_EQ(s->n, t.ok) TH_LOG("%s*: %ld stored, %ld ENOMEM, %ld quota, %ld other (%s)",
				     s->prefix, t.ok, t.enomem, t.quota,
				     t.failed, strerror(-t.err));
}

/*
 * GET [@from, @to) of @s as @uid into @present; returns how many were
 * found intact.  A key found with another value or flags fails the test:
 * an object is there whole or not at all.
 */
static long check_set(struct __test_metadata *_metadata, struct softmap *h,
		      long uid, const struct sm_set *s, long from, long to,
		      unsigned char *present)
{
	struct sm_tally t = { 0 };

	EXPECT_LIBOK(h, softmap_set_uid(h, uid));
	EXPECT_LIBOK(h, sm_set_get(h, s, from, to, present, &t));
	EXPECT_LIBOK(h, softmap_set_uid(h, -1));
	EXPECT_EQ(0, t.bad) TH_LOG("%s*: %ld objects found with a wrong value or flags",
				   s->prefix, t.bad);
	EXPECT_EQ(0, t.failed + t.enomem + t.quota)
		TH_LOG("%s*: GET failed: %s", s->prefix, strerror(-t.err));
	EXPECT_EQ(to - from, t.ok + t.enoent + t.bad);
	return t.ok;
}

/* Bytes of the objects of @s not @present. */
static uint64_t gone_bytes(const struct sm_set *s, const unsigned char *present)
{
	uint64_t b = 0;
	long i;

	for (i = 0; i < s->n; i++)
		if (!present[i])
			b += sm_set_bytes(s, i, i + 1);
	return b;
}

TEST_F_TIMEOUT(reclaim, drop_caches_evicts_reclaimable_only, 600)
{
	const struct sm_set pin = { "pin/", self->npin, 100, 0, 1000000 };
	const struct sm_set ra = { "rec/", self->nrec, 150,
				   SOFTMAP_F_RECLAIMABLE, 2000000 };
	const struct sm_set rb = { "rec/", self->nrec, 150,
				   SOFTMAP_F_RECLAIMABLE, 3000000 };
	unsigned char *pa = calloc(ra.n, 1), *pb = calloc(rb.n, 1);
	unsigned char *pp = calloc(pin.n, 1);
	long gone_a, gone_b, gone, rounds;
	struct snap a, b;
	uint64_t objs;

	ASSERT_TRUE(pa && pb && pp);
	ksft_print_msg("alice: %ld pinned + %ld reclaimable, bob: %ld reclaimable%s\n",
		       pin.n, ra.n, rb.n,
		       sm_kernel_is_debug() ? " (sized for the debug kernel)"
					    : "");
	put_set(_metadata, self->h, SM_UID_ALICE, &pin);
	put_set(_metadata, self->h, SM_UID_ALICE, &ra);
	put_set(_metadata, self->h, SM_UID_BOB, &rb);
	snap(_metadata, self->h, &a);
	ASSERT_EQ(pin.n + ra.n + rb.n, a.c.objects);

	/* Repeat while a pass evicts something, until only pinned remain. */
	objs = a.c.objects;
	for (rounds = 1; rounds <= DROP_ROUNDS; rounds++) {
		uint64_t now;

		ASSERT_EQ(0, sm_drop_caches());
		ASSERT_EQ(0, sm_sysfs_read("objects", &now));
		if (now == (uint64_t)pin.n || now == objs)
			break;
		objs = now;
	}
	ASSERT_EQ(0, sm_wait_rcu_frees(10000));
	snap(_metadata, self->h, &b);

	EXPECT_EQ(pin.n, check_set(_metadata, self->h, SM_UID_ALICE, &pin, 0,
				   pin.n, pp))
		TH_LOG("pinned objects were evicted or damaged");
	gone_a = ra.n - check_set(_metadata, self->h, SM_UID_ALICE, &ra, 0,
				  ra.n, pa);
	gone_b = rb.n - check_set(_metadata, self->h, SM_UID_BOB, &rb, 0,
				  rb.n, pb);
	gone = gone_a + gone_b;
	ksft_print_msg("%ld drop_caches round(s): evicted %ld of alice's and %ld of bob's reclaimable objects; shrinker: %" PRIu64 " scans, %" PRIu64 " freed\n",
		       rounds > DROP_ROUNDS ? DROP_ROUNDS : rounds, gone_a,
		       gone_b, b.r.shrinker_scans - a.r.shrinker_scans,
		       b.r.shrinker_freed - a.r.shrinker_freed);

	/* drop_caches scans every object; none was read: all go. */
	EXPECT_EQ(ra.n, gone_a) TH_LOG("alice's reclaimable objects left");
	EXPECT_EQ(rb.n, gone_b) TH_LOG("bob's reclaimable objects left");

	/* The counters account for exactly what vanished. */
	EXPECT_EQ(gone, b.r.evictions - a.r.evictions);
	EXPECT_EQ(gone, b.r.shrinker_freed - a.r.shrinker_freed);
	EXPECT_LT(a.r.shrinker_scans, b.r.shrinker_scans);
	EXPECT_EQ(gone_a, b.alice.evictions - a.alice.evictions);
	EXPECT_EQ(gone_b, b.bob.evictions - a.bob.evictions);
	EXPECT_EQ(a.root.evictions, b.root.evictions);
	EXPECT_EQ(a.c.objects - gone, b.c.objects);
	EXPECT_EQ(a.c.bytes - gone_bytes(&ra, pa) - gone_bytes(&rb, pb),
		  b.c.bytes);
	EXPECT_EQ(a.c.dels, b.c.dels);
	EXPECT_EQ(pin.n + ra.n - gone_a, b.alice.objects);
	EXPECT_EQ(rb.n - gone_b, b.bob.objects);
	EXPECT_EQ(a.alice.bytes - gone_bytes(&ra, pa), b.alice.bytes);
	EXPECT_EQ(a.bob.bytes - gone_bytes(&rb, pb), b.bob.bytes);
	free(pa);
	free(pb);
	free(pp);
}

/* SHRINK to @target; the reply's count. */
static uint64_t shrink_to(struct __test_metadata *_metadata, struct softmap *h,
			  uint64_t target)
{
	uint64_t n = UINT64_MAX;

	EXPECT_LIBOK(h, softmap_shrink(h, target, &n));
	return n;
}

static uint64_t bytes_now(struct __test_metadata *_metadata)
{
	uint64_t v = 0;

	EXPECT_EQ(0, sm_sysfs_read("bytes", &v));
	return v;
}

/* How many of [0, @n) are not where @kept(i) says; 0 when all are. */
static long misplaced(const unsigned char *present, long n, long kept_from,
		      long kept_to)
{
	long i, wrong = 0;

	for (i = 0; i < n; i++)
		wrong += present[i] != (i >= kept_from && i < kept_to);
	return wrong;
}

TEST_F(reclaim, lru_order_and_second_chance)
{
	const long k = self->nrec / 4 * 4;
	const struct sm_set pin = { "p/", k / 4, 100, 0, 10000 };
	const struct sm_set sa = { "a/", k, 100, SOFTMAP_F_RECLAIMABLE, 20000 };
	const struct sm_set sb = { "b/", k, 100, SOFTMAP_F_RECLAIMABLE, 30000 };
	unsigned char *pa = calloc(k, 1), *pb = calloc(k, 1);
	struct sm_tally t = { 0 };
	struct sm_reclaim r0, r1;
	uint64_t target;
	long wrong;

	ASSERT_TRUE(pa && pb);
	/* Oldest first: pinned, then a/, then b/. */
	put_set(_metadata, self->h, -1, &pin);
	put_set(_metadata, self->h, -1, &sa);
	put_set(_metadata, self->h, -1, &sb);
	ASSERT_EQ(0, sm_reclaim_read(&r0));

	/* Read the younger half of a/: it gets a second chance. */
	ASSERT_LIBOK(self->h, sm_set_get(self->h, &sa, k / 2, k, NULL, &t));
	ASSERT_EQ(k / 2, t.ok);

	/*
	 * Ask for the bytes of the older half of a/ and the oldest quarter
	 * of b/: the pinned objects (oldest of all) stay, the older half of
	 * a/ goes, the younger half is passed over, then b/'s oldest go.
	 */
	target = bytes_now(_metadata) - sm_set_bytes(&sa, 0, k / 2) -
		 sm_set_bytes(&sb, 0, k / 4);
	EXPECT_EQ(k / 2 + k / 4, shrink_to(_metadata, self->h, target));
	EXPECT_EQ(target, bytes_now(_metadata));
	ASSERT_EQ(0, sm_reclaim_read(&r1));
	EXPECT_EQ(k / 2 + k / 4, r1.evictions - r0.evictions);

	EXPECT_EQ(pin.n, check_set(_metadata, self->h, -1, &pin, 0, pin.n,
				   NULL));
	check_set(_metadata, self->h, -1, &sa, 0, k, pa);
	check_set(_metadata, self->h, -1, &sb, 0, k, pb);
	wrong = misplaced(pa, k, k / 2, k);
	EXPECT_EQ(0, wrong)
		TH_LOG("a/: %ld objects not as expected (the older half evicted, the younger half, read, kept)",
		       wrong);
	wrong = misplaced(pb, k, k / 4, k);
	EXPECT_EQ(0, wrong)
		TH_LOG("b/: %ld objects not as expected (the oldest quarter evicted, the rest kept)",
		       wrong);
	free(pa);
	free(pb);
}

/*
 * Compaction moves every object into a new slab cache generation; the
 * LRU order must survive it: eviction afterwards still takes the least
 * recently stored first.
 */
TEST_F(reclaim, lru_order_after_compaction)
{
	const long k = self->nrec;
	const struct sm_set sa = { "a/", k, 100, SOFTMAP_F_RECLAIMABLE, 35000 };
	unsigned char *pa = calloc(k, 1);
	struct sm_reclaim r0, r1;
	uint64_t target;
	long wrong;

	ASSERT_NE(NULL, pa);
	put_set(_metadata, self->h, -1, &sa);
	ASSERT_EQ(0, sm_reclaim_read(&r0));
	ASSERT_EQ(0, sm_shrink_write("compact\n"));
	ASSERT_EQ(0, sm_reclaim_read(&r1));
	ksft_print_msg("compaction moved %" PRIu64 " objects\n",
		       r1.objects_moved - r0.objects_moved);
	EXPECT_LE(k, r1.objects_moved - r0.objects_moved)
		TH_LOG("compaction moved fewer objects than are stored");

	target = bytes_now(_metadata) - sm_set_bytes(&sa, 0, k / 4);
	EXPECT_EQ(k / 4, shrink_to(_metadata, self->h, target));
	check_set(_metadata, self->h, -1, &sa, 0, k, pa);
	wrong = misplaced(pa, k, k / 4, k);
	EXPECT_EQ(0, wrong)
		TH_LOG("%ld objects not as expected (the oldest quarter evicted, the rest kept): compaction lost the LRU order",
		       wrong);
	free(pa);
}

TEST_F(reclaim, shrink_target)
{
	const struct sm_set pin = { "p/", self->npin, 64, 0, 40000 };
	const struct sm_set rec = { "r/", self->nrec, 64,
				    SOFTMAP_F_RECLAIMABLE, 50000 };
	uint64_t pin_bytes = sm_set_bytes(&pin, 0, pin.n), b0, b1;
	struct snap a, b;

	put_set(_metadata, self->h, -1, &pin);
	put_set(_metadata, self->h, -1, &rec);
	snap(_metadata, self->h, &a);
	b0 = a.c.bytes;
	ASSERT_EQ(pin_bytes + sm_set_bytes(&rec, 0, rec.n), b0);

	/* No target, or the current size: nothing to evict. */
	EXPECT_EQ(0, shrink_to(_metadata, self->h, UINT64_MAX));
	EXPECT_EQ(0, shrink_to(_metadata, self->h, b0));
	EXPECT_EQ(a.c.objects, self->npin + self->nrec);
	EXPECT_EQ(b0, bytes_now(_metadata));

	/*
	 * One byte less: exactly one object (its key has 3 to 6 bytes; which
	 * one goes is the LRU tests' business).
	 */
	EXPECT_EQ(1, shrink_to(_metadata, self->h, b0 - 1));
	b1 = bytes_now(_metadata);
	EXPECT_LE(b0 - sm_set_bytes(&rec, rec.n - 1, rec.n), b1);
	EXPECT_GE(b0 - sm_set_bytes(&rec, 0, 1), b1);

	/* Below the pinned bytes: every reclaimable object, no pinned one. */
	EXPECT_EQ(rec.n - 1, shrink_to(_metadata, self->h, 0));
	EXPECT_EQ(pin_bytes, bytes_now(_metadata));
	EXPECT_EQ(0, shrink_to(_metadata, self->h, 0));
	snap(_metadata, self->h, &b);
	EXPECT_EQ(rec.n, b.r.evictions - a.r.evictions);
	EXPECT_EQ(rec.n, b.root.evictions - a.root.evictions);
	EXPECT_EQ(pin.n, b.c.objects);
	EXPECT_EQ(pin.n, b.root.objects);
	EXPECT_EQ(pin.n, check_set(_metadata, self->h, -1, &pin, 0, pin.n,
				   NULL));
	EXPECT_EQ(0, check_set(_metadata, self->h, -1, &rec, 0, rec.n, NULL));
}

TEST_F(reclaim, shrink_file)
{
	const struct sm_set pin = { "p/", self->npin, 80, 0, 60000 };
	const struct sm_set rec = { "r/", self->nrec, 80,
				    SOFTMAP_F_RECLAIMABLE, 70000 };
	unsigned char *pr = calloc(rec.n, 1);
	char buf[32];
	struct snap a, b;
	struct stat st;
	long wrong;

	ASSERT_NE(NULL, pr);
	ASSERT_EQ(0, stat(SM_SYSFS_DIR "/" SM_SHRINK_FILE, &st))
		TH_LOG(SM_SYSFS_DIR "/" SM_SHRINK_FILE ": %s", strerror(errno));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(0200, st.st_mode & 07777)
		TH_LOG("mode %o, expected 0200 (root-only, write-only)",
		       st.st_mode & 07777);

	put_set(_metadata, self->h, -1, &pin);
	put_set(_metadata, self->h, -1, &rec);
	snap(_metadata, self->h, &b);

	/*
	 * A byte target, first (before a GET or a compaction could change
	 * the LRU order): the ten oldest reclaimable objects go.
	 */
	snprintf(buf, sizeof(buf), "%" PRIu64 "\n",
		 b.c.bytes - sm_set_bytes(&rec, 0, 10));
	ASSERT_EQ(0, sm_shrink_write(buf));
	snap(_metadata, self->h, &a);
	EXPECT_EQ(10, a.r.evictions - b.r.evictions);
	EXPECT_EQ(10, a.root.evictions - b.root.evictions);
	EXPECT_EQ(b.c.objects - 10, a.c.objects);
	check_set(_metadata, self->h, -1, &rec, 0, rec.n, pr);
	wrong = misplaced(pr, rec.n, 10, rec.n);
	EXPECT_EQ(0, wrong) TH_LOG("%ld objects not as expected (the ten oldest evicted, the rest kept)",
				   wrong);

	/* compact: objects move, none is evicted or lost. */
	ASSERT_EQ(0, sm_shrink_write("compact\n"));
	ASSERT_EQ(0, sm_shrink_write("compact"));
	snap(_metadata, self->h, &b);
	ksft_print_msg("compact x2: %" PRIu64 " objects moved, %" PRIu64 " slab pages returned, slab pages %" PRIu64 " -> %" PRIu64 "\n",
		       b.r.objects_moved - a.r.objects_moved,
		       b.r.slab_pages_returned - a.r.slab_pages_returned,
		       a.r.slab_pages, b.r.slab_pages);
	EXPECT_EQ(a.r.evictions, b.r.evictions);
	EXPECT_EQ(a.c.objects, b.c.objects);
	EXPECT_EQ(a.c.bytes, b.c.bytes);
	EXPECT_EQ(pin.n, check_set(_metadata, self->h, -1, &pin, 0, pin.n,
				   NULL));
	EXPECT_EQ(rec.n - 10, check_set(_metadata, self->h, -1, &rec, 10,
					rec.n, NULL));
	a = b;

	/* 0: every reclaimable object, no pinned one. */
	ASSERT_EQ(0, sm_shrink_write("0\n"));
	snap(_metadata, self->h, &b);
	EXPECT_EQ(rec.n - 10, b.r.evictions - a.r.evictions);
	EXPECT_EQ(pin.n, b.c.objects);
	EXPECT_EQ(pin.n, check_set(_metadata, self->h, -1, &pin, 0, pin.n,
				   NULL));
	free(pr);
}

TEST_F(reclaim, shrink_file_bad_writes)
{
	static const char *const bad[] = {
		"abc\n", "-1\n", "12k\n", "1.5\n", "0x10\n", "compact now\n",
		"compactx\n", "compac\n", "18446744073709551616\n", "\n",
		" \n", "1 2\n",
	};
	const struct sm_set rec = { "r/", 50, 40, SOFTMAP_F_RECLAIMABLE,
				    80000 };
	struct snap a, b;
	unsigned int i;
	int err;

	put_set(_metadata, self->h, -1, &rec);
	snap(_metadata, self->h, &a);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		err = sm_shrink_write(bad[i]);
		EXPECT_EQ(-EINVAL, err) TH_LOG("writing '%.*s': %s",
					       (int)strcspn(bad[i], "\n"),
					       bad[i], strerror(-err));
	}
	snap(_metadata, self->h, &b);
	EXPECT_EQ(a.r.evictions, b.r.evictions);
	EXPECT_EQ(a.c.objects, b.c.objects);
	EXPECT_EQ(rec.n, check_set(_metadata, self->h, -1, &rec, 0, rec.n,
				   NULL));
}

/* alice tries the shrink file: errno of open for writing, for reading. */
static int alice_shrink_file(void *arg)
{
	int *res = arg, fd;

	fd = open(SM_SYSFS_DIR "/" SM_SHRINK_FILE, O_WRONLY | O_CLOEXEC);
	res[0] = fd < 0 ? errno : 0;
	if (fd >= 0) {
		res[1] = write(fd, "0\n", 2) < 0 ? errno : 0;
		close(fd);
	}
	fd = open(SM_SYSFS_DIR "/" SM_SHRINK_FILE, O_RDONLY | O_CLOEXEC);
	res[2] = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	return 0;
}

TEST_F(reclaim, shrink_file_needs_root)
{
	const struct sm_set rec = { "r/", 50, 40, SOFTMAP_F_RECLAIMABLE,
				    90000 };
	int *res = sm_shared_alloc(3 * sizeof(int));
	struct snap a, b;

	ASSERT_NE(NULL, res);
	put_set(_metadata, self->h, SM_UID_ALICE, &rec);
	snap(_metadata, self->h, &a);
	ASSERT_EQ(0, sm_run_as(SM_UID_ALICE, alice_shrink_file, res));
	EXPECT_EQ(EACCES, res[0]) TH_LOG("alice opened the shrink file for writing: %s",
					 strerror(res[0]));
	EXPECT_EQ(0, res[1]) TH_LOG("alice's write: %s", strerror(res[1]));
	EXPECT_EQ(EACCES, res[2]) TH_LOG("alice opened the shrink file for reading: %s",
					 strerror(res[2]));
	snap(_metadata, self->h, &b);
	EXPECT_EQ(a.r.evictions, b.r.evictions);
	EXPECT_EQ(rec.n, b.alice.objects);
	sm_shared_free(res, 3 * sizeof(int));
}

struct alice_shrink {
	int open_err;
	struct nlraw_ack ack;
};

/* alice sends SHRINK with SOFTMAP_A_TARGET 0. */
static int alice_shrink_nl(void *arg)
{
	struct alice_shrink *r = arg;
	struct nlraw_msg *m;
	struct nlraw nl;

	r->open_err = nlraw_open(&nl, SOFTMAP_FAMILY_NAME);
	if (r->open_err)
		return 1;
	m = smraw_msg(&nl, SOFTMAP_CMD_SHRINK, 0);
	if (!m || nlraw_put_u64(m, SOFTMAP_A_TARGET, 0) < 0)
		r->ack.err = -ENOMEM;
	else
		nlraw_request(&nl, m, NULL, NULL, &r->ack);
	nlraw_msg_free(m);
	nlraw_close(&nl);
	return 0;
}

TEST_F(reclaim, shrink_from_user_refused)
{
	const struct sm_set rec = { "r/", 50, 40, SOFTMAP_F_RECLAIMABLE,
				    100000 };
	struct alice_shrink *r = sm_shared_alloc(sizeof(*r));
	struct snap a, b;

	ASSERT_NE(NULL, r);
	put_set(_metadata, self->h, SM_UID_ALICE, &rec);
	snap(_metadata, self->h, &a);
	ASSERT_EQ(0, sm_run_as(SM_UID_ALICE, alice_shrink_nl, r))
		TH_LOG("open as alice: %s", strerror(-r->open_err));
	EXPECT_NLERR(&r->ack, EPERM, "CAP_SYS_ADMIN");
	snap(_metadata, self->h, &b);
	EXPECT_EQ(a.r.evictions, b.r.evictions);
	EXPECT_EQ(a.alice.evictions, b.alice.evictions);
	EXPECT_EQ(rec.n, b.alice.objects);
	EXPECT_EQ(rec.n, check_set(_metadata, self->h, SM_UID_ALICE, &rec, 0,
				   rec.n, NULL));
	sm_shared_free(r, sizeof(*r));
}

TEST_F(reclaim, shrink_target_wrong_size_refused)
{
	const struct sm_set rec = { "r/", 20, 40, SOFTMAP_F_RECLAIMABLE,
				    110000 };
	struct nlraw_ack ack;
	struct nlraw_msg *m;
	struct nlraw nl;
	struct snap a, b;

	put_set(_metadata, self->h, -1, &rec);
	snap(_metadata, self->h, &a);
	ASSERT_EQ(0, nlraw_open(&nl, SOFTMAP_FAMILY_NAME));
	m = smraw_msg(&nl, SOFTMAP_CMD_SHRINK, 0);
	ASSERT_NE(NULL, m);
	ASSERT_LE(0, nlraw_put_u32(m, SOFTMAP_A_TARGET, 0));
	nlraw_request(&nl, m, NULL, NULL, &ack);
	nlraw_msg_free(m);
	nlraw_close(&nl);
	EXPECT_NLERR(&ack, EINVAL, "");
	snap(_metadata, self->h, &b);
	EXPECT_EQ(a.r.evictions, b.r.evictions);
	EXPECT_EQ(rec.n, b.root.objects);
}

TEST_HARNESS_MAIN
