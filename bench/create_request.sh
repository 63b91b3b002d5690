#!/usr/bin/env bash
# bench/create_request.sh - the cost of a "create" request against the floor.
#
# The request a logged-in visitor makes when posting a comment through the
# demo's form: POST /posts/1/comment/ with a session cookie and a CSRF
# token (cookie + form field), which runs the whole security chain
# (session lookup, CSRF check, user load), one INSERT, a flash message
# saved in the session, and answers 302.  The floor is bench/floor_hello
# (a static C program printing /hello's bytes), fed the same body on
# stdin.  Both run one exec at a time from the same loop, interleaved.
#
# Set-up, in a temporary folder: a config (database, secret key,
# password_iterations 1000 so that set-up is quick), `migrate`, `seed 1`,
# `createsuperuser --password-stdin`, and a login through the CGI
# interface to get a session id.  Prints instructions (callgrind) and
# wall time per exec and their ratios to the floor.
#
# Environment: CREATE_RUNS (execs per batch, 100), CREATE_BATCHES (10).
set -u
cd "$(dirname "$0")/.." || exit 2
export WICK_ROOT=$PWD
. bench/lib.sh

APP=${BENCH_APP:-cgi-bin/blog.cgi}
FLOOR=$BENCH_DIR/floor_hello
RUNS=${CREATE_RUNS:-100}
BATCHES=${CREATE_BATCHES:-10}
for f in "$APP" "$FLOOR"; do
	[ -x "$f" ] || { echo "create: $f is missing (make bench)" >&2; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wick-create.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$tmp/secret.key"
chmod 600 "$tmp/secret.key"
export BENCH_CONFIG=$tmp/bench.conf
cat >"$BENCH_CONFIG" <<EOF
debug = false
allowed_hosts = 127.0.0.1 localhost
database = $tmp/blog.sqlite3
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

printf 'name=Bench&body=A+comment+from+the+benchmark.&csrfmiddlewaretoken=%s' \
	"$csrf" >"$tmp/create.body"
bench_cgi_env POST /posts/1/comment/ "" application/x-www-form-urlencoded \
	"$(wc -c <"$tmp/create.body")"
CGI_ENV+=(HTTP_COOKIE="csrftoken=$csrf; sessionid=$sid")

# One request, checked: 302 back to the post, one comment more.
env -i "${CGI_ENV[@]}" "$APP" <"$tmp/create.body" >"$tmp/create.out" 2>"$tmp/create.err"
if ! head -n 1 "$tmp/create.out" | grep -q '^Status: 302'; then
	echo "create: the request did not answer 302:" >&2
	head -n 3 "$tmp/create.out" "$tmp/create.err" >&2
	exit 1
fi

# Instructions of one exec each.
if command -v valgrind >/dev/null 2>&1; then
	ir_app=$(BENCH_STDIN=$tmp/create.body bench_ir "$APP")
	ir_floor=$(BENCH_STDIN=$tmp/create.body bench_ir "$FLOOR")
	echo "create request: instructions $(fmt_int "$ir_app") vs floor" \
		"$(fmt_int "$ir_floor") = $(ratio "$ir_app" "$ir_floor")x"
fi

# Wall time: batches of RUNS execs from the same loop, interleaved.
batch() { # $1 = program; prints ns per exec
	local t0 t1 i
	t0=$(date +%s%N)
	for ((i = 0; i < RUNS; i++)); do
		env -i "${CGI_ENV[@]}" "$1" <"$tmp/create.body" >/dev/null 2>&1
	done
	t1=$(date +%s%N)
	echo $(((t1 - t0) / RUNS))
}
: >"$tmp/app.ns"
: >"$tmp/floor.ns"
batch "$FLOOR" >/dev/null
for ((k = 0; k < BATCHES; k++)); do
	batch "$APP" >>"$tmp/app.ns"
	batch "$FLOOR" >>"$tmp/floor.ns"
done
a=$(median <"$tmp/app.ns")
f=$(median <"$tmp/floor.ns")
n=$(sqlite3 "$tmp/blog.sqlite3" "SELECT count(*) FROM blog_comment" 2>/dev/null || echo "?")
echo "create request: $(awk -v x="$a" 'BEGIN { printf "%.0f", x / 1000 }') us" \
	"per exec vs floor $(awk -v x="$f" 'BEGIN { printf "%.0f", x / 1000 }') us" \
	"= $(ratio "$a" "$f")x (median of $BATCHES batches of $RUNS; $n comments" \
	"inserted; exec from bash, so both include the loop's fork)"
