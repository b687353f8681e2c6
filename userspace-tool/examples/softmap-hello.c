// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * softmap-hello - the smallest program using libsoftmap.
 *
 * Builds against an installed libsoftmap through pkg-config:
 *
 *	cc -o softmap-hello softmap-hello.c $(pkg-config --cflags --libs softmap)
 *
 * Stores KEY -> VALUE (default "hello" -> "world") as a reclaimable object,
 * reads it back, lists the caller's objects, deletes the key and prints
 * what it saw, one line a step.  Exit status 0 when every step worked.
 */
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <libsoftmap.h>

static int print_object(const struct softmap_object *o, void *arg)
{
	unsigned int *n = arg;

	printf("listed %.*s size %" PRIu32 "\n", (int)o->key_len, o->key,
	       o->size);
	(*n)++;
	return 0;
}

int main(int argc, char **argv)
{
	const char *key = argc > 1 ? argv[1] : "hello";
	const char *val = argc > 2 ? argv[2] : "world";
	struct softmap_object o;
	struct softmap *h;
	unsigned int n = 0;
	char version[64];

	h = softmap_open();
	if (!h)
		err(1, "softmap_open");
	if (softmap_version(h, version, sizeof(version)) < 0)
		errx(1, "version: %s", softmap_strerror_ext(h));
	printf("module %s, family version %u\n", version,
	       softmap_family_version(h));

	if (softmap_put(h, key, strlen(key), val, strlen(val),
			SOFTMAP_F_RECLAIMABLE, SOFTMAP_PUT_UPSERT) < 0)
		errx(1, "put: %s", softmap_strerror_ext(h));
	if (softmap_get(h, key, strlen(key), &o) < 0)
		errx(1, "get: %s", softmap_strerror_ext(h));
	printf("got %.*s = %.*s flags %" PRIu32 "\n", (int)o.key_len, o.key,
	       (int)o.value_len, (const char *)o.value, o.flags);
	softmap_object_release(&o);

	if (softmap_list(h, false, print_object, &n) < 0)
		errx(1, "list: %s", softmap_strerror_ext(h));
	printf("%u objects\n", n);

	if (softmap_del(h, key, strlen(key)) < 0)
		errx(1, "del: %s", softmap_strerror_ext(h));
	if (softmap_get(h, key, strlen(key), &o) != -ENOENT)
		errx(1, "get after del did not fail with ENOENT");
	printf("deleted %s\n", key);
	softmap_close(h);
	return 0;
}
