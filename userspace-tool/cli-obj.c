// SPDX-License-Identifier: GPL-2.0
/*
 * The softmap tool's object commands: put, get, del, ls, flush.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/**
 * split_args() - options and positional arguments of a command
 * @c: tool state.
 * @j: the job; usage errors are recorded in it.
 * @argc: number of arguments.
 * @argv: the arguments.
 * @pos: receives the positional arguments.
 * @max: room in @pos.
 * @opt: the command's own options: returns 1 when it took argv[*i]
 *	(advancing *i past an option argument), 0 when not its option, -1 on
 *	a usage error.  May be NULL.
 *
 * "--" ends the options; "-" alone is positional.
 *
 * Return: the number of positional arguments, or -1.
 */
static int split_args(struct cli *c, struct job *j, int argc, char **argv,
		      const char **pos, int max,
		      int (*opt)(struct job *, int, char **, int *))
{
	bool opts = true;
	int i, n = 0, r;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (opts && !strcmp(a, "--")) {
			opts = false;
			continue;
		}
		if (opts && a[0] == '-' && a[1]) {
			r = opt ? opt(j, argc, argv, &i) : 0;
			if (!r)
				r = cli_common_opt(c, j, argc, argv, &i);
			if (r < 0)
				return -1;
			if (!r) {
				job_usage(j, "unknown option \"%s\"", a);
				return -1;
			}
			continue;
		}
		if (n == max) {
			job_usage(j, "unexpected argument \"%s\"", a);
			return -1;
		}
		pos[n++] = a;
	}
	return n;
}

static int parse_key(struct job *j, const char *arg)
{
	int err = bytes_parse(arg, j->hex, &j->key, &j->klen);

	if (err == -EINVAL)
		job_usage(j, "invalid hex in KEY \"%s\"", arg);
	else if (err)
		job_usage(j, "out of memory");
	return err ? -1 : 0;
}

/* Read a value's file whole, or a little past the largest value. */
static int read_value(struct job *j, const char *path, bool use_stdin)
{
	size_t cap = 65536, len = 0, limit = SOFTMAP_VALUE_MAX + 1;
	unsigned char *buf = malloc(cap), *p;
	int fd = use_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0 || !buf)
		goto fail;
	while (len < limit) {
		if (len == cap) {
			cap *= 2;
			p = realloc(buf, cap);
			if (!p)
				goto fail;
			buf = p;
		}
		n = read(fd, buf + len, (cap < limit ? cap : limit) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (!n)
			break;
		len += (size_t)n;
	}
	if (!use_stdin)
		close(fd);
	j->val = buf;
	j->vlen = len;
	return 0;
fail:
	j->io_err = errno ? -errno : -ENOMEM;
	snprintf(j->io_what, sizeof(j->io_what), "reading %s",
		 use_stdin ? "stdin" : path);
	if (fd > 0)
		close(fd);
	free(buf);
	return -1;
}

/* put's own options; the value file is remembered in j->io_what. */
static int put_opt(struct job *j, int argc, char **argv, int *i)
{
	const char *a = argv[*i];

	if (!strcmp(a, "--reclaimable")) {
		j->flags |= SOFTMAP_F_RECLAIMABLE;
	} else if (!strcmp(a, "--create-only")) {
		if (j->mode == SOFTMAP_PUT_REPLACE)
			goto exclusive;
		j->mode = SOFTMAP_PUT_CREATE;
	} else if (!strcmp(a, "--replace-only")) {
		if (j->mode == SOFTMAP_PUT_CREATE)
			goto exclusive;
		j->mode = SOFTMAP_PUT_REPLACE;
	} else if (!strcmp(a, "-f") || !strcmp(a, "--file")) {
		if (*i + 1 >= argc) {
			job_usage(j, "option \"%s\" needs a FILE", a);
			return -1;
		}
		if (j->io_what[0]) {
			job_usage(j, "option \"%s\" given twice", a);
			return -1;
		}
		snprintf(j->io_what, sizeof(j->io_what), "%s", argv[++*i]);
	} else {
		return 0;
	}
	return 1;
exclusive:
	job_usage(j, "\"--create-only\" and \"--replace-only\" exclude each other");
	return -1;
}

