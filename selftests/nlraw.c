// SPDX-License-Identifier: GPL-2.0
/*
 * nlraw: hand-made generic netlink messages for softmap's selftests.
 * See nlraw.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "nlraw.h"

/* Large enough for a value of SOFTMAP_VALUE_MAX bytes and its headers. */
#define NLRAW_SOCKBUF	(4 << 20)
/* A FLUSH of many objects on a debug kernel takes a while. */
#define NLRAW_TIMEOUT_S	120

#define NLRAW_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static void nlraw_bufsize(int fd, int force, int plain)
{
	int v = NLRAW_SOCKBUF;

	/* Only root may go past net.core.[rw]mem_max. */
	if (setsockopt(fd, SOL_SOCKET, force, &v, sizeof(v)))
		setsockopt(fd, SOL_SOCKET, plain, &v, sizeof(v));
}

/**
 * nlraw_open() - open a generic netlink socket with extended acks on
 * @nl: the socket to fill in
 * @family: family name to resolve into @nl->family, or NULL
 *
 * Return: 0, -ENOENT when @family is not registered, or another -errno.
 */
int nlraw_open(struct nlraw *nl, const char *family)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = NLRAW_TIMEOUT_S };
	socklen_t salen = sizeof(sa);
	int one = 1, err;

	memset(nl, 0, sizeof(*nl));
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0)
		return -errno;
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one,
		       sizeof(one)) ||
	    setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one,
		       sizeof(one)) ||
	    setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		goto fail_errno;
	nlraw_bufsize(nl->fd, SO_SNDBUFFORCE, SO_SNDBUF);
	nlraw_bufsize(nl->fd, SO_RCVBUFFORCE, SO_RCVBUF);
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(nl->fd, (struct sockaddr *)&sa, &salen))
		goto fail_errno;
	nl->portid = sa.nl_pid;
	nl->seq = (uint32_t)time(NULL);

	if (family) {
		err = nlraw_resolve(nl, family, &nl->family, &nl->version);
		if (err)
			goto fail;
	}
	return 0;

fail_errno:
	err = -errno;
fail:
	close(nl->fd);
	nl->fd = -1;
	return err;
}

/** nlraw_close() - close a socket opened by nlraw_open() */
void nlraw_close(struct nlraw *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

struct family_reply {
	uint16_t id;
	uint32_t version;
};

static int family_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct family_reply *fr = arg;
	int err;

	err = nlraw_genl_parse(nlh, tb, CTRL_ATTR_MAX);
	if (err)
		return err;
	if (!tb[CTRL_ATTR_FAMILY_ID] ||
	    nlraw_len(tb[CTRL_ATTR_FAMILY_ID]) != sizeof(uint16_t))
		return -EBADMSG;
	memcpy(&fr->id, nlraw_data(tb[CTRL_ATTR_FAMILY_ID]), sizeof(fr->id));
	if (tb[CTRL_ATTR_VERSION])
		fr->version = nlraw_u32(tb[CTRL_ATTR_VERSION]);
	return 0;
}

/**
 * nlraw_resolve() - look a family up with CTRL_CMD_GETFAMILY
 * @nl: an open socket
 * @name: the family's name
 * @id: its id, on success
 * @version: its version, on success
 *
 * Return: 0, -ENOENT when no such family is registered, or another -errno.
 */
