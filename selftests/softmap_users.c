// SPDX-License-Identifier: GPL-2.0
/*
 * softmap_users: owners are isolated, quotas hold exactly at their limits,
 * and the tunables take only root's valid writes.
 *
 * Two unprivileged users, alice (1001) and bob (1002), run scripted
 * requests in forked children (fork, setresgid, setresuid: no
 * capabilities left); the parent checks what they saw.  Bytes count as
 * key length plus value length, for quotas and counters alike.
 *
 * Preconditions: root, softmap.ko loaded, uids 1001 and 1002 unused by
 * anything else that stores objects.  TEARDOWN flushes alice's and bob's
 * objects (and root's) and restores every tunable.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "sm_test.h"

/* One scripted request of a child. */
struct uop {
	/*
	 * p put, g get, d del, f flush, l list, s stats,
	 * G raw get, D raw del, R raw replace-only put
	 */
	char op;
	const char *key;
	size_t vlen;
	enum softmap_put_mode mode;
};

/* What the child saw. */
struct ures {
	int err;
	char msg[256];
	int offs, miss_type;	/* raw requests only */
	size_t vlen;		/* g: the value's length */
	bool val_ok;		/* g: the value is the owner's; l: all are */
	uint64_t count;		/* f: flushed; l: listed; s: objects */
	uint64_t bytes;		/* s: bytes */
	uint64_t rejections;	/* s: quota_rejections */
	uint32_t uid;		/* s: uid */
};

#define PUT(k, n, m)	{ .op = 'p', .key = (k), .vlen = (n), .mode = (m) }
#define GET(k)		{ .op = 'g', .key = (k) }
#define DEL(k)		{ .op = 'd', .key = (k) }
#define FLUSH()		{ .op = 'f' }
#define LIST()		{ .op = 'l' }
#define STATS()		{ .op = 's' }
#define RAW_GET(k)	{ .op = 'G', .key = (k) }
#define RAW_DEL(k)	{ .op = 'D', .key = (k) }
#define RAW_REPLACE(k)	{ .op = 'R', .key = (k) }

#define MAX_OPS	64

struct uscript {
	const struct uop *ops;
	unsigned int n;
	int open_err;
	struct ures res[MAX_OPS];
};

/* Every value an owner stores is sm_fill(len, seed = its uid). */
static int list_cb(const struct softmap_object *o, void *arg)
{
	struct ures *r = arg;

	r->count++;
	if (!o->has_value || o->value_len != o->size ||
	    !sm_check(o->value, o->value_len, getuid()))
		r->val_ok = false;
	return 0;
}

static void uop_run(struct softmap *h, struct nlraw *nl, const struct uop *op,
		    struct ures *r)
{
	size_t klen = op->key ? strlen(op->key) : 0;
	struct softmap_user_stats us;
	struct softmap_object o;
	struct nlraw_ack ack;
	struct smraw_obj ro;
	void *v;

	switch (op->op) {
	case 'p':
		v = malloc(op->vlen + 1);
		if (!v) {
			r->err = -ENOMEM;
			return;
		}
		sm_fill(v, op->vlen, getuid());
		r->err = softmap_put(h, op->key, klen, v, op->vlen, 0,
				     op->mode);
		free(v);
		break;
	case 'g':
		r->err = softmap_get(h, op->key, klen, &o);
		if (!r->err) {
			r->vlen = o.value_len;
			r->val_ok = sm_check(o.value, o.value_len, getuid());
			softmap_object_release(&o);
		}
		break;
	case 'd':
		r->err = softmap_del(h, op->key, klen);
		break;
	case 'f':
		r->err = softmap_flush(h, false, &r->count);
		break;
	case 'l':
		r->val_ok = true;
		r->err = softmap_list(h, true, list_cb, r);
		break;
	case 's':
		r->err = softmap_stats(h, NULL, &us);
		r->uid = us.uid;
		r->count = us.objects;
		r->bytes = us.bytes;
		r->rejections = us.quota_rejections;
		break;
	case 'G':
	case 'D':
	case 'R':
		if (op->op == 'G')
			smraw_get(nl, op->key, klen, &ro, &ack);
		else if (op->op == 'D')
			smraw_del(nl, op->key, klen, &ack);
		else
			smraw_put(nl, op->key, klen, "x", 1, SMRAW_NONE,
				  NLM_F_REPLACE, &ack);
		if (op->op == 'G' && !ack.err)
			smraw_obj_free(&ro);
		r->err = ack.err;
		r->offs = ack.offs;
		r->miss_type = ack.miss_type;
		snprintf(r->msg, sizeof(r->msg), "%s", ack.msg);
		return;
	}
	snprintf(r->msg, sizeof(r->msg), "%s", softmap_strerror_ext(h));
}

