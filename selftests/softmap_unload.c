// SPDX-License-Identifier: GPL-2.0
/*
 * softmap_unload: unloading the module with 100,000 objects stored.
 *
 * The objects (of root and alice, pinned and reclaimable, values of 0 to
 * 200 bytes) are in softmap's own slab caches, which /proc/slabinfo lists
 * by their softmap_ names while loaded.  rmmod must free them all: no
 * softmap_* cache survives in /proc/slabinfo or /sys/kernel/slab, the
 * kernel logs no problem (a cache destroyed with objects left is logged
 * and taints the kernel, but leaves /proc/slabinfo all the same) and, on
 * a kernel with kmemleak, two scans report nothing of softmap's.  The
 * module is then loaded again, with an empty store.
 *
 * On the debug kernel, where every request is many times slower, the
 * store holds 30,000 objects.
 *
 * Preconditions: root, softmap.ko loaded from $SOFTMAP_KO (default
 * /softmap/softmap.ko).  The module is left loaded, whatever happens.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "sm_test.h"

#define OBJECTS		100000
#define ALICE_SHARE	10	/* one object in ten is alice's */
#define CHUNK		5000
#define OBJECTS_DEBUG	30000

FIXTURE(unload)
{
	struct sm_tunables saved;
	bool saved_ok;
};

FIXTURE_SETUP(unload)
{
	SM_PRECONDITIONS();
	ASSERT_EQ(0, sm_tunables_read(&self->saved));
	self->saved_ok = true;
	ASSERT_EQ(0, sm_sysfs_write_u64("user_max_objects", 1 << 20));
	ASSERT_EQ(0, sm_sysfs_write_u64("user_max_bytes", 1ULL << 40));
	ASSERT_EQ(0, sm_sysfs_write_u64("max_bytes", 1ULL << 40));
	sm_flush_all();
}

FIXTURE_TEARDOWN(unload)
{
	int err;

	if (!sm_module_loaded()) {
		err = sm_insmod();
		if (err)
			TH_LOG("could not reload softmap: %s", strerror(-err));
		/* a fresh module has its default tunables */
		return;
	}
	sm_flush_all();
	if (self->saved_ok && sm_tunables_write(&self->saved))
		TH_LOG("could not restore the tunables");
}

struct fill {
	long first, n;		/* objects fill/<first>..<first+n-1> */
	long stored, failed;
	uint64_t bytes;
	int err;
};

static void fill_cb(const struct softmap_result *r, void *arg)
{
	struct fill *f = arg;

	if (r->err) {
		f->failed++;
		f->err = r->err;
	} else {
		f->stored++;
	}
}

/* Store f->n objects with one handle; 0 or a negative errno. */
static int fill_range(struct fill *f)
{
	struct softmap *h = softmap_open();
	unsigned char v[200];
	char key[32];
	long i;
	int err;

	if (!h)
		return -errno;
	err = softmap_batch_begin(h, fill_cb, f);
	for (i = f->first; !err && i < f->first + f->n; i++) {
		size_t vlen = (i * 37) % sizeof(v);

		snprintf(key, sizeof(key), "fill/%ld", i);
		sm_fill(v, vlen, i);
		err = softmap_batch_put(h, key, strlen(key), v, vlen,
					i % 3 ? 0 : SOFTMAP_F_RECLAIMABLE,
					SOFTMAP_PUT_CREATE, NULL);
		f->bytes += strlen(key) + vlen;
	}
	if (!err)
		err = softmap_batch_end(h);
	softmap_close(h);
	return err;
}

static int alice_fill(void *arg)
{
	return fill_range(arg) ? 1 : 0;
}

TEST_F_TIMEOUT(unload, with_many_objects, 900)
{
	struct sm_leaks before = { 0 };
	bool kmemleak = sm_kmemleak_present();
	const long objects = sm_kernel_is_debug() ? OBJECTS_DEBUG : OBJECTS;
	struct fill *alice = sm_shared_alloc(sizeof(*alice));
	uint64_t t0, bytes = 0;
	long stored = 0, failed = 0;
	struct sm_counters c;
	struct sm_watch w;
	char names[1024];
	int n, slabinfo, err;
	char *report;

	ASSERT_NE(NULL, alice);
	if (kmemleak)
		ASSERT_EQ(0, sm_kmemleak_snapshot(&before));
	sm_watch_start(_metadata, &w, "fill, then unload");

	/* Fill in chunks, root's and alice's. */
	t0 = sm_now_ms();
	while (stored < objects) {
		struct fill root = { .first = stored,
				     .n = CHUNK - CHUNK / ALICE_SHARE };

		memset(alice, 0, sizeof(*alice));
		alice->first = stored + root.n;
		alice->n = CHUNK / ALICE_SHARE;
		err = fill_range(&root);
		ASSERT_EQ(0, err) TH_LOG("filling: %s", strerror(-err));
		ASSERT_EQ(0, sm_run_as(SM_UID_ALICE, alice_fill, alice));
		stored += root.stored + alice->stored;
		failed += root.failed + alice->failed;
		bytes += root.bytes + alice->bytes;
		ASSERT_EQ(0, failed) TH_LOG("%s", strerror(-(root.err ?:
							       alice->err)));
	}
	ksft_print_msg("stored %ld objects (%" PRIu64 " bytes) in %" PRIu64
		       " ms\n", stored, bytes, sm_now_ms() - t0);
	ASSERT_EQ(objects, stored);
	ASSERT_EQ(0, sm_counters_read(&c));
	EXPECT_EQ(stored, c.objects);
	EXPECT_EQ(bytes, c.bytes);
	EXPECT_EQ(2, c.users);

	/* softmap's caches, by name, unmerged. */
	n = sm_slab_caches(names, sizeof(names), &slabinfo);
	ASSERT_LE(0, n);
	ksft_print_msg("slab caches: %s\n", names);
	EXPECT_LE(1, slabinfo) TH_LOG("no softmap_* cache in /proc/slabinfo");

	t0 = sm_now_ms();
	err = sm_rmmod();
	ASSERT_EQ(0, err) TH_LOG("rmmod: %s", strerror(-err));
	ksft_print_msg("rmmod with %ld objects took %" PRIu64 " ms\n", stored,
		       sm_now_ms() - t0);
	EXPECT_FALSE(sm_module_loaded());
	n = sm_slab_caches(names, sizeof(names), NULL);
	EXPECT_EQ(0, n) TH_LOG("left after rmmod: %s", names);
	/* Objects left in a cache at its destruction are logged, not kept. */
	sm_watch_check(_metadata, &w);

	if (kmemleak) {
		n = sm_kmemleak_new(&before, &report);
		ASSERT_LE(0, n) TH_LOG("kmemleak: %s", strerror(-n));
		EXPECT_EQ(0, n) TH_LOG("kmemleak:\n%s", report);
		free(report);
		sm_leaks_free(&before);
	} else {
		ksft_print_msg("no kmemleak on this kernel: leaks checked by slab caches only\n");
	}

	err = sm_insmod();
	ASSERT_EQ(0, err) TH_LOG("insmod: %s", strerror(-err));
	ASSERT_EQ(0, sm_counters_read(&c));
	EXPECT_EQ(0, c.objects);
	EXPECT_EQ(0, c.bytes);
	EXPECT_EQ(0, c.users);
	sm_shared_free(alice, sizeof(*alice));
}

TEST_HARNESS_MAIN
