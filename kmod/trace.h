/* SPDX-License-Identifier: GPL-2.0 */
/*
 * softmap: the tracepoints, events of the system "softmap" under
 * /sys/kernel/tracing/events/softmap/.
 *
 * Each event fires once the store has committed the change it reports,
 * never for a request that failed.  Owners are uids in the initial user
 * namespace; keys are given by their length only, never by their bytes.
 * trace.c creates the tracepoints; Documentation/softmap.rst describes
 * the fields.
 *
 * Each event is the one event of its class, named like the event with the
 * prefix softmap_: names generated for a class, such as perf_trace_<class>,
 * would clash with the kernel's (perf_trace_del()) for the short names.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM softmap

#if !defined(_SOFTMAP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _SOFTMAP_TRACE_H

#include <linux/tracepoint.h>
#include "softmap.h"

TRACE_DEFINE_ENUM(SOFTMAP_DEL_CMD);
TRACE_DEFINE_ENUM(SOFTMAP_DEL_FLUSH);
TRACE_DEFINE_ENUM(SOFTMAP_SHRINK_SCAN);
TRACE_DEFINE_ENUM(SOFTMAP_SHRINK_CMD);
TRACE_DEFINE_ENUM(SOFTMAP_SHRINK_SYSFS);

/*
 * softmap:put - an object stored by a PUT.  The caller passes the
 * object's fields, not the object: once linked, it may be deleted and
 * freed at any time.
 */
DECLARE_EVENT_CLASS(softmap_put,
		    TP_PROTO(kuid_t uid, u32 key_len, u32 size, u32 flags,
			     bool replaced),
		    TP_ARGS(uid, key_len, size, flags, replaced),
		    TP_STRUCT__entry(__field(u32, uid)
				     __field(u32, key_len)
				     __field(u32, size)
				     __field(u32, flags)
				     __field(bool, replaced)),
		    TP_fast_assign(__entry->uid = softmap_uid(uid);
				   __entry->key_len = key_len;
				   __entry->size = size;
				   __entry->flags = flags;
				   __entry->replaced = replaced;),
		    TP_printk("uid=%u key_len=%u size=%u flags=0x%x replaced=%d",
			      __entry->uid, __entry->key_len, __entry->size,
			      __entry->flags, __entry->replaced)
);

DEFINE_EVENT(softmap_put, put,
	     TP_PROTO(kuid_t uid, u32 key_len, u32 size, u32 flags,
		      bool replaced),
	     TP_ARGS(uid, key_len, size, flags, replaced)
);

/* softmap:del - an object unlinked by a DEL or a FLUSH, its unlinker. */
DECLARE_EVENT_CLASS(softmap_del,
		    TP_PROTO(const struct softmap_obj *obj,
			     enum softmap_del_reason reason),
		    TP_ARGS(obj, reason),
		    TP_STRUCT__entry(__field(u32, uid)
				     __field(u32, key_len)
				     __field(u32, size)
				     __field(u32, reason)),
		    TP_fast_assign(__entry->uid = softmap_uid(obj->uid);
				   __entry->key_len = obj->key_len;
				   __entry->size = obj->val_len;
				   __entry->reason = reason;),
		    TP_printk("uid=%u key_len=%u size=%u reason=%s",
			      __entry->uid, __entry->key_len, __entry->size,
			      __print_symbolic(__entry->reason,
					       { SOFTMAP_DEL_CMD, "del" },
					       { SOFTMAP_DEL_FLUSH, "flush" }))
);

DEFINE_EVENT(softmap_del, del,
	     TP_PROTO(const struct softmap_obj *obj,
		      enum softmap_del_reason reason),
	     TP_ARGS(obj, reason)
);

/* softmap:evict - a reclaimable object evicted, by its unlinker. */
DECLARE_EVENT_CLASS(softmap_evict,
		    TP_PROTO(const struct softmap_obj *obj),
		    TP_ARGS(obj),
		    TP_STRUCT__entry(__field(u32, uid)
				     __field(u32, key_len)
				     __field(u32, size)
				     __field(u64, age_ms)),
		    TP_fast_assign(__entry->uid = softmap_uid(obj->uid);
				   __entry->key_len = obj->key_len;
				   __entry->size = obj->val_len;
				   __entry->age_ms = softmap_obj_age_ms(obj);),
		    TP_printk("uid=%u key_len=%u size=%u age_ms=%llu",
			      __entry->uid, __entry->key_len, __entry->size,
			      __entry->age_ms)
);

DEFINE_EVENT(softmap_evict, evict,
	     TP_PROTO(const struct softmap_obj *obj),
	     TP_ARGS(obj)
);

/*
 * softmap:shrink - a shrinker scan or a reclaim pass done.  @nr_to_scan
 * is a scan's quota of objects (0 for a pass); @target the bytes a pass
 * evicted down to, -1 when there was no such target (a scan, or a pass
 * that only compacts); @evicted the objects evicted.
 */
DECLARE_EVENT_CLASS(softmap_shrink,
		    TP_PROTO(enum softmap_shrink_source source,
			     unsigned long nr_to_scan, s64 target, u64 evicted),
		    TP_ARGS(source, nr_to_scan, target, evicted),
		    TP_STRUCT__entry(__field(u32, source)
				     __field(unsigned long, nr_to_scan)
				     __field(s64, target)
				     __field(u64, evicted)),
		    TP_fast_assign(__entry->source = source;
				   __entry->nr_to_scan = nr_to_scan;
				   __entry->target = target;
				   __entry->evicted = evicted;),
		    TP_printk("source=%s nr_to_scan=%lu target=%lld evicted=%llu",
			      __print_symbolic(__entry->source,
					       { SOFTMAP_SHRINK_SCAN, "scan" },
					       { SOFTMAP_SHRINK_CMD, "cmd" },
					       { SOFTMAP_SHRINK_SYSFS, "sysfs" }),
			      __entry->nr_to_scan, __entry->target,
			      __entry->evicted)
);

DEFINE_EVENT(softmap_shrink, shrink,
	     TP_PROTO(enum softmap_shrink_source source,
		      unsigned long nr_to_scan, s64 target, u64 evicted),
	     TP_ARGS(source, nr_to_scan, target, evicted)
);

/*
 * softmap:compact - a compaction done: the objects moved into the new
 * cache generation, and the slab pages holding stored objects before and
 * after (both 0 when they could not be counted).
 */
DECLARE_EVENT_CLASS(softmap_compact,
		    TP_PROTO(u64 moved, u64 pages_before, u64 pages_after),
		    TP_ARGS(moved, pages_before, pages_after),
		    TP_STRUCT__entry(__field(u64, moved)
				     __field(u64, pages_before)
				     __field(u64, pages_after)),
		    TP_fast_assign(__entry->moved = moved;
				   __entry->pages_before = pages_before;
				   __entry->pages_after = pages_after;),
		    TP_printk("moved=%llu pages_before=%llu pages_after=%llu",
			      __entry->moved, __entry->pages_before,
			      __entry->pages_after)
);

DEFINE_EVENT(softmap_compact, compact,
	     TP_PROTO(u64 moved, u64 pages_before, u64 pages_after),
	     TP_ARGS(moved, pages_before, pages_after)
);

#endif /* _SOFTMAP_TRACE_H */

/* Outside the guard: define_trace.h reads this file again. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