static int uscript_child(void *arg)
{
	struct uscript *s = arg;
	struct softmap *h;
	struct nlraw nl;
	unsigned int i;

	h = softmap_open();
	if (!h) {
		s->open_err = -errno;
		return 1;
	}
	s->open_err = nlraw_open(&nl, SOFTMAP_FAMILY_NAME);
	if (s->open_err)
		return 1;
	for (i = 0; i < s->n; i++)
		uop_run(h, &nl, &s->ops[i], &s->res[i]);
	nlraw_close(&nl);
	softmap_close(h);
	return 0;
}

/*
 * Run @ops as @uid; return the shared results (free with
 * sm_shared_free(.., sizeof(struct uscript))).
 */
static struct uscript *run_as(struct __test_metadata *_metadata, uid_t uid,
			      const struct uop *ops, unsigned int n)
{
	struct uscript *s = sm_shared_alloc(sizeof(*s));
	int rc;

	if (!s || n > MAX_OPS) {
		ASSERT_NE(NULL, s);
		ASSERT_GE(MAX_OPS, n);
	}
	s->ops = ops;
	s->n = n;
	rc = sm_run_as(uid, uscript_child, s);
	if (rc) {
		ASSERT_EQ(0, rc) TH_LOG("child of uid %u: open: %s", uid,
					strerror(-s->open_err));
	}
	return s;
}

#define RUN_AS(uid, ops) run_as(_metadata, (uid), (ops), \
				ARRAY_SIZE(ops))
#define FREE_RUN(s) sm_shared_free((s), sizeof(struct uscript))

/* ASSERT the result of step @i: errno @e and, when failing, text @t. */
#define ASSERT_STEP(s, i, e, t) do {					\
	const struct ures *__r = &(s)->res[(i)];			\
									\
	ASSERT_EQ(-(e), __r->err)					\
		TH_LOG("step %d (%c %s): errno %d (%s), extack '%s'",	\
		       (i), (s)->ops[(i)].op, (s)->ops[(i)].key ?: "",	\
		       -__r->err, strerror(-__r->err), __r->msg);	\
	if (e)								\
		ASSERT_TRUE(__r->msg[0] && strstr(__r->msg, (t)))	\
			TH_LOG("step %d: extack '%s' does not say '%s'", \
			       (i), __r->msg, (t));			\
} while (0)

FIXTURE(users)
{
	struct softmap *h;
	struct sm_tunables saved;
	bool saved_ok;
};

FIXTURE_SETUP(users)
{
	SM_PRECONDITIONS();
	ASSERT_EQ(0, sm_tunables_read(&self->saved));
	self->saved_ok = true;
	self->h = softmap_open();
	ASSERT_NE(NULL, self->h);
	sm_flush_uid(SM_UID_ALICE);
	sm_flush_uid(SM_UID_BOB);
}

FIXTURE_TEARDOWN(users)
{
	if (self->saved_ok && sm_tunables_write(&self->saved))
		TH_LOG("could not restore the tunables");
	sm_flush_uid(SM_UID_ALICE);
	sm_flush_uid(SM_UID_BOB);
	sm_flush_uid(0);
	softmap_close(self->h);
}

/*
 * Bob cannot read, delete or replace alice's key, and cannot tell it from
 * a key nobody has: same errno, same message, same attribute pointed at.
 */
