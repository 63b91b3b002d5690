#!/usr/bin/env bash
# bench/create_request.sh - the "create" request end to end, against the floor.
#
# The request a logged-in visitor makes when posting a comment through the
# demo's form (cgi-bin/blog/accounts.c, blog_post_comment): POST
# /posts/1/comment/ with a session cookie, the CSRF cookie and the form's
# masked CSRF token, which runs the whole security chain (session lookup,
# user load and check, CSRF check), one INSERT, a flash message saved in
# the session, and answers 302.  The floor is bench/floor_create.c: a
# static C CGI program doing that same work (same SQL statements on the
# same database, the same token unmasking, the same SHA-256 session check,
# the same session write-back) with no framework.  Both take the same body
# on stdin, run one exec at a time and write to one database.
#
# Set-up, in a temporary folder: a config (database, secret key,
# password_iterations 1000 so that set-up is quick), `migrate`, `seed 1`,
# `createsuperuser --password-stdin`, and a login through the CGI
# interface to get a session id and the rotated CSRF secret; the token
# posted is that secret masked, as {% csrf_token %} writes it.  Before
# measuring, both are checked: each must answer 302 and insert one row
# (counted before and after) or the script stops (exit 1: the floor would
# not be doing the same work); the same bytes (Expires aside) and, once
# the session holds its 16 pending messages (WK_MESSAGES_MAX: every
# request drops the oldest and adds one, the steady state both are
# measured in), the same session row written, or a warning (exit 1 at
# the end).
#
# Prints instructions of one exec each (callgrind) and wall time per exec
# (medians over interleaved batches) with the ratios app/floor, and checks
# that every timed exec inserted its row.  Each measurement starts from a
# checkpointed, empty WAL: every CGI process re-reads the whole -wal file
# to rebuild the WAL index (no process keeps the -shm open between
# requests), a cost that grows with the WAL and that both pay alike, so
# it is kept equal rather than left to where the auto-checkpoint falls.
# build/bench/spawn cannot feed a body on stdin, so the batches run from a
# bash loop (started under the CGI environment, so one fork + exec per
# request, as a web server does); the loop's own cost is measured
# alongside with floor_hello (exec and exit, no work) and shown, with the
# ratio net of it.
#
# Environment: CREATE_RUNS (execs per batch, 100), CREATE_BATCHES (10),
#              BENCH_APP (the binary, cgi-bin/blog.cgi).
set -u
cd "$(dirname "$0")/.." || exit 2
export WICK_ROOT=$PWD
. bench/lib.sh

APP=${BENCH_APP:-cgi-bin/blog.cgi}
FLOOR=$BENCH_DIR/floor_create
HELLO=$BENCH_DIR/floor_hello
RUNS=${CREATE_RUNS:-100}
BATCHES=${CREATE_BATCHES:-10}
status=0
for f in "$APP" "$FLOOR" "$HELLO"; do
	[ -x "$f" ] || { echo "create: $f is missing (make bench)" >&2; exit 1; }
done
command -v sqlite3 >/dev/null 2>&1 ||
	{ echo "create: sqlite3 is missing (rows cannot be counted)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wick-create.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$tmp/secret.key"
chmod 600 "$tmp/secret.key"
export BENCH_CONFIG=$tmp/bench.conf
db=$tmp/blog.sqlite3
cat >"$BENCH_CONFIG" <<EOF
debug = false
allowed_hosts = 127.0.0.1 localhost
database = $db
secret_key_file = $tmp/secret.key
password_iterations = 1000
EOF
app() { WICK_CONFIG=$BENCH_CONFIG timeout 60 "$APP" "$@"; }
app migrate >"$tmp/setup.log" 2>&1 &&
	app seed 1 >>"$tmp/setup.log" 2>&1 &&
	printf 'bench-password-%s\n' "$$" | app createsuperuser --username bench \
		--email bench@example.com --password-stdin >>"$tmp/setup.log" 2>&1 || {
	echo "create: set-up failed:" >&2
	tail -n 5 "$tmp/setup.log" >&2
	exit 1
}

# A CSRF secret of our choosing: the bare 32-character form is accepted
# when cookie and field carry the same value (Django's rule).
csrf=benchBENCHbenchBENCHbenchBENCH12
login_body="username=bench&password=bench-password-$$&csrfmiddlewaretoken=$csrf"
printf '%s' "$login_body" >"$tmp/login.body"
bench_cgi_env POST /accounts/login/ "" application/x-www-form-urlencoded \
	"$(wc -c <"$tmp/login.body")"
CGI_ENV+=(HTTP_COOKIE="csrftoken=$csrf")
env -i "${CGI_ENV[@]}" "$APP" <"$tmp/login.body" >"$tmp/login.out" 2>"$tmp/login.err"
sid=$(sed -nE 's/^Set-Cookie: sessionid=([0-9a-f]{64});.*/\1/p' "$tmp/login.out" | tr -d '\r' | head -n 1)
newcsrf=$(sed -nE 's/^Set-Cookie: csrftoken=([A-Za-z0-9]{32});.*/\1/p' "$tmp/login.out" | tr -d '\r' | head -n 1)
if [ -z "$sid" ]; then
	echo "create: login through CGI failed:" >&2
	head -n 5 "$tmp/login.out" "$tmp/login.err" >&2
	exit 1
fi
[ -n "$newcsrf" ] && csrf=$newcsrf   # rotated at login

# mask SECRET: the 64-character token a form carries (src/auth/csrf.c's
# wk_csrf_mask: 32 random characters, then secret + mask mod 62).
mask() {
	local m
	m=$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32)
	awk -v s="$1" -v m="$m" 'BEGIN {
		c = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
		t = m
		for (i = 1; i <= 32; i++) {
			k = index(c, substr(s, i, 1)) + index(c, substr(m, i, 1)) - 2
			t = t substr(c, k % 62 + 1, 1)
		}
		print t }'
}
printf 'name=Bench&body=A+comment+from+the+benchmark.&csrfmiddlewaretoken=%s' \
	"$(mask "$csrf")" >"$tmp/create.body"
