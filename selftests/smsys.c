// SPDX-License-Identifier: GPL-2.0
/*
 * smsys: sysfs, module loading, slabinfo, meminfo and kmemleak helpers of
 * softmap's selftests.  See smsys.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "smsys.h"

#define SM_KO_DEFAULT	"/softmap/softmap.ko"

/**
 * sm_sysfs_read() - read one number from /sys/kernel/softmap/@name
 * @name: the file
 * @v: its value
 *
 * Return: 0, -errno of open/read, or -EINVAL when it is not one decimal
 * number followed by a newline.
 */
int sm_sysfs_read(const char *name, uint64_t *v)
{
	char path[256], buf[64], *end;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), SM_SYSFS_DIR "/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = '\0';
	errno = 0;
	*v = strtoull(buf, &end, 10);
	if (errno || end == buf || strcmp(end, "\n"))
		return -EINVAL;
	return 0;
}

/**
 * sm_sysfs_write() - write a string to /sys/kernel/softmap/@name
 * @name: the file
 * @val: what to write, in one write()
 *
 * Return: 0, or -errno of open() or write() (a short write is -EIO).
 */
int sm_sysfs_write(const char *name, const char *val)
{
	size_t len = strlen(val);
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), SM_SYSFS_DIR "/%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		n = -errno;
	else if ((size_t)n != len)
		n = -EIO;
	else
		n = 0;
	close(fd);
	return n;
}

/** sm_sysfs_write_u64() - sm_sysfs_write() of a number and a newline */
int sm_sysfs_write_u64(const char *name, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64 "\n", v);
	return sm_sysfs_write(name, buf);
}

#define SM_FIELD(s, f)	{ #f, offsetof(s, f) }

static const struct {
	const char *name;
	size_t off;
} sm_counter_files[] = {
	SM_FIELD(struct sm_counters, objects),
	SM_FIELD(struct sm_counters, bytes),
	SM_FIELD(struct sm_counters, bytes_allocated),
	SM_FIELD(struct sm_counters, users),
	SM_FIELD(struct sm_counters, table_buckets),
	SM_FIELD(struct sm_counters, puts),
	SM_FIELD(struct sm_counters, gets),
	SM_FIELD(struct sm_counters, hits),
	SM_FIELD(struct sm_counters, misses),
	SM_FIELD(struct sm_counters, dels),
	SM_FIELD(struct sm_counters, replaces),
	SM_FIELD(struct sm_counters, rcu_pending_frees),
	SM_FIELD(struct sm_counters, quota_rejections),
}, sm_tunable_files[] = {
	SM_FIELD(struct sm_tunables, max_value_size),
	SM_FIELD(struct sm_tunables, user_max_objects),
	SM_FIELD(struct sm_tunables, user_max_bytes),
	SM_FIELD(struct sm_tunables, max_bytes),
};

#define SM_NFILES(a)	(sizeof(a) / sizeof((a)[0]))

/** sm_counters_read() - read every counter; see sm_sysfs_read() */
int sm_counters_read(struct sm_counters *c)
{
	size_t i;
	int err;

	for (i = 0; i < SM_NFILES(sm_counter_files); i++) {
		err = sm_sysfs_read(sm_counter_files[i].name,
				    (uint64_t *)((char *)c +
						 sm_counter_files[i].off));
		if (err)
			return err;
	}
	return 0;
}

/** sm_tunables_read() - read every tunable; see sm_sysfs_read() */
int sm_tunables_read(struct sm_tunables *t)
{
	size_t i;
	int err;

	for (i = 0; i < SM_NFILES(sm_tunable_files); i++) {
		err = sm_sysfs_read(sm_tunable_files[i].name,
				    (uint64_t *)((char *)t +
						 sm_tunable_files[i].off));
		if (err)
			return err;
	}
	return 0;
}

/**
 * sm_tunables_write() - write every tunable
 * @t: the values
 *
 * max_value_size first and max_bytes last is not enough to avoid a
 * transient conflict between limits in general, so every file is tried
 * and the first error is returned.
 *
 * Return: 0 or the first -errno.
 */
int sm_tunables_write(const struct sm_tunables *t)
{
	int err, first = 0;
	size_t i;

	for (i = 0; i < SM_NFILES(sm_tunable_files); i++) {
		err = sm_sysfs_write_u64(sm_tunable_files[i].name,
					 *(const uint64_t *)((const char *)t +
						sm_tunable_files[i].off));
		if (err && !first)
			first = err;
	}
	return first;
}