TEST_F(users, no_existence_leak)
{
	static const struct uop alice[] = {
		PUT("secret", 100, SOFTMAP_PUT_CREATE),
	};
	static const struct uop bob[] = {
		RAW_GET("secret"), RAW_GET("secreT"),
		RAW_DEL("secret"), RAW_DEL("secreT"),
		RAW_REPLACE("secret"), RAW_REPLACE("secreT"),
		GET("secret"), GET("secreT"),
		DEL("secret"), DEL("secreT"),
		/* bob's own "secret" is another object */
		PUT("secret", 7, SOFTMAP_PUT_CREATE),
		GET("secret"),
	};
	static const struct uop alice_after[] = {
		GET("secret"),
	};
	struct uscript *s;
	int i;

	s = RUN_AS(SM_UID_ALICE, alice);
	ASSERT_STEP(s, 0, 0, "");
	FREE_RUN(s);

	s = RUN_AS(SM_UID_BOB, bob);
	for (i = 0; i < 10; i += 2) {
		const struct ures *theirs = &s->res[i], *none = &s->res[i + 1];

		ASSERT_STEP(s, i, ENOENT, "not found");
		ASSERT_STEP(s, i + 1, ENOENT, "not found");
		EXPECT_STREQ(none->msg, theirs->msg);
		EXPECT_EQ(none->offs, theirs->offs);
		EXPECT_EQ(none->miss_type, theirs->miss_type);
	}
	ASSERT_STEP(s, 10, 0, "");
	ASSERT_STEP(s, 11, 0, "");
	EXPECT_EQ(7, s->res[11].vlen);
	EXPECT_TRUE(s->res[11].val_ok);
	FREE_RUN(s);

	s = RUN_AS(SM_UID_ALICE, alice_after);
	ASSERT_STEP(s, 0, 0, "");
	EXPECT_EQ(100, s->res[0].vlen);
	EXPECT_TRUE(s->res[0].val_ok);
	FREE_RUN(s);
}

/* A listing shows the caller's objects only; a FLUSH removes only those. */
TEST_F(users, dump_and_flush_own_only)
{
	static const struct uop alice[] = {
		PUT("a/1", 10, SOFTMAP_PUT_CREATE),
		PUT("a/2", 20, SOFTMAP_PUT_CREATE),
		PUT("a/3", 30, SOFTMAP_PUT_CREATE),
		PUT("shared", 40, SOFTMAP_PUT_CREATE),
		LIST(),
		STATS(),
	};
	static const struct uop bob[] = {
		PUT("b/1", 5, SOFTMAP_PUT_CREATE),
		PUT("shared", 6, SOFTMAP_PUT_CREATE),
		LIST(),
		FLUSH(),
		LIST(),
	};
	static const struct uop alice_after[] = {
		LIST(),
		GET("shared"),
		FLUSH(),
		LIST(),
	};
	struct softmap_user_stats us;
	struct uscript *s;
	int i;

	s = RUN_AS(SM_UID_ALICE, alice);
	for (i = 0; i < 6; i++)
		ASSERT_STEP(s, i, 0, "");
	EXPECT_EQ(4, s->res[4].count);
	EXPECT_TRUE(s->res[4].val_ok);
	EXPECT_EQ(SM_UID_ALICE, s->res[5].uid);
	EXPECT_EQ(4, s->res[5].count);
	EXPECT_EQ(3 + 10 + 3 + 20 + 3 + 30 + 6 + 40, s->res[5].bytes);
	FREE_RUN(s);

	s = RUN_AS(SM_UID_BOB, bob);
	for (i = 0; i < 5; i++)
		ASSERT_STEP(s, i, 0, "");
	EXPECT_EQ(2, s->res[2].count);
	EXPECT_TRUE(s->res[2].val_ok);
	EXPECT_EQ(2, s->res[3].count);
	EXPECT_EQ(0, s->res[4].count);
	FREE_RUN(s);

	/* Root, acting for alice, sees her four objects. */
	ASSERT_LIBOK(self->h, softmap_set_uid(self->h, SM_UID_ALICE));
	ASSERT_LIBOK(self->h, softmap_stats(self->h, NULL, &us));
	EXPECT_EQ(SM_UID_ALICE, us.uid);
	EXPECT_EQ(4, us.objects);

	s = RUN_AS(SM_UID_ALICE, alice_after);
	for (i = 0; i < 4; i++)
		ASSERT_STEP(s, i, 0, "");
	EXPECT_EQ(4, s->res[0].count);
	EXPECT_EQ(40, s->res[1].vlen);
	EXPECT_EQ(4, s->res[2].count);
	EXPECT_EQ(0, s->res[3].count);
	FREE_RUN(s);
}

