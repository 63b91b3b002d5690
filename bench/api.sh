#!/usr/bin/env bash
# bench/api.sh - GET /api/posts/ end to end, against the floor.
#
# The demo's JSON list (cgi-bin/blog/api.c): settings, request parse,
# middleware, router, one ORM query for the 20 newest published posts,
# the JSON writer, the response.  The floor is bench/floor_api.c: a static
# C CGI program that opens the same database, runs the same SELECT and
# prints the same bytes, and nothing else.  Both run on one database of
# 1,000 seeded posts, one exec at a time, from build/bench/spawn.
#
# Set-up, in a temporary folder: a config (database, secret key), then
# `migrate` and `seed 1000`.  Before measuring, both answers are checked:
# the same 20 post ids and titles or the script stops (exit 1: the floor
# would not be doing the same work); the same bytes or a warning (exit 1
# at the end).  Prints instructions of one exec each (callgrind), wall and
# CPU time per exec (medians over interleaved batches), page faults, and
# the ratios app/floor.
#
# Environment: API_RUNS (execs per batch, 100), API_BATCHES (10),
#              BENCH_APP (the binary, cgi-bin/blog.cgi).
set -u
cd "$(dirname "$0")/.." || exit 2
export WICK_ROOT=$PWD
. bench/lib.sh

APP=${BENCH_APP:-cgi-bin/blog.cgi}
FLOOR=$BENCH_DIR/floor_api
RUNS=${API_RUNS:-100}
BATCHES=${API_BATCHES:-10}
status=0
for f in "$APP" "$FLOOR" "$BENCH_SPAWN"; do
	[ -x "$f" ] || { echo "api: $f is missing (make bench)" >&2; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wick-api.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$tmp/secret.key"
chmod 600 "$tmp/secret.key"
export BENCH_CONFIG=$tmp/bench.conf
cat >"$BENCH_CONFIG" <<EOF
debug = false
allowed_hosts = 127.0.0.1 localhost
database = $tmp/blog.sqlite3
secret_key_file = $tmp/secret.key
EOF
app() { WICK_CONFIG=$BENCH_CONFIG timeout 60 "$APP" "$@"; }
app migrate >"$tmp/setup.log" 2>&1 && app seed 1000 >>"$tmp/setup.log" 2>&1 || {
	echo "api: set-up failed:" >&2
	tail -n 5 "$tmp/setup.log" >&2
	exit 1
}

# The same environment for both; the floor finds the database in FLOOR_DB.
bench_cgi_env GET /api/posts/
CGI_ENV+=(FLOOR_DB="$tmp/blog.sqlite3")

# ---- the same work? ----------------------------------------------------------
run_once() { # $1 = program, $2 = output file
	env -i "${CGI_ENV[@]}" timeout 10 "$1" </dev/null >"$2" 2>"$2.err"
}
run_once "$APP" "$tmp/app.out"
run_once "$FLOOR" "$tmp/floor.out" || {
	echo "api: $FLOOR failed (exit $?)" >&2
	exit 1
}
if ! head -n 1 "$tmp/app.out" | grep -q '^Status: 200'; then
	echo "api: GET /api/posts/ did not answer 200:" >&2
	head -n 3 "$tmp/app.out" "$tmp/app.out.err" >&2
	exit 1
fi
# {"id":N,"title":"..." of each post, escapes included.
posts() { grep -o '{"id":[0-9]*,"title":"\([^"\\]\|\\.\)*"' "$1"; }
posts "$tmp/app.out" >"$tmp/app.posts"
posts "$tmp/floor.out" >"$tmp/floor.posts"
n=$(wc -l <"$tmp/app.posts")
if [ "$n" -ne 20 ] || ! cmp -s "$tmp/app.posts" "$tmp/floor.posts"; then
	echo "api: FAIL: the floor does not list the same 20 posts as the app" >&2
	echo "api: ($n posts from the app); diff (app < > floor):" >&2
	diff "$tmp/app.posts" "$tmp/floor.posts" | head -n 10 >&2
	exit 1
fi
if cmp -s "$tmp/app.out" "$tmp/floor.out"; then
	same="yes ($(wc -c <"$tmp/app.out") bytes)"
else
	same="NO (same 20 posts)"
	status=1
	echo "api: WARNING: the floor does not print the same bytes as the app;"
	echo "api: update bench/floor_api.c.  diff (app < > floor):"
	diff <(cat -A "$tmp/app.out") <(cat -A "$tmp/floor.out") | head -n 10
fi
if [ -s "$tmp/app.out.err" ]; then
	echo "api: note: the app wrote to stderr (a log line per request costs too):"
	head -n 3 "$tmp/app.out.err"
fi

# ---- instructions of one exec each --------------------------------------------------
ir_app=
ir_floor=
if command -v valgrind >/dev/null 2>&1; then
	ir_app=$(bench_ir "$APP")
	ir_floor=$(bench_ir "$FLOOR")
	[ -n "$ir_app" ] && [ -n "$ir_floor" ] ||
		{ echo "api: callgrind gave no count" >&2; status=1; }
else
	echo "api: valgrind is missing: no instruction counts"
fi

# ---- wall time, CPU and faults: interleaved batches -----------------------------------
if ! bench_interleaved "$RUNS" "$BATCHES" api_floor "$FLOOR" api_app "$APP"; then
	echo "api: a timed run failed" >&2
	exit 1
fi
app_ns=$(samples_median api_app 1)
floor_ns=$(samples_median api_floor 1)
app_pf=$(samples_median api_app 2)
floor_pf=$(samples_median api_floor 2)
app_cpu=$(samples_median api_app 3)
floor_cpu=$(samples_median api_floor 3)

us() { awk -v n="$1" 'BEGIN { printf "%.1f", n / 1000 }'; }
echo "GET /api/posts/ (page 1 of 1,000 posts): $APP against the floor ($FLOOR)"
echo "same response bytes: $same; $BATCHES batches x $RUNS execs each; $(nproc) CPUs"
printf '%-34s %14s %14s %9s\n' "" "floor" "blog.cgi" "app/floor"
if [ -n "$ir_app" ] && [ -n "$ir_floor" ]; then
	printf '%-34s %14s %14s %8sx\n' "instructions per exec (Ir)" \
		"$(fmt_int "$ir_floor")" "$(fmt_int "$ir_app")" "$(ratio "$ir_app" "$ir_floor")"
fi
printf '%-34s %14s %14s %8sx\n' "wall per exec, median (us)" \
	"$(us "$floor_ns")" "$(us "$app_ns")" "$(ratio "$app_ns" "$floor_ns")"
printf '%-34s %14s %14s %8sx\n' "CPU user+sys per exec, median (us)" \
	"$(us "$floor_cpu")" "$(us "$app_cpu")" "$(ratio "$app_cpu" "$floor_cpu")"
printf '%-34s %14.1f %14.1f %8sx\n' "minor page faults per exec" \
	"$floor_pf" "$app_pf" "$(ratio "$app_pf" "$floor_pf")"
echo "per-batch samples (wall ns, faults, CPU ns per exec): $BENCH_DIR/api_{floor,app}.samples"
exit "$status"