/**
 * sm_kernel() - the kernel of the matrix the test runs on
 *
 * Return: $SOFTMAP_KERNEL (set by the VM runner: stock-6.12, stock-6.1,
 * debug-6.12), or "" when unset.
 */
const char *sm_kernel(void)
{
	const char *k = getenv("SOFTMAP_KERNEL");

	return k ? k : "";
}

/**
 * sm_kernel_is_debug() - whether the kernel is the slow debug build
 *
 * Return: true when $SOFTMAP_KERNEL starts with "debug" or, without it,
 * when kmemleak is present.
 */
bool sm_kernel_is_debug(void)
{
	if (*sm_kernel())
		return !strncmp(sm_kernel(), "debug", 5);
	return sm_kmemleak_present();
}

/** sm_module_loaded() - whether softmap is loaded */
bool sm_module_loaded(void)
{
	struct stat st;

	return !stat("/sys/module/softmap", &st);
}

/**
 * sm_insmod() - load $SOFTMAP_KO (default /softmap/softmap.ko)
 *
 * Return: 0, or -errno of open() or finit_module() (-EEXIST when loaded).
 */
int sm_insmod(void)
{
	const char *ko = getenv("SOFTMAP_KO");
	int fd, err = 0;

	fd = open(ko ? ko : SM_KO_DEFAULT, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		err = -errno;
	close(fd);
	return err;
}

/**
 * sm_rmmod() - unload softmap
 *
 * A dump that has just ended may still hold a reference for a moment, so
 * -EAGAIN is retried for up to five seconds.
 *
 * Return: 0, or -errno of delete_module() (-ENOENT when not loaded).
 */
int sm_rmmod(void)
{
	struct timespec ts = { .tv_nsec = 50 * 1000 * 1000 };
	int i;

	for (i = 0; i < 100; i++) {
		if (!syscall(SYS_delete_module, "softmap", O_NONBLOCK))
			return 0;
		if (errno != EAGAIN && errno != EBUSY)
			return -errno;
		nanosleep(&ts, NULL);
	}
	return -errno;
}

/* Append @name to the space-separated list at @names. */
static void sm_names_add(char *names, size_t cap, size_t *used,
			 const char *name)
{
	if (names && *used < cap)
		*used += snprintf(names + *used, cap - *used, "%s ", name);
}

/**
 * sm_slab_caches() - the slab caches named softmap_* that exist now
 * @names: filled with their names, space-separated (may be NULL)
 * @cap: bytes at @names
 * @in_slabinfo: set to how many of them /proc/slabinfo lists (may be NULL)
 *
 * Looks in /proc/slabinfo, where a cache merged into another does not
 * appear, and in /sys/kernel/slab/, where it does (as a symlink).
 *
 * Return: how many entries were found in both places together (a cache
 * counts once per place), or -errno when /proc/slabinfo cannot be read.
 */
int sm_slab_caches(char *names, size_t cap, int *in_slabinfo)
{
	char line[512], name[300];
	struct dirent *de;
	size_t used = 0;
	int n = 0;
	FILE *f;
	DIR *d;

	if (names && cap)
		names[0] = '\0';
	f = fopen("/proc/slabinfo", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "softmap_", 8))
			continue;
		n++;
		line[strcspn(line, " \t")] = '\0';
		sm_names_add(names, cap, &used, line);
	}
	fclose(f);
	if (in_slabinfo)
		*in_slabinfo = n;

	d = opendir("/sys/kernel/slab");
	if (!d)
		return n;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "softmap_", 8))
			continue;
		n++;
		snprintf(name, sizeof(name), "/sys/kernel/slab/%s",
			 de->d_name);
		sm_names_add(names, cap, &used, name);
	}
	closedir(d);
	return n;
}

/**
 * sm_slab_shrink_all() - shrink every slab cache
 *
 * Writes 1 to each /sys/kernel/slab/<cache>/shrink: empty slabs go back to
 * the page allocator and, under KASAN, the cache's objects leave the
 * quarantine, so memory figures taken afterwards show what is really held.
 *
 * Return: how many caches were shrunk, or -errno when /sys/kernel/slab
 * cannot be read.
 */
int sm_slab_shrink_all(void)
{
	char path[512];
	struct dirent *de;
	int n = 0, fd;
	DIR *d;

	d = opendir("/sys/kernel/slab");
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 de->d_name);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (write(fd, "1", 1) == 1)
			n++;
		close(fd);
	}
	closedir(d);
	return n;
}

