/* SPDX-License-Identifier: GPL-2.0 */
/*
 * conn - a buffered, blocking unix-socket client connection, for the
 * drivers that talk to a server (Redis, memcached): requests are queued
 * in a write buffer and sent with conn_flush(), so a driver pipelines by
 * queueing many requests before reading their replies.
 */
#ifndef BENCH_CONN_H
#define BENCH_CONN_H

#include <stddef.h>

/**
 * struct conn - one connection
 * @fd: the socket.
 * @wbuf: queued bytes not sent yet (@wlen of @wcap).
 * @rbuf: bytes received and not consumed: @rbuf[@rpos..@rlen).
 */
struct conn {
	int fd;
	char *wbuf;
	size_t wlen, wcap;
	char rbuf[1 << 16];
	size_t rpos, rlen;
};

/* Connect to @path, retrying for up to @wait_s seconds; 0 or -errno. */
int conn_open(struct conn *c, const char *path, unsigned int wait_s);
void conn_close(struct conn *c);

/* Queue bytes; 0 or -ENOMEM. */
int conn_write(struct conn *c, const void *buf, size_t len);
/* Send everything queued; 0 or -errno. */
int conn_flush(struct conn *c);

/*
 * Next line, without its "\r\n", NUL-terminated in place; valid until the
 * next read.  NULL on EOF, error or a line longer than the buffer.
 */
char *conn_line(struct conn *c);
/* Read exactly @len bytes into @buf; 0 or -errno (-EPIPE on EOF). */
int conn_read(struct conn *c, void *buf, size_t len);

#endif /* BENCH_CONN_H */
