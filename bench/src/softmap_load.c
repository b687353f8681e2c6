// SPDX-License-Identifier: GPL-2.0
/*
 * softmap_load - the workload on softmap, through libsoftmap's batches
 * (many PUTs or DELs per sendmsg(), each acked).
 *
 *	softmap_load [-n OBJECTS] [-s SETTLE_MS]
 *
 * Objects are pinned (no SOFTMAP_F_RECLAIMABLE): pressure may compact
 * them and shrink the table but must not evict them, so what comes back
 * is memory, not data.  The driver checks that every object survives.
 *
 * Memory held, each reading taken once the store has no RCU frees
 * pending (bounded wait):
 * - main, kmem: SUnreclaim + VmallocUsed + Percpu (/proc/meminfo), the
 *   same definition as for the BPF maps, baseline read before loading;
 * - slab: pages of the softmap_* caches in /proc/slabinfo
 *   (num_slabs * pagesperslab * page size);
 * - table: the bucket array, table_buckets * sizeof(void *);
 * - bytes_allocated: the module's own account (/sys/kernel/softmap);
 * - memfree: MemFree, a cross-check.
 * Pressure: echo 2 > /proc/sys/vm/drop_caches, then SOFTMAP_CMD_SHRINK
 * with no target (what "softmap shrink" sends).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libsoftmap.h>

#include "workload.h"

#define SYSFS "/sys/kernel/softmap/"

struct batch_ctx {
	const struct wl *w;
	uint64_t failed;
	char first[512];
};

static void on_result(const struct softmap_result *r, void *arg)
{
	struct batch_ctx *ctx = arg;

	if (!r->err)
		return;
	if (!ctx->failed++)
		snprintf(ctx->first, sizeof(ctx->first), "%s %s (%s)",
			 r->op == SOFTMAP_OP_PUT ? "PUT" : "DEL",
			 softmap_errno_name(r->err),
			 r->extack && r->extack[0] ? r->extack : "no message");
}

/* Bytes of slab pages held by the softmap_* caches, or -1. */
static long long slab_bytes(void)
{
	long long total = 0, pagesz = sysconf(_SC_PAGESIZE);
	char line[512], name[128];
	FILE *f = fopen("/proc/slabinfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long act, num, size, per, pages, lim, bc, sf, aslabs, nslabs;

		if (strncmp(line, "softmap_", 8))
			continue;
		if (sscanf(line, "%127s %lu %lu %lu %lu %lu : tunables %lu %lu %lu : slabdata %lu %lu",
			   name, &act, &num, &size, &per, &pages, &lim, &bc, &sf,
			   &aslabs, &nslabs) == 11)
			total += (long long)nslabs * pages * pagesz;
	}
	fclose(f);
	return total;
}

/* A number from /sys/kernel/softmap/<name>, or -1. */
static long long sysfs_num(const char *name)
{
	char path[128];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), SYSFS "%s", name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static void measure(const struct wl *w, struct softmap *h, const char *step,
		    long long live)
{
	struct softmap_stats st;
	unsigned int waited = 0;
	long long kmem;
	int err;

	for (;;) {
		err = softmap_stats(h, &st, NULL);
		if (err)
			wl_fail(w, "STATS: %s %s", softmap_errno_name(err),
				softmap_strerror_ext(h));
		if (!st.rcu_pending_frees || waited >= 10000)
			break;
		usleep(100000);
		waited += 100;
	}
	if ((long long)st.objects != live)
		wl_fail(w, "%s: softmap holds %llu objects, expected %lld", step,
			(unsigned long long)st.objects, live);
	kmem = kmem_bytes();
	wl_report(w, step, "main=%lld kmem=%lld slab=%lld table=%llu bytes_allocated=%lld "
		  "stats_bytes_allocated=%llu table_buckets=%llu memfree=%lld "
		  "rcu_wait_ms=%u live=%llu",
		  kmem, kmem, slab_bytes(),
		  (unsigned long long)(st.table_buckets * sizeof(void *)),
		  sysfs_num("bytes_allocated"),
		  (unsigned long long)st.bytes_allocated,
		  (unsigned long long)st.table_buckets, meminfo_bytes("MemFree"),
		  waited, (unsigned long long)st.objects);
}

