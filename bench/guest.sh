#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The guest half of "make bench": runs as root in the QEMU guest with
# softmap.ko loaded; bench/run.sh packs the drivers, the peers' servers and
# bench.conf into /softmap/extra.  Runs each system of $SYSTEMS in turn,
# one at a time, each starting from a quiet guest, and prints the drivers'
# BENCH lines (see bench/src/workload.h) plus:
#
#   BENCH-GUEST key=value ...     the guest: kernel, CPUs, memory
#   BENCH-SYS <system>            a system starts
#   BENCH <system> elapsed seconds=<s> status=<driver exit status>
X=/softmap/extra
B=$X/bin
# shellcheck source=/dev/null
. "$X/bench.conf"	# OBJECTS, SETTLE_MS, SYSTEMS, LIMIT_S

ip link set lo up

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1 | tr ' ' '_')
echo "BENCH-GUEST kernel=$(uname -r) cpus=$(nproc)" \
	"memtotal=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)kB" \
	"softmap=$(cat /sys/module/softmap/version 2>/dev/null || echo none) cpu=$cpu"

# Let the guest settle between systems: nothing of the previous one left.
quiet() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 2
}

# wait_gone PID: wait for a server to exit (bounded), then make sure.
wait_gone() {
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

run_go() {
	timeout "$LIMIT_S" "$B/gomap" -n "$OBJECTS" -s "$SETTLE_MS"
}

run_redis() {
	"$B/redis-server" --port 0 --unixsocket /tmp/redis.sock \
		--unixsocketperm 700 --save '' --appendonly no \
		--daemonize no --logfile /tmp/redis.log &
	pid=$!
	timeout "$LIMIT_S" "$B/redis_load" -S /tmp/redis.sock \
		-n "$OBJECTS" -s "$SETTLE_MS"
	rc=$?
	kill "$pid"
	wait_gone "$pid"
	[ $rc = 0 ] || sed 's/^/redis.log: /' /tmp/redis.log
	return $rc
}

run_memcached() {
	# -m: room for every object (about 200 MB with item headers).
	"$B/memcached" -u root -m 2048 -s /tmp/memcached.sock -a 0700 &
	pid=$!
	timeout "$LIMIT_S" "$B/memcached_load" -S /tmp/memcached.sock \
		-n "$OBJECTS" -s "$SETTLE_MS"
	rc=$?
	kill "$pid"
	wait_gone "$pid"
	return $rc
}

run_bpf_prealloc() {
	timeout "$LIMIT_S" "$B/bpf_load" -n "$OBJECTS" -s "$SETTLE_MS"
}

run_bpf_noprealloc() {
	timeout "$LIMIT_S" "$B/bpf_load" -p -n "$OBJECTS" -s "$SETTLE_MS"
}

run_softmap() {
	timeout "$LIMIT_S" "$B/softmap_load" -n "$OBJECTS" -s "$SETTLE_MS"
}

status=0
for sys in $SYSTEMS; do
	quiet
	echo "BENCH-SYS $sys"
	start=$(date +%s)
	case $sys in
	go) run_go ;;
	redis) run_redis ;;
	memcached) run_memcached ;;
	bpf-prealloc) run_bpf_prealloc ;;
	bpf-noprealloc) run_bpf_noprealloc ;;
	softmap) run_softmap ;;
	*) echo "BENCH $sys error unknown system"; false ;;
	esac
	rc=$?
	[ $rc = 0 ] || status=1
	echo "BENCH $sys elapsed seconds=$(($(date +%s) - start)) status=$rc"
done
exit $status
