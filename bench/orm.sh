#!/bin/sh
# bench/orm.sh - the ORM against hand-written SQLite, in instructions.
#
# build/bench/orm_bench reads the 20 newest published of 1,000 posts into
# struct blog_post rows two ways (see bench/orm_bench.c): through the ORM
# and by hand with sqlite3 prepare / bind / step / copy.  This script runs
# it once as is (median wall times, and the check that both ways return
# the same rows), then once under callgrind per measured function, and
# prints the instruction ratios:
#   per request  open the connection, run the query once, close: what one
#                CGI process pays (the schema parse is in both columns)
#   query only   the statement already prepared, the steady state
# Target (issue 3): the ORM <= 1.15x hand-written, in instructions.
set -u
cd "$(dirname "$0")/.." || exit 2
prog=build/bench/orm_bench
if [ ! -x "$prog" ]; then
	echo "orm: $prog missing (make $prog)" >&2
	exit 1
fi
"$prog" || exit 1
if ! command -v valgrind >/dev/null 2>&1; then
	echo "orm: valgrind not installed; instruction counts skipped"
	exit 0
fi
count() { # $1 = function: its instructions over the program's runs
	valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		--toggle-collect="$1" "$prog" 2>&1 |
		sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
or=$(count bench_orm_request)
rr=$(count bench_raw_request)
oq=$(count bench_orm_query)
rq=$(count bench_raw_query)
for v in "$or" "$rr" "$oq" "$rq"; do
	case $v in
	'' | *[!0-9]*) echo "orm: no callgrind count" >&2; exit 1 ;;
	esac
done
echo "instructions (callgrind, all runs of each function):"
awk -v or="$or" -v rr="$rr" -v oq="$oq" -v rq="$rq" 'BEGIN {
	printf "  per request: orm %d, hand-written %d, ratio %.3fx\n", or, rr, or / rr
	printf "  query only:  orm %d, hand-written %d, ratio %.3fx\n", oq, rq, oq / rq
	printf "  target <= 1.15x per request: %s\n", or / rr <= 1.15 ? "met" : "NOT met"
}'
