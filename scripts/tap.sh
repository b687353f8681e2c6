# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# tap.sh: TAP for the host-side checks (lint.sh, install-check.sh),
# sourced by them.  Set TAP_WHAT (the word before each case's name)
# first.
#
#   check NAME LOGFILE   a case that passes when the step before it left
#                        LOGFILE empty; otherwise its first 40 lines are
#                        the diagnostics
#   tap_counts           the closing "# counts PASSED FAILED SKIPPED"
#                        line, and a status of 0 only when nothing failed

n=0 passed=0 failed=0

check() {
	n=$((n + 1))
	if [ ! -s "$2" ]; then
		echo "ok $n $TAP_WHAT: $1"
		passed=$((passed + 1))
	else
		echo "not ok $n $TAP_WHAT: $1"
		sed 's/^/#   /' "$2" | head -40
		failed=$((failed + 1))
	fi
}

tap_counts() {
	echo "# counts $passed $failed 0"
	[ "$failed" -eq 0 ]
}
