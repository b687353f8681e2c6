// SPDX-License-Identifier: GPL-2.0
/*
 * softmap_nl: every command of the softmap generic netlink family, its
 * success paths and its error paths, each error checked for its errno and
 * its extended-ack text.
 *
 * Preconditions: root, softmap.ko loaded.  Each test starts with root's
 * own objects flushed and max_value_size at its default, and its TEARDOWN
 * flushes what it stored (root's objects, and alice's when it used her)
 * and restores every tunable, so the program can run twice in a row.
 *
 * Well-formed requests go through libsoftmap; malformed ones (and those
 * whose every reply attribute is checked) are built by hand with smraw.
 */
#include <fcntl.h>
#include <stdlib.h>

#include "sm_test.h"

FIXTURE(nl)
{
	struct softmap *h;
	struct nlraw nl;
	struct sm_tunables saved;
	bool saved_ok;
};

FIXTURE_SETUP(nl)
{
	self->nl.fd = -1;
	SM_PRECONDITIONS();
	ASSERT_EQ(0, sm_tunables_read(&self->saved));
	self->saved_ok = true;
	ASSERT_EQ(0, sm_sysfs_write_u64("max_value_size",
					SM_DEFAULT_MAX_VALUE));
	SM_OPEN(self->h, &self->nl);
	sm_flush_uid(0);
}

FIXTURE_TEARDOWN(nl)
{
	if (self->saved_ok && sm_tunables_write(&self->saved))
		TH_LOG("could not restore the tunables");
	sm_flush_uid(0);
	sm_flush_uid(SM_UID_ALICE);
	softmap_close(self->h);
	nlraw_close(&self->nl);
}

/* Store @key -> sm_fill(@vlen, @seed) with libsoftmap, ASSERTing success. */
static void put_ok(struct __test_metadata *_metadata, struct softmap *h,
		   const char *key, size_t vlen, uint64_t seed, uint32_t flags,
		   enum softmap_put_mode mode)
{
	void *v = malloc(vlen + 1);

	ASSERT_NE(NULL, v);
	sm_fill(v, vlen, seed);
	ASSERT_LIBOK(h, softmap_put(h, key, strlen(key), v, vlen, flags,
				    mode));
	free(v);
}

/* GET @key and ASSERT that it holds sm_fill(@vlen, @seed) and @flags. */
static void get_is(struct __test_metadata *_metadata, struct softmap *h,
		   const char *key, size_t vlen, uint64_t seed, uint32_t flags)
{
	struct softmap_object o;

	ASSERT_LIBOK(h, softmap_get(h, key, strlen(key), &o));
	EXPECT_EQ(strlen(key), o.key_len);
	EXPECT_EQ(0, memcmp(o.key, key, o.key_len));
	EXPECT_TRUE(o.has_value);
	EXPECT_EQ(vlen, o.value_len);
	EXPECT_EQ(vlen, o.size);
	EXPECT_EQ(flags, o.flags);
	EXPECT_TRUE(o.value_len == vlen && sm_check(o.value, vlen, seed))
		TH_LOG("%s: value differs from what was stored", key);
	softmap_object_release(&o);
}

/* ASSERT that @key is absent, as GET tells. */
static void get_absent(struct __test_metadata *_metadata, struct softmap *h,
		       const char *key)
{
	struct softmap_object o;

	ASSERT_LIBERR(h, softmap_get(h, key, strlen(key), &o), ENOENT, "not found");
}

static void counters(struct __test_metadata *_metadata, struct sm_counters *c)
{
	ASSERT_EQ(0, sm_counters_read(c));
}

TEST_F(nl, version)
{
	char v[64], sys[64] = "";
	ssize_t n;
	int fd;

	EXPECT_EQ(SOFTMAP_FAMILY_VERSION, softmap_family_version(self->h));
	EXPECT_EQ(SOFTMAP_FAMILY_VERSION, self->nl.version);
	ASSERT_LIBOK(self->h, softmap_version(self->h, v, sizeof(v)));
	fd = open("/sys/module/softmap/version", O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, sys, sizeof(sys) - 1);
	close(fd);
	ASSERT_LT(0, n);
	sys[strcspn(sys, "\n")] = '\0';
	EXPECT_STREQ(sys, v);
}

TEST_F(nl, put_create_only)
{
	struct sm_counters a, b;

	counters(_metadata, &a);
	put_ok(_metadata, self->h, "create", 100, 1, 0, SOFTMAP_PUT_CREATE);
	ASSERT_LIBERR(self->h,
		      softmap_put(self->h, "create", 6, "x", 1, 0,
				  SOFTMAP_PUT_CREATE), EEXIST, "exists");
	get_is(_metadata, self->h, "create", 100, 1, 0);
	counters(_metadata, &b);
	EXPECT_EQ(a.objects + 1, b.objects);
	EXPECT_EQ(a.puts + 1, b.puts);
	EXPECT_EQ(a.replaces, b.replaces);
}

TEST_F(nl, put_replace_only)
{
	struct sm_counters a, b;

	counters(_metadata, &a);
	ASSERT_LIBERR(self->h,
		      softmap_put(self->h, "replace", 7, "x", 1, 0,
				  SOFTMAP_PUT_REPLACE), ENOENT, "not found");
	get_absent(_metadata, self->h, "replace");
	put_ok(_metadata, self->h, "replace", 10, 2, 0, SOFTMAP_PUT_CREATE);
	put_ok(_metadata, self->h, "replace", 3000, 3, SOFTMAP_F_RECLAIMABLE,
	       SOFTMAP_PUT_REPLACE);
	get_is(_metadata, self->h, "replace", 3000, 3, SOFTMAP_F_RECLAIMABLE);
	counters(_metadata, &b);
	EXPECT_EQ(a.objects + 1, b.objects);
	EXPECT_EQ(a.puts + 2, b.puts);
	EXPECT_EQ(a.replaces + 1, b.replaces);
	EXPECT_EQ(a.bytes + 7 + 3000, b.bytes);
}

TEST_F(nl, put_upsert)
{
	struct sm_counters a, b;

	counters(_metadata, &a);
	put_ok(_metadata, self->h, "upsert", 5, 4, SOFTMAP_F_RECLAIMABLE,
	       SOFTMAP_PUT_UPSERT);
	get_is(_metadata, self->h, "upsert", 5, 4, SOFTMAP_F_RECLAIMABLE);
	put_ok(_metadata, self->h, "upsert", 0, 5, 0, SOFTMAP_PUT_UPSERT);
	get_is(_metadata, self->h, "upsert", 0, 5, 0);
	counters(_metadata, &b);
	EXPECT_EQ(a.objects + 1, b.objects);
	EXPECT_EQ(a.puts + 2, b.puts);
	EXPECT_EQ(a.replaces + 1, b.replaces);
	EXPECT_EQ(a.bytes + 6, b.bytes);
}

