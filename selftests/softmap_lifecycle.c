// SPDX-License-Identifier: GPL-2.0
/*
 * softmap_lifecycle: loading and unloading softmap.ko.
 *
 * While loaded, the generic netlink family "softmap" resolves and
 * /sys/kernel/softmap/ holds every counter and tunable; after rmmod both
 * are gone, and so are the module's slab caches.  Twenty unload/reload
 * cycles (ten on the debug kernel, where each takes seconds), each with
 * objects of two owners stored at unload, leak nothing:
 * no softmap_* slab cache survives an unload, unreclaimable slab and free
 * memory (MemFree plus the per-CPU free page lists) end where the first
 * cycle left them, within 4 and 8 MiB where a cycle stores over 1 MiB, the
 * kernel logs no problem and gets no new taint, and kmemleak, when the
 * kernel has it, reports nothing of softmap's.
 *
 * Preconditions: root, softmap.ko loaded from $SOFTMAP_KO (default
 * /softmap/softmap.ko), which is where it is reloaded from.  The module
 * is left loaded, whatever happens.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "sm_test.h"

#define CYCLES		20
#define CYCLES_DEBUG	10
#define ROOT_OBJS	128
#define ROOT_VLEN	8192
#define ALICE_OBJS	32
#define ALICE_VLEN	4096

FIXTURE(lifecycle)
{
	int unused;
};

FIXTURE_SETUP(lifecycle)
{
	SM_PRECONDITIONS();
}

FIXTURE_TEARDOWN(lifecycle)
{
	int err;

	if (sm_module_loaded())
		return;
	err = sm_insmod();
	if (err)
		TH_LOG("could not reload softmap: %s", strerror(-err));
}

/* Read a small file into @buf, newline stripped. */
static int read_line(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

TEST_F(lifecycle, family_resolves)
{
	char v[64], sys[64], refcnt[16];
	struct softmap *h;
	struct nlraw nl;
	uint32_t version;
	uint16_t id;

	ASSERT_EQ(0, nlraw_open(&nl, NULL));
	ASSERT_EQ(0, nlraw_resolve(&nl, SOFTMAP_FAMILY_NAME, &id, &version));
	EXPECT_LE(GENL_MIN_ID, id);
	EXPECT_EQ(SOFTMAP_FAMILY_VERSION, version);
	nlraw_close(&nl);

	h = softmap_open();
	ASSERT_NE(NULL, h) TH_LOG("softmap_open: %s", strerror(errno));
	EXPECT_EQ(SOFTMAP_FAMILY_VERSION, softmap_family_version(h));
	ASSERT_LIBOK(h, softmap_version(h, v, sizeof(v)));
	softmap_close(h);
	ASSERT_EQ(0, read_line("/sys/module/softmap/version", sys,
			       sizeof(sys)));
	EXPECT_STREQ(sys, v);
	/* Idle, nothing holds the module. */
	ASSERT_EQ(0, read_line("/sys/module/softmap/refcnt", refcnt,
			       sizeof(refcnt)));
	EXPECT_STREQ("0", refcnt);
}

TEST_F(lifecycle, sysfs_dir)
{
	struct sm_counters c;
	struct sm_tunables t;
	struct stat st;

	ASSERT_EQ(0, stat(SM_SYSFS_DIR, &st));
	EXPECT_TRUE(S_ISDIR(st.st_mode));
	EXPECT_EQ(0, sm_counters_read(&c));
	EXPECT_EQ(0, sm_tunables_read(&t));
	EXPECT_LT(0, t.max_value_size);
	EXPECT_GE(SOFTMAP_VALUE_MAX, t.max_value_size);
	EXPECT_LT(0, t.user_max_objects);
	EXPECT_LT(0, t.user_max_bytes);
	EXPECT_LT(0, t.max_bytes);
}

static void batch_cb(const struct softmap_result *r, void *arg)
{
	if (r->err)
		(*(int *)arg)++;
}

/* Store @n objects of @vlen bytes, every other one reclaimable. */
static int store(int n, size_t vlen)
{
	struct softmap *h = softmap_open();
	char key[32], *v = malloc(vlen);
	int i, err, failed = 0;

	if (!h || !v) {
		softmap_close(h);
		free(v);
		return -ENOMEM;
	}
	err = softmap_batch_begin(h, batch_cb, &failed);
	for (i = 0; !err && i < n; i++) {
		snprintf(key, sizeof(key), "cycle/%d", i);
		sm_fill(v, vlen, i);
		err = softmap_batch_put(h, key, strlen(key), v, vlen,
					i & 1 ? SOFTMAP_F_RECLAIMABLE : 0,
					SOFTMAP_PUT_UPSERT, NULL);
	}
	if (!err)
		err = softmap_batch_end(h);
	softmap_close(h);
	free(v);
	return err ? err : failed ? -EIO : 0;
}

static int alice_store(void *arg)
{
	(void)arg;
	return store(ALICE_OBJS, ALICE_VLEN) ? 1 : 0;
}

/* What must be true after an unload. */
static void check_unloaded(struct __test_metadata *_metadata, int cycle)
{
	char names[1024];
	struct softmap *h;
	struct nlraw nl;
	struct stat st;
	uint32_t version;
	uint16_t id;

	ASSERT_FALSE(sm_module_loaded()) TH_LOG("cycle %d", cycle);
	ASSERT_NE(0, stat(SM_SYSFS_DIR, &st))
		TH_LOG("cycle %d: " SM_SYSFS_DIR " survived rmmod", cycle);
	ASSERT_EQ(ENOENT, errno);
	ASSERT_EQ(0, nlraw_open(&nl, NULL));
	EXPECT_EQ(-ENOENT, nlraw_resolve(&nl, SOFTMAP_FAMILY_NAME, &id,
					 &version))
		TH_LOG("cycle %d: the family survived rmmod", cycle);
	nlraw_close(&nl);
	h = softmap_open();
	EXPECT_EQ(NULL, h);
	EXPECT_EQ(ENOENT, errno);
	softmap_close(h);
	ASSERT_EQ(0, sm_slab_caches(names, sizeof(names), NULL))
		TH_LOG("cycle %d: slab caches left: %s", cycle, names);
}

/*
 * What must be true after a load: an empty store, and a fresh one (no
 * request counted yet) when @fresh, i.e. when this test loaded it.
 */
static void check_loaded(struct __test_metadata *_metadata, int cycle,
			 bool fresh)
{
	struct sm_counters c;
	struct nlraw nl;

	ASSERT_TRUE(sm_module_loaded());
	ASSERT_EQ(0, sm_counters_read(&c)) TH_LOG("cycle %d", cycle);
	EXPECT_EQ(0, c.objects);
	EXPECT_EQ(0, c.bytes);
	EXPECT_EQ(0, c.users);
	if (fresh)
		EXPECT_EQ(0, c.puts + c.gets + c.dels + c.replaces);
	ASSERT_EQ(0, nlraw_open(&nl, SOFTMAP_FAMILY_NAME))
		TH_LOG("cycle %d: the family does not resolve", cycle);
	nlraw_close(&nl);
}

/*
 * Unreclaimable slab and free memory, after dropping reclaimable caches
 * and shrinking every slab cache (which also drains KASAN's quarantine).
 */
static void memory(struct __test_metadata *_metadata, uint64_t *unrecl_kb,
		   uint64_t *free_kb)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	if (fd >= 0) {
		if (write(fd, "3", 1) != 1)
			TH_LOG("drop_caches: %s", strerror(errno));
		close(fd);
	}
	ASSERT_LT(0, sm_slab_shrink_all());
	ASSERT_EQ(0, sm_meminfo_kb("SUnreclaim", unrecl_kb));
	ASSERT_EQ(0, sm_free_kb(free_kb));
}

