/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sm_test.h: what the softmap selftest programs share on top of
 * kselftest_harness.h: the libraries they use, assertions on netlink
 * answers (errno and extended ack together), reproducible values, and the
 * preconditions every fixture checks.
 *
 * Include it instead of kselftest_harness.h, once, from the test program.
 */
#ifndef SOFTMAP_SELFTEST_SM_TEST_H
#define SOFTMAP_SELFTEST_SM_TEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * The harness is built with -Wall in the kernel tree, not -Wextra: its
 * SIGALRM handler leaves a parameter unused, and its EXPECT_EQ(1, size)
 * style compares a literal with values of any type (printing each with its
 * own signedness), which -Wsign-compare would flag at every use.  (The
 * -Wclobbered its TEST_F wrapper earns when optimized is real: see the
 * Makefile, which builds the test programs with -O0.)
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#pragma GCC diagnostic ignored "-Wsign-compare"

#include <libsoftmap.h>
#include <linux/softmap.h>

#include "nlraw.h"
#include "smraw.h"
#include "smsys.h"
#include "smuser.h"

/*
 * The errno softmap answers a value longer than max_value_size with, and
 * the word its extended ack must contain.
 */
#define SM_E_VALUE_TOO_BIG	E2BIG
#define SM_DEFAULT_MAX_VALUE	65536

/* Milliseconds on CLOCK_MONOTONIC. */
static inline uint64_t sm_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/*
 * Reproducible value bytes: sm_fill(buf, len, seed) writes what
 * sm_check(buf, len, seed) accepts; different seeds give different bytes
 * (and the length is mixed in, so a truncated value does not match).
 */
static inline uint64_t sm_rand_next(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline void sm_fill(void *buf, size_t len, uint64_t seed)
{
	uint64_t s = seed * 0x100000001b3ULL + len;
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i += 8) {
		uint64_t r = sm_rand_next(&s);
		size_t n = len - i < 8 ? len - i : 8;

		memcpy(p + i, &r, n);
	}
}

static inline bool sm_check(const void *buf, size_t len, uint64_t seed)
{
	uint64_t s = seed * 0x100000001b3ULL + len;
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i += 8) {
		uint64_t r = sm_rand_next(&s);
		size_t n = len - i < 8 ? len - i : 8;

		if (memcmp(p + i, &r, n))
			return false;
	}
	return true;
}

/* Whether an extended ack message contains @text ("" = any message). */
static inline bool sm_ack_says(const struct nlraw_ack *ack, const char *text)
{
	return ack->msg[0] && strstr(ack->msg, text);
}

/*
 * ASSERT_NLERR(ack, E, text): the kernel answered -E with an extended-ack
 * message containing text (any non-empty message when text is "").
 */
#define ASSERT_NLERR(ack, e, text) do {					\
	ASSERT_EQ(-(e), (ack)->err)					\
		TH_LOG("errno %d (%s), expected %s; extack '%s'",	\
		       -(ack)->err, strerror(-(ack)->err), #e,		\
		       (ack)->msg);					\
	ASSERT_TRUE(sm_ack_says((ack), (text)))				\
		TH_LOG("%s: extack '%s' does not say '%s'", #e,		\
		       (ack)->msg, (text));				\
} while (0)

#define EXPECT_NLERR(ack, e, text) do {					\
	EXPECT_EQ(-(e), (ack)->err)					\
		TH_LOG("errno %d (%s), expected %s; extack '%s'",	\
		       -(ack)->err, strerror(-(ack)->err), #e,		\
		       (ack)->msg);					\
	EXPECT_TRUE(sm_ack_says((ack), (text)))				\
		TH_LOG("%s: extack '%s' does not say '%s'", #e,		\
		       (ack)->msg, (text));				\
} while (0)

/* ASSERT_NLOK(ack): the request succeeded. */
#define ASSERT_NLOK(ack)						\
	ASSERT_EQ(0, (ack)->err)					\
		TH_LOG("errno %d (%s); extack '%s'", -(ack)->err,	\
		       strerror(-(ack)->err), (ack)->msg)

