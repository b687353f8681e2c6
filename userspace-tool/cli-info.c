// SPDX-License-Identifier: GPL-2.0
/*
 * The softmap tool's store-wide commands: stats, shrink, version, help.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int no_args(struct cli *c, struct job *j, int argc, char **argv,
		   int (*opt)(struct job *, int, char **, int *))
{
	int i, r;

	for (i = 0; i < argc; i++) {
		r = opt ? opt(j, argc, argv, &i) : 0;
		if (!r)
			r = cli_common_opt(c, j, argc, argv, &i);
		if (r < 0)
			return -1;
		if (!r) {
			if (argv[i][0] == '-')
				job_usage(j, "unknown option \"%s\"", argv[i]);
			else
				job_usage(j, "unexpected argument \"%s\"",
					  argv[i]);
			return -1;
		}
	}
	return 0;
}

static int stats_opt(struct job *j, int argc, char **argv, int *i)
{
	(void)argc;
	if (strcmp(argv[*i], "--users"))
		return 0;
	j->users = true;
	return 1;
}

static int stats_parse(struct cli *c, struct job *j, int argc, char **argv)
{
	return no_args(c, j, argc, argv, stats_opt);
}

struct user_list {
	struct softmap_user_stats *u;
	size_t n;
	size_t cap;
};

static int users_collect(const struct softmap_user_stats *u, void *arg)
{
	struct user_list *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct softmap_user_stats *p = realloc(l->u, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		l->u = p;
		l->cap = cap;
	}
	l->u[l->n++] = *u;
	return 0;
}

static int users_cmp(const void *a, const void *b)
{
	const struct softmap_user_stats *x = a, *y = b;

	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

#define STAT(f) { #f, offsetof(struct softmap_stats, f) }

static const struct {
	const char *name;
	size_t off;
} global_fields[] = {
	STAT(objects), STAT(bytes), STAT(bytes_allocated), STAT(users),
	STAT(table_buckets), STAT(puts), STAT(gets), STAT(hits),
	STAT(misses), STAT(dels), STAT(replaces), STAT(rcu_pending_frees),
	STAT(quota_rejections), STAT(evictions), STAT(shrinker_scans),
	STAT(shrinker_freed), STAT(table_shrinks), STAT(objects_moved),
	STAT(slab_pages), STAT(slab_pages_returned),
};

static uint64_t global_field(const struct softmap_stats *s, size_t i)
{
	uint64_t v;

	memcpy(&v, (const char *)s + global_fields[i].off, sizeof(v));
	return v;
}

static void json_user(const struct softmap_user_stats *u)
{
	jw_u64("uid", u->uid);
	jw_u64("objects", u->objects);
	jw_u64("bytes", u->bytes);
	jw_u64("quota_rejections", u->quota_rejections);
	jw_u64("evictions", u->evictions);
}

static void stats_json(const struct softmap_stats *g,
		       const struct softmap_user_stats *mine,
		       const struct user_list *l, bool users)
{
	size_t i;

	jw_begin_obj("global");
	for (i = 0; i < ARRAY_SIZE(global_fields); i++)
		jw_u64(global_fields[i].name, global_field(g, i));
	jw_end_obj();
	jw_begin_obj("user");
	json_user(mine);
	jw_end_obj();
	if (!users)
		return;
	jw_begin_arr("users");
	for (i = 0; i < l->n; i++) {
		jw_begin_obj(NULL);
		json_user(&l->u[i]);
		jw_end_obj();
	}
	jw_end_arr();
}

static void stats_text(const struct softmap_stats *g,
		       const struct softmap_user_stats *mine,
		       const struct user_list *l, bool users)
{
	size_t i;

	printf("global\n");
	for (i = 0; i < ARRAY_SIZE(global_fields); i++)
		printf("  %-19s %llu\n", global_fields[i].name,
		       (unsigned long long)global_field(g, i));
	printf("user %u\n", mine->uid);
	printf("  %-19s %llu\n", "objects", (unsigned long long)mine->objects);
	printf("  %-19s %llu\n", "bytes", (unsigned long long)mine->bytes);
	printf("  %-19s %llu\n", "quota_rejections",
	       (unsigned long long)mine->quota_rejections);
	printf("  %-19s %llu\n", "evictions",
	       (unsigned long long)mine->evictions);
	if (!users)
		return;
	printf("users\n");
	printf("  %10s %12s %14s %16s %12s\n", "UID", "OBJECTS", "BYTES",
	       "QUOTA_REJECTIONS", "EVICTIONS");
	for (i = 0; i < l->n; i++)
		printf("  %10u %12llu %14llu %16llu %12llu\n", l->u[i].uid,
		       (unsigned long long)l->u[i].objects,
		       (unsigned long long)l->u[i].bytes,
		       (unsigned long long)l->u[i].quota_rejections,
		       (unsigned long long)l->u[i].evictions);
}

static void stats_run(struct cli *c, struct job *j)
{
	struct softmap *h = cli_handle(c, j);
	struct softmap_user_stats mine;
	struct user_list l = { 0 };
	struct softmap_stats g;
	int err;

	if (!h)
		return;
	err = softmap_stats(h, &g, &mine);
	if (!err && j->users)
		err = softmap_users(h, users_collect, &l);
	if (err) {
		cli_fail(c, j, err, softmap_strerror_ext(h));
		free(l.u);
		return;
	}
	qsort(l.u, l.n, sizeof(*l.u), users_cmp);
	if (c->json)
		stats_json(&g, &mine, &l, j->users);
	else
		stats_text(&g, &mine, &l, j->users);
	free(l.u);
}

const struct cmd cmd_stats = {
	.name = "stats",
	.takes_uid = true,
	.parse = stats_parse,
	.run = stats_run,
};

static int shrink_opt(struct job *j, int argc, char **argv, int *i)
{
	if (strcmp(argv[*i], "--target"))
		return 0;
	if (*i + 1 >= argc) {
		job_usage(j, "option \"--target\" needs BYTES");
		return -1;
	}
	if (parse_size(argv[++*i], &j->target) || j->target == UINT64_MAX) {
		job_usage(j, "invalid size \"%s\"", argv[*i]);
		return -1;
	}
	return 1;
}

static int shrink_parse(struct cli *c, struct job *j, int argc, char **argv)
{
	return no_args(c, j, argc, argv, shrink_opt);
}

static void shrink_run(struct cli *c, struct job *j)
{
	struct softmap *h = cli_handle(c, j);
	uint64_t n = 0;
	int err;

	if (!h)
		return;
	err = softmap_shrink(h, j->target, &n);
	if (err)
		cli_fail(c, j, err, softmap_strerror_ext(h));
	else if (c->json)
		jw_u64("evicted", n);
	else
		printf("evicted %llu object%s\n", (unsigned long long)n,
		       n == 1 ? "" : "s");
}

const struct cmd cmd_shrink = {
	.name = "shrink",
	.parse = shrink_parse,
	.run = shrink_run,
};

static int version_parse(struct cli *c, struct job *j, int argc, char **argv)
{
	return no_args(c, j, argc, argv, NULL);
}

static void version_run(struct cli *c, struct job *j)
{
	char module[128];
	struct softmap *h;
	int err;

	if (c->json)
		jw_str("tool", SOFTMAP_VERSION);
	else
		printf("softmap tool %s\n", SOFTMAP_VERSION);
	h = cli_handle(c, j);
	if (!h) {
		if (c->json)
			jw_null("module");
		return;
	}
	err = softmap_version(h, module, sizeof(module));
	if (err) {
		cli_fail(c, j, err, softmap_strerror_ext(h));
		return;
	}
	if (c->json) {
		jw_str("module", module);
		jw_u64("family_version", softmap_family_version(h));
	} else {
		printf("softmap module %s (generic netlink family \"%s\" version %u)\n",
		       module, SOFTMAP_FAMILY_NAME, softmap_family_version(h));
	}
}

const struct cmd cmd_version = {
	.name = "version",
	.parse = version_parse,
	.run = version_run,
};

static int help_parse(struct cli *c, struct job *j, int argc, char **argv)
{
	return no_args(c, j, argc, argv, NULL);
}

static void help_run(struct cli *c, struct job *j)
{
	(void)j;
	if (c->json)
		jw_str("help", cli_help_text);
	else
		cli_help(stdout);
}

const struct cmd cmd_help = {
	.name = "help",
	.parse = help_parse,
	.run = help_run,
};
