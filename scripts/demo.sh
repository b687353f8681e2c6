#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - boot Debian's stock 6.12 kernel in QEMU with softmap loaded and
# run scripts/demo-guest.sh in it: a short session with the softmap tool.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
echo "demo: building and booting stock-6.12 (first run fetches the kernel)..."
"$top/scripts/vm/run.sh" -k stock-6.12 -s "$top/scripts/demo-guest.sh" >/dev/null
results=$top/build/vm/stock-6.12/results.log
tr -d '\r' <"$results" | sed -n '/^SOFTMAP-PROG/,/^SOFTMAP-EXIT/p' | sed '1d;$d'
grep -q '^SOFTMAP-EXIT script 0' "$results" || {
	echo "demo: the guest session failed; see $results and" \
		"build/vm/stock-6.12/console.log" >&2
	exit 1
}