static int put_parse(struct cli *c, struct job *j, int argc, char **argv)
{
	const char *pos[2];
	char file[CLI_MSG_MAX];
	int n, err;

	j->mode = SOFTMAP_PUT_UPSERT;
	n = split_args(c, j, argc, argv, pos, 2, put_opt);
	if (n < 0)
		return -1;
	snprintf(file, sizeof(file), "%s", j->io_what);
	j->io_what[0] = '\0';
	if (n < 1) {
		job_usage(j, "missing KEY");
		return -1;
	}
	if (parse_key(j, pos[0]))
		return -1;
	if (n == 2 && file[0]) {
		job_usage(j, "VALUE \"%s\" and \"-f %s\" exclude each other",
			  pos[1], file);
		return -1;
	}
	if (n < 2 && !file[0]) {
		job_usage(j, "missing VALUE (give VALUE, -f FILE or - for stdin)");
		return -1;
	}
	if (file[0])
		return read_value(j, file, false);
	if (!strcmp(pos[1], "-")) {
		if (c->batch_stdin) {
			job_usage(j, "\"-\" reads stdin, which holds the batch");
			return -1;
		}
		return read_value(j, NULL, true);
	}
	err = bytes_parse(pos[1], j->hex, &j->val, &j->vlen);
	if (err == -EINVAL) {
		job_usage(j, "invalid hex in VALUE \"%s\"", pos[1]);
		return -1;
	}
	if (err) {
		job_usage(j, "out of memory");
		return -1;
	}
	return 0;
}

static const char *const put_modes[] = {
	[SOFTMAP_PUT_UPSERT] = "upsert",
	[SOFTMAP_PUT_CREATE] = "create",
	[SOFTMAP_PUT_REPLACE] = "replace",
};

static void put_report(struct cli *c, struct job *j, int err,
		       const char *extack)
{
	if (err) {
		cli_fail(c, j, err, extack);
		return;
	}
	if (!c->json)
		return;
	jw_bytes("key", j->key, j->klen, j->hex);
	jw_u64("size", j->vlen);
	jw_bool("reclaimable", j->flags & SOFTMAP_F_RECLAIMABLE);
	jw_str("mode", put_modes[j->mode]);
}

static void put_run(struct cli *c, struct job *j)
{
	struct softmap *h = cli_handle(c, j);
	int err;

	if (!h)
		return;
	err = softmap_put(h, j->key, j->klen, j->val, j->vlen, j->flags,
			  j->mode);
	put_report(c, j, err, softmap_strerror_ext(h));
}

static int put_queue(struct cli *c, struct job *j)
{
	return softmap_batch_put(c->h, j->key, j->klen, j->val, j->vlen,
				 j->flags, j->mode, j);
}

static void put_result(struct cli *c, struct job *j,
		       const struct softmap_result *r)
{
	put_report(c, j, r->err, r->extack);
}

const struct cmd cmd_put = {
	.name = "put",
	.takes_uid = true,
	.parse = put_parse,
	.run = put_run,
	.queue = put_queue,
	.report = put_result,
};

/* One object as JSON members. */
static void json_object(const struct softmap_object *o, bool hex)
{
	jw_bytes("key", o->key, o->key_len, hex);
	if (o->has_uid)
		jw_u64("uid", o->uid);
	jw_u64("size", o->has_value ? o->value_len : o->size);
	jw_u64("flags", o->flags);
	jw_bool("reclaimable", o->flags & SOFTMAP_F_RECLAIMABLE);
	jw_u64("age_ms", o->age_ms);
	if (o->has_value)
		jw_bytes("value", o->value, o->value_len, hex);
}

static int get_opt(struct job *j, int argc, char **argv, int *i)
{
	(void)argc;
	if (strcmp(argv[*i], "--raw"))
		return 0;
	j->raw = true;
	return 1;
}

static int key_parse(struct cli *c, struct job *j, int argc, char **argv,
		     int (*opt)(struct job *, int, char **, int *))
{
	const char *pos[1];
	int n;

	n = split_args(c, j, argc, argv, pos, 1, opt);
	if (n < 0)
		return -1;
	if (n < 1) {
		job_usage(j, "missing KEY");
		return -1;
	}
	return parse_key(j, pos[0]);
}

static int get_parse(struct cli *c, struct job *j, int argc, char **argv)
{
	if (key_parse(c, j, argc, argv, get_opt))
		return -1;
	if (j->raw && (j->json || c->json)) {
		job_usage(j, "\"--raw\" and \"-j\" exclude each other");
		return -1;
	}
	return 0;
}