TEST_F_TIMEOUT(lifecycle, unload_reload_cycles, 900)
{
	uint64_t base_unrecl = 0, base_free = 0, unrecl, mfree;
	/*
	 * A cycle stores over 1 MiB: leaking it all would take both figures
	 * past their slack.  Free memory also moves with allocations of the
	 * rest of the system (page tables, kernel stacks), hence more slack.
	 */
	const uint64_t slab_slack_kb = 4 << 10, free_slack_kb = 8 << 10;
	struct sm_leaks before = { 0 };
	bool kmemleak = sm_kmemleak_present();
	const int cycles = sm_kernel_is_debug() ? CYCLES_DEBUG : CYCLES;
	struct sm_counters c;
	struct sm_watch w;
	char *report;
	int cycle, n, err;

	if (kmemleak)
		ASSERT_EQ(0, sm_kmemleak_snapshot(&before));
	sm_watch_start(_metadata, &w, "unload/reload cycles");

	/* The module may have served other tests: start from empty. */
	sm_flush_all();
	for (cycle = 1; cycle <= cycles; cycle++) {
		check_loaded(_metadata, cycle, cycle > 1);
		ASSERT_EQ(0, store(ROOT_OBJS, ROOT_VLEN)) TH_LOG("cycle %d",
								 cycle);
		ASSERT_EQ(0, sm_run_as(SM_UID_ALICE, alice_store, NULL));
		ASSERT_EQ(0, sm_counters_read(&c));
		EXPECT_EQ(ROOT_OBJS + ALICE_OBJS, c.objects);
		EXPECT_EQ(2, c.users);

		err = sm_rmmod();
		ASSERT_EQ(0, err) TH_LOG("cycle %d: rmmod: %s", cycle,
					 strerror(-err));
		check_unloaded(_metadata, cycle);
		memory(_metadata, &unrecl, &mfree);
		if (cycle == 1) {
			base_unrecl = unrecl;
			base_free = mfree;
		}
		if (cycle == cycles) {
			ksft_print_msg("over %d cycles: SUnreclaim %llu -> %llu kB (slack %llu), free %llu -> %llu kB (slack %llu)\n",
				       cycles - 1,
				       (unsigned long long)base_unrecl,
				       (unsigned long long)unrecl,
				       (unsigned long long)slab_slack_kb,
				       (unsigned long long)base_free,
				       (unsigned long long)mfree,
				       (unsigned long long)free_slack_kb);
			EXPECT_GE(base_unrecl + slab_slack_kb, unrecl);
			EXPECT_LE(base_free, mfree + free_slack_kb);
			if (kmemleak) {
				n = sm_kmemleak_new(&before, &report);
				ASSERT_LE(0, n) TH_LOG("kmemleak: %s",
						       strerror(-n));
				EXPECT_EQ(0, n) TH_LOG("kmemleak:\n%s", report);
				free(report);
			}
		}
		err = sm_insmod();
		ASSERT_EQ(0, err) TH_LOG("cycle %d: insmod: %s", cycle,
					 strerror(-err));
	}
	check_loaded(_metadata, 0, true);
	sm_watch_check(_metadata, &w);
	sm_leaks_free(&before);
}

TEST_HARNESS_MAIN
