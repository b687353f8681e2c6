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