/**
 * sm_meminfo_kb() - one field of /proc/meminfo
 * @field: its name, without the colon
 * @kb: its value in KiB
 *
 * Return: 0, -ENOENT when there is no such field, or -errno.
 */
int sm_meminfo_kb(const char *field, uint64_t *kb)
{
	size_t len = strlen(field);
	char line[256];
	FILE *f;
	int err = -ENOENT;

	f = fopen("/proc/meminfo", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, len) && line[len] == ':') {
			*kb = strtoull(line + len + 1, NULL, 10);
			err = 0;
			break;
		}
	}
	fclose(f);
	return err;
}

/**
 * sm_taint() - the kernel's taint mask, /proc/sys/kernel/tainted
 * @mask: set to it
 *
 * Return: 0 or -errno.
 */
int sm_taint(uint64_t *mask)
{
	char buf[32];
	ssize_t n;
	int fd;

	fd = open("/proc/sys/kernel/tainted", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = '\0';
	*mask = strtoull(buf, NULL, 10);
	return 0;
}

/**
 * sm_kmsg_mark() - write a line to the kernel log
 * @mark: filled with the line written, to find it again (64 bytes)
 * @what: what the test is about to do
 *
 * Return: 0 or -errno.
 */
int sm_kmsg_mark(char *mark, const char *what)
{
	struct timespec ts;
	ssize_t n;
	char line[128];
	int fd;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(mark, 64, "softmap-selftest %d.%ld.%ld", getpid(),
		 (long)ts.tv_sec, ts.tv_nsec);
	snprintf(line, sizeof(line), "<5>%s: %s\n", mark, what);
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, line, strlen(line));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* Kernel log lines that report a problem. */
static const char *const sm_splats[] = {
	"WARNING:", "BUG:", "BUG ", "Oops", "still has objects",
	"Objects remaining", "KASAN:", "UBSAN:", "Call Trace:",
	"unreferenced object", "kernel BUG", "general protection",
	"suspicious RCU usage", "possible recursive locking",
	"circular locking", "inconsistent lock state",
};

/**
 * sm_kmsg_splats() - problems the kernel logged after a mark
 * @mark: what sm_kmsg_mark() wrote
 * @report: set to the lines (malloc()ed, "" when none); free() it
 *
 * Return: how many lines report a problem, -ENOENT when the mark is no
 * longer in the log buffer, or another -errno.
 */
int sm_kmsg_splats(const char *mark, char **report)
{
	size_t used = 0, cap = 4096;
	char rec[8192], *out;
	bool after = false;
	int fd, n = 0;
	unsigned int i;
	ssize_t len;

	*report = NULL;
	out = malloc(cap);
	if (!out)
		return -ENOMEM;
	out[0] = '\0';
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		free(out);
		return -errno;
	}
	for (;;) {
		char *msg;

		len = read(fd, rec, sizeof(rec) - 1);
		if (len < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (len <= 0)
			break;
		rec[len] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		msg[strcspn(msg, "\n")] = '\0';
		if (!after) {
			after = strstr(msg, mark);
			continue;
		}
		for (i = 0; i < SM_NFILES(sm_splats); i++)
			if (strstr(msg, sm_splats[i]))
				break;
		if (i == SM_NFILES(sm_splats))
			continue;
		n++;
		if (used + strlen(msg) + 2 > cap) {
			char *p = realloc(out, 2 * cap + strlen(msg));

			if (!p)
				break;
			out = p;
			cap = 2 * cap + strlen(msg);
		}
		used += sprintf(out + used, "%s\n", msg);
	}
	close(fd);
	*report = out;
	return after ? n : -ENOENT;
}

/**
 * sm_free_kb() - free memory, including the per-CPU page lists
 * @kb: MemFree plus the pages on per-CPU free lists, in KiB
 *
 * MemFree alone drifts as the per-CPU lists (/proc/zoneinfo "count:")
 * grow and shrink with the allocation pattern; the sum does not.
 *
 * Return: 0 or -errno.
 */
int sm_free_kb(uint64_t *kb)
{
	uint64_t pages = 0;
	char line[256];
	FILE *f;
	int err;

	err = sm_meminfo_kb("MemFree", kb);
	if (err)
		return err;
	f = fopen("/proc/zoneinfo", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "count:");

		if (p)
			pages += strtoull(p + 6, NULL, 10);
	}
	fclose(f);
	*kb += pages * (sysconf(_SC_PAGESIZE) / 1024);
	return 0;
}

/** sm_kmemleak_present() - whether kmemleak can be read and driven */
bool sm_kmemleak_present(void)
{
	return !access(SM_KMEMLEAK, R_OK | W_OK);
}