/* Root acts for another owner with SOFTMAP_A_UID. */
struct user_tally {
	uint64_t alice, alice_bytes, bob, bob_bytes;
	int alice_seen, bob_seen;
};

static int users_cb(const struct softmap_user_stats *u, void *arg)
{
	struct user_tally *t = arg;

	if (u->uid == SM_UID_ALICE) {
		t->alice_seen++;
		t->alice = u->objects;
		t->alice_bytes = u->bytes;
	} else if (u->uid == SM_UID_BOB) {
		t->bob_seen++;
		t->bob = u->objects;
		t->bob_bytes = u->bytes;
	}
	return 0;
}

TEST_F(users, admin_acts_for_others)
{
	static const struct uop alice[] = {
		GET("by-root"),
		PUT("mine", 3, SOFTMAP_PUT_CREATE),
	};
	static const struct uop bob[] = {
		PUT("b", 50, SOFTMAP_PUT_CREATE),
	};
	struct user_tally t = { 0 };
	struct softmap_object o;
	uint64_t count;
	struct uscript *s;
	void *v = malloc(64);

	ASSERT_NE(NULL, v);
	sm_fill(v, 64, SM_UID_ALICE);
	ASSERT_LIBOK(self->h, softmap_set_uid(self->h, SM_UID_ALICE));
	ASSERT_LIBOK(self->h, softmap_put(self->h, "by-root", 7, v, 64, 0,
					  SOFTMAP_PUT_CREATE));
	free(v);

	s = RUN_AS(SM_UID_ALICE, alice);
	ASSERT_STEP(s, 0, 0, "");
	EXPECT_EQ(64, s->res[0].vlen);
	EXPECT_TRUE(s->res[0].val_ok);
	ASSERT_STEP(s, 1, 0, "");
	FREE_RUN(s);
	s = RUN_AS(SM_UID_BOB, bob);
	ASSERT_STEP(s, 0, 0, "");
	FREE_RUN(s);

	/* Root's own namespace does not have alice's keys. */
	ASSERT_LIBOK(self->h, softmap_set_uid(self->h, -1));
	ASSERT_LIBERR(self->h, softmap_get(self->h, "mine", 4, &o), ENOENT,
		      "not found");

	ASSERT_LIBOK(self->h, softmap_users(self->h, users_cb, &t));
	EXPECT_EQ(1, t.alice_seen);
	EXPECT_EQ(1, t.bob_seen);
	EXPECT_EQ(2, t.alice);
	EXPECT_EQ(7 + 64 + 4 + 3, t.alice_bytes);
	EXPECT_EQ(1, t.bob);
	EXPECT_EQ(1 + 50, t.bob_bytes);

	ASSERT_LIBOK(self->h, softmap_set_uid(self->h, SM_UID_ALICE));
	ASSERT_LIBOK(self->h, softmap_get(self->h, "mine", 4, &o));
	EXPECT_EQ(3, o.value_len);
	softmap_object_release(&o);
	ASSERT_LIBOK(self->h, softmap_del(self->h, "mine", 4));
	ASSERT_LIBOK(self->h, softmap_flush(self->h, false, &count));
	EXPECT_EQ(1, count);
	ASSERT_LIBOK(self->h, softmap_set_uid(self->h, SM_UID_BOB));
	ASSERT_LIBOK(self->h, softmap_flush(self->h, false, &count));
	EXPECT_EQ(1, count);
}

