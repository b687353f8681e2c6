// SPDX-License-Identifier: GPL-2.0
/*
 * json_check: exit 0 iff standard input is exactly one valid JSON document
 * (RFC 8259: one value, optionally surrounded by whitespace, strings in
 * valid UTF-8 without raw control characters, escapes and numbers as the
 * grammar says).  On failure it names the byte offset on stderr and exits
 * 1.  softmap_cli.sh uses it on everything "softmap -j" prints; the test
 * guest has no python or jq.
 *
 *	json_check [-q] <doc.json
 *
 * -q: no message on failure.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEPTH_MAX	256

static const unsigned char *buf;
static size_t len, pos;
static const char *why;

static bool fail(const char *msg)
{
	if (!why)
		why = msg;
	return false;
}

static void skip_ws(void)
{
	while (pos < len && (buf[pos] == ' ' || buf[pos] == '\t' ||
			     buf[pos] == '\n' || buf[pos] == '\r'))
		pos++;
}

static bool literal(const char *word)
{
	size_t n = strlen(word);

	if (len - pos < n || memcmp(buf + pos, word, n))
		return fail("bad literal");
	pos += n;
	return true;
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool number(void)
{
	if (pos < len && buf[pos] == '-')
		pos++;
	if (pos >= len || !is_digit(buf[pos]))
		return fail("bad number");
	if (buf[pos] == '0')
		pos++;
	else
		while (pos < len && is_digit(buf[pos]))
			pos++;
	if (pos < len && buf[pos] == '.') {
		pos++;
		if (pos >= len || !is_digit(buf[pos]))
			return fail("bad fraction");
		while (pos < len && is_digit(buf[pos]))
			pos++;
	}
	if (pos < len && (buf[pos] == 'e' || buf[pos] == 'E')) {
		pos++;
		if (pos < len && (buf[pos] == '+' || buf[pos] == '-'))
			pos++;
		if (pos >= len || !is_digit(buf[pos]))
			return fail("bad exponent");
		while (pos < len && is_digit(buf[pos]))
			pos++;
	}
	return true;
}

/* One UTF-8 sequence starting at pos (a byte >= 0x80), shortest form. */
static bool utf8(void)
{
	unsigned char c = buf[pos];
	unsigned int cp, n, i;

	if (c >= 0xc2 && c <= 0xdf) {
		n = 1;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 2;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 3;
		cp = c & 0x07;
	} else {
		return fail("bad UTF-8 lead byte");
	}
	if (len - pos <= n)
		return fail("truncated UTF-8");
	for (i = 1; i <= n; i++) {
		if ((buf[pos + i] & 0xc0) != 0x80)
			return fail("bad UTF-8 continuation");
		cp = cp << 6 | (buf[pos + i] & 0x3f);
	}
	if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return fail("bad UTF-8 code point");
	pos += n + 1;
	return true;
}

static bool string(void)
{
	pos++;	/* the opening quote */
	while (pos < len) {
		unsigned char c = buf[pos];

		if (c == '"') {
			pos++;
			return true;
		}
		if (c < 0x20)
			return fail("control character in string");
		if (c >= 0x80) {
			if (!utf8())
				return false;
			continue;
		}
		if (c != '\\') {
			pos++;
			continue;
		}
		if (++pos >= len)
			break;
		switch (buf[pos]) {
		case '"': case '\\': case '/': case 'b': case 'f':
		case 'n': case 'r': case 't':
			pos++;
			break;
		case 'u':
			if (len - pos < 5 || !is_hex(buf[pos + 1]) ||
			    !is_hex(buf[pos + 2]) || !is_hex(buf[pos + 3]) ||
			    !is_hex(buf[pos + 4]))
				return fail("bad \\u escape");
			pos += 5;
			break;
		default:
			return fail("bad escape");
		}
	}
	return fail("unterminated string");
}

static bool value(int depth);

static bool container(int depth, char close, bool object)
{
	pos++;	/* the opening bracket */
	if (depth >= DEPTH_MAX)
		return fail("nested too deep");
	skip_ws();
	if (pos < len && buf[pos] == close) {
		pos++;
		return true;
	}
	for (;;) {
		skip_ws();
		if (object) {
			if (pos >= len || buf[pos] != '"')
				return fail("expected a member name");
			if (!string())
				return false;
			skip_ws();
			if (pos >= len || buf[pos] != ':')
				return fail("expected ':'");
			pos++;
		}
		if (!value(depth + 1))
			return false;
		skip_ws();
		if (pos < len && buf[pos] == ',') {
			pos++;
			continue;
		}
		if (pos < len && buf[pos] == close) {
			pos++;
			return true;
		}
		return fail(object ? "expected ',' or '}'" :
			    "expected ',' or ']'");
	}
}

static bool value(int depth)
{
	skip_ws();
	if (pos >= len)
		return fail("expected a value");
	switch (buf[pos]) {
	case '{':
		return container(depth, '}', true);
	case '[':
		return container(depth, ']', false);
	case '"':
		return string();
	case 't':
		return literal("true");
	case 'f':
		return literal("false");
	case 'n':
		return literal("null");
	default:
		return number();
	}
}

int main(int argc, char **argv)
{
	bool quiet = argc > 1 && !strcmp(argv[1], "-q");
	size_t cap = 65536, n;
	unsigned char *b = malloc(cap);

	while (b && (n = fread(b + len, 1, cap - len, stdin)) > 0) {
		len += n;
		if (len == cap) {
			cap *= 2;
			b = realloc(b, cap);
		}
	}
	if (!b || ferror(stdin)) {
		fprintf(stderr, "json_check: cannot read stdin\n");
		return 2;
	}
	buf = b;
	if (value(0)) {
		skip_ws();
		if (pos == len)
			return 0;
		fail("trailing data after the document");
	}
	if (!quiet)
		fprintf(stderr, "json_check: invalid JSON at byte %zu: %s\n",
			pos, why);
	return 1;
}