bench_cgi_env POST /posts/1/comment/ "" application/x-www-form-urlencoded \
	"$(wc -c <"$tmp/create.body")"
CGI_ENV+=(HTTP_COOKIE="csrftoken=$csrf; sessionid=$sid" FLOOR_DB="$db")

# ---- the same work? ----------------------------------------------------------
q() { sqlite3 "$db" "$1"; }
rows() { q "SELECT count(*) FROM blog_comment"; }
session() { q "SELECT session_data FROM wick_session WHERE session_key = '$sid'"; }
run_once() { # $1 = program, $2 = output file (stderr in $2.err)
	env -i "${CGI_ENV[@]}" timeout 10 "$1" <"$tmp/create.body" >"$2" 2>"$2.err"
}
run_quiet() { # $1 = program
	env -i "${CGI_ENV[@]}" timeout 10 "$1" <"$tmp/create.body" >/dev/null 2>&1
}
check() { # $1 = name, $2 = program: answered 302, one row more
	local before after
	before=$(rows)
	run_once "$2" "$tmp/$1.out" || {
		echo "create: $2 failed (exit $?)" >&2
		exit 1
	}
	after=$(rows)
	if ! head -n 1 "$tmp/$1.out" | grep -q '^Status: 302'; then
		echo "create: FAIL: $1 did not answer 302:" >&2
		head -n 3 "$tmp/$1.out" "$tmp/$1.out.err" >&2
		exit 1
	fi
	if [ "$after" -ne $((before + 1)) ]; then
		echo "create: FAIL: $1 inserted $((after - before)) rows, not 1" >&2
		exit 1
	fi
}
check app "$APP"
check floor "$FLOOR"
# Expires is computed from the clock: a second may pass between the runs.
noexp() { sed -E 's/Expires=[^;]*/Expires=*/' "$1"; }
if cmp -s <(noexp "$tmp/app.out") <(noexp "$tmp/floor.out"); then
	same="yes ($(wc -c <"$tmp/app.out") bytes)"
else
	same="NO (both 302, one row each)"
	status=1
	echo "create: WARNING: the floor does not print the same bytes as the app;"
	echo "create: update bench/floor_create.c.  diff (app < > floor):"
	diff <(noexp "$tmp/app.out" | cat -A) <(noexp "$tmp/floor.out" | cat -A) | head -n 10
fi
if [ -s "$tmp/app.out.err" ]; then
	echo "create: note: the app wrote to stderr (a log line per request costs too):"
	head -n 3 "$tmp/app.out.err"
fi

# Fill the session's message list (2 + 16 requests > 16), then compare
# what each writes back in the steady state.
for ((k = 0; k < 8; k++)); do
	run_quiet "$APP" && run_quiet "$FLOOR" ||
		{ echo "create: a fill-up run failed" >&2; exit 1; }
done
run_quiet "$APP"
s_app=$(session)
run_quiet "$FLOOR"
s_floor=$(session)
if [ -n "$s_app" ] && [ "$s_app" = "$s_floor" ]; then
	same_session="yes (${#s_app} bytes, 16 messages)"
else
	same_session="NO"
	status=1
	echo "create: WARNING: the floor does not write the session the app writes:"
	printf 'app:   %s\nfloor: %s\n' "$s_app" "$s_floor" | cut -c 1-200
fi