/*
 * The mode is spelled by nlmsg_flags as in rtnetlink: without NLM_F_CREATE
 * nothing is created, without NLM_F_REPLACE (or with NLM_F_EXCL) nothing
 * is replaced.
 */
TEST_F(nl, put_mode_flags)
{
	struct nlraw_ack ack;

	smraw_put(&self->nl, "m", 1, "a", 1, SMRAW_NONE, 0, &ack);
	ASSERT_NLERR(&ack, ENOENT, "not found");
	smraw_put(&self->nl, "m", 1, "a", 1, SMRAW_NONE, NLM_F_EXCL, &ack);
	ASSERT_NLERR(&ack, ENOENT, "not found");
	get_absent(_metadata, self->h, "m");

	/* CREATE alone creates... */
	smraw_put(&self->nl, "m", 1, "a", 1, SMRAW_NONE, NLM_F_CREATE, &ack);
	ASSERT_NLOK(&ack);
	/* ...but does not replace. */
	smraw_put(&self->nl, "m", 1, "b", 1, SMRAW_NONE, NLM_F_CREATE, &ack);
	ASSERT_NLERR(&ack, EEXIST, "exists");
	smraw_put(&self->nl, "m", 1, "b", 1, SMRAW_NONE, 0, &ack);
	ASSERT_NLERR(&ack, EEXIST, "exists");
	smraw_put(&self->nl, "m", 1, "b", 1, SMRAW_NONE,
		  NLM_F_CREATE | NLM_F_EXCL, &ack);
	ASSERT_NLERR(&ack, EEXIST, "exists");
	smraw_put(&self->nl, "m", 1, "b", 1, SMRAW_NONE,
		  NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, &ack);
	ASSERT_NLERR(&ack, EEXIST, "exists");

	/* REPLACE without EXCL replaces. */
	smraw_put(&self->nl, "m", 1, "c", 1, SMRAW_NONE, NLM_F_REPLACE, &ack);
	ASSERT_NLOK(&ack);
	{
		struct smraw_obj o;

		smraw_get(&self->nl, "m", 1, &o, &ack);
		ASSERT_NLOK(&ack);
		EXPECT_EQ(1, o.vlen);
		EXPECT_TRUE(o.has_val && !memcmp(o.val, "c", 1));
		smraw_obj_free(&o);
	}
}

/*
 * NLM_F_REPLACE | NLM_F_EXCL is NLM_F_DUMP bit for bit: genetlink takes
 * it for a dump request of PUT, which does not exist; the object stays.
 */
TEST_F(nl, put_replace_excl_is_a_dump)
{
	struct nlraw_ack ack;

	put_ok(_metadata, self->h, "re", 10, 6, 0, SOFTMAP_PUT_CREATE);
	smraw_put(&self->nl, "re", 2, "x", 1, SMRAW_NONE,
		  NLM_F_REPLACE | NLM_F_EXCL, &ack);
	/* Refused by the genetlink core, which sets no message. */
	EXPECT_EQ(-EOPNOTSUPP, ack.err) TH_LOG("extack '%s'", ack.msg);
	get_is(_metadata, self->h, "re", 10, 6, 0);
}

TEST_F(nl, get_hit)
{
	struct sm_counters a, b;
	struct nlraw_ack ack;
	struct smraw_obj o;

	put_ok(_metadata, self->h, "hit", 1000, 7, SOFTMAP_F_RECLAIMABLE,
	       SOFTMAP_PUT_CREATE);
	counters(_metadata, &a);
	smraw_get(&self->nl, "hit", 3, &o, &ack);
	ASSERT_NLOK(&ack);
	EXPECT_EQ(3, o.klen);
	EXPECT_EQ(0, memcmp(o.key, "hit", 3));
	ASSERT_TRUE(o.has_val);
	EXPECT_EQ(1000, o.vlen);
	EXPECT_TRUE(sm_check(o.val, o.vlen, 7));
	EXPECT_FALSE(o.omitted);
	ASSERT_TRUE(o.has_flags);
	EXPECT_EQ(SOFTMAP_F_RECLAIMABLE, o.flags);
	ASSERT_TRUE(o.has_size);
	EXPECT_EQ(1000, o.size);
	ASSERT_TRUE(o.has_age);
	EXPECT_GT(10000, o.age_ms);
	smraw_obj_free(&o);

	/* The age grows with time. */
	usleep(1100 * 1000);
	smraw_get(&self->nl, "hit", 3, &o, &ack);
	ASSERT_NLOK(&ack);
	ASSERT_TRUE(o.has_age);
	EXPECT_LE(1000, o.age_ms);
	EXPECT_GT(60000, o.age_ms);
	smraw_obj_free(&o);

	counters(_metadata, &b);
	EXPECT_EQ(a.gets + 2, b.gets);
	EXPECT_EQ(a.hits + 2, b.hits);
	EXPECT_EQ(a.misses, b.misses);
}

TEST_F(nl, get_miss)
{
	struct sm_counters a, b;
	struct nlraw_ack ack;
	struct smraw_obj o;

	counters(_metadata, &a);
	get_absent(_metadata, self->h, "miss");
	smraw_get(&self->nl, "miss", 4, &o, &ack);
	ASSERT_NLERR(&ack, ENOENT, "not found");
	counters(_metadata, &b);
	EXPECT_EQ(a.gets + 2, b.gets);
	EXPECT_EQ(a.misses + 2, b.misses);
	EXPECT_EQ(a.hits, b.hits);
}

TEST_F(nl, del)
{
	struct sm_counters a, b;

	put_ok(_metadata, self->h, "del", 100, 8, 0, SOFTMAP_PUT_CREATE);
	counters(_metadata, &a);
	ASSERT_LIBOK(self->h, softmap_del(self->h, "del", 3));
	get_absent(_metadata, self->h, "del");
	ASSERT_LIBERR(self->h, softmap_del(self->h, "del", 3), ENOENT, "not found");
	counters(_metadata, &b);
	EXPECT_EQ(a.objects - 1, b.objects);
	EXPECT_EQ(a.bytes - 103, b.bytes);
	EXPECT_EQ(a.dels + 1, b.dels);
}

static int count_cb(const struct softmap_object *o, void *arg)
{
	(void)o;
	(*(int *)arg)++;
	return 0;
}

static int alice_put3(void *arg)
{
	struct softmap *h = softmap_open();
	int i;

	(void)arg;
	if (!h)
		return 1;
	for (i = 0; i < 3; i++)
		if (softmap_put(h, &"abc"[i], 1, "v", 1, 0,
				SOFTMAP_PUT_UPSERT))
			return 2;
	softmap_close(h);
	return 0;
}

