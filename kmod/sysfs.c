// SPDX-License-Identifier: GPL-2.0
/*
 * softmap: /sys/kernel/softmap/, one value per file.
 *
 * A read-only file for each entry of softmap_counters[] (stats.c), made
 * at load from that table, the tunables (0644) and the write-only shrink
 * file (0200).  Writes need CAP_SYS_ADMIN besides the file mode.  A
 * tunable takes a decimal number (a trailing newline allowed); anything
 * else, or a value out of range (zero included), is refused with -EINVAL.
 * shrink takes a decimal byte target or the word "compact" and runs the
 * reclaim of the SHRINK command (softmap_reclaim()) before it returns.
 */
#include <linux/capability.h>
#include <linux/kobject.h>
#include <linux/kstrtox.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include "softmap.h"

/*
 * Defaults.  user_max_bytes (a quarter of RAM) and max_bytes (half of RAM)
 * are set from the memory size by softmap_sysfs_init().
 */
struct softmap_tunables softmap_tun = {
	.max_value_size		= 64 << 10,
	.user_max_objects	= 1 << 20,
};

/**
 * struct softmap_counter_attr - a counter's sysfs file
 * @kattr: the file.
 * @c: the counter it shows.
 */
struct softmap_counter_attr {
	struct kobj_attribute kattr;
	const struct softmap_counter *c;
};

static struct kobject *softmap_kobj;
static struct softmap_counter_attr *softmap_cattrs;
static struct attribute **softmap_attrs;
static struct attribute_group softmap_group;

static ssize_t softmap_counter_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	struct softmap_counter_attr *ca =
		container_of(attr, struct softmap_counter_attr, kattr);

	return sysfs_emit(buf, "%llu\n", softmap_counter_read(ca->c));
}

/**
 * struct softmap_tunable_attr - a tunable's sysfs file
 * @kattr: the file.
 * @v: the value in softmap_tun.
 * @min: smallest value accepted.
 * @max: largest value accepted.
 */
struct softmap_tunable_attr {
	struct kobj_attribute kattr;
	u64 *v;
	u64 min;
	u64 max;
};

static ssize_t softmap_tunable_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	struct softmap_tunable_attr *ta =
		container_of(attr, struct softmap_tunable_attr, kattr);

	return sysfs_emit(buf, "%llu\n", READ_ONCE(*ta->v));
}

static ssize_t softmap_tunable_store(struct kobject *kobj,
				     struct kobj_attribute *attr,
				     const char *buf, size_t count)
{
	struct softmap_tunable_attr *ta =
		container_of(attr, struct softmap_tunable_attr, kattr);
	u64 n;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (kstrtou64(buf, 10, &n) || n < ta->min || n > ta->max)
		return -EINVAL;
	WRITE_ONCE(*ta->v, n);
	return count;
}

#define SOFTMAP_TUNABLE_ATTR(name)					\
	__ATTR(name, 0644, softmap_tunable_show, softmap_tunable_store)

static ssize_t softmap_shrink_store(struct kobject *kobj,
				    struct kobj_attribute *attr,
				    const char *buf, size_t count)
{
	u64 target;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (sysfs_streq(buf, "compact"))
		softmap_reclaim(SOFTMAP_SHRINK_SYSFS, false, 0);
	else if (!kstrtou64(buf, 10, &target))
		softmap_reclaim(SOFTMAP_SHRINK_SYSFS, true, target);
	else
		return -EINVAL;
	return count;
}

static struct kobj_attribute softmap_shrink_attr =
	__ATTR(shrink, 0200, NULL, softmap_shrink_store);

static struct softmap_tunable_attr softmap_tunables[] = {
	{ SOFTMAP_TUNABLE_ATTR(max_value_size),
	  &softmap_tun.max_value_size, 1, SOFTMAP_VALUE_MAX },
	{ SOFTMAP_TUNABLE_ATTR(user_max_objects),
	  &softmap_tun.user_max_objects, 1, LONG_MAX },
	{ SOFTMAP_TUNABLE_ATTR(user_max_bytes),
	  &softmap_tun.user_max_bytes, 1, LONG_MAX },
	{ SOFTMAP_TUNABLE_ATTR(max_bytes),
	  &softmap_tun.max_bytes, 1, LONG_MAX },
};

/**
 * softmap_sysfs_init() - set the memory-based defaults, create the files
 *
 * Return: 0 or a negative errno.
 */
int softmap_sysfs_init(void)
{
	unsigned int nt = ARRAY_SIZE(softmap_tunables), i;
	u64 ram = (u64)totalram_pages() << PAGE_SHIFT;
	int err = -ENOMEM;

	softmap_tun.max_bytes = ram / 2;
	softmap_tun.user_max_bytes = ram / 4;

	softmap_cattrs = kcalloc(softmap_nr_counters, sizeof(*softmap_cattrs),
				 GFP_KERNEL);
	softmap_attrs = kcalloc(softmap_nr_counters + nt + 2,
				sizeof(*softmap_attrs), GFP_KERNEL);
	if (!softmap_cattrs || !softmap_attrs)
		goto fail;
	for (i = 0; i < softmap_nr_counters; i++) {
		struct softmap_counter_attr *ca = &softmap_cattrs[i];

		sysfs_attr_init(&ca->kattr.attr);
		ca->kattr.attr.name = softmap_counters[i].name;
		ca->kattr.attr.mode = 0444;
		ca->kattr.show = softmap_counter_show;
		ca->c = &softmap_counters[i];
		softmap_attrs[i] = &ca->kattr.attr;
	}
	for (i = 0; i < nt; i++)
		softmap_attrs[softmap_nr_counters + i] =
			&softmap_tunables[i].kattr.attr;
	softmap_attrs[softmap_nr_counters + nt] = &softmap_shrink_attr.attr;
	softmap_group.attrs = softmap_attrs;

	softmap_kobj = kobject_create_and_add("softmap", kernel_kobj);
	if (!softmap_kobj)
		goto fail;
	err = sysfs_create_group(softmap_kobj, &softmap_group);
	if (err)
		goto fail_kobj;
	return 0;

fail_kobj:
	kobject_put(softmap_kobj);
fail:
	kfree(softmap_attrs);
	kfree(softmap_cattrs);
	return err;
}

/**
 * softmap_sysfs_exit() - remove /sys/kernel/softmap/
 */
void softmap_sysfs_exit(void)
{
	sysfs_remove_group(softmap_kobj, &softmap_group);
	kobject_put(softmap_kobj);
	kfree(softmap_attrs);
	kfree(softmap_cattrs);
}
