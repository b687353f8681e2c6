// SPDX-License-Identifier: GPL-2.0
/*
 * redis_load - the workload on a Redis server, speaking RESP over a unix
 * socket with pipelining (no client library).
 *
 *	redis_load -S SOCKET [-w WINDOW] [-D DEFRAG_WAIT_S] [-n OBJECTS]
 *		   [-s SETTLE_MS]
 *
 * Memory held: the server's RSS (VmRSS of its process_id); also
 * used_memory and used_memory_rss from INFO memory.  Pressure, Redis's own
 * best effort: MEMORY PURGE, then active defragmentation (CONFIG SET
 * activedefrag yes with its thresholds at their most eager) until it has
 * stopped running for three polls in a row or DEFRAG_WAIT_S seconds
 * passed, then MEMORY PURGE again.  A server built without active defrag
 * refuses it; the refusal is reported as is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "workload.h"

static const char *sock_path;
static unsigned int window = 1000;
static unsigned int defrag_wait = 120;
static struct wl w;
static struct conn c;

static void opt(int ch, const char *arg)
{
	switch (ch) {
	case 'S':
		sock_path = arg;
		break;
	case 'w':
		window = strtoul(arg, NULL, 10);
		break;
	case 'D':
		defrag_wait = strtoul(arg, NULL, 10);
		break;
	}
}

/* Queue one command of @argc arguments. */
static void cmd(int argc, const char *const *argv, const size_t *len)
{
	char hdr[32];
	int i;

	snprintf(hdr, sizeof(hdr), "*%d\r\n", argc);
	if (conn_write(&c, hdr, strlen(hdr)))
		wl_fail(&w, "out of memory");
	for (i = 0; i < argc; i++) {
		size_t l = len ? len[i] : strlen(argv[i]);

		snprintf(hdr, sizeof(hdr), "$%zu\r\n", l);
		if (conn_write(&c, hdr, strlen(hdr)) ||
		    conn_write(&c, argv[i], l) || conn_write(&c, "\r\n", 2))
			wl_fail(&w, "out of memory");
	}
}

/*
 * Read one reply.  Returns its first line ("+OK", ":1", "-ERR ...") in a
 * static buffer; a bulk string's payload goes to @bulk (malloc'd, NUL
 * terminated) when @bulk is not NULL.  Arrays are read and summarised as
 * "*<n>".
 */
static const char *reply(char **bulk)
{
	static char first[512];
	char *line = conn_line(&c);
	long long n;

	if (!line)
		wl_fail(&w, "connection to redis lost");
	snprintf(first, sizeof(first), "%s", line);
	if (first[0] == '$') {
		char *buf;

		n = strtoll(first + 1, NULL, 10);
		if (n < 0)
			return first;
		buf = malloc(n + 2);
		if (!buf || conn_read(&c, buf, n + 2))
			wl_fail(&w, "reading a bulk reply of %lld bytes", n);
		buf[n] = '\0';
		if (bulk)
			*bulk = buf;
		else
			free(buf);
	} else if (first[0] == '*') {
		char keep[sizeof(first)];

		memcpy(keep, first, sizeof(keep));
		for (n = strtoll(keep + 1, NULL, 10); n > 0; n--)
			reply(NULL);
		memcpy(first, keep, sizeof(first));
	}
	return first;
}

/* Run one command and return its reply's first line. */
static const char *call(int argc, const char *const *argv, char **bulk)
{
	cmd(argc, argv, NULL);
	if (conn_flush(&c))
		wl_fail(&w, "writing to redis: %s", strerror(errno));
	return reply(bulk);
}

/* Value of "field:" in an INFO section, or -1. */
static long long info_field(const char *section, const char *field)
{
	const char *argv[] = { "INFO", section };
	size_t flen = strlen(field);
	long long v = -1;
	char *text = NULL, *p;

	call(2, argv, &text);
	for (p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, field, flen) && p[flen] == ':') {
			v = strtoll(p + flen + 1, NULL, 10);
			break;
		}
	}
	free(text);
	return v;
}

static long long dbsize(void)
{
	const char *argv[] = { "DBSIZE" };
	const char *r = call(1, argv, NULL);

	if (r[0] != ':')
		wl_fail(&w, "DBSIZE: %s", r);
	return strtoll(r + 1, NULL, 10);
}

static void measure(const char *step, pid_t pid)
{
	long long used = info_field("memory", "used_memory");
	long long rss = info_field("memory", "used_memory_rss");
	long long vmrss = status_bytes(pid, "VmRSS");

	wl_report(&w, step, "main=%lld rss=%lld used_memory=%lld used_memory_rss=%lld live=%lld",
		  vmrss, vmrss, used, rss, dbsize());
}

