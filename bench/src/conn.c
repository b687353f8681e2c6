// SPDX-License-Identifier: GPL-2.0
/* conn - buffered unix-socket client connection; see conn.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "conn.h"

int conn_open(struct conn *c, const char *path, unsigned int wait_s)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	unsigned int tries = wait_s * 10 + 1;
	int err = 0;

	memset(c, 0, sizeof(*c));
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	while (tries--) {
		c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c->fd < 0)
			return -errno;
		if (!connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)))
			return 0;
		err = -errno;
		close(c->fd);
		c->fd = -1;
		usleep(100000);
	}
	return err;
}

void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->wbuf);
	c->wbuf = NULL;
	c->wlen = c->wcap = 0;
}

int conn_write(struct conn *c, const void *buf, size_t len)
{
	if (c->wlen + len > c->wcap) {
		size_t cap = c->wcap ? c->wcap : 1 << 16;
		char *p;

		while (cap < c->wlen + len)
			cap *= 2;
		p = realloc(c->wbuf, cap);
		if (!p)
			return -ENOMEM;
		c->wbuf = p;
		c->wcap = cap;
	}
	memcpy(c->wbuf + c->wlen, buf, len);
	c->wlen += len;
	return 0;
}

int conn_flush(struct conn *c)
{
	size_t off = 0;

	while (off < c->wlen) {
		ssize_t n = write(c->fd, c->wbuf + off, c->wlen - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += n;
	}
	c->wlen = 0;
	return 0;
}

/* Read more bytes into rbuf, compacting it first; 0 or -errno. */
static int fill(struct conn *c)
{
	ssize_t n;

	if (c->rpos) {
		memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
		c->rlen -= c->rpos;
		c->rpos = 0;
	}
	if (c->rlen == sizeof(c->rbuf))
		return -ENOBUFS;
	do
		n = read(c->fd, c->rbuf + c->rlen, sizeof(c->rbuf) - c->rlen);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EPIPE;
	c->rlen += n;
	return 0;
}

char *conn_line(struct conn *c)
{
	size_t scanned = 0;

	for (;;) {
		char *start = c->rbuf + c->rpos;
		size_t avail = c->rlen - c->rpos;
		char *nl = avail > scanned ?
			memchr(start + scanned, '\n', avail - scanned) : NULL;

		if (nl) {
			size_t len = nl - start;

			if (len && start[len - 1] == '\r')
				len--;
			start[len] = '\0';
			c->rpos += nl - start + 1;
			return start;
		}
		scanned = avail;
		if (fill(c))
			return NULL;
	}
}

int conn_read(struct conn *c, void *buf, size_t len)
{
	char *out = buf;

	while (len) {
		size_t avail = c->rlen - c->rpos;
		int err;

		if (avail) {
			size_t n = avail < len ? avail : len;

			memcpy(out, c->rbuf + c->rpos, n);
			c->rpos += n;
			out += n;
			len -= n;
			continue;
		}
		err = fill(c);
		if (err)
			return err;
	}
	return 0;
}