/* ASSERT_LIBOK(h, expr): a libsoftmap call returned 0. */
#define ASSERT_LIBOK(h, expr) do {					\
	int __r = (expr);						\
									\
	ASSERT_EQ(0, __r)						\
		TH_LOG("%s: %s: %s", #expr, strerror(-__r),		\
		       softmap_strerror_ext(h));			\
} while (0)

/*
 * ASSERT_LIBERR(h, expr, E, text): a libsoftmap call failed with -E and the
 * kernel's message contains text.
 */
#define ASSERT_LIBERR(h, expr, e, text) do {				\
	int __r = (expr);						\
	const char *__m = softmap_strerror_ext(h);			\
									\
	ASSERT_EQ(-(e), __r)						\
		TH_LOG("%s: errno %d (%s), expected %s; extack '%s'",	\
		       #expr, -__r, strerror(-__r), #e, __m);		\
	ASSERT_TRUE(__m[0] && strstr(__m, (text)))			\
		TH_LOG("%s: extack '%s' does not say '%s'", #expr,	\
		       __m, (text));					\
} while (0)

/*
 * SM_PRECONDITIONS(): root and the module loaded.  Not being root is a
 * reason to skip; a missing module is a failure, since every runner loads
 * it before each program.
 */
#define SM_PRECONDITIONS() do {						\
	if (geteuid())							\
		SKIP(return, "must run as root");			\
	ASSERT_TRUE(sm_module_loaded())					\
		TH_LOG("softmap is not loaded: insmod softmap.ko");	\
} while (0)

/* Open a libsoftmap handle and a raw socket, ASSERTing success. */
#define SM_OPEN(h, nl) do {						\
	(h) = softmap_open();						\
	ASSERT_NE(NULL, (h)) TH_LOG("softmap_open: %s", strerror(errno)); \
	ASSERT_EQ(0, nlraw_open((nl), SOFTMAP_FAMILY_NAME));		\
} while (0)

/* Flush one owner's objects as root; errors are ignored (cleanup). */
static inline void sm_flush_uid(long uid)
{
	struct nlraw_ack ack;
	struct nlraw nl;

	if (nlraw_open(&nl, SOFTMAP_FAMILY_NAME))
		return;
	smraw_flush(&nl, uid, false, NULL, &ack);
	nlraw_close(&nl);
}

/* Flush every owner's objects as root; errors are ignored (cleanup). */
static inline void sm_flush_all(void)
{
	struct nlraw_ack ack;
	struct nlraw nl;

	if (nlraw_open(&nl, SOFTMAP_FAMILY_NAME))
		return;
	smraw_flush(&nl, SMRAW_NONE, true, NULL, &ack);
	nlraw_close(&nl);
}

/*
 * Watching the kernel for problems over a stretch of a test: new taint
 * (a WARN taints W, slab corruption B; loading softmap taints only O and
 * E) and problem lines in the kernel log after a mark.  rmmod with objects
 * left in a cache is one: 6.12 then drops the cache from /proc/slabinfo
 * anyway, logging "Objects remaining" and tainting.
 */
struct sm_watch {
	char mark[64];
	uint64_t taint;
};

static inline void sm_watch_start(struct __test_metadata *_metadata,
				  struct sm_watch *w, const char *what)
{
	ASSERT_EQ(0, sm_taint(&w->taint));
	ASSERT_EQ(0, sm_kmsg_mark(w->mark, what));
}

static inline void sm_watch_check(struct __test_metadata *_metadata,
				  const struct sm_watch *w)
{
	uint64_t taint;
	char *report;
	int n;

	ASSERT_EQ(0, sm_taint(&taint));
	EXPECT_EQ(0, taint & ~w->taint & ~SM_TAINT_OK)
		TH_LOG("the kernel got tainted: %#llx -> %#llx",
		       (unsigned long long)w->taint,
		       (unsigned long long)taint);
	n = sm_kmsg_splats(w->mark, &report);
	EXPECT_EQ(0, n) TH_LOG("%s", n == -ENOENT ?
			       "the kernel log wrapped past the mark" :
			       report ? report : strerror(-n));
	free(report);
}

#endif /* SOFTMAP_SELFTEST_SM_TEST_H */