# No CGI process keeps the -shm file open between requests, so each one
# rebuilds the WAL index by reading and checksumming the whole -wal file:
# a cost that grows with the WAL (about 2,400 instructions a frame, some
# 2.5 frames a request here, up to the 1,000-page auto-checkpoint) and is
# the same for app and floor.  So every measurement starts from an empty
# WAL: checkpointed and truncated by the sqlite3 shell, outside the timing.
ckpt() { q "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null; }

# ---- instructions of one exec each ----------------------------------------------
ir_app=
ir_floor=
if command -v valgrind >/dev/null 2>&1; then
	ckpt
	ir_app=$(BENCH_STDIN=$tmp/create.body bench_ir "$APP")
	ckpt
	ir_floor=$(BENCH_STDIN=$tmp/create.body bench_ir "$FLOOR")
	[ -n "$ir_app" ] && [ -n "$ir_floor" ] ||
		{ echo "create: callgrind gave no count" >&2; status=1; }
else
	echo "create: valgrind is missing: no instruction counts"
fi

# ---- wall time: interleaved batches ----------------------------------------------
# batch PROGRAM: RUNS execs from a bash loop under the CGI environment (a
# fork and an exec each, the body on stdin), from an empty WAL; prints ns
# per exec, or fails.
batch() {
	ckpt
	env -i "${CGI_ENV[@]}" bash -c '
		t0=${EPOCHREALTIME/./}
		for ((i = 0; i < $2; i++)); do
			"$1" <"$3" >/dev/null 2>&1 || exit 1
		done
		t1=${EPOCHREALTIME/./}
		echo $(((t1 - t0) * 1000 / $2))' batch "$1" "$RUNS" "$tmp/create.body"
}
before=$(rows)
: >"$BENCH_DIR/create_app.samples"
: >"$BENCH_DIR/create_floor.samples"
: >"$BENCH_DIR/create_loop.samples"
# One warm-up batch each: page cache, CPU frequency.
batch "$APP" >/dev/null && batch "$FLOOR" >/dev/null && batch "$HELLO" >/dev/null ||
	{ echo "create: a timed run failed" >&2; exit 1; }
for ((k = 0; k < BATCHES; k++)); do
	batch "$APP" >>"$BENCH_DIR/create_app.samples" &&
		batch "$FLOOR" >>"$BENCH_DIR/create_floor.samples" &&
		batch "$HELLO" >>"$BENCH_DIR/create_loop.samples" ||
		{ echo "create: a timed run failed" >&2; exit 1; }
done
inserted=$(($(rows) - before))
expected=$((2 * RUNS * (BATCHES + 1)))
if [ "$inserted" -ne "$expected" ]; then
	echo "create: FAIL: $inserted rows inserted while timing, not $expected" >&2
	status=1
fi
app_ns=$(median <"$BENCH_DIR/create_app.samples")
floor_ns=$(median <"$BENCH_DIR/create_floor.samples")
loop_ns=$(median <"$BENCH_DIR/create_loop.samples")

us() { awk -v n="$1" 'BEGIN { printf "%.1f", n / 1000 }'; }
net() { awk -v a="$1" -v b="$2" 'BEGIN { print a - b }'; }
echo "POST /posts/1/comment/ (logged in, masked CSRF token, flash message):"
echo "$APP against the floor ($FLOOR)"
echo "same response bytes: $same; same session written: $same_session"
echo "$BATCHES batches x $RUNS execs each; $(nproc) CPUs; rows inserted while timing: $inserted (expected $expected)"
printf '%-34s %14s %14s %9s\n' "" "floor" "blog.cgi" "app/floor"
if [ -n "$ir_app" ] && [ -n "$ir_floor" ]; then
	printf '%-34s %14s %14s %8sx\n' "instructions per exec (Ir)" \
		"$(fmt_int "$ir_floor")" "$(fmt_int "$ir_app")" "$(ratio "$ir_app" "$ir_floor")"
fi
printf '%-34s %14s %14s %8sx\n' "wall per exec, median (us)" \
	"$(us "$floor_ns")" "$(us "$app_ns")" "$(ratio "$app_ns" "$floor_ns")"
printf '%-34s %14s\n' "  of which loop + exec + exit (us)" "$(us "$loop_ns")"
printf '%-34s %14s %14s %8sx\n' "wall net of that (us)" \
	"$(us "$(net "$floor_ns" "$loop_ns")")" "$(us "$(net "$app_ns" "$loop_ns")")" \
	"$(ratio "$(net "$app_ns" "$loop_ns")" "$(net "$floor_ns" "$loop_ns")")"
echo "(loop + exec + exit: $HELLO in the same loop; per-batch ns per exec: $BENCH_DIR/create_{app,floor,loop}.samples)"
exit "$status"
