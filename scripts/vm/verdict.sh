#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# verdict.sh KERNEL - turn build/vm/KERNEL/{results,console}.log into one
# TAP stream and a verdict.  Every test case a program reported is a case
# here; so is each of these guest-wide checks:
#   - every program exited, with its plan complete and a clean status;
#   - the module unloaded at the end;
#   - no taint beyond out-of-tree (O) and unsigned (E) modules;
#   - the results ended (a hung or crashed guest fails here);
#   - on debug kernels: the guest ran on 2 CPUs, lockdep was still on at
#     the end (it switches itself off at its first report), and kmemleak
#     was present and its scans worked;
#   - the console log holds no kernel splat (BUG, WARNING, Oops, KASAN,
#     lockdep, RCU stall, kmemleak report, slab errors, panics).
# The last line is "# counts PASSED FAILED SKIPPED"; the exit status is 0
# only when nothing failed.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
kernel=${1:?usage: verdict.sh KERNEL}
dir=$top/build/vm/$kernel
results=$dir/results.log
console=$dir/console.log
touch "$results" "$console"

# A splat is a report, not a banner: the debug kernel names kmemleak and
# KASAN when it boots.  "Call Trace:" catches any other stack dump.
splat='BUG[: ]|WARNING:|Oops|general protection fault|Kernel panic|'
splat+='KASAN:|UBSAN:|Call Trace:|detected stall|rcu_.*self-detected|'
splat+='unreferenced object|still has objects|blocked for more than|'
splat+='possible recursive locking|inconsistent lock state|'
splat+='circular locking|suspicious RCU usage|kernel BUG'

tr -d '\r' <"$results" | awk -v kernel="$kernel" '
function emit(ok, what, why) {
	n++
	if (ok == "skip") { skipped++; printf "ok %d %s %s # SKIP %s\n", n, kernel, what, why; return }
	if (ok) { passed++; printf "ok %d %s %s\n", n, kernel, what }
	else { failed++; printf "not ok %d %s %s%s\n", n, kernel, what, why == "" ? "" : " # " why }
}
function close_prog(status) {
	if (prog == "") return
	if (status == "")
		emit(0, prog, "no exit status: the guest died or timed out")
	else if (plan != "" && seen < plan)
		emit(0, prog, sprintf("%d of %d planned results", seen, plan))
	else if (seen == 0)
		emit(0, prog, "ran no test")
	else if (status != 0 && status != 4 && bad == 0)
		emit(0, prog, "exit status " status)
	prog = ""
}
/^SOFTMAP-BEGIN / { begun = 1; printf "# %s: %s\n", kernel, $3; next }
/^SOFTMAP-PROG / { close_prog(""); prog = $2; plan = ""; seen = 0; bad = 0; next }
/^SOFTMAP-EXIT / {
	if ($4 != "") printf "# %s: %s took %ss\n", kernel, prog, $4
	close_prog($3)
	next
}
/^SOFTMAP-RMMOD / { rmmod = $2; next }
/^SOFTMAP-TAINT / { taint = $2; next }
/^SOFTMAP-KMEMLEAK / { kmemleak = $2; next }
/^SOFTMAP-DEBUG-LOCKS / { debug_locks = $2; next }
/^SOFTMAP-CPUS / { cpus = $2; next }
/^SOFTMAP-END/ { ended = 1; next }
prog != "" && /^1\.\.[0-9]+/ { plan = substr($1, 4) + 0 }
prog != "" && /^(not )?ok [0-9]+/ {
	seen++
	line = $0
	sub(/^(not )?ok [0-9]+ *(- *)?/, "", line)
	what = prog ": " line
	if ($0 ~ /# *SKIP/) {
		why = line; sub(/.*# *SKIP */, "", why); sub(/ *# *SKIP.*/, "", what)
		emit("skip", what, why)
	} else if ($1 == "ok") {
		emit(1, what)
	} else {
		bad++
		emit(0, what)
	}
	next
}
{ if (prog != "") print "#   " $0 }
END {
	close_prog("")
	if (!begun) emit(0, "guest started", "no results at all")
	emit(rmmod == "0", "module unloads at the end", rmmod == "" ? "not reached" : "rmmod status " rmmod)
	# O (4096) and E (8192) are expected for an out-of-tree, unsigned module.
	t = taint + 0
	emit(taint != "" && (t == 0 || t == 4096 || t == 8192 || t == 12288),
	     "kernel not tainted beyond O/E", "tainted=" taint)
	emit(ended, "results complete", "no end marker: the guest died or timed out")
	if (kernel ~ /^debug-/) {
		emit(cpus == 2, "guest ran on 2 CPUs", "CPUs: " (cpus == "" ? "not reported" : cpus))
		emit(debug_locks == "1", "lockdep still on at the end",
		     "debug_locks: " (debug_locks == "" ? "not reported" : debug_locks))
		emit(kmemleak == "scanned", "kmemleak present and scanned",
		     "kmemleak: " (kmemleak == "" ? "not reported" : kmemleak))
	}
	printf "%d %d %d\n", passed, failed, skipped > "/dev/stderr"
}' 2>"$dir/.counts"
read -r passed failed skipped <"$dir/.counts"
n=$((passed + failed + skipped + 1))
if grep -aqE "$splat" "$console"; then
	echo "not ok $n $kernel kernel log clean # splat in $console:"
	grep -aE -m 20 -B 2 -A 12 "$splat" "$console" | sed 's/^/#   /'
	failed=$((failed + 1))
else
	echo "ok $n $kernel kernel log clean"
	passed=$((passed + 1))
fi
echo "1..$n"
echo "# counts $passed $failed $skipped"
[ "$failed" -eq 0 ]
