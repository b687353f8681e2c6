// SPDX-License-Identifier: GPL-2.0
/*
 * memcached_load - the workload on a memcached server, over its text
 * protocol on a unix socket: pipelined "set ... noreply" and
 * "delete ... noreply", each window closed by a meta no-op ("mn", answered
 * "MN") so that any error line shows up before it.
 *
 *	memcached_load -S SOCKET [-w WINDOW] [-n OBJECTS] [-s SETTLE_MS]
 *
 * Memory held: the server's RSS (VmRSS of the "pid" in its stats).
 * Pressure: memcached offers no way to give memory back, so nothing is
 * done; the last reading is taken after the same settle time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "workload.h"

static const char *sock_path;
static unsigned int window = 1000;
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
	}
}

static void put(const char *s, size_t len)
{
	if (conn_write(&c, s, len))
		wl_fail(&w, "out of memory");
}

/* Send what is queued plus "mn"; fail on any reply before "MN". */
static void sync_window(void)
{
	char *line;

	put("mn\r\n", 4);
	if (conn_flush(&c))
		wl_fail(&w, "writing to memcached: %s", strerror(errno));
	line = conn_line(&c);
	if (!line)
		wl_fail(&w, "connection to memcached lost");
	if (strcmp(line, "MN"))
		wl_fail(&w, "memcached answered: %s", line);
}

/* "STAT <name> <value>" from "stats", or -1. */
static long long mc_stat(const char *name)
{
	size_t nlen = strlen(name);
	long long v = -1;
	char *line;

	put("stats\r\n", 7);
	if (conn_flush(&c))
		wl_fail(&w, "writing to memcached: %s", strerror(errno));
	while ((line = conn_line(&c)) && strcmp(line, "END")) {
		if (!strncmp(line, "STAT ", 5) && !strncmp(line + 5, name, nlen) &&
		    line[5 + nlen] == ' ')
			v = strtoll(line + 6 + nlen, NULL, 10);
	}
	if (!line)
		wl_fail(&w, "connection to memcached lost");
	return v;
}

static void measure(const char *step, pid_t pid, long long live)
{
	long long rss = status_bytes(pid, "VmRSS");
	long long items = mc_stat("curr_items");

	if (items != live)
		wl_fail(&w, "%s: memcached holds %lld items, expected %lld",
			step, items, live);
	wl_report(&w, step, "main=%lld rss=%lld bytes=%lld limit_maxbytes=%lld live=%lld",
		  rss, rss, mc_stat("bytes"), mc_stat("limit_maxbytes"), items);
}

int main(int argc, char **argv)
{
	char key[WL_KEY_LEN], val[WL_VAL_LEN], hdr[64];
	unsigned int b, q = 0;
	double t, tdel = 0;
	long long pid, live;
	uint32_t i;
	int e;

	wl_init(&w, "memcached", argc, argv, "S:w:", opt);
	if (!sock_path || !window)
		wl_fail(&w, "usage: memcached_load -S SOCKET [-w WINDOW]");
	wl_report(&w, "info", "order=%016llx objects=%u deleted=%u",
		  (unsigned long long)wl_order_hash(&w), w.n, w.ndel);
	e = conn_open(&c, sock_path, 30);
	if (e)
		wl_fail(&w, "connecting to %s: %s", sock_path, strerror(-e));
	pid = mc_stat("pid");
	if (pid <= 0)
		wl_fail(&w, "no pid in stats");
	wl_settle(&w);
	measure("baseline", pid, 0);

	t = wl_now();
	for (i = 0; i < w.n; i++) {
		wl_key(i, key);
		wl_value(i, val);
		put("set ", 4);
		put(key, WL_KEY_LEN);
		snprintf(hdr, sizeof(hdr), " 0 0 %d noreply\r\n", WL_VAL_LEN);
		put(hdr, strlen(hdr));
		put(val, WL_VAL_LEN);
		put("\r\n", 2);
		if (++q == window || i + 1 == w.n) {
			sync_window();
			q = 0;
		}
		wl_progress(&w, "load", i + 1, w.n);
	}
	wl_report(&w, "rate", "step=load ops_per_s=%.0f", w.n / (wl_now() - t));
	live = w.n;
	wl_settle(&w);
	measure("load", pid, live);

	for (b = 0; b < WL_BATCHES; b++) {
		uint32_t end = wl_batch_start(&w, b + 1);
		char step[16];

		t = wl_now();
		for (i = wl_batch_start(&w, b); i < end; i++) {
			wl_key(w.order[i], key);
			put("delete ", 7);
			put(key, WL_KEY_LEN);
			put(" noreply\r\n", 10);
			if (++q == window || i + 1 == end) {
				sync_window();
				q = 0;
			}
			live--;
		}
		tdel += wl_now() - t;
		fprintf(stderr, "%s: deleted batch %u/%u\n", w.sys, b + 1, WL_BATCHES);
		wl_settle(&w);
		snprintf(step, sizeof(step), "del%u", b + 1);
		measure(step, pid, live);
	}
	wl_report(&w, "rate", "step=delete ops_per_s=%.0f", w.ndel / tdel);

	/* Nothing memcached offers gives memory back: record it as is. */
	wl_settle(&w);
	measure("pressure", pid, live);
	wl_report(&w, "done", "live=%lld", live);
	conn_close(&c);
	return 0;
}
