# bench/lib.sh - helpers shared by Wick's benchmarks (sourced, not run).
# shellcheck shell=bash
#
# Every benchmark compares something Wick does with a floor measured in the
# same run on the same machine, so they all need the same few tools: a CGI
# environment for one request, exec timing without a shell in the way
# (build/bench/spawn), callgrind instruction counts, medians and ratios.
# bench/run sources this file; extra benches (bench/*.sh, build/bench/*_bench)
# may source it too: bench/run exports WICK_ROOT, so
#     . "$WICK_ROOT/bench/lib.sh"
# works from anywhere.  Bash only.

: "${WICK_ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
BENCH_DIR=${BENCH_DIR:-$WICK_ROOT/build/bench}
BENCH_SPAWN=${BENCH_SPAWN:-$BENCH_DIR/spawn}

# bench_cgi_env METHOD PATH_INFO [QUERY] [CONTENT_TYPE CONTENT_LENGTH]:
# fill the array CGI_ENV with the variables Apache's mod_cgid sets for a
# request to /cgi-bin/blog.cgi PATH_INFO (use as: env -i "${CGI_ENV[@]}" prog).
# Add extra variables with CGI_ENV+=(HTTP_COOKIE=...).  WICK_CONFIG is set
# when BENCH_CONFIG names a config file.
bench_cgi_env() {
	CGI_ENV=(
		GATEWAY_INTERFACE=CGI/1.1
		SERVER_PROTOCOL=HTTP/1.1
		SERVER_SOFTWARE=Apache/2.4
		SERVER_NAME=127.0.0.1
		SERVER_ADDR=127.0.0.1
		SERVER_PORT=80
		REQUEST_SCHEME=http
		REMOTE_ADDR=127.0.0.1
		REMOTE_PORT=50000
		REQUEST_METHOD="$1"
		SCRIPT_NAME=/cgi-bin/blog.cgi
		SCRIPT_FILENAME=/usr/lib/cgi-bin/blog.cgi
		PATH_INFO="$2"
		QUERY_STRING="${3:-}"
		REQUEST_URI="/cgi-bin/blog.cgi$2${3:+?$3}"
		HTTP_HOST=127.0.0.1
		HTTP_USER_AGENT=wick-bench
		HTTP_ACCEPT='*/*'
		PATH=/usr/bin:/bin
	)
	if [ $# -ge 5 ]; then
		CGI_ENV+=(CONTENT_TYPE="$4" CONTENT_LENGTH="$5")
	fi
	if [ -n "${BENCH_CONFIG:-}" ]; then
		CGI_ENV+=(WICK_CONFIG="$BENCH_CONFIG")
	fi
}

# median: the median of the numbers on stdin (one per line).
median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B: A / B to two decimals ("n/a" if B is 0 or not a number).
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (b + 0 == 0) print "n/a"; else printf "%.2f\n", a / b }'
}

# bench_spawn_batches OUT RUNS -- PROG ARGS: one batch of RUNS execs of
# PROG under CGI_ENV (stdin, stdout, stderr on /dev/null); appends the line
# "ns_per_exec minflt_per_exec cpu_ns_per_exec" to OUT.  Returns non-zero if PROG failed.
bench_spawn_batches() {
	local out=$1 runs=$2 line
	shift 3
	line=$(env -i "${CGI_ENV[@]}" "$BENCH_SPAWN" -n "$runs" -- "$@") || return 1
	printf '%s\n' "$line" | sed -E 's/.*ns_per_exec=([0-9.]+) minflt_per_exec=([0-9.]+).*cpu_ns_per_exec=([0-9.]+).*/\1 \2 \3/' >>"$out"
}

# bench_interleaved RUNS BATCHES NAME_A PROG_A NAME_B PROG_B: time A and B
# in alternating batches (so that drift in the machine's speed hits both
# alike); leaves one line per batch in $BENCH_DIR/NAME.samples.
bench_interleaved() {
	local runs=$1 batches=$2 na=$3 pa=$4 nb=$5 pb=$6 k
	: >"$BENCH_DIR/$na.samples"
	: >"$BENCH_DIR/$nb.samples"
	# One warm-up batch each: page cache, CPU frequency.
	bench_spawn_batches /dev/null 20 -- "$pa" || return 1
	bench_spawn_batches /dev/null 20 -- "$pb" || return 1
	for k in $(seq 1 "$batches"); do
		bench_spawn_batches "$BENCH_DIR/$na.samples" "$runs" -- "$pa" || return 1
		bench_spawn_batches "$BENCH_DIR/$nb.samples" "$runs" -- "$pb" || return 1
	done
}

# samples_median NAME COLUMN: median of column 1 (wall ns), 2 (faults) or
# 3 (CPU ns).
samples_median() {
	awk -v c="$2" '{ print $c }' "$BENCH_DIR/$1.samples" | median
}

# bench_ir PROG ARGS: total instructions (callgrind "Collected") of one exec
# of PROG under CGI_ENV, stdin from ${BENCH_STDIN:-/dev/null}.
bench_ir() {
	local log
	log=$(mktemp "$BENCH_DIR/callgrind.XXXXXX.log") || return 1
	env -i "${CGI_ENV[@]}" valgrind --tool=callgrind --log-file="$log" \
		--callgrind-out-file="$log.out" "$@" \
		<"${BENCH_STDIN:-/dev/null}" >/dev/null 2>&1
	sed -nE 's/.*Collected : ([0-9]+).*/\1/p' "$log" | tail -n 1
	rm -f "$log" "$log.out"
}

# fmt_int N: 1234567 -> 1,234,567.
fmt_int() {
	printf '%s\n' "$1" | awk '{
		n = sprintf("%.0f", $1); s = ""
		while (length(n) > 3) { s = "," substr(n, length(n) - 2) s; n = substr(n, 1, length(n) - 3) }
		print n s }'
}