TEST_F(nl, flush_own)
{
	struct sm_counters a, b;
	uint64_t count = 0;
	char key[32];
	int i, n = 0;

	ASSERT_EQ(0, sm_run_as(SM_UID_ALICE, alice_put3, NULL));
	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "flush/%d", i);
		put_ok(_metadata, self->h, key, i, i, 0, SOFTMAP_PUT_CREATE);
	}
	counters(_metadata, &a);
	ASSERT_LIBOK(self->h, softmap_flush(self->h, false, &count));
	EXPECT_EQ(100, count);
	ASSERT_LIBOK(self->h, softmap_list(self->h, false, count_cb, &n));
	EXPECT_EQ(0, n);
	counters(_metadata, &b);
	EXPECT_EQ(a.objects - 100, b.objects);
	EXPECT_EQ(a.dels + 100, b.dels);

	/* Alice's objects are not root's own: they stay. */
	n = 0;
	ASSERT_LIBOK(self->h, softmap_set_uid(self->h, SM_UID_ALICE));
	ASSERT_LIBOK(self->h, softmap_list(self->h, false, count_cb, &n));
	EXPECT_EQ(3, n);
	ASSERT_LIBOK(self->h, softmap_set_uid(self->h, -1));

	ASSERT_LIBOK(self->h, softmap_flush(self->h, false, &count));
	EXPECT_EQ(0, count);
}

/* Root's FLUSH of one owner, of everyone, and its refused combinations. */
TEST_F(nl, flush_admin)
{
	struct nlraw_ack ack;
	uint64_t count;

	ASSERT_EQ(0, sm_run_as(SM_UID_ALICE, alice_put3, NULL));
	put_ok(_metadata, self->h, "root", 1, 1, 0, SOFTMAP_PUT_CREATE);

	smraw_flush(&self->nl, SM_UID_ALICE, true, &count, &ack);
	ASSERT_NLERR(&ack, EINVAL, "exclude");
	smraw_flush(&self->nl, 0xffffffffL, false, &count, &ack);
	ASSERT_NLERR(&ack, EINVAL, "uid");

	smraw_flush(&self->nl, SM_UID_ALICE, false, &count, &ack);
	ASSERT_NLOK(&ack);
	EXPECT_EQ(3, count);
	smraw_flush(&self->nl, SM_UID_ALICE, false, &count, &ack);
	ASSERT_NLOK(&ack);
	EXPECT_EQ(0, count);
	get_is(_metadata, self->h, "root", 1, 1, 0);

	ASSERT_EQ(0, sm_run_as(SM_UID_ALICE, alice_put3, NULL));
	smraw_flush(&self->nl, SMRAW_NONE, true, &count, &ack);
	ASSERT_NLOK(&ack);
	EXPECT_LE(4, count);
	get_absent(_metadata, self->h, "root");
}

/*
 * STATS reports every counter, equal to sysfs while the store is quiet.
 * Each attribute mirrors the sysfs file of the same name (the uapi says
 * so); the counters of the store itself must all be there, those added
 * for reclaim exactly when their file is.
 */
static const char *const stats_names[SOFTMAP_STATS_A_MAX + 1] = {
	[SOFTMAP_STATS_A_OBJECTS] = "objects",
	[SOFTMAP_STATS_A_BYTES] = "bytes",
	[SOFTMAP_STATS_A_BYTES_ALLOCATED] = "bytes_allocated",
	[SOFTMAP_STATS_A_USERS] = "users",
	[SOFTMAP_STATS_A_TABLE_BUCKETS] = "table_buckets",
	[SOFTMAP_STATS_A_PUTS] = "puts",
	[SOFTMAP_STATS_A_GETS] = "gets",
	[SOFTMAP_STATS_A_HITS] = "hits",
	[SOFTMAP_STATS_A_MISSES] = "misses",
	[SOFTMAP_STATS_A_DELS] = "dels",
	[SOFTMAP_STATS_A_REPLACES] = "replaces",
	[SOFTMAP_STATS_A_RCU_PENDING_FREES] = "rcu_pending_frees",
	[SOFTMAP_STATS_A_QUOTA_REJECTIONS] = "quota_rejections",
	[SOFTMAP_STATS_A_EVICTIONS] = "evictions",
	[SOFTMAP_STATS_A_SHRINKER_SCANS] = "shrinker_scans",
	[SOFTMAP_STATS_A_SHRINKER_FREED] = "shrinker_freed",
	[SOFTMAP_STATS_A_TABLE_SHRINKS] = "table_shrinks",
	[SOFTMAP_STATS_A_OBJECTS_MOVED] = "objects_moved",
	[SOFTMAP_STATS_A_SLAB_PAGES] = "slab_pages",
	[SOFTMAP_STATS_A_SLAB_PAGES_RETURNED] = "slab_pages_returned",
};

struct stats_reply {
	int len[SOFTMAP_STATS_A_MAX + 1];	/* -1: absent */
	uint64_t v[SOFTMAP_STATS_A_MAX + 1];
};

static int stats_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *st[SOFTMAP_STATS_A_MAX + 1];
	const struct nlattr *tb[SOFTMAP_A_MAX + 1];
	struct stats_reply *r = arg;
	int i;

	if (nlraw_genl_parse(nlh, tb, SOFTMAP_A_MAX) || !tb[SOFTMAP_A_STATS] ||
	    nlraw_parse(nlraw_data(tb[SOFTMAP_A_STATS]),
			nlraw_len(tb[SOFTMAP_A_STATS]), st,
			SOFTMAP_STATS_A_MAX))
		return -EBADMSG;
	/* The message is gone once the ack is read: copy. */
	for (i = 0; i <= SOFTMAP_STATS_A_MAX; i++) {
		r->len[i] = st[i] ? (int)nlraw_len(st[i]) : -1;
		r->v[i] = st[i] ? nlraw_u64(st[i]) : 0;
	}
	return 0;
}

