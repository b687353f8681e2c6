// SPDX-License-Identifier: GPL-2.0
/*
 * softmap - command line tool for the softmap kernel module.
 *
 *	softmap [OPTIONS] COMMAND [ARGS]	(see cli-help.c)
 *
 * Exit status: 0 success, 1 an operation failed, 2 a usage error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct cmd *const cmds[] = {
	&cmd_put, &cmd_get, &cmd_del, &cmd_ls, &cmd_flush,
	&cmd_stats, &cmd_shrink, &cmd_version, &cmd_help,
};

/* Exact names only: no prefix matching, so that names can be added. */
const struct cmd *cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(name, cmds[i]->name))
			return cmds[i];
	return NULL;
}

struct job *job_new(const struct cmd *cmd, unsigned long line)
{
	struct job *j = calloc(1, sizeof(*j));

	if (!j) {
		fprintf(stderr, "softmap: out of memory\n");
		exit(1);
	}
	j->cmd = cmd;
	j->line = line;
	j->uid = -1;
	j->target = UINT64_MAX;
	return j;
}

void job_free(struct job *j)
{
	if (!j)
		return;
	free(j->key);
	free(j->val);
	free(j);
}

/* Record a usage error, prefixed with the command's name; first wins. */
void job_usage(struct job *j, const char *fmt, ...)
{
	size_t n = 0;
	va_list ap;

	if (j->usage[0])
		return;
	if (j->cmd)
		n = (size_t)snprintf(j->usage, sizeof(j->usage), "%s: ",
				     j->cmd->name);
	va_start(ap, fmt);
	vsnprintf(j->usage + n, sizeof(j->usage) - n, fmt, ap);
	va_end(ap);
}

int job_parse(struct cli *c, struct job *j, int argc, char **argv)
{
	return j->cmd->parse(c, j, argc, argv);
}

/**
 * cli_common_opt() - options every command accepts
 * @c: tool state.
 * @j: the job.
 * @argc: number of arguments.
 * @argv: the arguments.
 * @i: index of the current one; advanced past an option's argument.
 *
 * -j/--json, -x/--hex, and --uid U for the commands that take a uid.
 *
 * Return: 1 when argv[*i] was one of them, 0 when not, -1 on a usage error
 * (recorded in @j).
 */
int cli_common_opt(struct cli *c, struct job *j, int argc, char **argv,
		   int *i)
{
	const char *a = argv[*i];

	if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
		if (c->batch && !c->json) {
			job_usage(j, "option \"%s\" applies to a whole batch: give it before -b",
				  a);
			return -1;
		}
		j->json = true;
		return 1;
	}
	if (!strcmp(a, "-x") || !strcmp(a, "--hex")) {
		j->hex = true;
		return 1;
	}
	if (!strcmp(a, "--uid")) {
		if (!j->cmd->takes_uid) {
			job_usage(j, "option \"--uid\" does not apply here");
			return -1;
		}
		if (*i + 1 >= argc) {
			job_usage(j, "option \"--uid\" needs a user");
			return -1;
		}
		if (parse_uid(argv[++*i], &j->uid)) {
			job_usage(j, "invalid uid \"%s\"", argv[*i]);
			return -1;
		}
		return 1;
	}
	return 0;
}

static void print_open_error(struct cli *c, struct job *j, int err)
{
	const char *op = j->cmd ? j->cmd->name : "open";
	char msg[CLI_MSG_MAX];

	c->failed = true;
	c->nfailed++;
	if (err == ENOENT)
		snprintf(msg, sizeof(msg),
			 "module not loaded (generic netlink family \"%s\" not found); load it with \"modprobe softmap\" or \"insmod kmod/softmap.ko\"",
			 SOFTMAP_FAMILY_NAME);
	else
		snprintf(msg, sizeof(msg), "cannot open netlink socket: %s (%s)",
			 strerror(err), softmap_errno_name(err));
	fflush(stdout);
	if (j->line)
		fprintf(stderr, "softmap: line %lu: %s: %s\n", j->line, op, msg);
	else
		fprintf(stderr, "softmap: %s: %s\n", op, msg);
	if (c->json) {
		jw_begin_obj("error");
		jw_str("op", op);
		jw_int("errno", err);
		jw_str("name", softmap_errno_name(err));
		jw_str("message", msg);
		jw_str("extack", "");
		jw_end_obj();
	}
}

/**
 * cli_handle() - the library handle, opened on first use
 * @c: tool state.
 * @j: the job needing it; its uid (or the global one) is applied.
 *
 * Reports a failure to open (notably: module not loaded) as @j's error.
 *
 * Return: the handle, or NULL.
 */
struct softmap *cli_handle(struct cli *c, struct job *j)
{
	long uid = j->uid != -1 ? j->uid : c->uid;

	if (!c->h) {
		c->h = softmap_open();
		if (!c->h) {
			print_open_error(c, j, errno);
			return NULL;
		}
		if (c->batch)
			softmap_batch_begin(c->h, cli_batch_result, c);
	}
	softmap_set_uid(c->h, j->cmd->takes_uid ? uid : -1);
	return c->h;
}

/**
 * cli_fail() - report a failed operation
 * @c: tool state.
 * @j: the job.
 * @err: negative errno.
 * @extack: the kernel's message, or "".
 *
 * stderr: "softmap: [line N: ]OP: STRERROR (ENAME)[: EXTACK]"; with -j
 * also an "error" member in the job's JSON object.
 */
