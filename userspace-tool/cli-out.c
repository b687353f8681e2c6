// SPDX-License-Identifier: GPL-2.0
/*
 * The softmap tool's output and input encodings.
 *
 * JSON: a small streaming writer on stdout.  Strings are escaped so that
 * the document is valid JSON whatever their bytes: control characters and
 * bytes above 0x7e are written as \u00XX.
 *
 * Keys and values (binary-safe) are shown by one rule, in text and JSON
 * alike, so that what is printed can be typed back:
 *   - with -x/--hex: lowercase hex digits, two per byte ("" when empty);
 *   - otherwise as is when every byte is printable ASCII (0x20-0x7e) and
 *     the bytes do not begin with "hex:";
 *   - otherwise "hex:" followed by the lowercase hex digits.
 * On input, an argument beginning with "hex:" is hex, and with -x every
 * KEY and VALUE is hex (a "hex:" prefix is then optional).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define JW_DEPTH_MAX	16

static struct {
	int depth;
	bool first[JW_DEPTH_MAX + 1];
} jw;

/**
 * json_string() - write @n bytes of @s as a JSON string
 * @f: stream.
 * @s: bytes (need not be NUL-terminated).
 * @n: how many.
 */
void json_string(FILE *f, const char *s, size_t n)
{
	static const char hexd[] = "0123456789abcdef";
	size_t i;

	fputc('"', f);
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		switch (ch) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (ch < 0x20 || ch > 0x7e)
				fprintf(f, "\\u00%c%c", hexd[ch >> 4],
					hexd[ch & 15]);
			else
				fputc(ch, f);
		}
	}
	fputc('"', f);
}

static void jw_sep(const char *key)
{
	if (jw.depth > 0) {
		if (!jw.first[jw.depth])
			putchar(',');
		jw.first[jw.depth] = false;
	}
	if (key) {
		json_string(stdout, key, strlen(key));
		putchar(':');
	}
}

static void jw_open(const char *key, char ch)
{
	jw_sep(key);
	putchar(ch);
	if (jw.depth < JW_DEPTH_MAX)
		jw.depth++;
	jw.first[jw.depth] = true;
}

/* Members of an object take a key; elements of an array take NULL. */
void jw_begin_obj(const char *key)
{
	jw_open(key, '{');
}

void jw_end_obj(void)
{
	putchar('}');
	if (jw.depth > 0)
		jw.depth--;
}

void jw_begin_arr(const char *key)
{
	jw_open(key, '[');
}

void jw_end_arr(void)
{
	putchar(']');
	if (jw.depth > 0)
		jw.depth--;
}

void jw_str(const char *key, const char *s)
{
	jw_sep(key);
	json_string(stdout, s, strlen(s));
}

void jw_bytes(const char *key, const void *p, size_t n, bool hex)
{
	char *s = bytes_show(p, n, hex);

	jw_sep(key);
	if (s) {
		json_string(stdout, s, strlen(s));
		free(s);
	} else {
		fputs("null", stdout);
	}
}

void jw_u64(const char *key, uint64_t v)
{
	jw_sep(key);
	printf("%llu", (unsigned long long)v);
}

void jw_int(const char *key, long long v)
{
	jw_sep(key);
	printf("%lld", v);
}

void jw_bool(const char *key, bool v)
{
	jw_sep(key);
	fputs(v ? "true" : "false", stdout);
}

void jw_null(const char *key)
{
	jw_sep(key);
	fputs("null", stdout);
}

/* End of the document. */
void jw_done(void)
{
	putchar('\n');
	jw.depth = 0;
	fflush(stdout);
}

/**
 * bytes_plain() - whether bytes are shown as they are (see the top)
 * @p: bytes.
 * @n: how many.
 *
 * Return: true when every byte is printable ASCII and they do not begin
 * with "hex:".
 */
bool bytes_plain(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	if (n >= 4 && !memcmp(b, "hex:", 4))
		return false;
	for (i = 0; i < n; i++)
		if (b[i] < 0x20 || b[i] > 0x7e)
			return false;
	return true;
}

/**
 * bytes_show() - the printed form of a key or value (see the top)
 * @p: bytes.
 * @n: how many.
 * @hex: -x was given.
 *
 * Return: a malloc'd NUL-terminated string, or NULL when out of memory.
 */