TEST_F(nl, stats)
{
	struct stats_reply st;
	struct softmap_user_stats mine;
	struct softmap_stats g;
	struct sm_counters a, b;
	struct nlraw_ack ack;
	struct nlraw_msg *m;
	uint64_t bytes = 0;
	char key[32];
	int i;

	for (i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "stats/%d", i);
		put_ok(_metadata, self->h, key, 50 * i, i, 0,
		       SOFTMAP_PUT_CREATE);
		bytes += strlen(key) + 50 * i;
	}
	counters(_metadata, &a);
	ASSERT_LIBOK(self->h, softmap_stats(self->h, &g, &mine));
	counters(_metadata, &b);
	EXPECT_EQ(0, mine.uid);
	EXPECT_EQ(10, mine.objects);
	EXPECT_EQ(bytes, mine.bytes);
	EXPECT_EQ(0, mine.quota_rejections);
	/* STATS itself changes no counter: before == after == reply. */
	EXPECT_EQ(a.objects, b.objects);
	EXPECT_EQ(a.puts, b.puts);
	EXPECT_EQ(a.gets, b.gets);
	EXPECT_EQ(a.objects, g.objects);
	EXPECT_EQ(a.bytes, g.bytes);
	EXPECT_EQ(a.users, g.users);
	EXPECT_EQ(a.puts, g.puts);
	EXPECT_EQ(a.gets, g.gets);
	EXPECT_EQ(a.hits, g.hits);
	EXPECT_EQ(a.misses, g.misses);
	EXPECT_EQ(a.dels, g.dels);
	EXPECT_EQ(a.replaces, g.replaces);
	EXPECT_EQ(a.quota_rejections, g.quota_rejections);
	EXPECT_LT(0, g.bytes_allocated);
	EXPECT_LT(0, g.table_buckets);
	EXPECT_LE(1, g.users);

	/* Every counter of the uapi is present, as a u64. */
	m = smraw_msg(&self->nl, SOFTMAP_CMD_STATS, 0);
	ASSERT_NE(NULL, m);
	nlraw_request(&self->nl, m, stats_cb, &st, &ack);
	nlraw_msg_free(m);
	ASSERT_NLOK(&ack);
	for (i = SOFTMAP_STATS_A_OBJECTS; i <= SOFTMAP_STATS_A_MAX; i++) {
		const char *name = stats_names[i];
		char path[128];
		bool file;

		snprintf(path, sizeof(path), SM_SYSFS_DIR "/%s",
			 name ? name : "?");
		file = name && !access(path, R_OK);
		if (i <= SOFTMAP_STATS_A_QUOTA_REJECTIONS || !name) {
			/* the store's own counters: always there */
			EXPECT_EQ(8, st.len[i]) TH_LOG("STATS lacks %s (%d)",
						       name ?: "?", i);
			EXPECT_TRUE(file) TH_LOG("no sysfs file %s", path);
		} else {
			/* a later counter: in STATS exactly when in sysfs */
			EXPECT_EQ(file, st.len[i] == 8)
				TH_LOG("%s: sysfs file %s, STATS length %d",
				       name, file ? "present" : "absent",
				       st.len[i]);
		}
	}
	EXPECT_EQ(a.objects, st.v[SOFTMAP_STATS_A_OBJECTS]);
	EXPECT_EQ(a.bytes, st.v[SOFTMAP_STATS_A_BYTES]);
	EXPECT_EQ(a.puts, st.v[SOFTMAP_STATS_A_PUTS]);
	EXPECT_EQ(a.dels, st.v[SOFTMAP_STATS_A_DELS]);
}

/* Keys are 1..256 bytes: 0 and 257 are refused by the policy. */
static void key_refused(struct __test_metadata *_metadata, struct nlraw *nl,
			size_t klen)
{
	static const uint8_t cmds[] = {
		SOFTMAP_CMD_PUT, SOFTMAP_CMD_GET, SOFTMAP_CMD_DEL,
	};
	unsigned char key[SOFTMAP_KEY_MAX + 1];
	struct nlraw_ack ack;
	unsigned int i;

	memset(key, 'k', sizeof(key));
	for (i = 0; i < sizeof(cmds); i++) {
		struct nlraw_msg *m = smraw_msg(nl, cmds[i],
						cmds[i] == SOFTMAP_CMD_PUT ?
						NLM_F_CREATE : 0);
		int off;

		ASSERT_NE(NULL, m);
		off = nlraw_put(m, SOFTMAP_A_KEY, key, klen);
		ASSERT_LT(0, off);
		nlraw_request(nl, m, NULL, NULL, &ack);
		nlraw_msg_free(m);
		EXPECT_NLERR(&ack, EINVAL, "key");
		EXPECT_EQ(off, ack.offs)
			TH_LOG("cmd %u: the ack does not point at the key",
			       cmds[i]);
	}
}

TEST_F(nl, key_empty)
{
	key_refused(_metadata, &self->nl, 0);
}

TEST_F(nl, key_too_long)
{
	key_refused(_metadata, &self->nl, SOFTMAP_KEY_MAX + 1);
}

/* A 256-byte key of every byte value, NULs included, is one key. */
TEST_F(nl, key_binary)
{
	unsigned char key[SOFTMAP_KEY_MAX];
	struct nlraw_ack ack;
	struct smraw_obj o;
	int i;

	for (i = 0; i < SOFTMAP_KEY_MAX; i++)
		key[i] = 255 - i;	/* ends with a NUL; has one in it */
	key[7] = 0;
	ASSERT_LIBOK(self->h, softmap_put(self->h, key, sizeof(key), "v", 1,
					  0, SOFTMAP_PUT_CREATE));
	smraw_get(&self->nl, key, sizeof(key), &o, &ack);
	ASSERT_NLOK(&ack);
	EXPECT_EQ(sizeof(key), o.klen);
	EXPECT_EQ(0, memcmp(key, o.key, sizeof(key)));
	smraw_obj_free(&o);

	/* Keys differing only after a NUL, or by a trailing NUL, differ. */
	ASSERT_LIBOK(self->h, softmap_put(self->h, "a\0b", 3, "1", 1, 0,
					  SOFTMAP_PUT_CREATE));
	ASSERT_LIBOK(self->h, softmap_put(self->h, "a\0c", 3, "2", 1, 0,
					  SOFTMAP_PUT_CREATE));
	ASSERT_LIBOK(self->h, softmap_put(self->h, "a", 1, "3", 1, 0,
					  SOFTMAP_PUT_CREATE));
	ASSERT_LIBOK(self->h, softmap_put(self->h, "a\0", 2, "4", 1, 0,
					  SOFTMAP_PUT_CREATE));
	smraw_get(&self->nl, "a\0c", 3, &o, &ack);
	ASSERT_NLOK(&ack);
	EXPECT_TRUE(o.has_val && o.vlen == 1 && *(char *)o.val == '2');
	smraw_obj_free(&o);
	smraw_get(&self->nl, "a\0", 2, &o, &ack);
	ASSERT_NLOK(&ack);
	EXPECT_TRUE(o.has_val && o.vlen == 1 && *(char *)o.val == '4');
	smraw_obj_free(&o);
	ASSERT_LIBOK(self->h, softmap_del(self->h, key, sizeof(key)));
	ASSERT_LIBERR(self->h, softmap_del(self->h, key, sizeof(key)),
		      ENOENT, "not found");
}

/* Values at the edges of a chunk, an attribute and max_value_size. */
FIXTURE(value)
{
	struct softmap *h;
	struct nlraw nl;
	struct sm_tunables saved;
	bool saved_ok;
};

FIXTURE_VARIANT(value)
{
	size_t len;
	bool fits;	/* within the default max_value_size */
};

FIXTURE_VARIANT_ADD(value, empty) { .len = 0, .fits = true };
FIXTURE_VARIANT_ADD(value, one) { .len = 1, .fits = true };
FIXTURE_VARIANT_ADD(value, chunk) {
	.len = SOFTMAP_VALUE_CHUNK_MAX, .fits = true };
