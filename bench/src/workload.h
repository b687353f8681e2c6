/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark's workload, shared by every C driver (bench/go/main.go
 * implements the same, byte for byte, and prints the same order hash):
 *
 * - N objects (default 1,000,000), object i has the 16-byte key
 *   "key:%012u" and a 100-byte value "val:%012u:" followed by letters
 *   depending on i;
 * - a permutation of 0..N-1 drawn with splitmix64 from a fixed seed
 *   (Fisher-Yates); its first 90% are deleted, in that order, in ten
 *   batches of equal size;
 * - after each step the driver prints one line
 *
 *	BENCH <system> <step> key=value ...
 *
 *   with steps "baseline" (before loading), "load", "del1".."del10" and
 *   "pressure", then "BENCH <system> done live=<objects left>".  A driver
 *   that fails prints "BENCH <system> error <why>" and exits non-zero.
 *   Values are absolute (bytes or counts); bench/report.py subtracts the
 *   baseline.
 */
#ifndef BENCH_WORKLOAD_H
#define BENCH_WORKLOAD_H

#include <stdint.h>
#include <sys/types.h>

#define WL_KEY_LEN	16
#define WL_VAL_LEN	100
#define WL_BATCHES	10
#define WL_SEED		0x736f66746d6170ULL	/* "softmap" */
#define WL_DEFAULT_N	1000000u

/**
 * struct wl - one run of the workload
 * @sys: system name printed in every line.
 * @n: objects loaded.
 * @ndel: objects deleted (90% of @n, a multiple of %WL_BATCHES).
 * @order: permutation of 0..@n-1; @order[0..@ndel) are deleted in order.
 * @settle_ms: pause before each measurement.
 */
struct wl {
	const char *sys;
	uint32_t n;
	uint32_t ndel;
	uint32_t *order;
	unsigned int settle_ms;
};

/*
 * Parse the options every driver takes (-n OBJECTS, -s SETTLE_MS) from
 * argv, leaving the driver's own options to @extra (getopt letters, may
 * be NULL; each is passed to @opt with its argument).  Exits on error.
 */
void wl_init(struct wl *w, const char *sys, int argc, char **argv,
	     const char *extra, void (*opt)(int c, const char *arg));

/* Batch b (0-based) deletes order[wl_batch_start(b) .. wl_batch_start(b+1)). */
uint32_t wl_batch_start(const struct wl *w, unsigned int b);

void wl_key(uint32_t i, char out[WL_KEY_LEN]);
void wl_value(uint32_t i, char out[WL_VAL_LEN]);

/* FNV-1a over the deleted indices (little-endian u32): same in Go. */
uint64_t wl_order_hash(const struct wl *w);

/* Sleep for the settle time. */
void wl_settle(const struct wl *w);

/* Progress on stderr: "<sys>: <what> <done>/<total>" every 10%. */
void wl_progress(const struct wl *w, const char *what, uint32_t done,
		 uint32_t total);

/* Print "BENCH <sys> <step> " followed by the formatted rest, flushed. */
void wl_report(const struct wl *w, const char *step, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Print "BENCH <sys> error <why>" and exit(1). */
void wl_fail(const struct wl *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* Seconds since an arbitrary start, for rates. */
double wl_now(void);

/*
 * Memory readers.  Each returns bytes, or -1 when the field is missing.
 * meminfo_bytes("SUnreclaim"), status_bytes(pid, "VmRSS").
 */
long long meminfo_bytes(const char *field);
long long status_bytes(pid_t pid, const char *field);

/*
 * Kernel memory as the benchmark defines it for kernel-side stores:
 * SUnreclaim + VmallocUsed + Percpu from /proc/meminfo, in bytes.
 */
long long kmem_bytes(void);

/* Write @val to the file @path; 0 or a negative errno. */
int write_file(const char *path, const char *val);

#endif /* BENCH_WORKLOAD_H */
