// SPDX-License-Identifier: GPL-2.0
/*
 * softmap_memcg: reclaim within memory cgroups (cgroup v2).
 *
 * An object is charged to the memory cgroup of the process that stored
 * it, and the shrinker is memcg-aware, so reclaim in one cgroup evicts
 * that cgroup's objects only.
 *
 * reclaim_only_charged_cgroup: alice, in cgroup X, and bob, in its
 * sibling Y, store reclaimable objects; writing a large amount to
 * X/memory.reclaim evicts alice's objects (all of them: none was read)
 * and none of bob's, which keep their values; evictions (global and per
 * user) match what vanished, and X's memory.current falls.
 *
 * little_memory: in a cgroup Z limited by memory.max, alice stores
 * reclaimable objects several times the limit: every PUT succeeds (at
 * most 1% -ENOMEM), the most recent objects are there and intact, older
 * ones were evicted, and nothing is OOM-killed.  Then she stores pinned
 * objects until 20 in a row are refused: refusals are -ENOMEM (or
 * -EDQUOT/-ENOSPC), they come once the reclaimable objects have made room
 * (pinned objects then fill at least half the limit, and at most 1% of
 * the reclaimable objects that fit are left; at most 1% of the pinned
 * PUTs were refused while a later one still got in), the store still
 * answers, no pinned object is lost, and still nothing is OOM-killed
 * (memory.events oom_kill stays 0, alice's process exits normally).
 *
 * The memory controller must be available: without it the tests are
 * skipped, except under the VM runner ($SOFTMAP_KERNEL set), where every
 * kernel of the matrix has it and its absence is a failure.
 *
 * Preconditions: root, softmap.ko loaded, cgroup v2 at /sys/fs/cgroup.
 * The cgroups softmap_selftest_{x,y,z} are created and removed, and every
 * owner's objects flushed before and after.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "sm_test.h"
#include "smcg.h"
#include "smreclaim.h"
#include "smset.h"

#define CG_X	"softmap_selftest_x"
#define CG_Y	"softmap_selftest_y"
#define CG_Z	"softmap_selftest_z"

#define NOBJ		4000	/* per owner, in reclaim_only_charged_cgroup */
#define NOBJ_DEBUG	500
#define RECLAIM_ROUNDS	3

#define LIMIT_MB	64	/* memory.max of Z */
#define LIMIT_MB_DEBUG	12
#define FILL_TIMES	4	/* reclaimable bytes stored, in limits */
#define FILL_TIMES_DEBUG 3
#define FILL_VLEN	2000
#define FILL_CHUNK	2000
#define RECENT		200	/* most recent objects read back */
#define EXTRA_PUTS	20	/* pinned PUTs refused in a row: full */

FIXTURE(memcg)
{
	struct softmap *h;
	struct sm_watch w;
	bool watching;
	struct sm_tunables saved;
	bool saved_ok;
};

FIXTURE_SETUP(memcg)
{
	char why[512] = "";
	struct sm_reclaim r;
	int err;

	SM_PRECONDITIONS();
	err = sm_cg_memory_controller(why, sizeof(why));
	if (err == -ENOENT && !*sm_kernel())
		SKIP(return, "%s", why);
	ASSERT_EQ(0, err) TH_LOG("%s", why);
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
	sm_watch_start(_metadata, &self->w, "memcg test");
	self->watching = true;
	ASSERT_EQ(0, sm_cg_create(CG_X));
	ASSERT_EQ(0, sm_cg_create(CG_Y));
	ASSERT_EQ(0, sm_cg_create(CG_Z));
}

FIXTURE_TEARDOWN(memcg)
{
	/* No warning, lockdep or RCU splat, no taint, while it ran. */
	if (self->watching)
		sm_watch_check(_metadata, &self->w);
	softmap_close(self->h);
	sm_flush_all();
	sm_wait_rcu_frees(10000);
	if (sm_cg_remove(CG_X) || sm_cg_remove(CG_Y) || sm_cg_remove(CG_Z))
		TH_LOG("could not remove the test cgroups");
	if (self->saved_ok && sm_tunables_write(&self->saved))
		TH_LOG("could not restore the tunables");
}

/* A child storing a set: runs in a cgroup as a user. */
struct fill_job {
	const struct sm_set *s;
	struct sm_tally t;
	int err;
};

