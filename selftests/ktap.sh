# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# ktap.sh: TAP for the shell selftests, sourced by each of them.  Set
# KTAP_SHOW first: the files a failed case shows as diagnostics when they
# are not empty, blank-separated, expanded when a case fails (so it may
# name "$T/out" before T is set).  Sourcing prints the version line and
# defines:
#
#   ok DESC           a passed case
#   nok DESC          a failed case, with the KTAP_SHOW files; returns 0,
#                     so that "COND && ok DESC || nok DESC" is an if-else
#   skip DESC WHY     a skipped case
#   skip_all WHY      skip the whole program: plan 1..0, exit 4
#   expect DESC RC [OUT_RE [ERR_RE]]
#                     a case on the last command run, whose status is in
#                     $rc, standard output in $T/out and error in $T/err:
#                     it passes when the status is RC and the outputs
#                     match the extended regular expressions given
#
# n counts the cases and nfail the failed ones.

n=0
nfail=0
echo "TAP version 13"

ok() {
	n=$((n + 1))
	echo "ok $n $1"
}

nok() {
	n=$((n + 1))
	nfail=$((nfail + 1))
	echo "not ok $n $1"
	for f in $(eval "echo ${KTAP_SHOW:-}"); do
		[ -s "$f" ] && head -c 3000 "$f" | sed 's/^/#   /'
	done
	return 0
}

skip() {
	n=$((n + 1))
	echo "ok $n $1 # SKIP $2"
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 4
}

expect() {
	# shellcheck disable=SC2154 # rc is the test's, set by its last command
	if [ "$rc" != "$2" ]; then
		nok "$1 (exit $rc, expected $2)"
	elif [ -n "${3:-}" ] && ! grep -qE -e "$3" "$T/out"; then
		nok "$1 (stdout lacks /$3/)"
	elif [ -n "${4:-}" ] && ! grep -qE -e "$4" "$T/err"; then
		nok "$1 (stderr lacks /$4/)"
	else
		ok "$1"
	fi
}