FIXTURE_VARIANT_ADD(value, chunk_plus_1) {
	.len = SOFTMAP_VALUE_CHUNK_MAX + 1, .fits = true };
FIXTURE_VARIANT_ADD(value, attr_max) { .len = 65531, .fits = true };
FIXTURE_VARIANT_ADD(value, default_max) {
	.len = SM_DEFAULT_MAX_VALUE, .fits = true };
FIXTURE_VARIANT_ADD(value, default_max_plus_1) {
	.len = SM_DEFAULT_MAX_VALUE + 1, .fits = false };

FIXTURE_SETUP(value)
{
	self->nl.fd = -1;
	SM_PRECONDITIONS();
	ASSERT_EQ(0, sm_tunables_read(&self->saved));
	self->saved_ok = true;
	ASSERT_EQ(0, sm_sysfs_write_u64("max_value_size",
					SM_DEFAULT_MAX_VALUE));
	SM_OPEN(self->h, &self->nl);
	sm_flush_uid(0);
}

FIXTURE_TEARDOWN(value)
{
	if (self->saved_ok && sm_tunables_write(&self->saved))
		TH_LOG("could not restore the tunables");
	sm_flush_uid(0);
	softmap_close(self->h);
	nlraw_close(&self->nl);
}

static int size_cb(const struct softmap_object *o, void *arg)
{
	*(int64_t *)arg = o->size;
	return 0;
}

TEST_F(value, put_get)
{
	size_t len = variant->len;
	struct sm_counters a, b;
	struct nlraw_ack ack;
	int64_t listed = -1;
	void *v = malloc(len + 1);

	ASSERT_NE(NULL, v);
	sm_fill(v, len, len);
	counters(_metadata, &a);
	if (!variant->fits) {
		ASSERT_LIBERR(self->h, softmap_put(self->h, "v", 1, v, len, 0,
						   SOFTMAP_PUT_CREATE),
			      SM_E_VALUE_TOO_BIG, "max_value_size");
		smraw_put(&self->nl, "v", 1, v, len, SMRAW_NONE,
			  NLM_F_CREATE, &ack);
		ASSERT_NLERR(&ack, SM_E_VALUE_TOO_BIG, "max_value_size");
		get_absent(_metadata, self->h, "v");
		counters(_metadata, &b);
		EXPECT_EQ(a.objects, b.objects);
		EXPECT_EQ(a.puts, b.puts);
		free(v);
		return;
	}
	ASSERT_LIBOK(self->h, softmap_put(self->h, "v", 1, v, len, 0,
					  SOFTMAP_PUT_CREATE));
	get_is(_metadata, self->h, "v", len, len, 0);
	ASSERT_LIBOK(self->h, softmap_list(self->h, false, size_cb, &listed));
	EXPECT_EQ((int64_t)len, listed);
	counters(_metadata, &b);
	EXPECT_EQ(a.objects + 1, b.objects);
	EXPECT_EQ(a.bytes + 1 + len, b.bytes);

	/* The same value sent by hand, as one empty chunk when empty. */
	ASSERT_LIBOK(self->h, softmap_del(self->h, "v", 1));
	if (len == 0) {
		struct nlraw_msg *m = smraw_msg(&self->nl, SOFTMAP_CMD_PUT,
						NLM_F_CREATE);

		ASSERT_NE(NULL, m);
		ASSERT_LT(0, nlraw_put(m, SOFTMAP_A_KEY, "v", 1));
		ASSERT_LT(0, nlraw_put(m, SOFTMAP_A_VALUE, NULL, 0));
		nlraw_request(&self->nl, m, NULL, NULL, &ack);
		nlraw_msg_free(m);
	} else {
		smraw_put(&self->nl, "v", 1, v, len, SMRAW_NONE, NLM_F_CREATE,
			  &ack);
	}
	ASSERT_NLOK(&ack);
	get_is(_metadata, self->h, "v", len, len, 0);
	free(v);
}

/* max_value_size is the limit in force, up to SOFTMAP_VALUE_MAX. */
TEST_F(nl, max_value_size)
{
	size_t big = SOFTMAP_VALUE_MAX + 1;
	unsigned char *v = malloc(big);
	struct nlraw_ack ack;

	ASSERT_NE(NULL, v);
	ASSERT_EQ(0, sm_sysfs_write_u64("max_value_size", SOFTMAP_VALUE_MAX));
	sm_fill(v, SOFTMAP_VALUE_MAX, 9);
	ASSERT_LIBOK(self->h, softmap_put(self->h, "big", 3, v,
					  SOFTMAP_VALUE_MAX, 0,
					  SOFTMAP_PUT_CREATE));
	get_is(_metadata, self->h, "big", SOFTMAP_VALUE_MAX, 9, 0);
	smraw_put(&self->nl, "big+1", 5, v, big, SMRAW_NONE, NLM_F_CREATE,
		  &ack);
	ASSERT_NLERR(&ack, SM_E_VALUE_TOO_BIG, "max_value_size");
	get_absent(_metadata, self->h, "big+1");

	/* Lowered: the new limit holds, objects already stored stay. */
	ASSERT_EQ(0, sm_sysfs_write_u64("max_value_size", 1000));
	sm_fill(v, 1000, 10);
	ASSERT_LIBOK(self->h, softmap_put(self->h, "1000", 4, v, 1000, 0,
					  SOFTMAP_PUT_CREATE));
	sm_fill(v, 1001, 11);
	ASSERT_LIBERR(self->h, softmap_put(self->h, "1001", 4, v, 1001, 0,
					   SOFTMAP_PUT_CREATE),
		      SM_E_VALUE_TOO_BIG, "max_value_size");
	/* A replacement is held to it too, and leaves the old value. */
	ASSERT_LIBERR(self->h, softmap_put(self->h, "1000", 4, v, 1001, 0,
					   SOFTMAP_PUT_UPSERT),
		      SM_E_VALUE_TOO_BIG, "max_value_size");
	get_is(_metadata, self->h, "1000", 1000, 10, 0);
	get_is(_metadata, self->h, "big", SOFTMAP_VALUE_MAX, 9, 0);
	free(v);
}

/* One SOFTMAP_A_VALUE longer than SOFTMAP_VALUE_CHUNK_MAX is refused. */
TEST_F(nl, value_chunk_too_long)
{
	static unsigned char v[SOFTMAP_VALUE_CHUNK_MAX + 1];
	struct nlraw_ack ack;
	struct nlraw_msg *m;
	int off;

	m = smraw_msg(&self->nl, SOFTMAP_CMD_PUT, NLM_F_CREATE);
	ASSERT_NE(NULL, m);
	ASSERT_LT(0, nlraw_put(m, SOFTMAP_A_KEY, "c", 1));
	off = nlraw_put(m, SOFTMAP_A_VALUE, v, sizeof(v));
	ASSERT_LT(0, off);
	nlraw_request(&self->nl, m, NULL, NULL, &ack);
	nlraw_msg_free(m);
	ASSERT_NLERR(&ack, EINVAL, "chunk");
	EXPECT_EQ(off, ack.offs);
	get_absent(_metadata, self->h, "c");
}

