#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the guest's BENCH lines into the benchmark's table and plot data.

    report.py --results LOG --info RUN_INFO --out DIR
        writes DIR/table.txt, DIR/table.md, DIR/plot.dat, DIR/plot-pct.dat
    report.py --publish BENCHMARKS.md --out DIR
        replaces the text between the "bench:begin" and "bench:end"
        markers of BENCHMARKS.md with DIR/table.md

Definitions (the same for every system and every metric):
    held(step) = value(step) - value(baseline), the baseline read before
                 loading (for MemFree, which falls as memory is used:
                 value(baseline) - value(step));
    peak       = the largest held over load, del1..del10 and pressure;
    after      = held(pressure);
    returned   = (peak - after) / (0.9 * peak): 1.0 is everything the
                 deleted 90% of the objects occupied, 0 is nothing.
"""
import argparse
import math
import re
import sys

STEPS = ["load"] + ["del%d" % i for i in range(1, 11)] + ["pressure"]
MIB = 1024.0 * 1024.0

# system -> (title, [(metric label, key, inverted)]); the first is the main
# figure.  "slab+table" is computed from "slab" and "table".
SYSTEMS = [
    ("go", "Go map[string]*User", [
        ("RSS", "rss", False),
        ("HeapInuse", "heap_inuse", False)]),
    ("redis", "Redis", [
        ("RSS", "rss", False),
        ("used_memory", "used_memory", False),
        ("used_memory_rss", "used_memory_rss", False)]),
    ("memcached", "memcached", [
        ("RSS", "rss", False),
        ("item bytes", "bytes", False)]),
    ("bpf-prealloc", "BPF hash (prealloc)", [
        ("kmem", "kmem", False),
        ("fdinfo memlock", "memlock", False),
        ("MemFree drop", "memfree", True)]),
    ("bpf-noprealloc", "BPF hash (NO_PREALLOC)", [
        ("kmem", "kmem", False),
        ("fdinfo memlock", "memlock", False),
        ("MemFree drop", "memfree", True)]),
    ("softmap", "softmap", [
        ("kmem", "kmem", False),
        ("slab+table", "slab+table", False),
        ("slab", "slab", False),
        ("bytes_allocated", "bytes_allocated", False),
        ("MemFree drop", "memfree", True)]),
]
TITLE = {s: t for s, t, _ in SYSTEMS}


def kv(words):
    out = {}
    for w in words:
        if "=" in w:
            k, v = w.split("=", 1)
            out[k] = v
    return out


def parse(path):
    """Return (guest info, {system: record})."""
    guest, systems = {}, {}
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line.startswith("BENCH-GUEST "):
                guest = kv(line.split()[1:])
                continue
            if line.startswith("BENCH-SYS "):
                systems.setdefault(line.split()[1], {"steps": {}})
                continue
            m = re.match(r"^BENCH (\S+) (\S+) ?(.*)$", line)
            if not m:
                continue
            name, step, rest = m.groups()
            rec = systems.setdefault(name, {"steps": {}})
            if step == "error":
                rec.setdefault("error", rest)
            elif step in ("baseline",) + tuple(STEPS):
                vals = {}
                for k, v in kv(rest.split()).items():
                    try:
                        vals[k] = int(v)
                    except ValueError:
                        pass
                if "slab" in vals and "table" in vals and vals["slab"] >= 0:
                    vals["slab+table"] = vals["slab"] + vals["table"]
                rec["steps"][step] = vals
            elif step == "rate":
                r = kv(rest.split())
                rec["rate_" + r.get("step", "?")] = float(r.get("ops_per_s", "nan"))
            elif step == "defrag" and rest.startswith("unavailable"):
                rec["note"] = "active defrag unavailable: " + \
                    rest.split("- ", 1)[-1].split(" like ")[0]
            elif step == "defrag":
                r = kv(rest.split())
                rec["note"] = "active defrag ran %ss (settled=%s, hits=%s)" % (
                    r.get("seconds"), r.get("settled"), r.get("hits"))
            elif step == "shrink":
                r = kv(rest.split())
                rec["note"] = "shrink took %ss, evicted %s" % (
                    r.get("seconds"), r.get("evicted"))
            elif step == "freeosmemory":
                rec["note"] = "FreeOSMemory took %ss" % kv(rest.split()).get("seconds")
            else:
                rec[step] = kv(rest.split())
    return guest, systems


def series(rec, key, inverted):
    """held bytes per step for one metric, None where missing."""
    steps = rec["steps"]
    base = steps.get("baseline", {}).get(key)
    if base is None or base < 0:
        return None
    out = []
    for s in STEPS:
        v = steps.get(s, {}).get(key)
        if v is None or v < 0:
            out.append(None)
        else:
            out.append(base - v if inverted else v - base)
    return out


def summary(held):
    """(peak, after deletes, after pressure, returned) or Nones."""
    if not held or all(h is None for h in held):
        return None, None, None, None
    peak = max(h for h in held if h is not None)
    after_del, after = held[STEPS.index("del10")], held[-1]
    ret = None
    if peak and peak > 0 and after is not None:
        ret = (peak - after) / (0.9 * peak)
    return peak, after_del, after, ret


def thousands(v):
    return "{:,}".format(int(v)) if str(v).isdigit() else v


def mib(v):
    return "-" if v is None else "%.1f" % (v / MIB)


def frac(v):
    return "-" if v is None else "%.2f" % v


def rate(v):
    if v is None or math.isnan(v):
        return "-"
    return "%.0fk" % (v / 1000) if v >= 1000 else "%.0f" % v


def status(rec):
    if "error" in rec:
        return "failed: " + rec["error"]
    el = rec.get("elapsed", {})
    if el.get("status") not in (None, "0"):
        return "failed: driver exit status %s%s" % (
            el["status"], " (time limit)" if el["status"] in ("124", "143") else "")
    if "done" not in rec:
        return "failed: no result (guest stopped early?)"
    return None


def build(guest, systems, info):
    rows, cross = [], []
    order = {r.get("info", {}).get("order") for r in systems.values()} - {None}
    for name, title, metrics in SYSTEMS:
        if name not in systems:
            continue
        rec = systems[name]
        bad = status(rec)
        label, key, inv = metrics[0]
        held = series(rec, key, inv)
        peak, after_del, after, ret = summary(held)
        live = rec.get("done", {}).get("live", "-")
        rows.append({
            "name": name, "title": title, "metric": label, "peak": peak,
            "after_del": after_del, "after": after, "returned": ret,
            "live": live, "load": rec.get("rate_load"),
            "delete": rec.get("rate_delete"), "status": bad,
            "note": rec.get("note", ""), "held": held,
            "elapsed": rec.get("elapsed", {}).get("seconds", "-")})
        for label, key, inv in metrics:
            p, ad, a, r = summary(series(rec, key, inv))
            if p is not None:
                cross.append((title, label, p, ad, a, r))
    return rows, cross, order


def write_text(path, rows, order, info, guest):
    hdr = ("%-24s %-7s %9s %9s %9s %9s %8s %7s %7s %5s" %
           ("system", "memory", "peak MiB", "del MiB", "after MiB",
            "returned", "live", "put/s", "del/s", "secs"))
    lines = [hdr, "-" * len(hdr)]
    for r in rows:
        if r["status"] and r["peak"] is None:
            lines.append("%-24s %s" % (r["title"], r["status"]))
            continue
        lines.append("%-24s %-7s %9s %9s %9s %9s %8s %7s %7s %5s" % (
            r["title"], r["metric"], mib(r["peak"]), mib(r["after_del"]),
            mib(r["after"]), frac(r["returned"]), r["live"], rate(r["load"]),
            rate(r["delete"]), r["elapsed"]))
        if r["status"]:
            lines.append("%-24s   %s" % ("", r["status"]))
    lines.append("")
    lines.append("held = memory minus the baseline read before loading; peak = "
                 "largest held; del = after the 10th batch; after = after pressure;")
    lines.append("returned = (peak - after) / (0.9 x peak).  Guest: %s, %s CPUs, "
                 "%s." % (guest.get("kernel", "?"), guest.get("cpus", "?"),
                          guest.get("memtotal", "?")))
    if len(order) > 1:
        lines.append("WARNING: the drivers disagree on the delete order: %s"
                     % ", ".join(sorted(order)))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def write_md(path, rows, cross, order, info, guest):
    out = []
    out.append("Command: `%s` (`make bench`), %s." % (
        info.get("command", "bench/run.sh").strip(), info.get("date", "?")))
    out.append("")
    out.append("Guest: Linux %s, %s vCPUs, MemTotal %s, under %s (TCG, no KVM) on a "
               "%s-CPU host (%s).  softmap %s (tree %s).  %s objects, %s ms pause "
               "before each reading.  Peers: %s, Redis %s, memcached %s." % (
                   guest.get("kernel", "?"), guest.get("cpus", "?"),
                   guest.get("memtotal", "?"), info.get("qemu", "?"),
                   info.get("host_cpus", "?"), info.get("host_cpu", "?"),
                   guest.get("softmap", "?"), info.get("tree", "?"),
                   thousands(info.get("objects", "?")), info.get("settle_ms", "?"),
                   info.get("go", "?"), info.get("redis", "?"),
                   info.get("memcached", "?")))
    out.append("")
    out.append("| system | memory held | peak MiB | after deletes MiB | after pressure MiB"
               " | returned | live after | put/s | del/s | notes |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        note = r["status"] or r["note"]
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["title"], r["metric"], mib(r["peak"]), mib(r["after_del"]),
            mib(r["after"]), frac(r["returned"]), thousands(r["live"]),
            rate(r["load"]), rate(r["delete"]), note.replace("|", "/")))
    out.append("")
    out.append("Cross-checks: the same readings through every other figure each "
               "system exposes (definitions above):")
    out.append("")
    out.append("| system | metric | peak MiB | after deletes MiB | after pressure MiB | returned |")
    out.append("|---|---|---:|---:|---:|---:|")
    for title, label, p, ad, a, ret in cross:
        out.append("| %s | %s | %s | %s | %s | %s |" % (
            title, label, mib(p), mib(ad), mib(a), frac(ret)))
    out.append("")
    out.append("Memory held after each step, per system (MiB above the baseline):")
    out.append("")
    out.append("| step | " + " | ".join(r["title"] for r in rows) + " |")
    out.append("|---|" + "---:|" * len(rows))
    for i, s in enumerate(STEPS):
        out.append("| %s | " % s + " | ".join(
            mib(r["held"][i]) if r["held"] else "-" for r in rows) + " |")
    if len(order) > 1:
        out.append("")
        out.append("**Warning**: the drivers disagree on the delete order: %s."
                   % ", ".join(sorted(order)))
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def write_plot(out, rows):
    rows = [r for r in rows if r["held"] and any(h is not None for h in r["held"])]
    with open(out + "/plot.dat", "w") as f:
        f.write("x step " + " ".join('"%s"' % r["title"] for r in rows) + "\n")
        for i, s in enumerate(STEPS):
            vals = []
            for r in rows:
                h = r["held"][i] if r["held"] else None
                vals.append("NaN" if h is None else "%.3f" % (h / MIB))
            f.write("%d %s %s\n" % (i, s, " ".join(vals)))
    with open(out + "/plot-pct.dat", "w") as f:
        f.write("x step " + " ".join('"%s"' % r["title"] for r in rows) +
                ' "ideal (live objects)"\n')
        for i, s in enumerate(STEPS):
            vals = []
            for r in rows:
                h = r["held"][i] if r["held"] else None
                vals.append("NaN" if h is None or not r["peak"] else
                            "%.2f" % (100.0 * h / r["peak"]))
            ideal = 100.0 - 9.0 * min(i, 10)
            f.write("%d %s %s %.1f\n" % (i, s, " ".join(vals), ideal))


def publish(doc, out):
    with open(out + "/table.md") as f:
        table = f.read()
    with open(doc) as f:
        text = f.read()
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    if begin not in text or end not in text:
        sys.exit("report.py: %s lacks the %s / %s markers" % (doc, begin, end))
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(doc, "w") as f:
        f.write(head + begin + "\n" + table + end + tail)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--results")
    ap.add_argument("--info")
    ap.add_argument("--out", required=True)
    ap.add_argument("--publish")
    a = ap.parse_args()
    if a.publish:
        publish(a.publish, a.out)
        return
    if not a.results:
        ap.error("--results is required")
    info = {}
    if a.info:
        with open(a.info) as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    info[k] = v
    guest, systems = parse(a.results)
    rows, cross, order = build(guest, systems, info)
    if not rows:
        sys.exit("report.py: no system reported anything in %s" % a.results)
    write_text(a.out + "/table.txt", rows, order, info, guest)
    write_md(a.out + "/table.md", rows, cross, order, info, guest)
    write_plot(a.out, rows)


if __name__ == "__main__":
    main()
