// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's workload: keys, values, the delete order, reporting and
 * the /proc readers every C driver uses.  See workload.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "workload.h"

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void usage(const char *prog, const char *extra)
{
	fprintf(stderr, "usage: %s [-n OBJECTS] [-s SETTLE_MS]%s%s\n", prog,
		extra ? " [driver options: " : "", extra ? extra : "");
	if (extra)
		fputs("]\n", stderr);
	exit(2);
}

void wl_init(struct wl *w, const char *sys, int argc, char **argv,
	     const char *extra, void (*opt)(int c, const char *arg))
{
	char optstring[64];
	uint64_t state = WL_SEED;
	unsigned long v;
	char *end;
	uint32_t i;
	int c;

	snprintf(optstring, sizeof(optstring), "n:s:%s", extra ? extra : "");
	memset(w, 0, sizeof(*w));
	w->sys = sys;
	w->n = WL_DEFAULT_N;
	w->settle_ms = 1000;
	while ((c = getopt(argc, argv, optstring)) != -1) {
		switch (c) {
		case 'n':
		case 's':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || v > 100000000)
				usage(argv[0], extra);
			if (c == 'n')
				w->n = v;
			else
				w->settle_ms = v;
			break;
		case '?':
			usage(argv[0], extra);
			break;
		default:
			opt(c, optarg);
		}
	}
	if (optind != argc || w->n < 10 * WL_BATCHES)
		usage(argv[0], extra);
	w->ndel = w->n / 10 * 9 / WL_BATCHES * WL_BATCHES;
	w->order = malloc(sizeof(*w->order) * w->n);
	if (!w->order)
		wl_fail(w, "out of memory for the delete order");
	for (i = 0; i < w->n; i++)
		w->order[i] = i;
	for (i = w->n - 1; i > 0; i--) {
		uint32_t j = splitmix64(&state) % ((uint64_t)i + 1);
		uint32_t t = w->order[i];

		w->order[i] = w->order[j];
		w->order[j] = t;
	}
}

uint32_t wl_batch_start(const struct wl *w, unsigned int b)
{
	return w->ndel / WL_BATCHES * b;
}

void wl_key(uint32_t i, char out[WL_KEY_LEN])
{
	char buf[WL_KEY_LEN + 1];

	snprintf(buf, sizeof(buf), "key:%012u", i);
	memcpy(out, buf, WL_KEY_LEN);
}

void wl_value(uint32_t i, char out[WL_VAL_LEN])
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "val:%012u:", i);
	int j;

	memcpy(out, buf, len);
	for (j = len; j < WL_VAL_LEN; j++)
		out[j] = 'a' + (char)((i * 31u + (unsigned int)j) % 26);
}

uint64_t wl_order_hash(const struct wl *w)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	uint32_t i;
	int b;

	for (i = 0; i < w->ndel; i++) {
		for (b = 0; b < 4; b++) {
			h ^= (w->order[i] >> (8 * b)) & 0xff;
			h *= 0x100000001b3ULL;
		}
	}
	return h;
}

void wl_settle(const struct wl *w)
{
	struct timespec ts = {
		.tv_sec = w->settle_ms / 1000,
		.tv_nsec = (long)(w->settle_ms % 1000) * 1000000L,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void wl_progress(const struct wl *w, const char *what, uint32_t done,
		 uint32_t total)
{
	uint32_t step = total / 10 ? total / 10 : 1;

	if (done % step == 0 || done == total)
		fprintf(stderr, "%s: %s %u/%u\n", w->sys, what, done, total);
}

void wl_report(const struct wl *w, const char *step, const char *fmt, ...)
{
	va_list ap;

	printf("BENCH %s %s ", w->sys, step);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

void wl_fail(const struct wl *w, const char *fmt, ...)
{
	va_list ap;

	fflush(stderr);
	printf("BENCH %s error ", w->sys);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	exit(1);
}

double wl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "Field:   123 kB" in a /proc file: bytes, or -1. */
static long long kb_field(const char *path, const char *field)
{
	size_t flen = strlen(field);
	long long v = -1;
	char line[256];
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, flen) && line[flen] == ':') {
			v = strtoll(line + flen + 1, NULL, 10) * 1024;
			break;
		}
	}
	fclose(f);
	return v;
}

long long meminfo_bytes(const char *field)
{
	return kb_field("/proc/meminfo", field);
}

long long status_bytes(pid_t pid, const char *field)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	return kb_field(path, field);
}

long long kmem_bytes(void)
{
	long long s = meminfo_bytes("SUnreclaim");
	long long v = meminfo_bytes("VmallocUsed");
	long long p = meminfo_bytes("Percpu");

	if (s < 0 || v < 0 || p < 0)
		return -1;
	return s + v + p;
}

int write_file(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	close(fd);
	return err;
}