void cli_fail(struct cli *c, struct job *j, int err, const char *extack)
{
	const char *op = j->cmd ? j->cmd->name : "?";

	c->failed = true;
	c->nfailed++;
	if (err < 0)
		err = -err;
	fflush(stdout);
	if (j->line)
		fprintf(stderr, "softmap: line %lu: ", j->line);
	else
		fputs("softmap: ", stderr);
	fprintf(stderr, "%s: %s (%s)", op, strerror(err),
		softmap_errno_name(err));
	if (extack && extack[0])
		fprintf(stderr, ": %s", extack);
	fputc('\n', stderr);
	if (c->json) {
		jw_begin_obj("error");
		jw_str("op", op);
		jw_int("errno", err);
		jw_str("name", softmap_errno_name(err));
		jw_str("message", strerror(err));
		jw_str("extack", extack ? extack : "");
		jw_end_obj();
	}
}

void cli_report_usage(struct cli *c, struct job *j)
{
	c->usage_failed = true;
	c->nfailed++;
	fflush(stdout);
	if (j->line)
		fprintf(stderr, "softmap: line %lu: %s\n", j->line, j->usage);
	else
		fprintf(stderr, "softmap: %s\nTry \"softmap help\".\n",
			j->usage);
	if (c->json) {
		jw_begin_obj("error");
		jw_str("usage", j->usage);
		jw_end_obj();
	}
}

/* In a JSON batch, each job is one element of the "lines" array. */
void cli_begin_job(struct cli *c, struct job *j)
{
	if (!c->json || !c->batch)
		return;
	jw_begin_obj(NULL);
	jw_u64("line", j->line);
	if (j->cmd)
		jw_str("command", j->cmd->name);
}

void cli_end_job(struct cli *c, struct job *j)
{
	(void)j;
	if (c->json && c->batch)
		jw_end_obj();
}

/**
 * job_run() - carry a parsed job out, or queue it in batch mode
 * @c: tool state.
 * @j: the job.
 *
 * Return: true when the job was queued: it now belongs to the batch and
 * is reported and freed when its result arrives.
 */
bool job_run(struct cli *c, struct job *j)
{
	int err;

	if (c->batch && !j->usage[0] && !j->io_err && j->cmd->queue) {
		/* Batch mode opened the handle before the first line. */
		cli_handle(c, j);
		err = j->cmd->queue(c, j);
		if (!err)
			return true;
		/* Not queued: report it after what was. */
		softmap_batch_sync(c->h);
		cli_begin_job(c, j);
		cli_fail(c, j, err, "");
		cli_end_job(c, j);
		return false;
	}
	/* Earlier queued jobs report first. */
	if (c->batch && c->h)
		softmap_batch_sync(c->h);
	cli_begin_job(c, j);
	if (j->usage[0])
		cli_report_usage(c, j);
	else if (j->io_err)
		cli_fail(c, j, j->io_err, j->io_what);
	else
		j->cmd->run(c, j);
	cli_end_job(c, j);
	return false;
}

static int global_usage(struct cli *c, const char *fmt, const char *arg)
{
	char msg[CLI_MSG_MAX];

	snprintf(msg, sizeof(msg), fmt, arg);
	fprintf(stderr, "softmap: %s\n%s", msg, cli_short_usage);
	if (c->json) {
		jw_begin_obj(NULL);
		jw_begin_obj("error");
		jw_str("usage", msg);
		jw_end_obj();
		jw_end_obj();
		jw_done();
	}
	return 2;
}

/* -j anywhere before "--" makes even an early usage error JSON. */
static bool wants_json(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	struct cli c = { .uid = -1 };
	const char *batch = NULL;
	const struct cmd *cmd;
	struct job *j;
	int i;

	c.json = wants_json(argc, argv);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || !strcmp(a, "-"))
			break;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			c.json = true;
		} else if (!strcmp(a, "-x") || !strcmp(a, "--hex")) {
			c.hex = true;
		} else if (!strcmp(a, "-b") || !strcmp(a, "--batch")) {
			if (++i >= argc)
				return global_usage(&c, "option \"%s\" needs a FILE (or - for stdin)",
						    a);
			batch = argv[i];
		} else if (!strcmp(a, "--uid")) {
			if (++i >= argc)
				return global_usage(&c, "option \"%s\" needs a user",
						    a);
			if (parse_uid(argv[i], &c.uid))
				return global_usage(&c, "invalid uid \"%s\"",
						    argv[i]);
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			argv[i] = (char *)"help";
			break;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			argv[i] = (char *)"version";
			break;
		} else {
			return global_usage(&c, "unknown option \"%s\"", a);
		}
	}
	if (batch) {
		if (i < argc)
			return global_usage(&c, "unexpected argument \"%s\" after -b FILE",
					    argv[i]);
		return cli_batch(&c, batch);
	}
	if (i >= argc)
		return global_usage(&c, "%s", "missing COMMAND");
	cmd = cmd_find(argv[i]);
	if (!cmd)
		return global_usage(&c, "unknown command \"%s\"", argv[i]);

	j = job_new(cmd, 0);
	j->hex = c.hex;
	job_parse(&c, j, argc - i - 1, argv + i + 1);
	if (j->json)
		c.json = true;
	if (c.json)
		jw_begin_obj(NULL);
	job_run(&c, j);
	if (c.json) {
		jw_end_obj();
		jw_done();
	}
	job_free(j);
	softmap_close(c.h);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "softmap: write error on stdout\n");
		return 1;
	}
	return c.usage_failed ? 2 : c.failed ? 1 : 0;
}