/* user_max_objects = N: N objects fit, the N+1th is refused. */
TEST_F(users, quota_objects)
{
	static const struct uop alice[] = {
		PUT("0", 1, SOFTMAP_PUT_CREATE),
		PUT("1", 1, SOFTMAP_PUT_CREATE),
		PUT("2", 1, SOFTMAP_PUT_CREATE),
		PUT("3", 1, SOFTMAP_PUT_CREATE),
		PUT("4", 1, SOFTMAP_PUT_CREATE),
		/* 5: one too many */
		PUT("5", 1, SOFTMAP_PUT_CREATE),
		/* a replacement adds no object */
		PUT("4", 2, SOFTMAP_PUT_UPSERT),
		GET("5"),
		DEL("0"),
		PUT("5", 1, SOFTMAP_PUT_CREATE),
		PUT("6", 1, SOFTMAP_PUT_UPSERT),
		STATS(),
	};
	static const struct uop bob[] = {
		PUT("0", 1, SOFTMAP_PUT_CREATE),
		PUT("1", 1, SOFTMAP_PUT_CREATE),
		PUT("2", 1, SOFTMAP_PUT_CREATE),
		PUT("3", 1, SOFTMAP_PUT_CREATE),
		PUT("4", 1, SOFTMAP_PUT_CREATE),
		PUT("5", 1, SOFTMAP_PUT_CREATE),
	};
	struct softmap_user_stats us;
	struct sm_counters a, b;
	struct uscript *s;
	int i;

	ASSERT_EQ(0, sm_sysfs_write("user_max_objects", "5\n"));
	ASSERT_EQ(0, sm_counters_read(&a));
	/* An owner's record, and its rejections, live until unload. */
	ASSERT_LIBOK(self->h, softmap_set_uid(self->h, SM_UID_ALICE));
	ASSERT_LIBOK(self->h, softmap_stats(self->h, NULL, &us));
	s = RUN_AS(SM_UID_ALICE, alice);
	for (i = 0; i < 5; i++)
		ASSERT_STEP(s, i, 0, "");
	ASSERT_STEP(s, 5, EDQUOT, "user_max_objects");
	ASSERT_STEP(s, 6, 0, "");
	ASSERT_STEP(s, 7, ENOENT, "not found");
	ASSERT_STEP(s, 8, 0, "");
	ASSERT_STEP(s, 9, 0, "");
	ASSERT_STEP(s, 10, EDQUOT, "user_max_objects");
	ASSERT_STEP(s, 11, 0, "");
	EXPECT_EQ(5, s->res[11].count);
	EXPECT_EQ(us.quota_rejections + 2, s->res[11].rejections);
	FREE_RUN(s);
	ASSERT_EQ(0, sm_counters_read(&b));
	EXPECT_EQ(a.quota_rejections + 2, b.quota_rejections);

	/* The quota is per user: bob has his own five. */
	s = RUN_AS(SM_UID_BOB, bob);
	for (i = 0; i < 5; i++)
		ASSERT_STEP(s, i, 0, "");
	ASSERT_STEP(s, 5, EDQUOT, "user_max_objects");
	FREE_RUN(s);
}

/*
 * user_max_bytes = 1000, counted as key + value bytes: exactly 1000 fit,
 * one more byte does not, whether by a new object or a growing
 * replacement (which then leaves the old value in place).
 */
TEST_F(users, quota_bytes)
{
	static const struct uop alice[] = {
		PUT("b1", 498, SOFTMAP_PUT_CREATE),		/* 500 */
		PUT("b2", 498, SOFTMAP_PUT_CREATE),		/* 1000 */
		PUT("b3", 0, SOFTMAP_PUT_CREATE),		/* 1002 */
		PUT("b2", 499, SOFTMAP_PUT_REPLACE),	/* 1001 */
		GET("b2"),
		PUT("b2", 497, SOFTMAP_PUT_REPLACE),	/* 999 */
		PUT("c", 0, SOFTMAP_PUT_CREATE),		/* 1000 */
		PUT("d", 0, SOFTMAP_PUT_CREATE),		/* 1001 */
		STATS(),
	};
	struct sm_counters a, b;
	struct uscript *s;

	ASSERT_EQ(0, sm_sysfs_write("user_max_objects", "1000"));
	ASSERT_EQ(0, sm_sysfs_write("user_max_bytes", "1000"));
	ASSERT_EQ(0, sm_counters_read(&a));
	s = RUN_AS(SM_UID_ALICE, alice);
	ASSERT_STEP(s, 0, 0, "");
	ASSERT_STEP(s, 1, 0, "");
	ASSERT_STEP(s, 2, EDQUOT, "user_max_bytes");
	ASSERT_STEP(s, 3, EDQUOT, "user_max_bytes");
	ASSERT_STEP(s, 4, 0, "");
	EXPECT_EQ(498, s->res[4].vlen);
	EXPECT_TRUE(s->res[4].val_ok);
	ASSERT_STEP(s, 5, 0, "");
	ASSERT_STEP(s, 6, 0, "");
	ASSERT_STEP(s, 7, EDQUOT, "user_max_bytes");
	ASSERT_STEP(s, 8, 0, "");
	EXPECT_EQ(3, s->res[8].count);
	EXPECT_EQ(1000, s->res[8].bytes);
	FREE_RUN(s);
	ASSERT_EQ(0, sm_counters_read(&b));
	EXPECT_EQ(a.quota_rejections + 3, b.quota_rejections);
	EXPECT_EQ(a.bytes + 1000, b.bytes);
}

