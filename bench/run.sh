#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [-n OBJECTS] [-s SETTLE_MS] [-S "SYSTEM ..."] [-k KERNEL] [-m MEM]
#        [-t SECONDS] [-u]
#
# The article's experiment, side by side ("make bench"): build the drivers
# (bench/Makefile), stage them with Debian's redis-server and memcached,
# boot KERNEL (default stock-6.12) in QEMU with softmap.ko loaded
# (scripts/vm/run.sh -a), run bench/guest.sh there, then turn its output
# into one table and a plot (bench/report.py, gnuplot):
#
#   build/bench/results.log   the guest's output (BENCH lines)
#   build/bench/table.txt     the table printed at the end
#   build/bench/table.md      the same in Markdown, with the cross-checks
#   build/bench/memory.png    memory held after each step, one line a system
#
# -n OBJECTS (default 1000000), -s SETTLE_MS pause before each reading
# (default 1000), -S the systems to run (default: all six, in the order
# of $systems below), -m guest memory (default 4G), -t guest time limit
# (default 1500 s).  -u: also publish the run: copy the plot to
# bench/results/memory.png and replace the measured section of
# BENCHMARKS.md.  The packages come from scripts/deps.sh --bench.  The guest's logs are scripts/vm/run.sh's,
# build/vm/KERNEL/: do not run "make check" on the same kernel meanwhile.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/bench
objects=1000000 settle=1000 kernel=stock-6.12 mem=4G tmo=1500 update=0
systems="go redis memcached bpf-prealloc bpf-noprealloc softmap"
while getopts n:s:S:k:m:t:u opt; do
	case $opt in
	n) objects=$OPTARG ;;
	s) settle=$OPTARG ;;
	S) systems=$OPTARG ;;
	k) kernel=$OPTARG ;;
	m) mem=$OPTARG ;;
	t) tmo=$OPTARG ;;
	u) update=1 ;;
	*) sed -n '4,5s/^# //p' "$0" >&2; exit 2 ;;
	esac
done

say() { echo "bench: $*"; }

for tool in redis-server memcached gnuplot go qemu-system-x86_64; do
	command -v "$tool" >/dev/null ||
		{ say "$tool missing: run scripts/deps.sh --bench" >&2; exit 1; }
done

say "building the drivers"
make -s -C "$top/bench" OUT="$out"

# The stage: drivers (built above), the peers' servers, the settings.
stage=$out/stage
install -m 0755 "$(readlink -f "$(command -v redis-server)")" "$stage/bin/redis-server"
install -m 0755 "$(readlink -f "$(command -v memcached)")" "$stage/bin/memcached"
# Each driver's own bound, against a hang; the guest's is -t.
limit=$((tmo - 120 < 600 ? tmo - 120 : 600))
cat >"$stage/bench.conf" <<CONF
OBJECTS=$objects
SETTLE_MS=$settle
SYSTEMS="$systems"
LIMIT_S=$limit
CONF

say "booting $kernel ($mem) for: $systems; $objects objects; progress follows"
vmout=$top/build/vm/$kernel
mkdir -p "$vmout"
t0=$(date +%s)
# -n: the drivers carry libsoftmap; the CLI and the selftests are not needed.
"$top/scripts/vm/run.sh" -k "$kernel" -n -s "$top/bench/guest.sh" \
	-a "$stage" -m "$mem" -t "$tmo" >"$out/vm.log" 2>&1 &
vm=$!
# Progress: follow the guest's output as the serial port writes it.
tail -n 0 -F "$vmout/results.log" 2>/dev/null > >(sed -u -n 's/\r$//
	/^BENCH [^ ]* \(info\|rate\|defrag\|shrink\|freeosmemory\) /d
	s/^/  guest: /p') &
follower=$!
rc=0
wait $vm || rc=$?
sleep 1
kill $follower 2>/dev/null || true
wait $follower 2>/dev/null || true
if [ $rc != 0 ]; then
	say "scripts/vm/run.sh failed; its output:" >&2
	cat "$out/vm.log" >&2
	exit 1
fi
tr -d '\r' <"$vmout/results.log" >"$out/results.log"
cp "$vmout/console.log" "$out/console.log"
say "guest done in $(($(date +%s) - t0)) s"

# What ran where, for the report.
{
	echo "command=bench/run.sh $*"
	echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
	echo "host_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
	echo "host_cpus=$(nproc)"
	echo "tree=$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "qemu=$(qemu-system-x86_64 --version | head -1)"
	echo "guest_mem=$mem"
	echo "objects=$objects"
	echo "settle_ms=$settle"
	echo "go=$(go version | cut -d' ' -f3)"
	echo "redis=$(redis-server --version | sed 's/.* v=\([^ ]*\) .* malloc=\([^ ]*\) .*/\1 (\2)/')"
	echo "memcached=$(memcached -V | cut -d' ' -f2)"
} >"$out/run.info"

python3 "$top/bench/report.py" --results "$out/results.log" \
	--info "$out/run.info" --out "$out"
gnuplot -e "data='$out/plot.dat'; pct='$out/plot-pct.dat'; png='$out/memory.png'; objects='$(printf "%d" "$objects" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')'" \
	"$top/bench/plot.gp"
cat "$out/table.txt"
say "plot: $out/memory.png; Markdown: $out/table.md"

if [ $update = 1 ]; then
	mkdir -p "$top/bench/results"
	cp "$out/memory.png" "$top/bench/results/memory.png"
	python3 "$top/bench/report.py" --publish "$top/BENCHMARKS.md" \
		--out "$out"
	say "updated BENCHMARKS.md and bench/results/memory.png"
fi

grep -q '^SOFTMAP-EXIT script 0' "$out/results.log" || {
	say "at least one system failed (see the table and $out/results.log)" >&2
	exit 1
}