char *bytes_show(const void *p, size_t n, bool hex)
{
	static const char hexd[] = "0123456789abcdef";
	const unsigned char *b = p;
	bool plain = !hex && bytes_plain(p, n);
	size_t pre = hex || plain ? 0 : 4;
	char *s, *q;
	size_t i;

	s = malloc(plain ? n + 1 : pre + 2 * n + 1);
	if (!s)
		return NULL;
	if (plain) {
		if (n)
			memcpy(s, p, n);
		s[n] = '\0';
		return s;
	}
	memcpy(s, "hex:", pre);
	q = s + pre;
	for (i = 0; i < n; i++) {
		*q++ = hexd[b[i] >> 4];
		*q++ = hexd[b[i] & 15];
	}
	*q = '\0';
	return s;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/**
 * bytes_parse() - a KEY or VALUE argument's bytes (see the top)
 * @arg: the argument.
 * @hex: -x was given.
 * @out: receives the malloc'd bytes (never NULL on success).
 * @len: receives their number.
 *
 * Return: 0, -EINVAL for bad hex, -ENOMEM.
 */
int bytes_parse(const char *arg, bool hex, unsigned char **out, size_t *len)
{
	size_t n, i;
	unsigned char *b;

	if (!strncmp(arg, "hex:", 4)) {
		arg += 4;
		hex = true;
	}
	n = strlen(arg);
	if (!hex) {
		b = malloc(n + 1);
		if (!b)
			return -ENOMEM;
		memcpy(b, arg, n + 1);
		*out = b;
		*len = n;
		return 0;
	}
	if (n % 2)
		return -EINVAL;
	b = malloc(n / 2 + 1);
	if (!b)
		return -ENOMEM;
	for (i = 0; i < n / 2; i++) {
		int hi = hexval(arg[2 * i]), lo = hexval(arg[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(b);
			return -EINVAL;
		}
		b[i] = (unsigned char)(hi << 4 | lo);
	}
	*out = b;
	*len = n / 2;
	return 0;
}

/**
 * parse_uid() - a --uid argument: a number or a user name
 * @s: the argument.
 * @uid: receives the uid.
 *
 * Return: 0, or -1 when @s is neither a uid (0..4294967294) nor a user.
 */
int parse_uid(const char *s, long *uid)
{
	struct passwd *pw;
	unsigned long long v;
	char *end;

	if (isdigit((unsigned char)s[0])) {
		errno = 0;
		v = strtoull(s, &end, 10);
		if (errno || *end || v > 4294967294ULL)
			return -1;
		*uid = (long)v;
		return 0;
	}
	pw = *s ? getpwnam(s) : NULL;
	if (!pw)
		return -1;
	*uid = (long)pw->pw_uid;
	return 0;
}

/**
 * parse_size() - a byte count, optionally with a K, M, G or T suffix
 *	(powers of 1024)
 * @s: the argument.
 * @v: receives the count.
 *
 * Return: 0, or -1 when malformed or too large.
 */
int parse_size(const char *s, uint64_t *v)
{
	unsigned long long n;
	unsigned int shift = 0;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	case 't': case 'T':
		shift = 40;
		break;
	default:
		return -1;
	}
	if (shift && end[1])
		return -1;
	if (shift && n > (ULLONG_MAX >> shift))
		return -1;
	*v = (uint64_t)n << shift;
	return 0;
}

/**
 * fmt_age() - an age for humans: 850ms, 12.3s, 4m05s, 2h10m, 3d04h
 * @buf: receives it.
 * @len: size of @buf.
 * @ms: milliseconds.
 */
void fmt_age(char *buf, size_t len, uint64_t ms)
{
	unsigned long long s = ms / 1000;

	if (ms < 1000)
		snprintf(buf, len, "%llums", (unsigned long long)ms);
	else if (s < 60)
		snprintf(buf, len, "%llu.%llus", s,
			 (unsigned long long)(ms % 1000) / 100);
	else if (s < 3600)
		snprintf(buf, len, "%llum%02llus", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lluh%02llum", s / 3600, s / 60 % 60);
	else
		snprintf(buf, len, "%llud%02lluh", s / 86400, s / 3600 % 24);
}

/**
 * fmt_flags() - object flags for humans: "reclaimable" or "pinned", and
 *	any unknown bits in hex
 * @buf: receives it.
 * @len: size of @buf.
 * @flags: &enum softmap_obj_flags.
 *
 * Return: @buf.
 */
const char *fmt_flags(char *buf, size_t len, uint32_t flags)
{
	uint32_t other = flags & ~(uint32_t)SOFTMAP_F_ALL;

	snprintf(buf, len, "%s", flags & SOFTMAP_F_RECLAIMABLE ?
		 "reclaimable" : "pinned");
	if (other) {
		size_t n = strlen(buf);

		snprintf(buf + n, len - n, "+0x%x", other);
	}
	return buf;
}