/* max_bytes bounds every owner together: -ENOSPC past it. */
TEST_F(users, quota_global_bytes)
{
	static const struct uop alice[] = {
		PUT("a1", 998, SOFTMAP_PUT_CREATE),		/* 1000 */
		PUT("a2", 998, SOFTMAP_PUT_CREATE),		/* 2000 */
	};
	static const struct uop bob[] = {
		PUT("b1", 998, SOFTMAP_PUT_CREATE),		/* 3000 */
		PUT("b2", 0, SOFTMAP_PUT_CREATE),		/* 3002 */
		PUT("b1", 999, SOFTMAP_PUT_UPSERT),		/* 3001 */
		GET("b1"),
	};
	static const struct uop alice_full[] = {
		PUT("a", 0, SOFTMAP_PUT_CREATE),
		DEL("a2"),
		PUT("a", 0, SOFTMAP_PUT_CREATE),
	};
	struct sm_counters a, b;
	struct uscript *s;

	sm_flush_all();
	ASSERT_EQ(0, sm_counters_read(&a));
	ASSERT_EQ(0, a.bytes) TH_LOG("the store is not empty after FLUSH ALL");
	ASSERT_EQ(0, sm_sysfs_write("max_bytes", "3000"));
	ASSERT_EQ(0, sm_sysfs_write("user_max_bytes", "1000000"));
	ASSERT_EQ(0, sm_sysfs_write("user_max_objects", "1000"));

	s = RUN_AS(SM_UID_ALICE, alice);
	ASSERT_STEP(s, 0, 0, "");
	ASSERT_STEP(s, 1, 0, "");
	FREE_RUN(s);
	s = RUN_AS(SM_UID_BOB, bob);
	ASSERT_STEP(s, 0, 0, "");
	ASSERT_STEP(s, 1, ENOSPC, "max_bytes");
	ASSERT_STEP(s, 2, ENOSPC, "max_bytes");
	ASSERT_STEP(s, 3, 0, "");
	EXPECT_EQ(998, s->res[3].vlen);
	FREE_RUN(s);
	s = RUN_AS(SM_UID_ALICE, alice_full);
	ASSERT_STEP(s, 0, ENOSPC, "max_bytes");
	ASSERT_STEP(s, 1, 0, "");
	ASSERT_STEP(s, 2, 0, "");
	FREE_RUN(s);
	ASSERT_EQ(0, sm_counters_read(&b));
	EXPECT_EQ(a.quota_rejections + 3, b.quota_rejections);
	EXPECT_EQ(2001, b.bytes);
	EXPECT_EQ(3, b.objects);
}

/* The tunables are 0644 and root's: alice cannot open them for writing. */
static const char *const tunables[] = {
	"max_value_size", "user_max_objects", "user_max_bytes", "max_bytes",
};

static const char *const counter_files[] = {
	"objects", "bytes", "bytes_allocated", "users", "table_buckets",
	"puts", "gets", "hits", "misses", "dels", "replaces",
	"rcu_pending_frees", "quota_rejections",
};

struct open_result {
	int wr_errno[4];
	int rd_errno[4];
};