/* A value is the concatenation of its chunks, whatever their sizes. */
TEST_F(nl, value_uneven_chunks)
{
	static const size_t sizes[] = { 3, SOFTMAP_VALUE_CHUNK_MAX, 1, 100 };
	static unsigned char v[3 + SOFTMAP_VALUE_CHUNK_MAX + 1 + 100];
	struct nlraw_ack ack;
	struct nlraw_msg *m;
	size_t at = 0;
	unsigned int i;

	sm_fill(v, sizeof(v), 12);
	m = smraw_msg(&self->nl, SOFTMAP_CMD_PUT, NLM_F_CREATE);
	ASSERT_NE(NULL, m);
	ASSERT_LT(0, nlraw_put(m, SOFTMAP_A_KEY, "u", 1));
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		ASSERT_LT(0, nlraw_put(m, SOFTMAP_A_VALUE, v + at, sizes[i]));
		at += sizes[i];
	}
	nlraw_request(&self->nl, m, NULL, NULL, &ack);
	nlraw_msg_free(m);
	ASSERT_NLOK(&ack);
	get_is(_metadata, self->h, "u", sizeof(v), 12, 0);
}

/* PUT, GET and DEL without a key: -EINVAL naming the missing attribute. */
TEST_F(nl, key_missing)
{
	static const uint8_t cmds[] = {
		SOFTMAP_CMD_PUT, SOFTMAP_CMD_GET, SOFTMAP_CMD_DEL,
	};
	struct nlraw_ack ack;
	unsigned int i;

	for (i = 0; i < sizeof(cmds); i++) {
		struct nlraw_msg *m = smraw_msg(&self->nl, cmds[i],
						cmds[i] == SOFTMAP_CMD_PUT ?
						NLM_F_CREATE : 0);

		ASSERT_NE(NULL, m);
		if (cmds[i] == SOFTMAP_CMD_PUT)
			ASSERT_LT(0, nlraw_put(m, SOFTMAP_A_VALUE, "v", 1));
		nlraw_request(&self->nl, m, NULL, NULL, &ack);
		nlraw_msg_free(m);
		EXPECT_NLERR(&ack, EINVAL, "key");
		EXPECT_EQ(SOFTMAP_A_KEY, ack.miss_type)
			TH_LOG("cmd %u: missing attribute not named", cmds[i]);
	}
}

/* An attribute type the family does not know is refused (strict). */
TEST_F(nl, attr_unknown)
{
	static const uint16_t types[] = { SOFTMAP_A_MAX + 1, 1000 };
	struct nlraw_ack ack;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct nlraw_msg *m = smraw_msg(&self->nl, SOFTMAP_CMD_PUT,
						NLM_F_CREATE);
		int off;

		ASSERT_NE(NULL, m);
		ASSERT_LT(0, nlraw_put(m, SOFTMAP_A_KEY, "x", 1));
		off = nlraw_put_u32(m, types[i], 1);
		ASSERT_LT(0, off);
		nlraw_request(&self->nl, m, NULL, NULL, &ack);
		nlraw_msg_free(m);
		EXPECT_NLERR(&ack, EINVAL, "Unknown attribute type");
		EXPECT_EQ(off, ack.offs);
	}
	get_absent(_metadata, self->h, "x");
}

/* An attribute of the family that the command does not take is refused. */
TEST_F(nl, attr_of_another_command)
{
	static const struct {
		uint8_t cmd;
		uint16_t type;
		size_t len;
	} cases[] = {
		{ SOFTMAP_CMD_PUT, SOFTMAP_A_TARGET, 8 },
		{ SOFTMAP_CMD_PUT, SOFTMAP_A_COUNT, 8 },
		{ SOFTMAP_CMD_GET, SOFTMAP_A_ALL, 0 },
		{ SOFTMAP_CMD_DEL, SOFTMAP_A_VERSION, 4 },
	};
	static const uint64_t zero;
	struct nlraw_ack ack;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint16_t flags = cases[i].cmd == SOFTMAP_CMD_PUT ?
				 NLM_F_CREATE : 0;
		struct nlraw_msg *m = smraw_msg(&self->nl, cases[i].cmd,
						flags);
		int off;

		ASSERT_NE(NULL, m);
		ASSERT_LT(0, nlraw_put(m, SOFTMAP_A_KEY, "y", 1));
		off = nlraw_put(m, cases[i].type, &zero, cases[i].len);
		ASSERT_LT(0, off);
		nlraw_request(&self->nl, m, NULL, NULL, &ack);
		nlraw_msg_free(m);
		EXPECT_NLERR(&ack, EINVAL, "Unsupported attribute");
		EXPECT_EQ(off, ack.offs)
			TH_LOG("cmd %u attr %u", cases[i].cmd, cases[i].type);
	}
	get_absent(_metadata, self->h, "y");
}

/* SOFTMAP_A_FLAGS is a u32: 2 or 8 bytes are refused. */
TEST_F(nl, flags_wrong_size)
{
	static const uint64_t zero;
	static const size_t lens[] = { 2, 8, 0 };
	struct nlraw_ack ack;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		struct nlraw_msg *m = smraw_msg(&self->nl, SOFTMAP_CMD_PUT,
						NLM_F_CREATE);
		int off;

		ASSERT_NE(NULL, m);
		ASSERT_LT(0, nlraw_put(m, SOFTMAP_A_KEY, "f", 1));
		off = nlraw_put(m, SOFTMAP_A_FLAGS, &zero, lens[i]);
		ASSERT_LT(0, off);
		nlraw_request(&self->nl, m, NULL, NULL, &ack);
		nlraw_msg_free(m);
		EXPECT_NLERR(&ack, EINVAL, "invalid attribute length");
		EXPECT_EQ(off, ack.offs) TH_LOG("FLAGS of %zu bytes", lens[i]);
	}
	get_absent(_metadata, self->h, "f");
}

/* A FLAGS bit outside SOFTMAP_F_ALL is refused. */
TEST_F(nl, flags_unknown_bit)
{
	static const uint32_t bad[] = { 1U << 1, 1U << 31, ~0U };
	struct nlraw_ack ack;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		struct nlraw_msg *m = smraw_msg(&self->nl, SOFTMAP_CMD_PUT,
						NLM_F_CREATE);
		int off;

		ASSERT_NE(NULL, m);
		ASSERT_LT(0, nlraw_put(m, SOFTMAP_A_KEY, "b", 1));
		off = nlraw_put_u32(m, SOFTMAP_A_FLAGS, bad[i]);
		ASSERT_LT(0, off);
		nlraw_request(&self->nl, m, NULL, NULL, &ack);
		nlraw_msg_free(m);
		EXPECT_NLERR(&ack, EINVAL, "reserved bit set");
		EXPECT_EQ(off, ack.offs) TH_LOG("FLAGS %#x", bad[i]);
	}
	get_absent(_metadata, self->h, "b");
	ASSERT_LIBOK(self->h, softmap_put(self->h, "b", 1, "", 0, SOFTMAP_F_ALL,
					  SOFTMAP_PUT_CREATE));
}

