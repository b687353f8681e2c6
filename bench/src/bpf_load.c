// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_load - the workload on a BPF hash map, through the raw bpf(2)
 * syscall: BPF_MAP_CREATE, BPF_MAP_UPDATE_ELEM, BPF_MAP_DELETE_ELEM and
 * BPF_MAP_GET_NEXT_KEY (to count what is left).  No libbpf.
 *
 *	bpf_load [-p] [-n OBJECTS] [-s SETTLE_MS]
 *
 * -p: BPF_F_NO_PREALLOC (elements allocated on update, freed on delete);
 * without it the kernel preallocates every element when the map is made.
 *
 * Memory held: kmem = SUnreclaim + VmallocUsed + Percpu (/proc/meminfo),
 * the baseline read before the map is created; cross-check: the map's
 * "memlock" in /proc/self/fdinfo.  Pressure: echo 2 > drop_caches (the
 * map has no shrinker; this is only what the kernel does by itself).
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "workload.h"

static bool no_prealloc;

static void opt(int c, const char *arg)
{
	(void)arg;
	if (c == 'p')
		no_prealloc = true;
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int map_create(uint32_t entries)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_HASH;
	a.key_size = WL_KEY_LEN;
	a.value_size = WL_VAL_LEN;
	a.max_entries = entries;
	a.map_flags = no_prealloc ? BPF_F_NO_PREALLOC : 0;
	strncpy(a.map_name, "bench_htab", sizeof(a.map_name) - 1);
	return sys_bpf(BPF_MAP_CREATE, &a);
}

static int map_update(int fd, const void *key, const void *val)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	a.key = (uintptr_t)key;
	a.value = (uintptr_t)val;
	a.flags = BPF_NOEXIST;
	return sys_bpf(BPF_MAP_UPDATE_ELEM, &a);
}

static int map_delete(int fd, const void *key)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	a.key = (uintptr_t)key;
	return sys_bpf(BPF_MAP_DELETE_ELEM, &a);
}

/* Number of keys in the map, by walking it. */
static long long map_count(int fd)
{
	char key[WL_KEY_LEN], next[WL_KEY_LEN];
	union bpf_attr a;
	long long n = 0;
	bool first = true;

	for (;;) {
		memset(&a, 0, sizeof(a));
		a.map_fd = fd;
		a.key = first ? 0 : (uintptr_t)key;
		a.next_key = (uintptr_t)next;
		if (sys_bpf(BPF_MAP_GET_NEXT_KEY, &a))
			return errno == ENOENT ? n : -errno;
		memcpy(key, next, sizeof(key));
		first = false;
		n++;
	}
}

/* The map's "memlock:" from /proc/self/fdinfo, or -1. */
static long long fdinfo_memlock(int fd)
{
	char path[64], line[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static void measure(const struct wl *w, const char *step, int fd, long long live)
{
	long long kmem = kmem_bytes();

	wl_report(w, step, "main=%lld kmem=%lld memlock=%lld memfree=%lld live=%lld",
		  kmem, kmem, fd >= 0 ? fdinfo_memlock(fd) : 0,
		  meminfo_bytes("MemFree"), live);
}

int main(int argc, char **argv)
{
	char key[WL_KEY_LEN], val[WL_VAL_LEN];
	long long live, left;
	struct wl w;
	unsigned int b;
	uint32_t i;
	double t, tdel = 0;
	int fd;

	wl_init(&w, "bpf", argc, argv, "p", opt);
	w.sys = no_prealloc ? "bpf-noprealloc" : "bpf-prealloc";
	wl_report(&w, "info", "order=%016llx objects=%u deleted=%u",
		  (unsigned long long)wl_order_hash(&w), w.n, w.ndel);

	write_file("/proc/sys/vm/drop_caches", "2");
	wl_settle(&w);
	measure(&w, "baseline", -1, 0);

	t = wl_now();
	fd = map_create(w.n);
	if (fd < 0)
		wl_fail(&w, "BPF_MAP_CREATE: %s", strerror(errno));
	for (i = 0; i < w.n; i++) {
		wl_key(i, key);
		wl_value(i, val);
		if (map_update(fd, key, val))
			wl_fail(&w, "BPF_MAP_UPDATE_ELEM %u: %s", i, strerror(errno));
		wl_progress(&w, "load", i + 1, w.n);
	}
	wl_report(&w, "rate", "step=load ops_per_s=%.0f", w.n / (wl_now() - t));
	live = w.n;
	wl_settle(&w);
	measure(&w, "load", fd, live);

	for (b = 0; b < WL_BATCHES; b++) {
		char step[16];

		t = wl_now();
		for (i = wl_batch_start(&w, b); i < wl_batch_start(&w, b + 1); i++) {
			wl_key(w.order[i], key);
			if (map_delete(fd, key))
				wl_fail(&w, "BPF_MAP_DELETE_ELEM %u: %s",
					w.order[i], strerror(errno));
			live--;
		}
		tdel += wl_now() - t;
		fprintf(stderr, "%s: deleted batch %u/%u\n", w.sys, b + 1, WL_BATCHES);
		wl_settle(&w);
		snprintf(step, sizeof(step), "del%u", b + 1);
		measure(&w, step, fd, live);
	}
	wl_report(&w, "rate", "step=delete ops_per_s=%.0f",
		  w.ndel / tdel);

	write_file("/proc/sys/vm/drop_caches", "2");
	wl_settle(&w);
	left = map_count(fd);
	if (left != live)
		wl_fail(&w, "the map holds %lld keys, expected %lld", left, live);
	measure(&w, "pressure", fd, left);
	close(fd);
	wl_report(&w, "done", "live=%lld", left);
	return 0;
}