static int fill_child(void *arg)
{
	struct fill_job *j = arg;
	struct softmap *h = softmap_open();

	if (!h) {
		j->err = -errno;
		return 1;
	}
	j->err = sm_set_put(h, j->s, 0, j->s->n, SOFTMAP_PUT_CREATE, &j->t);
	softmap_close(h);
	return j->err ? 1 : 0;
}

static void user_stats(struct __test_metadata *_metadata, struct softmap *h,
		       long uid, struct softmap_user_stats *u)
{
	ASSERT_LIBOK(h, sm_uid_stats(h, uid, u));
}

TEST_F_TIMEOUT(memcg, reclaim_only_charged_cgroup, 600)
{
	const long n = sm_kernel_is_debug() ? NOBJ_DEBUG : NOBJ;
	const struct sm_set sa = { "obj/", n, 1000, SOFTMAP_F_RECLAIMABLE,
				   1000000 };
	const struct sm_set sb = { "obj/", n, 1000, SOFTMAP_F_RECLAIMABLE,
				   2000000 };
	struct fill_job *ja = sm_shared_alloc(sizeof(*ja));
	struct fill_job *jb = sm_shared_alloc(sizeof(*jb));
	struct softmap_user_stats a0, a1, b0, b1;
	uint64_t xcur0, xcur1, ycur, ev0, ev1;
	struct sm_tally ta = { 0 }, tb = { 0 };
	int rounds, err, rc;

	ASSERT_TRUE(ja && jb);
	ja->s = &sa;
	jb->s = &sb;
	ksft_print_msg("alice in %s and bob in %s store %ld reclaimable objects of %zu bytes each%s\n",
		       CG_X, CG_Y, n, sa.vlen,
		       sm_kernel_is_debug() ? " (sized for the debug kernel)"
					    : "");
	rc = sm_cg_run_as(CG_X, SM_UID_ALICE, fill_child, ja);
	ASSERT_EQ(0, rc) TH_LOG("alice's fill: status %d, %s", rc,
				strerror(-ja->err));
	rc = sm_cg_run_as(CG_Y, SM_UID_BOB, fill_child, jb);
	ASSERT_EQ(0, rc) TH_LOG("bob's fill: status %d, %s", rc,
				strerror(-jb->err));
	ASSERT_EQ(n, ja->t.ok);
	ASSERT_EQ(n, jb->t.ok);

	ASSERT_EQ(0, sm_cg_read_u64(CG_X, "memory.current", &xcur0));
	ASSERT_EQ(0, sm_cg_read_u64(CG_Y, "memory.current", &ycur));
	ksft_print_msg("memory.current: %s %" PRIu64 " KiB, %s %" PRIu64 " KiB\n",
		       CG_X, xcur0 >> 10, CG_Y, ycur >> 10);
	user_stats(_metadata, self->h, SM_UID_ALICE, &a0);
	user_stats(_metadata, self->h, SM_UID_BOB, &b0);
	ASSERT_EQ(0, sm_sysfs_read("evictions", &ev0));
	ASSERT_EQ(n, a0.objects);
	ASSERT_EQ(n, b0.objects);

	for (rounds = 1; rounds <= RECLAIM_ROUNDS; rounds++) {
		err = sm_cg_write(CG_X, "memory.reclaim", "1G");
		ASSERT_TRUE(!err || err == -EAGAIN)
			TH_LOG("memory.reclaim: %s", strerror(-err));
		user_stats(_metadata, self->h, SM_UID_ALICE, &a1);
		if (!a1.objects)
			break;
	}
	ASSERT_EQ(0, sm_wait_rcu_frees(10000));
	ASSERT_EQ(0, sm_cg_read_u64(CG_X, "memory.current", &xcur1));
	user_stats(_metadata, self->h, SM_UID_ALICE, &a1);
	user_stats(_metadata, self->h, SM_UID_BOB, &b1);
	ASSERT_EQ(0, sm_sysfs_read("evictions", &ev1));

	ASSERT_LIBOK(self->h, softmap_set_uid(self->h, SM_UID_ALICE));
	ASSERT_LIBOK(self->h, sm_set_get(self->h, &sa, 0, n, NULL, &ta));
	ASSERT_LIBOK(self->h, softmap_set_uid(self->h, SM_UID_BOB));
	ASSERT_LIBOK(self->h, sm_set_get(self->h, &sb, 0, n, NULL, &tb));
	ASSERT_LIBOK(self->h, softmap_set_uid(self->h, -1));
	ksft_print_msg("after %d memory.reclaim write(s) to %s: alice kept %ld of %ld, bob %ld of %ld; %s memory.current %" PRIu64 " -> %" PRIu64 " KiB\n",
		       rounds > RECLAIM_ROUNDS ? RECLAIM_ROUNDS : rounds,
		       CG_X, ta.ok, n, tb.ok, n, CG_X, xcur0 >> 10,
		       xcur1 >> 10);

	/* Only the objects charged to X were evicted: none of bob's. */
	EXPECT_EQ(n, tb.ok) TH_LOG("reclaim in %s evicted bob's objects, charged to %s",
				   CG_X, CG_Y);
	EXPECT_EQ(0, tb.bad + ta.bad);
	EXPECT_EQ(0, ta.failed + tb.failed);
	EXPECT_EQ(0, b1.evictions - b0.evictions);
	EXPECT_EQ(n, b1.objects);
	/* ... and all of alice's: reclaim scans them all, none was read. */
	EXPECT_EQ(0, ta.ok) TH_LOG("%ld of alice's objects survived memory.reclaim",
				   ta.ok);
	EXPECT_EQ(n - ta.ok, ta.enoent);
	EXPECT_EQ(n - ta.ok, a1.evictions - a0.evictions);
	EXPECT_EQ(n - ta.ok, ev1 - ev0);
	EXPECT_EQ(ta.ok, a1.objects);
	EXPECT_GT(xcur0, xcur1) TH_LOG("%s's memory.current did not fall",
				       CG_X);
	sm_shared_free(ja, sizeof(*ja));
	sm_shared_free(jb, sizeof(*jb));
}