static void end_batch(const struct wl *w, struct softmap *h,
		      struct batch_ctx *ctx, const char *what)
{
	int err = softmap_batch_end(h);

	if (err)
		wl_fail(w, "%s: batch: %s", what, softmap_errno_name(err));
	if (ctx->failed)
		wl_fail(w, "%s: %llu requests failed, first: %s", what,
			(unsigned long long)ctx->failed, ctx->first);
}

int main(int argc, char **argv)
{
	char key[WL_KEY_LEN], val[WL_VAL_LEN];
	struct batch_ctx ctx;
	uint64_t evicted = 0;
	struct softmap *h;
	double t, tdel = 0;
	long long live;
	unsigned int b;
	struct wl w;
	uint32_t i;
	int err;

	wl_init(&w, "softmap", argc, argv, NULL, NULL);
	wl_report(&w, "info", "order=%016llx objects=%u deleted=%u",
		  (unsigned long long)wl_order_hash(&w), w.n, w.ndel);
	h = softmap_open();
	if (!h)
		wl_fail(&w, "softmap_open: %s", strerror(errno));
	memset(&ctx, 0, sizeof(ctx));
	ctx.w = &w;

	write_file("/proc/sys/vm/drop_caches", "2");
	wl_settle(&w);
	measure(&w, h, "baseline", 0);

	t = wl_now();
	if (softmap_batch_begin(h, on_result, &ctx))
		wl_fail(&w, "softmap_batch_begin failed");
	for (i = 0; i < w.n; i++) {
		wl_key(i, key);
		wl_value(i, val);
		err = softmap_batch_put(h, key, WL_KEY_LEN, val, WL_VAL_LEN, 0,
					SOFTMAP_PUT_CREATE, NULL);
		if (err)
			wl_fail(&w, "PUT %u: %s %s", i, softmap_errno_name(err),
				ctx.first);
		wl_progress(&w, "load", i + 1, w.n);
	}
	end_batch(&w, h, &ctx, "load");
	wl_report(&w, "rate", "step=load ops_per_s=%.0f", w.n / (wl_now() - t));
	live = w.n;
	wl_settle(&w);
	measure(&w, h, "load", live);

	for (b = 0; b < WL_BATCHES; b++) {
		char step[16];

		t = wl_now();
		if (softmap_batch_begin(h, on_result, &ctx))
			wl_fail(&w, "softmap_batch_begin failed");
		for (i = wl_batch_start(&w, b); i < wl_batch_start(&w, b + 1); i++) {
			wl_key(w.order[i], key);
			err = softmap_batch_del(h, key, WL_KEY_LEN, NULL);
			if (err)
				wl_fail(&w, "DEL %u: %s %s", w.order[i],
					softmap_errno_name(err), ctx.first);
			live--;
		}
		end_batch(&w, h, &ctx, "delete");
		tdel += wl_now() - t;
		fprintf(stderr, "%s: deleted batch %u/%u\n", w.sys, b + 1, WL_BATCHES);
		wl_settle(&w);
		snprintf(step, sizeof(step), "del%u", b + 1);
		measure(&w, h, step, live);
	}
	wl_report(&w, "rate", "step=delete ops_per_s=%.0f", w.ndel / tdel);

	t = wl_now();
	err = write_file("/proc/sys/vm/drop_caches", "2");
	if (err)
		wl_fail(&w, "drop_caches: %s", strerror(-err));
	err = softmap_shrink(h, UINT64_MAX, &evicted);
	if (err)
		wl_fail(&w, "SHRINK: %s %s", softmap_errno_name(err),
			softmap_strerror_ext(h));
	wl_report(&w, "shrink", "seconds=%.2f evicted=%llu", wl_now() - t,
		  (unsigned long long)evicted);
	wl_settle(&w);
	measure(&w, h, "pressure", live);
	wl_report(&w, "done", "live=%lld", live);
	softmap_close(h);
	return 0;
}