static int alice_open_tunables(void *arg)
{
	struct open_result *r = arg;
	char path[128];
	int i, fd;

	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), SM_SYSFS_DIR "/%s", tunables[i]);
		fd = open(path, O_WRONLY);
		r->wr_errno[i] = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		fd = open(path, O_RDONLY);
		r->rd_errno[i] = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

TEST_F(users, tunables_root_only)
{
	struct open_result *r = sm_shared_alloc(sizeof(*r));
	struct sm_tunables before, after;
	char path[128];
	struct stat st;
	unsigned int i;
	int fd;

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, sm_tunables_read(&before));
	ASSERT_EQ(0, sm_run_as(SM_UID_ALICE, alice_open_tunables, r));
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), SM_SYSFS_DIR "/%s", tunables[i]);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_EQ(0644, st.st_mode & 07777) TH_LOG("%s", tunables[i]);
		EXPECT_EQ(0, st.st_uid);
		EXPECT_EQ(EACCES, r->wr_errno[i]) TH_LOG("%s", tunables[i]);
		EXPECT_EQ(0, r->rd_errno[i]) TH_LOG("%s", tunables[i]);
	}
	ASSERT_EQ(0, sm_tunables_read(&after));
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)));

	/* Counters are read-only, for root too. */
	for (i = 0; i < ARRAY_SIZE(counter_files); i++) {
		snprintf(path, sizeof(path), SM_SYSFS_DIR "/%s",
			 counter_files[i]);
		ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s", counter_files[i]);
		EXPECT_EQ(0444, st.st_mode & 07777) TH_LOG("%s",
							   counter_files[i]);
		fd = open(path, O_WRONLY);
		EXPECT_EQ(-1, fd) TH_LOG("%s opened for writing",
					 counter_files[i]);
		EXPECT_EQ(EACCES, errno);
		if (fd >= 0)
			close(fd);
	}
	sm_shared_free(r, sizeof(*r));
}

/* Bad values are refused with -EINVAL and change nothing. */
TEST_F(users, tunables_bad_values)
{
	static const char *const bad[] = {
		"0", "-1", "abc", "12abc", "\n", "1 2", "0x",
		"99999999999999999999999",
	};
	char big[32];
	unsigned int i, j;
	uint64_t v, w;

	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, sm_sysfs_read(tunables[i], &v));
		for (j = 0; j < ARRAY_SIZE(bad); j++) {
			int err = sm_sysfs_write(tunables[i], bad[j]);

			EXPECT_EQ(-EINVAL, err)
				TH_LOG("%s <- '%s'", tunables[i], bad[j]);
			ASSERT_EQ(0, sm_sysfs_read(tunables[i], &w));
			EXPECT_EQ(v, w) TH_LOG("%s changed by '%s'",
					       tunables[i], bad[j]);
			/* keep one failure from causing the next ones */
			if (!err)
				ASSERT_EQ(0, sm_sysfs_write_u64(tunables[i],
								v));
		}
	}
	snprintf(big, sizeof(big), "%d", SOFTMAP_VALUE_MAX + 1);
	EXPECT_EQ(-EINVAL, sm_sysfs_write("max_value_size", big));
	snprintf(big, sizeof(big), "%d", SOFTMAP_VALUE_MAX);
	EXPECT_EQ(0, sm_sysfs_write("max_value_size", big));
	ASSERT_EQ(0, sm_sysfs_read("max_value_size", &v));
	EXPECT_EQ(SOFTMAP_VALUE_MAX, v);
}

/* Good values read back as written, with or without a newline. */
TEST_F(users, tunables_roundtrip)
{
	uint64_t v;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, sm_sysfs_write(tunables[i], "4096\n"));
		ASSERT_EQ(0, sm_sysfs_read(tunables[i], &v));
		EXPECT_EQ(4096, v) TH_LOG("%s", tunables[i]);
		ASSERT_EQ(0, sm_sysfs_write(tunables[i], "12345"));
		ASSERT_EQ(0, sm_sysfs_read(tunables[i], &v));
		EXPECT_EQ(12345, v) TH_LOG("%s", tunables[i]);
	}
}

TEST_HARNESS_MAIN