static void get_report(struct cli *c, struct job *j, int err,
		       const char *extack, const struct softmap_object *o)
{
	char flags[64], age[32], *s;

	if (err) {
		cli_fail(c, j, err, extack);
		return;
	}
	if (j->raw) {
		if (o->value_len &&
		    fwrite(o->value, 1, o->value_len, stdout) != o->value_len)
			cli_fail(c, j, -EIO, "writing stdout");
		return;
	}
	if (c->json) {
		json_object(o, j->hex);
		return;
	}
	s = bytes_show(o->key, o->key_len, j->hex);
	printf("key    %s\n", s ? s : "");
	free(s);
	s = bytes_show(o->value, o->value_len, j->hex);
	printf("value  %s\n", s ? s : "");
	free(s);
	printf("size   %zu\n", o->value_len);
	printf("flags  %s\n", fmt_flags(flags, sizeof(flags), o->flags));
	fmt_age(age, sizeof(age), o->age_ms);
	printf("age    %s\n", age);
	if (o->has_uid)
		printf("uid    %u\n", o->uid);
}

static void get_run(struct cli *c, struct job *j)
{
	struct softmap *h = cli_handle(c, j);
	struct softmap_object o;
	int err;

	if (!h)
		return;
	err = softmap_get(h, j->key, j->klen, &o);
	get_report(c, j, err, softmap_strerror_ext(h), &o);
	if (!err)
		softmap_object_release(&o);
}

static int get_queue(struct cli *c, struct job *j)
{
	return softmap_batch_get(c->h, j->key, j->klen, j);
}

static void get_result(struct cli *c, struct job *j,
		       const struct softmap_result *r)
{
	get_report(c, j, r->err, r->extack, r->obj);
}

const struct cmd cmd_get = {
	.name = "get",
	.takes_uid = true,
	.parse = get_parse,
	.run = get_run,
	.queue = get_queue,
	.report = get_result,
};

static int del_parse(struct cli *c, struct job *j, int argc, char **argv)
{
	return key_parse(c, j, argc, argv, NULL);
}

static void del_report(struct cli *c, struct job *j, int err,
		       const char *extack)
{
	if (err)
		cli_fail(c, j, err, extack);
	else if (c->json)
		jw_bytes("key", j->key, j->klen, j->hex);
}

static void del_run(struct cli *c, struct job *j)
{
	struct softmap *h = cli_handle(c, j);

	if (h)
		del_report(c, j, softmap_del(h, j->key, j->klen),
			   softmap_strerror_ext(h));
}

static int del_queue(struct cli *c, struct job *j)
{
	return softmap_batch_del(c->h, j->key, j->klen, j);
}

static void del_result(struct cli *c, struct job *j,
		       const struct softmap_result *r)
{
	del_report(c, j, r->err, r->extack);
}

const struct cmd cmd_del = {
	.name = "del",
	.takes_uid = true,
	.parse = del_parse,
	.run = del_run,
	.queue = del_queue,
	.report = del_result,
};

static int ls_opt(struct job *j, int argc, char **argv, int *i)
{
	(void)argc;
	if (strcmp(argv[*i], "--values"))
		return 0;
	j->values = true;
	return 1;
}

static int ls_parse(struct cli *c, struct job *j, int argc, char **argv)
{
	const char *pos[1];

	return split_args(c, j, argc, argv, pos, 0, ls_opt) < 0 ? -1 : 0;
}

struct listing {
	struct softmap_object *o;
	size_t n;
	size_t cap;
};

static int ls_collect(const struct softmap_object *o, void *arg)
{
	struct listing *l = arg;
	struct softmap_object *p;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;

		p = realloc(l->o, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		l->o = p;
		l->cap = cap;
	}
	p = &l->o[l->n];
	*p = *o;
	p->value = NULL;
	if (o->value_len) {
		p->value = malloc(o->value_len);
		if (!p->value)
			return -ENOMEM;
		memcpy(p->value, o->value, o->value_len);
	}
	l->n++;
	return 0;
}