int nlraw_resolve(struct nlraw *nl, const char *name, uint16_t *id,
		  uint32_t *version)
{
	struct family_reply fr = { 0 };
	struct nlraw_ack ack;
	struct nlraw_msg *m;
	int err;

	m = nlraw_msg_new(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1,
			  NLM_F_REQUEST | NLM_F_ACK);
	if (!m)
		return -ENOMEM;
	err = nlraw_put(m, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	if (err >= 0)
		err = nlraw_request(nl, m, family_cb, &fr, &ack);
	nlraw_msg_free(m);
	if (err)
		return err;
	if (!fr.id)
		return -EBADMSG;
	*id = fr.id;
	*version = fr.version;
	return 0;
}

/**
 * nlraw_msg_new() - start a request
 * @type: nlmsg_type (the family's id)
 * @cmd: genlmsghdr.cmd
 * @version: genlmsghdr.version
 * @flags: nlmsg_flags, sent as they are
 *
 * Return: the message, or NULL when out of memory.
 */
struct nlraw_msg *nlraw_msg_new(uint16_t type, uint8_t cmd, uint8_t version,
				uint16_t flags)
{
	struct genlmsghdr *g;
	struct nlraw_msg *m;

	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->cap = 4096;
	m->nlh = calloc(1, m->cap);
	if (!m->nlh) {
		free(m);
		return NULL;
	}
	m->nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlh->nlmsg_type = type;
	m->nlh->nlmsg_flags = flags;
	g = NLMSG_DATA(m->nlh);
	g->cmd = cmd;
	g->version = version;
	return m;
}

/** nlraw_msg_free() - free a request (NULL is fine) */
void nlraw_msg_free(struct nlraw_msg *m)
{
	if (!m)
		return;
	free(m->nlh);
	free(m);
}

static int nlraw_reserve(struct nlraw_msg *m, size_t more)
{
	size_t need = m->nlh->nlmsg_len + more, cap = m->cap;
	void *p;

	if (need <= cap)
		return 0;
	while (cap < need)
		cap *= 2;
	p = realloc(m->nlh, cap);
	if (!p)
		return -ENOMEM;
	memset((char *)p + m->cap, 0, cap - m->cap);
	m->nlh = p;
	m->cap = cap;
	return 0;
}

/**
 * nlraw_put() - append an attribute
 * @m: the request
 * @type: nla_type, sent as it is (flag bits included)
 * @data: payload, may be NULL when @len is 0
 * @len: payload length
 *
 * Return: the attribute's offset from the start of the message (what an
 * extended ack's NLMSGERR_ATTR_OFFS names), or a negative errno.
 */
int nlraw_put(struct nlraw_msg *m, uint16_t type, const void *data,
	      size_t len)
{
	struct nlattr *a;
	size_t off;

	if (NLA_HDRLEN + len > UINT16_MAX)
		return -EMSGSIZE;
	if (nlraw_reserve(m, NLA_HDRLEN + NLA_ALIGN(len)))
		return -ENOMEM;
	off = m->nlh->nlmsg_len;
	a = (struct nlattr *)((char *)m->nlh + off);
	a->nla_len = NLA_HDRLEN + len;
	a->nla_type = type;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	m->nlh->nlmsg_len += NLA_HDRLEN + NLA_ALIGN(len);
	return off;
}

/** nlraw_put_u16() - append a 2-byte attribute; see nlraw_put() */
int nlraw_put_u16(struct nlraw_msg *m, uint16_t type, uint16_t v)
{
	return nlraw_put(m, type, &v, sizeof(v));
}

/** nlraw_put_u32() - append a 4-byte attribute; see nlraw_put() */
int nlraw_put_u32(struct nlraw_msg *m, uint16_t type, uint32_t v)
{
	return nlraw_put(m, type, &v, sizeof(v));
}

/** nlraw_put_u64() - append an 8-byte attribute; see nlraw_put() */
int nlraw_put_u64(struct nlraw_msg *m, uint16_t type, uint64_t v)
{
	return nlraw_put(m, type, &v, sizeof(v));
}

/** nlraw_put_flag() - append an empty attribute; see nlraw_put() */
int nlraw_put_flag(struct nlraw_msg *m, uint16_t type)
{
	return nlraw_put(m, type, NULL, 0);
}

/**
 * nlraw_put_chunked() - append @data as attributes of at most @chunk bytes
 * @m: the request
 * @type: type of every attribute
 * @data: the bytes
 * @len: how many; 0 appends nothing
 * @chunk: largest attribute payload
 *
 * Return: offset of the first attribute appended (0 when none), or a
 * negative errno.
 */
int nlraw_put_chunked(struct nlraw_msg *m, uint16_t type, const void *data,
		      size_t len, size_t chunk)
{
	const char *p = data;
	int first = 0, off;

	while (len) {
		size_t n = len < chunk ? len : chunk;

		off = nlraw_put(m, type, p, n);
		if (off < 0)
			return off;
		if (!first)
			first = off;
		p += n;
		len -= n;
	}
	return first;
}

/**
 * nlraw_nest_start() - open a nested attribute (NLA_F_NESTED set)
 * @m: the request
 * @type: its type
 *
 * Return: its offset, or a negative errno.
 */
int nlraw_nest_start(struct nlraw_msg *m, uint16_t type)
{
	int off;

	if (m->depth >= NLRAW_ARRAY_SIZE(m->nest))
		return -E2BIG;
	off = nlraw_put(m, type | NLA_F_NESTED, NULL, 0);
	if (off >= 0)
		m->nest[m->depth++] = off;
	return off;
}

/** nlraw_nest_end() - close the innermost open nest */
void nlraw_nest_end(struct nlraw_msg *m)
{
	struct nlattr *a;

	if (!m->depth)
		return;
	m->depth--;
	a = (struct nlattr *)((char *)m->nlh + m->nest[m->depth]);
	a->nla_len = m->nlh->nlmsg_len - m->nest[m->depth];
}

/**
 * nlraw_send() - send requests in one sendmsg()
 * @nl: the socket
 * @msgs: the requests; each gets the next sequence number
 * @n: how many
 *
 * Return: 0 or a negative errno (of sendmsg()).
 */
int nlraw_send(struct nlraw *nl, struct nlraw_msg **msgs, unsigned int n)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct iovec iov[16];
	struct msghdr mh = {
		.msg_name = &sa,
		.msg_namelen = sizeof(sa),
		.msg_iov = iov,
		.msg_iovlen = n,
	};
	unsigned int i;

	if (n == 0 || n > NLRAW_ARRAY_SIZE(iov))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		msgs[i]->nlh->nlmsg_seq = ++nl->seq;
		msgs[i]->nlh->nlmsg_pid = 0;
		iov[i].iov_base = msgs[i]->nlh;
		iov[i].iov_len = msgs[i]->nlh->nlmsg_len;
	}
	if (sendmsg(nl->fd, &mh, 0) < 0)
		return -errno;
	return 0;
}

