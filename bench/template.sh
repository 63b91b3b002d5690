#!/bin/sh
# bench/template.sh - the template engine's instructions against the floor.
#
# Runs build/bench/template_bench once under callgrind and reads the
# inclusive instruction counts of its three measured functions:
#   bench_template  the blog's post list (20 rows) rendered by the engine
#   bench_hand      hand-written C printing the same bytes, same escaping
#   bench_parse     parsing the two templates (once per CGI process)
# and prints the ratios.  Target (issue 4): render <= 1.5x the floor.
set -u
cd "$(dirname "$0")/.." || exit 2
prog=build/bench/template_bench
pages=${TEMPLATE_BENCH_PAGES:-500}
if [ ! -x "$prog" ]; then
	echo "template: $prog missing (make $prog)" >&2
	exit 1
fi
if ! command -v valgrind >/dev/null 2>&1 || ! command -v callgrind_annotate >/dev/null 2>&1; then
	echo "template: valgrind not installed; instruction counts skipped"
	exit 0
fi
out=$(mktemp "${TMPDIR:-/tmp}/template-cg.XXXXXX") || exit 2
trap 'rm -f "$out"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out" "$prog" "$pages" >/dev/null 2>&1 || {
	echo "template: $prog failed under callgrind" >&2
	exit 1
}
callgrind_annotate --inclusive=yes "$out" 2>/dev/null | awk -v pages="$pages" '
	/bench_template[.(]/ && !t { gsub(",", "", $1); t = $1 }
	/bench_hand[.(]/ && !h { gsub(",", "", $1); h = $1 }
	/bench_parse[.(]/ && !p { gsub(",", "", $1); p = $1 }
	END {
		if (!t || !h || !p) { print "template: counts not found"; exit 1 }
		printf "instructions per page: hand-written %d, template %d, parse %d\n", h / pages, t / pages, p / pages
		printf "template render / hand-written: %.2fx instructions (target <= 1.5x: %s)\n", t / h, t / h <= 1.5 ? "met" : "MISSED"
		printf "render + parse / hand-written:  %.2fx instructions (a fresh CGI process)\n", (t + p) / h
	}'