static int ls_cmp(const void *a, const void *b)
{
	const struct softmap_object *x = a, *y = b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int r = memcmp(x->key, y->key, n);

	if (r)
		return r;
	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

static size_t max_sz(size_t a, size_t b)
{
	return a > b ? a : b;
}

static void ls_text(struct job *j, struct listing *l)
{
	size_t wk = 3, wu = 3, ws = 4, wf = 5, wa = 3, i;
	char buf[64], **keys;
	bool uid = false;

	if (!l->n)
		return;
	keys = calloc(l->n, sizeof(*keys));
	if (!keys)
		return;
	for (i = 0; i < l->n; i++) {
		struct softmap_object *o = &l->o[i];

		keys[i] = bytes_show(o->key, o->key_len, j->hex);
		wk = max_sz(wk, keys[i] ? strlen(keys[i]) : 0);
		uid |= o->has_uid;
		wu = max_sz(wu, (size_t)snprintf(buf, sizeof(buf), "%u",
						 o->uid));
		ws = max_sz(ws, (size_t)snprintf(buf, sizeof(buf), "%zu",
						 o->has_value ? o->value_len :
						 o->size));
		wf = max_sz(wf, strlen(fmt_flags(buf, sizeof(buf), o->flags)));
		fmt_age(buf, sizeof(buf), o->age_ms);
		wa = max_sz(wa, strlen(buf));
	}
	printf("%-*s", (int)wk, "KEY");
	if (uid)
		printf("  %*s", (int)wu, "UID");
	printf("  %*s  %-*s  %*s", (int)ws, "SIZE", (int)wf, "FLAGS",
	       (int)wa, "AGE");
	printf(j->values ? "  VALUE\n" : "\n");
	for (i = 0; i < l->n; i++) {
		struct softmap_object *o = &l->o[i];
		char *v;

		printf("%-*s", (int)wk, keys[i] ? keys[i] : "");
		if (uid)
			printf("  %*u", (int)wu, o->uid);
		printf("  %*zu", (int)ws, o->has_value ? o->value_len : o->size);
		printf("  %-*s", (int)wf, fmt_flags(buf, sizeof(buf), o->flags));
		fmt_age(buf, sizeof(buf), o->age_ms);
		printf("  %*s", (int)wa, buf);
		if (j->values) {
			v = bytes_show(o->value, o->value_len, j->hex);
			printf("  %s", v ? v : "");
			free(v);
		}
		putchar('\n');
		free(keys[i]);
	}
	free(keys);
}

static void ls_run(struct cli *c, struct job *j)
{
	struct softmap *h = cli_handle(c, j);
	struct listing l = { 0 };
	size_t i;
	int err;

	if (!h)
		return;
	err = softmap_list(h, j->values, ls_collect, &l);
	if (err) {
		cli_fail(c, j, err, softmap_strerror_ext(h));
	} else {
		qsort(l.o, l.n, sizeof(*l.o), ls_cmp);
		if (c->json) {
			jw_begin_arr("objects");
			for (i = 0; i < l.n; i++) {
				jw_begin_obj(NULL);
				json_object(&l.o[i], j->hex);
				jw_end_obj();
			}
			jw_end_arr();
		} else {
			ls_text(j, &l);
		}
	}
	for (i = 0; i < l.n; i++)
		free(l.o[i].value);
	free(l.o);
}

const struct cmd cmd_ls = {
	.name = "ls",
	.takes_uid = true,
	.parse = ls_parse,
	.run = ls_run,
};

static int flush_opt(struct job *j, int argc, char **argv, int *i)
{
	(void)argc;
	if (strcmp(argv[*i], "--all"))
		return 0;
	j->all = true;
	return 1;
}

static int flush_parse(struct cli *c, struct job *j, int argc, char **argv)
{
	const char *pos[1];

	if (split_args(c, j, argc, argv, pos, 0, flush_opt) < 0)
		return -1;
	if (j->all && (j->uid != -1 || c->uid != -1)) {
		job_usage(j, "\"--all\" and \"--uid\" exclude each other");
		return -1;
	}
	return 0;
}

static void flush_report(struct cli *c, struct job *j, int err,
			 const char *extack, uint64_t n)
{
	if (err)
		cli_fail(c, j, err, extack);
	else if (c->json)
		jw_u64("deleted", n);
	else
		printf("deleted %llu object%s\n", (unsigned long long)n,
		       n == 1 ? "" : "s");
}

static void flush_run(struct cli *c, struct job *j)
{
	struct softmap *h = cli_handle(c, j);
	uint64_t n = 0;
	int err;

	if (!h)
		return;
	err = softmap_flush(h, j->all, &n);
	flush_report(c, j, err, softmap_strerror_ext(h), n);
}

static int flush_queue(struct cli *c, struct job *j)
{
	return softmap_batch_flush(c->h, j->all, j);
}

static void flush_result(struct cli *c, struct job *j,
			 const struct softmap_result *r)
{
	flush_report(c, j, r->err, r->extack, r->count);
}

const struct cmd cmd_flush = {
	.name = "flush",
	.takes_uid = true,
	.parse = flush_parse,
	.run = flush_run,
	.queue = flush_queue,
	.report = flush_result,
};
