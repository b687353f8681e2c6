// SPDX-License-Identifier: GPL-2.0
/*
 * The softmap tool's batch mode (-b FILE, -b - for stdin), as ip -batch:
 * one command per line, without the leading "softmap".  Blank lines and
 * lines whose first non-blank character is '#' are skipped.  Words are
 * split at blanks; '...' quotes literally, "..." quotes with \" and \\
 * escapes, and a backslash outside quotes escapes the next character.
 *
 * put, get, del and flush are pipelined through libsoftmap's batch calls:
 * many per sendmsg(), each line's result reported in line order.  Other
 * commands first wait for what is queued, then run.  Every failing line is
 * reported with its number, the batch goes on, and the exit status is 1
 * if any line failed.  With -j the whole batch is one JSON document:
 * {"lines": [{"line": N, "command": "...", ...}, ...], "failed": N}.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define BATCH_ARGS_MAX	64

/* Result of a queued line: report it and free its job. */
void cli_batch_result(const struct softmap_result *r, void *arg)
{
	struct cli *c = arg;
	struct job *j = r->cookie;

	cli_begin_job(c, j);
	j->cmd->report(c, j, r);
	cli_end_job(c, j);
	job_free(j);
}

/**
 * cli_split_line() - split a batch line into words, in place
 * @line: the line, without its newline; modified.
 * @argv: receives the words.
 * @max: room in @argv.
 * @err: receives a message when the line is malformed.
 *
 * Return: the number of words (0 for a blank or comment line), or -1.
 */
int cli_split_line(char *line, char **argv, int max, const char **err)
{
	char *r = line, *w = line;
	int argc = 0;

	for (;;) {
		while (*r == ' ' || *r == '\t')
			r++;
		if (!*r || (!argc && *r == '#'))
			return argc;
		if (argc == max) {
			*err = "too many words";
			return -1;
		}
		argv[argc++] = w;
		while (*r && *r != ' ' && *r != '\t') {
			if (*r == '\'') {
				for (r++; *r && *r != '\''; )
					*w++ = *r++;
				if (!*r) {
					*err = "unterminated '";
					return -1;
				}
				r++;
			} else if (*r == '"') {
				for (r++; *r && *r != '"'; ) {
					if (*r == '\\' &&
					    (r[1] == '"' || r[1] == '\\'))
						r++;
					*w++ = *r++;
				}
				if (!*r) {
					*err = "unterminated \"";
					return -1;
				}
				r++;
			} else if (*r == '\\' && r[1]) {
				r++;
				*w++ = *r++;
			} else {
				*w++ = *r++;
			}
		}
		if (*r)
			r++;
		*w++ = '\0';
	}
}

static void batch_line(struct cli *c, char *text, unsigned long lineno)
{
	char *argv[BATCH_ARGS_MAX];
	const char *err = NULL;
	const struct cmd *cmd;
	struct job *j;
	int argc;

	argc = cli_split_line(text, argv, BATCH_ARGS_MAX, &err);
	if (!argc)
		return;
	cmd = argc > 0 ? cmd_find(argv[0]) : NULL;
	j = job_new(cmd, lineno);
	j->hex = c->hex;
	if (argc < 0)
		job_usage(j, "%s", err);
	else if (!cmd)
		job_usage(j, "unknown command \"%s\"", argv[0]);
	else
		job_parse(c, j, argc - 1, argv + 1);
	if (!job_run(c, j))
		job_free(j);
}

/* Stands for the batch itself in messages about it. */
static const struct cmd cmd_batch = { .name = "batch" };

int cli_batch(struct cli *c, const char *file)
{
	struct job whole = { .cmd = &cmd_batch, .uid = -1 };
	unsigned long lineno = 0;
	size_t cap = 0;
	ssize_t len;
	char *text = NULL;
	FILE *f;

	c->batch = true;
	c->batch_stdin = !strcmp(file, "-");
	if (c->json)
		jw_begin_obj(NULL);
	f = c->batch_stdin ? stdin : fopen(file, "re");
	if (!f) {
		snprintf(whole.io_what, sizeof(whole.io_what), "%s", file);
		cli_fail(c, &whole, -errno, whole.io_what);
		goto out;
	}
	/* One handle for the whole batch; a missing module fails it. */
	if (!cli_handle(c, &whole))
		goto out;
	if (c->json)
		jw_begin_arr("lines");
	while ((len = getline(&text, &cap, f)) >= 0) {
		lineno++;
		while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
			text[--len] = '\0';
		batch_line(c, text, lineno);
	}
	softmap_batch_end(c->h);
	if (c->json)
		jw_end_arr();
	if (ferror(f))
		cli_fail(c, &whole, -EIO, "reading the batch");
out:
	if (f && f != stdin)
		fclose(f);
	free(text);
	if (c->json) {
		jw_u64("failed", c->nfailed);
		jw_end_obj();
		jw_done();
	}
	softmap_close(c->h);
	if (fflush(stdout) || ferror(stdout))
		return 1;
	return c->failed || c->usage_failed ? 1 : 0;
}