TEST_F(nl, command_unknown)
{
	static const uint8_t cmds[] = { SOFTMAP_CMD_UNSPEC, SOFTMAP_CMD_MAX + 1,
					200 };
	struct nlraw_ack ack;
	unsigned int i;

	for (i = 0; i < sizeof(cmds); i++) {
		struct nlraw_msg *m = smraw_msg(&self->nl, cmds[i], 0);

		ASSERT_NE(NULL, m);
		nlraw_request(&self->nl, m, NULL, NULL, &ack);
		nlraw_msg_free(m);
		/* Refused by the genetlink core, which sets no message. */
		EXPECT_EQ(-EOPNOTSUPP, ack.err) TH_LOG("cmd %u", cmds[i]);
	}
}

/*
 * Admin-only requests from an unprivileged user: -EPERM with a message,
 * and nothing done.
 */
enum {
	PRIV_FLUSH_ALL,
	PRIV_FLUSH_UID,
	PRIV_STATS_UID,
	PRIV_STATS_DUMP,
	PRIV_SHRINK,
	PRIV_PUT_UID,
	PRIV_GET_UID,
	PRIV_DEL_UID,
	PRIV_DUMP_UID,
	PRIV_NR
};

static const char *const priv_names[PRIV_NR] = {
	"FLUSH ALL", "FLUSH UID", "STATS UID", "STATS dump", "SHRINK",
	"PUT UID", "GET UID", "DEL UID", "GET dump UID",
};

struct priv_result {
	int open_err;
	struct nlraw_ack ack[PRIV_NR];
};

static int priv_dump_cb(const struct smraw_obj *o, void *arg)
{
	(void)o;
	(void)arg;
	return -EPROTO;	/* must list nothing */
}

static void priv_send(struct nlraw *nl, uint8_t cmd, uint16_t flags,
		      long uid, const char *key, struct nlraw_ack *ack)
{
	struct nlraw_msg *m = smraw_msg(nl, cmd, flags);

	if (!m) {
		ack->err = -ENOMEM;
		return;
	}
	if (uid != SMRAW_NONE)
		nlraw_put_u32(m, SOFTMAP_A_UID, uid);
	if (key)
		nlraw_put(m, SOFTMAP_A_KEY, key, strlen(key));
	if (cmd == SOFTMAP_CMD_PUT)
		nlraw_put(m, SOFTMAP_A_VALUE, "v", 1);
	nlraw_request(nl, m, NULL, NULL, ack);
	nlraw_msg_free(m);
}

static int alice_admin_ops(void *arg)
{
	struct priv_result *r = arg;
	struct nlraw nl;

	r->open_err = nlraw_open(&nl, SOFTMAP_FAMILY_NAME);
	if (r->open_err)
		return 1;
	smraw_flush(&nl, SMRAW_NONE, true, NULL, &r->ack[PRIV_FLUSH_ALL]);
	smraw_flush(&nl, 0, false, NULL, &r->ack[PRIV_FLUSH_UID]);
	priv_send(&nl, SOFTMAP_CMD_STATS, 0, 0, NULL, &r->ack[PRIV_STATS_UID]);
	priv_send(&nl, SOFTMAP_CMD_STATS, NLM_F_DUMP, SMRAW_NONE, NULL,
		  &r->ack[PRIV_STATS_DUMP]);
	priv_send(&nl, SOFTMAP_CMD_SHRINK, 0, SMRAW_NONE, NULL,
		  &r->ack[PRIV_SHRINK]);
	priv_send(&nl, SOFTMAP_CMD_PUT, NLM_F_CREATE | NLM_F_REPLACE,
		  SM_UID_BOB, "priv", &r->ack[PRIV_PUT_UID]);
	priv_send(&nl, SOFTMAP_CMD_GET, 0, 0, "priv", &r->ack[PRIV_GET_UID]);
	priv_send(&nl, SOFTMAP_CMD_DEL, 0, 0, "priv", &r->ack[PRIV_DEL_UID]);
	smraw_dump(&nl, 0, false, priv_dump_cb, NULL, &r->ack[PRIV_DUMP_UID]);
	nlraw_close(&nl);
	return 0;
}

TEST_F(nl, unprivileged_admin_ops)
{
	struct priv_result *r = sm_shared_alloc(sizeof(*r));
	struct sm_counters a, b;
	int i;

	ASSERT_NE(NULL, r);
	put_ok(_metadata, self->h, "priv", 10, 13, 0, SOFTMAP_PUT_CREATE);
	counters(_metadata, &a);
	ASSERT_EQ(0, sm_run_as(SM_UID_ALICE, alice_admin_ops, r))
		TH_LOG("open as alice: %s", strerror(-r->open_err));
	for (i = 0; i < PRIV_NR; i++) {
		EXPECT_EQ(-EPERM, r->ack[i].err)
			TH_LOG("%s: errno %d (%s), extack '%s'", priv_names[i],
			       -r->ack[i].err, strerror(-r->ack[i].err),
			       r->ack[i].msg);
		EXPECT_TRUE(sm_ack_says(&r->ack[i], "CAP_SYS_ADMIN"))
			TH_LOG("%s: extack '%s' does not name CAP_SYS_ADMIN",
			       priv_names[i], r->ack[i].msg);
	}
	counters(_metadata, &b);
	EXPECT_EQ(a.objects, b.objects);
	EXPECT_EQ(a.puts, b.puts);
	EXPECT_EQ(a.dels, b.dels);
	get_is(_metadata, self->h, "priv", 10, 13, 0);
	sm_shared_free(r, sizeof(*r));
}

/* Several requests in one sendmsg(): each gets its own answer, in order. */
struct one_reply {
	struct smraw_obj o;
	int replies;
};

static int one_reply_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct one_reply *r = arg;

	if (r->replies++)
		return -EPROTO;
	return smraw_obj_parse(nlh, &r->o);
}

