/* SPDX-License-Identifier: GPL-2.0 */
/*
 * softmap: the kernel API differences between the kernels softmap builds
 * on (6.1 and 6.12), in one place.  Every other file uses the helpers
 * below and no version checks of its own.
 *
 * Each difference is detected by a feature, not a version number: a flag
 * the newer header defines, or a SOFTMAP_HAVE_* macro that kmod/Kbuild
 * sets when the kernel's headers declare a function.
 */
#ifndef _SOFTMAP_COMPAT_H
#define _SOFTMAP_COMPAT_H

#include <linux/list_lru.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <net/genetlink.h>

/*
 * A cache created with SLAB_ACCOUNT alone may be merged with other caches
 * of the same size, and then the module could never empty its pages.
 * SLAB_NO_MERGE (6.5+) forbids that; before it, SLAB_NOLEAKTRACE is one of
 * the flags that keep a cache apart.
 */
#ifdef SLAB_NO_MERGE
#define SOFTMAP_SLAB_NO_MERGE	SLAB_NO_MERGE
#else
#define SOFTMAP_SLAB_NO_MERGE	SLAB_NOLEAKTRACE
#endif

/**
 * typedef softmap_shrink_fn - a shrinker's count or scan callback
 * @s: the shrinker.
 * @sc: what to count or scan.
 *
 * Return: as &struct shrinker's count_objects or scan_objects.
 */
typedef unsigned long (*softmap_shrink_fn)(struct shrinker *s,
					   struct shrink_control *sc);

/* shrinker_alloc() came with SHRINKER_ALLOCATED (6.7). */
#ifdef SHRINKER_ALLOCATED

/**
 * softmap_shrinker_alloc() - allocate a shrinker without registering it
 * @flags: SHRINKER_* flags.
 * @name: name for debugfs.
 * @count: count_objects callback.
 * @scan: scan_objects callback.
 * @priv: returned by softmap_shrinker_priv().
 *
 * The shrinker has its id (for list_lru_init_memcg()) but is not called
 * before softmap_shrinker_register().
 *
 * Return: the shrinker, or NULL.
 */
static inline struct shrinker *
softmap_shrinker_alloc(unsigned int flags, const char *name,
		       softmap_shrink_fn count, softmap_shrink_fn scan,
		       void *priv)
{
	struct shrinker *s = shrinker_alloc(flags, "%s", name);

	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	s->private_data = priv;
	return s;
}

/**
 * softmap_shrinker_register() - let the shrinker be called
 * @s: from softmap_shrinker_alloc().
 */
static inline void softmap_shrinker_register(struct shrinker *s)
{
	shrinker_register(s);
}

/**
 * softmap_shrinker_free() - unregister (if registered) and free a shrinker
 * @s: from softmap_shrinker_alloc(), or NULL.
 *
 * Waits for callbacks in progress.
 */
static inline void softmap_shrinker_free(struct shrinker *s)
{
	shrinker_free(s);
}

/**
 * softmap_shrinker_priv() - the @priv given to softmap_shrinker_alloc()
 * @s: the shrinker.
 *
 * Return: the private pointer.
 */
static inline void *softmap_shrinker_priv(struct shrinker *s)
{
	return s->private_data;
}

#else /* before 6.7: embedded shrinker, register_shrinker() */

/**
 * struct softmap_shrinker_compat - a shrinker with the fields 6.7 added
 * @s: the shrinker proper.
 * @count: the real count callback.
 * @scan: the real scan callback.
 * @priv: private pointer.
 * @live: set by softmap_shrinker_register(); the callbacks do nothing
 *	before.  register_shrinker() both assigns the id that
 *	list_lru_init_memcg() needs and makes the shrinker callable, so it
 *	is registered at allocation and kept quiet until then.
 */
struct softmap_shrinker_compat {
	struct shrinker s;
	softmap_shrink_fn count;
	softmap_shrink_fn scan;
	void *priv;
	bool live;
};

static inline unsigned long softmap_compat_count(struct shrinker *s,
						 struct shrink_control *sc)
{
	struct softmap_shrinker_compat *c =
		container_of(s, struct softmap_shrinker_compat, s);

	/* pairs with the release in softmap_shrinker_register() */
	if (!smp_load_acquire(&c->live))
		return 0;
	return c->count(s, sc);
}

static inline unsigned long softmap_compat_scan(struct shrinker *s,
						struct shrink_control *sc)
{
	struct softmap_shrinker_compat *c =
		container_of(s, struct softmap_shrinker_compat, s);

	/* pairs with the release in softmap_shrinker_register() */
	if (!smp_load_acquire(&c->live))
		return SHRINK_STOP;
	return c->scan(s, sc);
}

static inline struct shrinker *
softmap_shrinker_alloc(unsigned int flags, const char *name,
		       softmap_shrink_fn count, softmap_shrink_fn scan,
		       void *priv)
{
	struct softmap_shrinker_compat *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return NULL;
	c->count = count;
	c->scan = scan;
	c->priv = priv;
	c->s.count_objects = softmap_compat_count;
	c->s.scan_objects = softmap_compat_scan;
	c->s.seeks = DEFAULT_SEEKS;
	c->s.flags = flags;
	if (register_shrinker(&c->s, "%s", name)) {
		kfree(c);
		return NULL;
	}
	return &c->s;
}

static inline void softmap_shrinker_register(struct shrinker *s)
{
	/* what the callbacks use is set up before they may run */
	smp_store_release(&container_of(s, struct softmap_shrinker_compat,
					s)->live, true);
}

static inline void softmap_shrinker_free(struct shrinker *s)
{
	if (!s)
		return;
	unregister_shrinker(s);
	kfree(container_of(s, struct softmap_shrinker_compat, s));
}

static inline void *softmap_shrinker_priv(struct shrinker *s)
{
	return container_of(s, struct softmap_shrinker_compat, s)->priv;
}

#endif /* shrinker */

/*
 * list_lru_add()/list_lru_del() took the node and memcg from the item's
 * page before 6.8; since, list_lru_add_obj()/list_lru_del_obj() do, and
 * list_lru_add()/list_lru_del() take them as arguments.
 */
#ifdef SOFTMAP_HAVE_LRU_ADD_OBJ
#define softmap_lru_add(lru, item)	list_lru_add_obj(lru, item)
#define softmap_lru_del(lru, item)	list_lru_del_obj(lru, item)
#else
#define softmap_lru_add(lru, item)	list_lru_add(lru, item)
#define softmap_lru_del(lru, item)	list_lru_del(lru, item)
#endif

/**
 * softmap_genl_dump_attrs() - the request attributes, parsed, of a dump
 * @cb: the dump's callback state.
 *
 * Return: array of %SOFTMAP_A_MAX + 1 attribute pointers.
 */
static inline struct nlattr **
softmap_genl_dump_attrs(struct netlink_callback *cb)
{
#ifdef SOFTMAP_HAVE_GENL_INFO_DUMP	/* 6.6 */
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _SOFTMAP_COMPAT_H */