/* What alice does in the limited cgroup, and what she saw. */
struct little {
	long nfill;
	long npin_max;
	int open_err;
	int exchange_err;
	struct sm_tally fill;
	struct sm_tally recent;
	struct sm_tally pin;	/* every pinned PUT */
	long pin_stored;
	long refused_first_at;	/* pinned objects stored at the first refusal */
	int first_refusal;
	long premature;		/* refusals a later pinned PUT got past */
	long rec_left_first;	/* reclaimable objects left at that moment */
	long rec_left_end;	/* ... and once the store refused for good */
	int stats_err;
	int get_pin_err;
	unsigned char stored[];	/* per pinned index: 1 when stored */
};

static const struct sm_set little_fill = { "r/", 0, FILL_VLEN,
					   SOFTMAP_F_RECLAIMABLE, 5000000 };
static const struct sm_set little_pin = { "p/", 0, FILL_VLEN, 0, 6000000 };

/* Alice's objects not pinned: her objects minus the pinned she stored. */
static long rec_left(struct softmap *h, struct little *l)
{
	struct softmap_user_stats u;
	int err = softmap_stats(h, NULL, &u);

	if (err) {
		l->stats_err = err;
		return -1;
	}
	return u.objects - l->pin_stored;
}

static int little_child(void *arg)
{
	struct little *l = arg;
	struct sm_set fill = little_fill;
	struct softmap_object o;
	long i, refusals = 0;
	struct softmap *h;
	unsigned char *v;
	char key[64];
	int err;

	fill.n = l->nfill;
	v = malloc(FILL_VLEN);
	h = softmap_open();
	if (!h || !v) {
		l->open_err = h ? -ENOMEM : -errno;
		return 1;
	}
	/* Reclaimable objects, several times the limit. */
	for (i = 0; i < fill.n; i += FILL_CHUNK) {
		err = sm_set_put(h, &fill, i, i + FILL_CHUNK < fill.n ?
				 i + FILL_CHUNK : fill.n, SOFTMAP_PUT_CREATE,
				 &l->fill);
		if (err) {
			l->exchange_err = err;
			return 1;
		}
	}
	err = sm_set_get(h, &fill, fill.n - RECENT, fill.n, NULL, &l->recent);
	if (err) {
		l->exchange_err = err;
		return 1;
	}

	/*
	 * Pinned objects until EXTRA_PUTS in a row are refused: the store
	 * is then full of pinned objects.  A refusal followed by a success
	 * came while memory could still be found.
	 */
	for (i = 0; i < l->npin_max && refusals < EXTRA_PUTS; i++) {
		sm_set_key(&little_pin, i, key);
		sm_fill(v, FILL_VLEN, little_pin.seed + i);
		err = softmap_put(h, key, strlen(key), v, FILL_VLEN, 0,
				  SOFTMAP_PUT_CREATE);
		sm_tally_err(&l->pin, err);
		if (!err) {
			l->stored[i] = 1;
			l->pin_stored++;
			l->premature += refusals;
			refusals = 0;
			continue;
		}
		if (!l->first_refusal) {
			l->first_refusal = err;
			l->refused_first_at = l->pin_stored;
			l->rec_left_first = rec_left(h, l);
		}
		refusals++;
	}
	l->rec_left_end = rec_left(h, l);
	/* The store still answers. */
	sm_set_key(&little_pin, 0, key);
	l->get_pin_err = softmap_get(h, key, strlen(key), &o);
	if (!l->get_pin_err)
		softmap_object_release(&o);
	softmap_close(h);
	free(v);
	return 0;
}

