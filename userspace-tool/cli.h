/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The softmap tool: shared declarations.
 *
 * A command line (argv, or one line of a batch file) is parsed into a
 * struct job; nothing is printed while parsing.  The job then runs: at
 * once through libsoftmap's single-request calls, or, in batch mode, queued
 * through the batch calls (put, get, del, flush) and reported when its
 * result arrives.  Every report writes text to stdout (errors to stderr),
 * or JSON members into the document the caller opened.
 */
#ifndef SOFTMAP_CLI_H
#define SOFTMAP_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "libsoftmap.h"

#ifndef SOFTMAP_VERSION
#define SOFTMAP_VERSION "unknown"
#endif

#define CLI_MSG_MAX	256
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct cli;
struct job;

/**
 * struct cmd - one subcommand
 * @name: its name on the command line.
 * @takes_uid: accepts --uid U.
 * @parse: fill a job from the arguments after the name; records a usage
 *	error in the job (job_usage()) and returns -1, or returns 0.
 * @run: carry the job out now and report it.
 * @queue: batch mode: queue the job with the job as cookie and return 0,
 *	or return a negative errno if it could not be queued; NULL when the
 *	command always runs at once.
 * @report: batch mode: report a queued job's result.
 */
struct cmd {
	const char *name;
	bool takes_uid;
	int (*parse)(struct cli *c, struct job *j, int argc, char **argv);
	void (*run)(struct cli *c, struct job *j);
	int (*queue)(struct cli *c, struct job *j);
	void (*report)(struct cli *c, struct job *j,
		       const struct softmap_result *r);
};

/**
 * struct job - one parsed command
 * @cmd: the subcommand.
 * @line: line number in the batch file, 0 outside batch mode.
 * @hex: KEY and VALUE are given and printed in hex.
 * @json: -j appeared among the command's own arguments.
 * @uid: --uid of this command, -1 when absent.
 * @key: KEY's bytes (malloc'd).
 * @klen: KEY's length.
 * @val: VALUE's bytes (malloc'd), for put.
 * @vlen: VALUE's length.
 * @flags: object flags, for put.
 * @mode: put's mode.
 * @raw: get --raw.
 * @values: ls --values.
 * @all: flush --all.
 * @users: stats --users.
 * @target: shrink --target, UINT64_MAX when absent.
 * @usage: the usage error found while parsing, "" if none.
 * @io_err: negative errno of reading VALUE's file, 0 if none.
 * @io_what: the file that could not be read.
 */
struct job {
	const struct cmd *cmd;
	unsigned long line;
	bool hex;
	bool json;
	long uid;
	unsigned char *key;
	size_t klen;
	unsigned char *val;
	size_t vlen;
	uint32_t flags;
	enum softmap_put_mode mode;
	bool raw;
	bool values;
	bool all;
	bool users;
	uint64_t target;
	char usage[CLI_MSG_MAX];
	int io_err;
	char io_what[CLI_MSG_MAX];
};

/**
 * struct cli - state of one run of the tool
 * @json: -j: print one JSON document.
 * @hex: -x given before the command.
 * @uid: --uid given before the command, -1 when absent.
 * @h: the library handle, opened on first need.
 * @batch: batch mode: jobs are queued where possible.
 * @batch_stdin: the batch file is stdin.
 * @failed: some operation failed (exit 1).
 * @usage_failed: some command line was wrong (exit 2 outside batch mode).
 * @nfailed: jobs that failed, either way.
 */
struct cli {
	bool json;
	bool hex;
	long uid;
	struct softmap *h;
	bool batch;
	bool batch_stdin;
	bool failed;
	bool usage_failed;
	unsigned long nfailed;
};

/* softmap.c */
const struct cmd *cmd_find(const char *name);
struct job *job_new(const struct cmd *cmd, unsigned long line);
void job_free(struct job *j);
int job_parse(struct cli *c, struct job *j, int argc, char **argv);
void job_usage(struct job *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));	/* __printf(2, 3) */
int cli_common_opt(struct cli *c, struct job *j, int argc, char **argv,
		   int *i);
bool job_run(struct cli *c, struct job *j);
struct softmap *cli_handle(struct cli *c, struct job *j);
void cli_fail(struct cli *c, struct job *j, int err, const char *extack);
void cli_report_usage(struct cli *c, struct job *j);
void cli_begin_job(struct cli *c, struct job *j);
void cli_end_job(struct cli *c, struct job *j);

/* cli-obj.c */
extern const struct cmd cmd_put, cmd_get, cmd_del, cmd_ls, cmd_flush;
/* cli-info.c */
extern const struct cmd cmd_stats, cmd_shrink, cmd_version, cmd_help;

/* cli-batch.c */
int cli_batch(struct cli *c, const char *file);
void cli_batch_result(const struct softmap_result *r, void *arg);
int cli_split_line(char *line, char **argv, int max, const char **err);

/* cli-help.c */
void cli_help(FILE *f);
extern const char cli_help_text[];
extern const char cli_short_usage[];

/* cli-out.c: text and JSON output, byte encodings and number parsing */
void jw_begin_obj(const char *key);
void jw_end_obj(void);
void jw_begin_arr(const char *key);
void jw_end_arr(void);
void jw_str(const char *key, const char *s);
void jw_bytes(const char *key, const void *p, size_t n, bool hex);
void jw_u64(const char *key, uint64_t v);
void jw_int(const char *key, long long v);
void jw_bool(const char *key, bool v);
void jw_null(const char *key);
void jw_done(void);
void json_string(FILE *f, const char *s, size_t n);

bool bytes_plain(const void *p, size_t n);
char *bytes_show(const void *p, size_t n, bool hex);
int bytes_parse(const char *arg, bool hex, unsigned char **out, size_t *len);
int parse_uid(const char *s, long *uid);
int parse_size(const char *s, uint64_t *v);
void fmt_age(char *buf, size_t len, uint64_t ms);
const char *fmt_flags(char *buf, size_t len, uint32_t flags);

#endif /* SOFTMAP_CLI_H */