TEST_F(nl, batch_one_sendmsg)
{
	struct one_reply r = { 0 };
	struct nlraw_msg *m[4];
	struct nlraw_ack ack;
	uint16_t bad = 0;
	int i;

	for (i = 0; i < 4; i++) {
		m[i] = smraw_msg(&self->nl, i < 3 ? SOFTMAP_CMD_PUT :
				 SOFTMAP_CMD_GET,
				 i < 3 ? NLM_F_CREATE | NLM_F_EXCL : 0);
		ASSERT_NE(NULL, m[i]);
		ASSERT_LT(0, nlraw_put(m[i], SOFTMAP_A_KEY, "batch", 5));
	}
	ASSERT_LT(0, nlraw_put(m[0], SOFTMAP_A_VALUE, "one", 3));
	ASSERT_LT(0, nlraw_put(m[1], SOFTMAP_A_VALUE, "two", 3));
	ASSERT_LT(0, nlraw_put(m[2], SOFTMAP_A_FLAGS, &bad, sizeof(bad)));
	ASSERT_EQ(0, nlraw_send(&self->nl, m, 4));

	nlraw_recv(&self->nl, m[0]->nlh->nlmsg_seq, NULL, NULL, &ack);
	EXPECT_EQ(0, ack.err) TH_LOG("first PUT: '%s'", ack.msg);
	nlraw_recv(&self->nl, m[1]->nlh->nlmsg_seq, NULL, NULL, &ack);
	EXPECT_NLERR(&ack, EEXIST, "exists");
	nlraw_recv(&self->nl, m[2]->nlh->nlmsg_seq, NULL, NULL, &ack);
	EXPECT_NLERR(&ack, EINVAL, "invalid attribute length");
	nlraw_recv(&self->nl, m[3]->nlh->nlmsg_seq, one_reply_cb, &r, &ack);
	EXPECT_EQ(0, ack.err);
	EXPECT_EQ(1, r.replies);
	EXPECT_TRUE(r.o.has_val && r.o.vlen == 3 &&
		    !memcmp(r.o.val, "one", 3));
	smraw_obj_free(&r.o);
	for (i = 0; i < 4; i++)
		nlraw_msg_free(m[i]);
}

/* A dump entry carries the value when asked and when it fits. */
struct dump_seen {
	int small, big, other;
	bool small_ok, big_ok;
};

static int dump_values_cb(const struct smraw_obj *o, void *arg)
{
	struct dump_seen *s = arg;

	if (o->klen == 5 && !memcmp(o->key, "small", 5)) {
		s->small++;
		s->small_ok = o->has_val && o->vlen == 100 &&
			      sm_check(o->val, 100, 14) && !o->omitted &&
			      o->has_size && o->size == 100 &&
			      o->has_flags && o->flags == 0 && o->has_age;
	} else if (o->klen == 3 && !memcmp(o->key, "big", 3)) {
		s->big++;
		s->big_ok = !o->has_val && o->omitted && o->has_size &&
			    o->size == 40000 && o->has_flags &&
			    o->flags == SOFTMAP_F_RECLAIMABLE;
	} else {
		s->other++;
	}
	return 0;
}

static int dump_novalues_cb(const struct smraw_obj *o, void *arg)
{
	struct dump_seen *s = arg;

	if (o->has_val)
		s->other++;
	else if (o->klen == 5 && o->has_size && o->size == 100)
		s->small++;
	else if (o->klen == 3 && o->has_size && o->size == 40000)
		s->big++;
	else
		s->other++;
	return 0;
}

static int lib_values_cb(const struct softmap_object *o, void *arg)
{
	struct dump_seen *s = arg;

	if (o->key_len == 3 && o->has_value && o->value_len == 40000 &&
	    sm_check(o->value, 40000, 15))
		s->big++;
	else if (o->key_len == 5 && o->has_value && o->value_len == 100)
		s->small++;
	else
		s->other++;
	return 0;
}

TEST_F(nl, dump_values)
{
	struct dump_seen s = { 0 };
	struct nlraw_ack ack;

	put_ok(_metadata, self->h, "small", 100, 14, 0, SOFTMAP_PUT_CREATE);
	put_ok(_metadata, self->h, "big", 40000, 15, SOFTMAP_F_RECLAIMABLE,
	       SOFTMAP_PUT_CREATE);

	smraw_dump(&self->nl, SMRAW_NONE, true, dump_values_cb, &s, &ack);
	ASSERT_NLOK(&ack);
	EXPECT_EQ(1, s.small);
	EXPECT_EQ(1, s.big);
	EXPECT_EQ(0, s.other);
	EXPECT_TRUE(s.small_ok);
	EXPECT_TRUE(s.big_ok)
		TH_LOG("a 40000-byte value must be left out, marked omitted");

	memset(&s, 0, sizeof(s));
	smraw_dump(&self->nl, SMRAW_NONE, false, dump_novalues_cb, &s, &ack);
	ASSERT_NLOK(&ack);
	EXPECT_EQ(1, s.small);
	EXPECT_EQ(1, s.big);
	EXPECT_EQ(0, s.other);

	/* libsoftmap fetches the omitted value itself. */
	memset(&s, 0, sizeof(s));
	ASSERT_LIBOK(self->h, softmap_list(self->h, true, lib_values_cb, &s));
	EXPECT_EQ(1, s.small);
	EXPECT_EQ(1, s.big);
	EXPECT_EQ(0, s.other);
}

/* A dump of thousands of objects spans many recvmsg() calls. */
#define DUMP_MANY	3000

static int dump_many_cb(const struct smraw_obj *o, void *arg)
{
	unsigned short *seen = arg;
	char key[32];
	int i;

	if (o->klen >= sizeof(key))
		return -EPROTO;
	memcpy(key, o->key, o->klen);
	key[o->klen] = '\0';
	if (sscanf(key, "many/%d", &i) != 1 || i < 0 || i >= DUMP_MANY)
		return -EPROTO;
	seen[i]++;
	return 0;
}

static void batch_cb(const struct softmap_result *r, void *arg)
{
	if (r->err)
		(*(int *)arg)++;
}

TEST_F(nl, dump_many)
{
	static unsigned short seen[DUMP_MANY];
	struct nlraw_ack ack;
	int i, missing = 0, twice = 0, failed = 0;
	char key[32];

	ASSERT_LIBOK(self->h, softmap_batch_begin(self->h, batch_cb, &failed));
	for (i = 0; i < DUMP_MANY; i++) {
		snprintf(key, sizeof(key), "many/%d", i);
		ASSERT_LIBOK(self->h, softmap_batch_put(self->h, key,
							strlen(key), key, 8, 0,
							SOFTMAP_PUT_CREATE,
							NULL));
	}
	ASSERT_LIBOK(self->h, softmap_batch_end(self->h));
	ASSERT_EQ(0, failed);

	memset(seen, 0, sizeof(seen));
	smraw_dump(&self->nl, SMRAW_NONE, true, dump_many_cb, seen, &ack);
	ASSERT_NLOK(&ack);
	for (i = 0; i < DUMP_MANY; i++) {
		missing += !seen[i];
		twice += seen[i] > 1;
	}
	EXPECT_EQ(0, missing);
	if (twice)
		TH_LOG("%d objects listed twice (a resize ran meanwhile)",
		       twice);
}

TEST_HARNESS_MAIN