TEST_F_TIMEOUT(memcg, little_memory, 900)
{
	const bool debug = sm_kernel_is_debug();
	const uint64_t limit = (uint64_t)(debug ? LIMIT_MB_DEBUG : LIMIT_MB)
			       << 20;
	const long npin_max = 2 * limit / FILL_VLEN;
	const size_t lsize = sizeof(struct little) + npin_max;
	struct little *l = sm_shared_alloc(lsize);
	struct softmap_user_stats u0, u1;
	uint64_t oom_kill = 0, oom = 0, max = 0, peak = 0, ev0, ev1;
	struct sm_set pin = little_pin;
	unsigned char *present;
	long i, lost = 0;
	char buf[32];
	int rc;

	ASSERT_NE(NULL, l);
	l->nfill = limit * (debug ? FILL_TIMES_DEBUG : FILL_TIMES) / FILL_VLEN;
	l->npin_max = npin_max;
	snprintf(buf, sizeof(buf), "%" PRIu64, limit);
	ASSERT_EQ(0, sm_cg_write(CG_Z, "memory.max", buf));
	ASSERT_EQ(0, sm_cg_key_u64(CG_Z, "memory.events", "oom_kill",
				   &oom_kill));
	ASSERT_EQ(0, oom_kill);
	ksft_print_msg("%s: memory.max %" PRIu64 " MiB; alice stores %ld reclaimable objects of %d bytes (%" PRIu64 " MiB), then pinned ones until refused%s\n",
		       CG_Z, limit >> 20, l->nfill, FILL_VLEN,
		       (uint64_t)l->nfill * FILL_VLEN >> 20,
		       debug ? " (sized for the debug kernel)" : "");
	user_stats(_metadata, self->h, SM_UID_ALICE, &u0);
	ASSERT_EQ(0, sm_sysfs_read("evictions", &ev0));

	rc = sm_cg_run_as(CG_Z, SM_UID_ALICE, little_child, l);

	ASSERT_EQ(0, sm_cg_key_u64(CG_Z, "memory.events", "oom_kill",
				   &oom_kill));
	sm_cg_key_u64(CG_Z, "memory.events", "oom", &oom);
	sm_cg_key_u64(CG_Z, "memory.events", "max", &max);
	sm_cg_read_u64(CG_Z, "memory.peak", &peak);
	user_stats(_metadata, self->h, SM_UID_ALICE, &u1);
	ASSERT_EQ(0, sm_sysfs_read("evictions", &ev1));
	ksft_print_msg("alice exited with %d; memory.events: oom_kill %" PRIu64 ", oom %" PRIu64 ", max %" PRIu64 "; memory.peak %" PRIu64 " KiB\n",
		       rc, oom_kill, oom, max, peak >> 10);
	ksft_print_msg("reclaimable PUTs: %ld stored, %ld ENOMEM, %ld quota, %ld other; %ld of the %d most recent intact; %" PRIu64 " evicted\n",
		       l->fill.ok, l->fill.enomem, l->fill.quota,
		       l->fill.failed, l->recent.ok, RECENT,
		       u1.evictions - u0.evictions);
	ksft_print_msg("pinned PUTs: first refused ('%s') after %ld stored, with %ld reclaimable objects left; in all %ld stored (%" PRIu64 " KiB), %ld ENOMEM, %ld quota, %ld other, %ld refusals a later PUT got past; %ld reclaimable objects left at the end\n",
		       strerror(-l->first_refusal), l->refused_first_at,
		       l->rec_left_first, l->pin_stored,
		       (uint64_t)l->pin_stored * FILL_VLEN >> 10,
		       l->pin.enomem, l->pin.quota, l->pin.failed,
		       l->premature, l->rec_left_end);

	/* Nobody was OOM-killed: alice exited normally. */
	EXPECT_EQ(0, oom_kill);
	ASSERT_EQ(0, rc) TH_LOG("alice's process: %s", rc > 256 ?
				strsignal(rc - 256) : "failed");
	ASSERT_EQ(0, l->open_err) TH_LOG("%s", strerror(-l->open_err));
	ASSERT_EQ(0, l->exchange_err) TH_LOG("%s", strerror(-l->exchange_err));
	ASSERT_EQ(0, l->stats_err) TH_LOG("%s", strerror(-l->stats_err));

	/* Reclaimable PUTs succeed beyond the limit: older objects go. */
	EXPECT_EQ(0, l->fill.failed + l->fill.quota)
		TH_LOG("reclaimable PUT: %s", strerror(-l->fill.err));
	EXPECT_GE(l->nfill / 100, l->fill.enomem)
		TH_LOG("more than 1%% of the reclaimable PUTs failed with ENOMEM");
	EXPECT_EQ(RECENT, l->recent.ok)
		TH_LOG("most recent objects: %ld missing, %ld damaged",
		       l->recent.enoent, l->recent.bad);
	EXPECT_LE(l->fill.ok - limit / FILL_VLEN, u1.evictions - u0.evictions)
		TH_LOG("fewer evictions than the limit requires");
	EXPECT_EQ(u1.evictions - u0.evictions, ev1 - ev0);

	/*
	 * Pinned PUTs beyond memory fail cleanly, once the reclaimable
	 * objects have made room: the store then holds little else.
	 */
	EXPECT_TRUE(l->first_refusal == -ENOMEM ||
		    l->first_refusal == -EDQUOT ||
		    l->first_refusal == -ENOSPC)
		TH_LOG("first refused pinned PUT: %s",
		       strerror(-l->first_refusal));
	EXPECT_EQ(0, l->pin.failed) TH_LOG("a pinned PUT: %s",
					   strerror(-l->pin.err));
	EXPECT_LT(l->pin.ok + l->pin.enomem + l->pin.quota, npin_max)
		TH_LOG("pinned PUTs of twice the limit were not refused %d times in a row",
		       EXTRA_PUTS);
	EXPECT_LE((uint64_t)l->pin_stored * FILL_VLEN, limit);
	EXPECT_LE(limit / 2, (uint64_t)l->pin_stored * FILL_VLEN)
		TH_LOG("reclaimable objects did not make room for pinned ones");
	EXPECT_GE(l->pin_stored / 100, l->premature)
		TH_LOG("more than 1%% of the pinned PUTs were refused while memory could still be made");
	EXPECT_GE(limit / FILL_VLEN / 100, l->rec_left_end)
		TH_LOG("pinned PUTs refused while reclaimable objects remain");
	EXPECT_EQ(0, l->get_pin_err) TH_LOG("GET after the refusals: %s",
					    strerror(-l->get_pin_err));

	/* Accounting: every object stored is there or was evicted. */
	EXPECT_EQ(l->fill.ok + l->pin_stored - (u1.evictions - u0.evictions),
		  u1.objects);

	/* No pinned object was lost. */
	pin.n = npin_max;
	present = calloc(npin_max, 1);
	ASSERT_NE(NULL, present);
	ASSERT_LIBOK(self->h, softmap_set_uid(self->h, SM_UID_ALICE));
	for (i = 0; i < npin_max; i += FILL_CHUNK) {
		struct sm_tally t = { 0 };

		ASSERT_LIBOK(self->h, sm_set_get(self->h, &pin, i,
						 i + FILL_CHUNK < npin_max ?
						 i + FILL_CHUNK : npin_max,
						 present, &t));
		EXPECT_EQ(0, t.bad + t.failed);
	}
	ASSERT_LIBOK(self->h, softmap_set_uid(self->h, -1));
	for (i = 0; i < npin_max; i++)
		lost += l->stored[i] && !present[i];
	EXPECT_EQ(0, lost) TH_LOG("%ld pinned objects lost", lost);
	free(present);
	sm_shared_free(l, lsize);
}

TEST_HARNESS_MAIN
