#!/bin/sh
# tests/browser/drive.sh NAME SCRIPT PORT DPORT [ARG...] - run one browser
# script against the demo, the set-up that login.sh and admin.sh share.
#
# Starts `cgi-bin/blog.cgi runserver` on the first free loopback port of
# PORT..PORT+19 with a fresh database (migrated, one seeded post, a
# superuser "browser" made with createsuperuser --password-stdin), starts
# Debian's chromium headless with the DevTools protocol on the first free
# port of DPORT..DPORT+19, and runs SCRIPT (Node's built-in modules only)
# as `node SCRIPT DEVTOOLS_PORT BASE_URL browser PASSWORD TAG ARG...`;
# SCRIPT prints one "ok ..." or "FAIL ..." line per check.  Every step is
# bounded in time; both processes are stopped at the end.  Prints
# "N passed, M failed".  NAME names the temporary folder and the skip line.
#
# Needs cgi-bin/blog.cgi built (make all), chromium and node (>= 20.10).
set -u
cd "$(dirname "$0")/../.." || exit 1
[ "$#" -ge 4 ] || { echo "usage: drive.sh NAME SCRIPT PORT DPORT [ARG...]" >&2; exit 2; }
name=$1 script=$2 port0=$3 dport0=$4
shift 4
app=cgi-bin/blog.cgi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wick-$name.XXXXXX") || exit 1
server=""
browser=""
cleanup() {
	for p in $browser $server; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() {
	echo "FAIL $1"
	echo "0 passed, 1 failed"
	exit 1
}

[ -x "$app" ] || fail "$app is built (make all)"
command -v chromium >/dev/null 2>&1 || fail "chromium is installed"
command -v node >/dev/null 2>&1 || timeout 900 tools/ensure-packages nodejs
command -v node >/dev/null 2>&1 || fail "node is installed"
# The scripts speak the DevTools protocol over Node's built-in WebSocket
# (Node >= 20.10).  Debian's own nodejs is older: say so and skip rather
# than report a browser failure that is really a missing tool.
if ! node --experimental-websocket --no-warnings \
	-e 'process.exit(typeof WebSocket === "function" ? 0 : 1)' 2>/dev/null; then
	echo "skip - browser $name: node $(node --version) has no built-in WebSocket (needs >= 20.10)"
	echo "0 passed, 0 failed"
	exit 0
fi

free_port() { # the first port of $1..$2 where nothing answers
	p=$1
	while [ "$p" -le "$2" ]; do
		if ! curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p/"; then
			echo "$p"
			return 0
		fi
		p=$((p + 1))
	done
	return 1
}

head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$tmp/secret.key"
chmod 600 "$tmp/secret.key"
{
	echo "# written by tests/browser/drive.sh ($name)"
	echo "debug = 0"
	echo "database = $tmp/blog.sqlite3"
	echo "secret_key_file = $tmp/secret.key"
	echo "password_iterations = 1000"
} >"$tmp/blog.conf"
WICK_CONFIG="$tmp/blog.conf"
export WICK_CONFIG
timeout 60 "$app" migrate >"$tmp/setup.log" 2>&1 || fail "migrate"
timeout 60 "$app" seed 1 >>"$tmp/setup.log" 2>&1 || fail "seed"
pw="browser-$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$pw" | timeout 60 "$app" createsuperuser --username browser \
	--email browser@example.com --password-stdin >>"$tmp/setup.log" 2>&1 ||
	fail "createsuperuser: $(tail -n 2 "$tmp/setup.log")"

port=$(free_port "$port0" $((port0 + 19))) || fail "a free port for the app"
base="http://127.0.0.1:$port"
timeout 300 "$app" runserver "127.0.0.1:$port" >"$tmp/server.log" 2>&1 &
server=$!
i=0
until curl -s -o /dev/null --max-time 2 "$base/hello"; do
	i=$((i + 1))
	[ "$i" -lt 40 ] || fail "runserver answers on $base"
	sleep 0.25
done

dport=$(free_port "$dport0" $((dport0 + 19))) || fail "a free port for DevTools"
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic \
	--no-first-run --disable-background-networking --disable-sync \
	--disable-component-update --disable-dev-shm-usage \
	--remote-debugging-address=127.0.0.1 --remote-debugging-port="$dport" \
	--user-data-dir="$tmp/profile" about:blank 2>"$tmp/chromium.log" &
browser=$!

tag=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
timeout 90 node --experimental-websocket --no-warnings \
	"$script" "$dport" "$base" browser "$pw" "$tag" "$@" \
	>"$tmp/result" 2>&1
rc=$?
cat "$tmp/result"
pass=$(grep -c '^ok' "$tmp/result")
bad=$(grep -c '^FAIL' "$tmp/result")
if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
	bad=1
fi
echo "$pass passed, $bad failed"
[ "$bad" -eq 0 ]