/* Send @n queued commands and check that each reply starts with @want. */
static void drain(unsigned int n, const char *want)
{
	if (conn_flush(&c))
		wl_fail(&w, "writing to redis: %s", strerror(errno));
	while (n--) {
		const char *r = reply(NULL);

		if (strcmp(r, want))
			wl_fail(&w, "expected %s, got %s", want, r);
	}
}

static void config_set(const char *name, const char *value, char *err, size_t len)
{
	const char *argv[] = { "CONFIG", "SET", name, value };
	const char *r = call(4, argv, NULL);

	if (r[0] == '-' && err && !err[0])
		snprintf(err, len, "CONFIG SET %s %s: %s", name, value, r + 1);
}

static void purge(void)
{
	const char *argv[] = { "MEMORY", "PURGE" };
	const char *r = call(2, argv, NULL);

	if (strcmp(r, "+OK"))
		wl_fail(&w, "MEMORY PURGE: %s", r);
}

/* Active defrag, until it settles; "" or why it could not run. */
static void defrag(char *err, size_t len)
{
	unsigned int quiet = 0, waited = 0;
	long long hits;

	config_set("activedefrag", "yes", err, len);
	if (err[0])
		return;
	config_set("active-defrag-ignore-bytes", "1", err, len);
	config_set("active-defrag-threshold-lower", "1", err, len);
	config_set("active-defrag-cycle-min", "25", err, len);
	config_set("active-defrag-cycle-max", "75", err, len);
	while (quiet < 3 && waited < defrag_wait) {
		sleep(1);
		waited++;
		quiet = info_field("memory", "active_defrag_running") > 0 ? 0 : quiet + 1;
		if (waited % 10 == 0)
			fprintf(stderr, "%s: defragmenting, %us\n", w.sys, waited);
	}
	hits = info_field("stats", "active_defrag_hits");
	wl_report(&w, "defrag", "seconds=%u settled=%d hits=%lld", waited, quiet >= 3, hits);
}

int main(int argc, char **argv)
{
	char key[WL_KEY_LEN], val[WL_VAL_LEN], err[512] = "";
	size_t setlen[] = { 3, WL_KEY_LEN, WL_VAL_LEN };
	size_t dellen[] = { 3, WL_KEY_LEN };
	const char *setv[] = { "SET", key, val };
	const char *delv[] = { "DEL", key };
	unsigned int b, q = 0;
	double t, tdel = 0;
	long long pid, live;
	uint32_t i;
	int e;

	wl_init(&w, "redis", argc, argv, "S:w:D:", opt);
	if (!sock_path || !window)
		wl_fail(&w, "usage: redis_load -S SOCKET [-w WINDOW] [-D DEFRAG_WAIT_S]");
	wl_report(&w, "info", "order=%016llx objects=%u deleted=%u",
		  (unsigned long long)wl_order_hash(&w), w.n, w.ndel);
	e = conn_open(&c, sock_path, 30);
	if (e)
		wl_fail(&w, "connecting to %s: %s", sock_path, strerror(-e));
	pid = info_field("server", "process_id");
	if (pid <= 0)
		wl_fail(&w, "no process_id in INFO server");
	if (dbsize() != 0)
		wl_fail(&w, "the server is not empty");
	wl_settle(&w);
	measure("baseline", pid);

	t = wl_now();
	for (i = 0; i < w.n; i++) {
		wl_key(i, key);
		wl_value(i, val);
		cmd(3, setv, setlen);
		if (++q == window || i + 1 == w.n) {
			drain(q, "+OK");
			q = 0;
		}
		wl_progress(&w, "load", i + 1, w.n);
	}
	wl_report(&w, "rate", "step=load ops_per_s=%.0f", w.n / (wl_now() - t));
	live = w.n;
	wl_settle(&w);
	measure("load", pid);

	for (b = 0; b < WL_BATCHES; b++) {
		uint32_t end = wl_batch_start(&w, b + 1);
		char step[16];

		t = wl_now();
		for (i = wl_batch_start(&w, b); i < end; i++) {
			wl_key(w.order[i], key);
			cmd(2, delv, dellen);
			if (++q == window || i + 1 == end) {
				drain(q, ":1");
				q = 0;
			}
			live--;
		}
		tdel += wl_now() - t;
		fprintf(stderr, "%s: deleted batch %u/%u\n", w.sys, b + 1, WL_BATCHES);
		wl_settle(&w);
		snprintf(step, sizeof(step), "del%u", b + 1);
		measure(step, pid);
	}
	wl_report(&w, "rate", "step=delete ops_per_s=%.0f", w.ndel / tdel);

	purge();
	defrag(err, sizeof(err));
	if (err[0])
		wl_report(&w, "defrag", "unavailable %s", err);
	purge();
	wl_settle(&w);
	measure("pressure", pid);
	if (dbsize() != live)
		wl_fail(&w, "DBSIZE %lld, expected %lld", dbsize(), live);
	wl_report(&w, "done", "live=%lld", live);
	conn_close(&c);
	return 0;
}