static void nlraw_ack_tlvs(const void *tlv, size_t len, struct nlraw_ack *ack)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t n;

	if (nlraw_parse(tlv, len, tb, NLMSGERR_ATTR_MAX))
		return;
	if (tb[NLMSGERR_ATTR_MSG]) {
		n = nlraw_len(tb[NLMSGERR_ATTR_MSG]);
		if (n >= sizeof(ack->msg))
			n = sizeof(ack->msg) - 1;
		memcpy(ack->msg, nlraw_data(tb[NLMSGERR_ATTR_MSG]), n);
		ack->msg[n] = '\0';
	}
	if (tb[NLMSGERR_ATTR_OFFS])
		ack->offs = nlraw_u32(tb[NLMSGERR_ATTR_OFFS]);
	if (tb[NLMSGERR_ATTR_MISS_TYPE])
		ack->miss_type = nlraw_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
}

/* An NLMSG_ERROR: the errno, then (capped or not) the request, then TLVs. */
static void nlraw_parse_error(const struct nlmsghdr *nlh,
			      struct nlraw_ack *ack)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t payload = nlh->nlmsg_len - NLMSG_HDRLEN, off;

	if (payload < sizeof(*e)) {
		ack->err = -EBADMSG;
		return;
	}
	ack->err = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	if (off < payload)
		nlraw_ack_tlvs((const char *)e + off, payload - off, ack);
}

/* An NLMSG_DONE: the dump's errno, then TLVs. */
static void nlraw_parse_done(const struct nlmsghdr *nlh,
			     struct nlraw_ack *ack)
{
	size_t payload = nlh->nlmsg_len - NLMSG_HDRLEN;
	int err = 0;

	if (payload >= sizeof(int))
		memcpy(&err, NLMSG_DATA(nlh), sizeof(int));
	ack->err = err;
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    payload > NLMSG_ALIGN(sizeof(int)))
		nlraw_ack_tlvs((const char *)NLMSG_DATA(nlh) +
			       NLMSG_ALIGN(sizeof(int)),
			       payload - NLMSG_ALIGN(sizeof(int)), ack);
}

/**
 * nlraw_recv() - read the reply to one request
 * @nl: the socket
 * @seq: the request's sequence number; other messages are skipped
 * @cb: called for each reply message, may be NULL
 * @arg: passed to @cb
 * @ack: the outcome
 *
 * Reads until the ack or error (requests must carry NLM_F_ACK) or, for a
 * dump, until NLMSG_DONE.
 *
 * Return: @ack->err when non-zero, else the first negative value @cb
 * returned, else 0.  A reply that does not come within the socket's
 * timeout gives -EAGAIN.
 */
int nlraw_recv(struct nlraw *nl, uint32_t seq, nlraw_cb cb, void *arg,
	       struct nlraw_ack *ack)
{
	static __thread char *buf;
	static __thread size_t cap;
	int cberr = 0;
	bool done = false;

	memset(ack, 0, sizeof(*ack));
	ack->offs = -1;
	ack->miss_type = -1;

	while (!done) {
		struct nlmsghdr *nlh;
		ssize_t n;
		int len;

		n = recv(nl->fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ack->err = -errno;
			return ack->err;
		}
		if ((size_t)n > cap) {
			char *p = realloc(buf, n);

			if (!p) {
				ack->err = -ENOMEM;
				return ack->err;
			}
			buf = p;
			cap = n;
		}
		n = recv(nl->fd, buf, cap, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ack->err = -errno;
			return ack->err;
		}
		len = n;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				nlraw_parse_error(nlh, ack);
				done = true;
			} else if (nlh->nlmsg_type == NLMSG_DONE) {
				nlraw_parse_done(nlh, ack);
				done = true;
			} else if (cb) {
				int r = cb(nlh, arg);

				if (r < 0 && !cberr)
					cberr = r;
			}
		}
	}
	return ack->err ? ack->err : cberr;
}