/* Read all of SM_KMEMLEAK into a malloc()ed string. */
static int sm_kmemleak_read(char **out)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap + 1), *p;
	ssize_t n;
	int fd;

	if (!buf)
		return -ENOMEM;
	fd = open(SM_KMEMLEAK, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return -errno;
	}
	for (;;) {
		if (len == cap) {
			p = realloc(buf, 2 * cap + 1);
			if (!p) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
			buf = p;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			free(buf);
			close(fd);
			return n;
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	return 0;
}

static int sm_kmemleak_cmd(const char *cmd)
{
	ssize_t n;
	int fd;

	fd = open(SM_KMEMLEAK, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, cmd, strlen(cmd));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

static int sm_leaks_add(struct sm_leaks *l, unsigned long a)
{
	unsigned long *p;

	if (!(l->n & (l->n + 1)) || !l->addr) {
		p = realloc(l->addr, (2 * l->n + 2) * sizeof(*p));
		if (!p)
			return -ENOMEM;
		l->addr = p;
	}
	l->addr[l->n++] = a;
	return 0;
}

static bool sm_leaks_has(const struct sm_leaks *l, unsigned long a)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->addr[i] == a)
			return true;
	return false;
}

/**
 * sm_kmemleak_snapshot() - the objects kmemleak reports now (no scan)
 * @l: filled with their addresses; sm_leaks_free() it
 *
 * Return: 0 or -errno.
 */
int sm_kmemleak_snapshot(struct sm_leaks *l)
{
	const char *tag = "unreferenced object 0x";
	char *text, *p;
	int err;

	memset(l, 0, sizeof(*l));
	err = sm_kmemleak_read(&text);
	if (err)
		return err;
	for (p = strstr(text, tag); p; p = strstr(p + 1, tag)) {
		err = sm_leaks_add(l, strtoul(p + strlen(tag), NULL, 16));
		if (err)
			break;
	}
	free(text);
	return err;
}

/** sm_leaks_free() - free what sm_kmemleak_snapshot() filled in */
void sm_leaks_free(struct sm_leaks *l)
{
	free(l->addr);
	memset(l, 0, sizeof(*l));
}

/*
 * Whether one report block concerns softmap: it names softmap (module
 * loaded, or a test program's comm), or its backtrace holds a frame that
 * no longer resolves to a symbol: an address in the module area, which
 * after an unload can only have been softmap's.
 */
static bool sm_block_is_ours(const char *b, size_t len)
{
	const char *p = b, *end = b + len;

	if (memmem(b, len, "softmap", 7))
		return true;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = (nl ? nl : end) - p;

		if (n > 6 && !strncmp(p, "    0x", 6) &&
		    strspn(p + 6, "0123456789abcdef") == n - 6)
			return true;
		p += n + 1;
	}
	return false;
}

/**
 * sm_kmemleak_new() - scan, and report leaks of softmap's not seen before
 * @before: what sm_kmemleak_snapshot() saw before the work
 * @report: set to the text of the new softmap reports (malloc()ed, "" when
 *	none); free() it
 *
 * Waits out kmemleak's minimum object age (5 s), scans twice as
 * Documentation/dev-tools/kmemleak.rst advises, then keeps the reported
 * objects absent from @before whose block concerns softmap.
 *
 * Return: how many such objects, or -errno when kmemleak cannot be
 * driven or read.
 */
int sm_kmemleak_new(const struct sm_leaks *before, char **report)
{
	const char *tag = "unreferenced object 0x";
	size_t used = 0, cap;
	char *text, *p, *out;
	int err, n = 0;

	*report = NULL;
	sleep(6);
	err = sm_kmemleak_cmd("scan");
	if (!err)
		err = sm_kmemleak_cmd("scan");
	if (!err)
		err = sm_kmemleak_read(&text);
	if (err)
		return err;
	cap = strlen(text) + 1;
	out = malloc(cap);
	if (!out) {
		free(text);
		return -ENOMEM;
	}
	out[0] = '\0';
	for (p = strstr(text, tag); p; ) {
		char *next = strstr(p + 1, tag);
		size_t len = next ? (size_t)(next - p) : strlen(p);
		unsigned long a = strtoul(p + strlen(tag), NULL, 16);

		if (!sm_leaks_has(before, a) && sm_block_is_ours(p, len)) {
			memcpy(out + used, p, len);
			used += len;
			out[used] = '\0';
			n++;
		}
		p = next;
	}
	free(text);
	*report = out;
	return n;
}