/**
 * nlraw_request() - send one request and read its reply
 * @nl: the socket
 * @m: the request (should carry NLM_F_ACK)
 * @cb: called for each reply message, may be NULL
 * @arg: passed to @cb
 * @ack: the outcome
 *
 * Return: as nlraw_recv(), or the error of nlraw_send() (then also in
 * @ack->err, with no message).
 */
int nlraw_request(struct nlraw *nl, struct nlraw_msg *m, nlraw_cb cb,
		  void *arg, struct nlraw_ack *ack)
{
	int err = nlraw_send(nl, &m, 1);

	if (err) {
		memset(ack, 0, sizeof(*ack));
		ack->offs = -1;
		ack->miss_type = -1;
		ack->err = err;
		return err;
	}
	return nlraw_recv(nl, m->nlh->nlmsg_seq, cb, arg, ack);
}

/**
 * nlraw_parse() - index a stream of attributes by type
 * @data: the first attribute
 * @len: bytes of attributes
 * @tb: filled with the last attribute of each type up to @max, else NULL
 * @max: highest type kept
 *
 * Return: 0, or -EBADMSG when an attribute overruns @len.
 */
int nlraw_parse(const void *data, size_t len, const struct nlattr **tb,
		unsigned int max)
{
	const char *p = data;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		unsigned int type = a->nla_type & NLA_TYPE_MASK;
		size_t step;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return -EBADMSG;
		if (type <= max)
			tb[type] = a;
		step = NLA_ALIGN(a->nla_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return 0;
}

/**
 * nlraw_genl_parse() - nlraw_parse() the attributes of a genl message
 * @nlh: the message
 * @tb: see nlraw_parse()
 * @max: see nlraw_parse()
 *
 * Return: see nlraw_parse().
 */
int nlraw_genl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb,
		     unsigned int max)
{
	size_t hdr = NLMSG_LENGTH(GENL_HDRLEN);

	if (nlh->nlmsg_len < hdr)
		return -EBADMSG;
	return nlraw_parse((const char *)nlh + hdr, nlh->nlmsg_len - hdr, tb,
			   max);
}

/** nlraw_data() - an attribute's payload */
const void *nlraw_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

/** nlraw_len() - an attribute's payload length */
size_t nlraw_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

/** nlraw_u32() - a u32 attribute's value (0 when the length is wrong) */
uint32_t nlraw_u32(const struct nlattr *a)
{
	uint32_t v = 0;

	if (nlraw_len(a) == sizeof(v))
		memcpy(&v, nlraw_data(a), sizeof(v));
	return v;
}

/** nlraw_u64() - a u64 attribute's value (0 when the length is wrong) */
uint64_t nlraw_u64(const struct nlattr *a)
{
	uint64_t v = 0;

	if (nlraw_len(a) == sizeof(v))
		memcpy(&v, nlraw_data(a), sizeof(v));
	return v;
}

/**
 * nlraw_collect() - concatenate every top-level attribute of one type
 * @nlh: a genl message
 * @type: the attribute type (a value sent in chunks)
 * @buf: set to a malloc()ed copy (never NULL on success); free() it
 *
 * Return: the number of bytes, or a negative errno.
 */
ssize_t nlraw_collect(const struct nlmsghdr *nlh, uint16_t type, void **buf)
{
	size_t hdr = NLMSG_LENGTH(GENL_HDRLEN), len, total = 0;
	const char *p;
	char *out;
	int pass;

	if (nlh->nlmsg_len < hdr)
		return -EBADMSG;
	*buf = NULL;
	out = NULL;
	for (pass = 0; pass < 2; pass++) {
		size_t at = 0;

		p = (const char *)nlh + hdr;
		len = nlh->nlmsg_len - hdr;
		while (len >= NLA_HDRLEN) {
			const struct nlattr *a = (const struct nlattr *)p;
			size_t step;

			if (a->nla_len < NLA_HDRLEN || a->nla_len > len) {
				free(out);
				return -EBADMSG;
			}
			if ((a->nla_type & NLA_TYPE_MASK) == type) {
				if (pass)
					memcpy(out + at, nlraw_data(a),
					       nlraw_len(a));
				at += nlraw_len(a);
			}
			step = NLA_ALIGN(a->nla_len);
			if (step >= len)
				break;
			p += step;
			len -= step;
		}
		if (!pass) {
			total = at;
			out = malloc(total ? total : 1);
			if (!out)
				return -ENOMEM;
		}
	}
	*buf = out;
	return total;
}
