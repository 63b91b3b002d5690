#!/usr/bin/env bash
# bench/apache.sh - the demo through a real server: Apache mod_cgid on
# loopback, driven by wrk, against floors served by the same Apache; and,
# in the same run through the same Apache, the demo as FastCGI and a warm
# peer, Django with gunicorn.
# bench-timeout: 2700
#
# The per-exec benchmarks time one request at a time; a site's visitors
# come together, and what they feel under concurrency is the tail: a
# request that waits on a lock, or an SQLite that sleeps, shows as p99
# long before it shows in the mean.  So this runs each request through
# Apache at 1, 8 and 32 connections and reports requests/s and p50, p90
# and p99 for the app and for its floor, a static C CGI program doing the
# same work (bench/floor_*.c), on the same server, the same database and
# the same machine, interleaved: every round runs each (request,
# connections) pair for the app and for the floor back to back, the order
# swapped from round to round, and the table shows medians over rounds.
#
#   hello    GET /hello                  floor: floor_hello (same bytes)
#   list     GET /posts/ (20 of 1,000)   floor: floor_page (same SELECT,
#                                        HTML, no template)
#   detail   GET /posts/1/ (5 comments,  floor: floor_page (same SELECTs,
#            CSRF cookie and form)       CSRF cookie, HTML)
#   create   POST /posts/new/ logged in  floor: floor_create (same session,
#            with CSRF, a unique slug    user, slug check, INSERT, flash
#            each request                message, session write, 302)
#
# Targets (issue 15), as ratios in the same run: requests/s at least 0.95x
# the floor's and p99 at most 1.5x the floor's, at every concurrency.
# Checks that make a result count: every answer 200 (302 for create), no
# socket error, and for create one row per answered request (wrk stops with
# up to one request per connection in flight, so the rows may exceed the
# count by at most the connections).
#
# The same four pages, in the same rounds, two more ways (issue 13):
#   fcgi     the same blog.cgi as FastCGI: two processes sharing one
#            listening Unix socket on their fd 0, the convention mod_fcgid
#            and spawn-fcgi use (bench/fcgi_pool.py starts them, and a new
#            one when one exits after fastcgi_max_requests, 1000 by
#            default, as mod_fcgid would), reached through mod_proxy_fcgi
#            (SetHandler "proxy:unix:...|fcgi://", the PHP-FPM recipe, so
#            SCRIPT_NAME and PATH_INFO are what mod_cgid gives).
#   django   bench/django_peer/, a Django project written for this bench
#            serving the same four pages (same paths, same templates, the
#            same middleware in the same order, db sessions, the flash
#            message in the session) on a copy of the same seeded database,
#            under gunicorn with two sync workers, reached through
#            mod_proxy_http.
# Why mod_proxy_fcgi and not mod_fcgid: both would run the binary the same
# way (listening socket on fd 0), but mod_fcgid's process manager decides
# how many processes run, and a request that finds none idle sleeps a
# whole second before it asks again (fcgid_bridge.c): at 32 connections to
# two processes that measures mod_fcgid's scheduler, not the app.  With
# mod_proxy_fcgi the processes are a fixed two, the same as gunicorn's two
# workers, both backends sit behind the same kind of Apache proxy, and
# requests beyond two wait in the socket's listen queue, as they do on
# gunicorn's.  Both backends keep one request per process at a time.
# Targets (issue 13), in the same run: FastCGI at least 2x Django's
# requests/s on hello and 1.5x on list, detail and create, at 8 and 32
# connections (a second table; CGI beside it).
#
# Apache runs with a config of its own (written below: mod_cgid, event MPM,
# keep-alive, a loopback port, no access log) in a temporary folder under
# /tmp, removed at the end; nothing from /etc/apache2 is read.  As root,
# the CGI programs run as www-data, as on a Debian server.
#
# Environment: APACHE_SECONDS (per wrk run, 5), APACHE_ROUNDS (3),
#              APACHE_CONNS ("1 8 32"), APACHE_CASES ("hello list detail
#              create"), APACHE_PROGS ("app floor fcgi django"; app and
#              floor always run), BENCH_APP (the binary, cgi-bin/blog.cgi),
#              BENCH_QUICK=1 (one round of 2 s runs, while developing).
set -u
cd "$(dirname "$0")/.." || exit 2
export WICK_ROOT=$PWD
. bench/lib.sh

APP=${BENCH_APP:-cgi-bin/blog.cgi}
SECONDS_PER=${APACHE_SECONDS:-5}
ROUNDS=${APACHE_ROUNDS:-3}
if [ -n "${BENCH_QUICK:-}" ]; then
	SECONDS_PER=${APACHE_SECONDS:-2}
	ROUNDS=${APACHE_ROUNDS:-1}
fi
want=${APACHE_PROGS:-"app floor fcgi django"}
PROGS="app floor"
for p in fcgi django; do
	case " $want " in *" $p "*) PROGS="$PROGS $p" ;; esac
done
has_prog() { case " $PROGS " in *" $1 "*) return 0 ;; esac; return 1; }
# Debian's python3, where python3-django and gunicorn are installed (not a
# python3 of a PATH that may be some other installation).
PY=/usr/bin/python3
FCGI_PROCS=2
PEER_WORKERS=2
CONNS=${APACHE_CONNS:-"1 8 32"}
CASES=${APACHE_CASES:-"hello list detail create"}
HOST=127.0.0.1
status=0
HTTPD_PID=""
FCGI_PID=""
PEER_PID=""

for f in "$APP" "$BENCH_DIR/floor_hello" "$BENCH_DIR/floor_page" \
    "$BENCH_DIR/floor_create"; do
	[ -x "$f" ] || { echo "apache: $f is missing (make bench)" >&2; exit 1; }
done
APACHE=$(command -v apache2 || echo /usr/sbin/apache2)
need="$APACHE wrk curl sqlite3"
has_prog fcgi && need="$need $PY"
has_prog django && need="$need $PY gunicorn"
for t in $need; do
	command -v "$t" >/dev/null 2>&1 || [ -x "$t" ] ||
		{ echo "apache: $t is missing (make bench installs it)" >&2; exit 1; }
done

tmp=$(mktemp -d /tmp/wick-apache.XXXXXX) || exit 2
chmod 755 "$tmp"
stop_httpd() {
	[ -n "$HTTPD_PID" ] || return 0
	kill -TERM "$HTTPD_PID" 2>/dev/null
	for _ in $(seq 1 50); do
		kill -0 "$HTTPD_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$HTTPD_PID" 2>/dev/null
	wait "$HTTPD_PID" 2>/dev/null
	HTTPD_PID=""
}
# stop_pid VAR: TERM the process whose pid VAR holds, KILL after 5 s.
stop_pid() {
	local pid=${!1}
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	printf -v "$1" '%s' ""
}
cleanup() {
	stop_httpd
	stop_pid FCGI_PID
	stop_pid PEER_PID
	for f in fcgi peer; do
		[ -f "$tmp/logs/$f.log" ] && cp "$tmp/logs/$f.log" "$BENCH_DIR/apache-$f.log"
	done
	[ -f "$tmp/logs/error.log" ] && cp "$tmp/logs/error.log" "$BENCH_DIR/apache-error.log"
	rm -rf "$tmp"
}
[ -n "${APACHE_KEEP:-}" ] || trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# ---- the site: binaries, config, database ------------------------------------------
mkdir -p "$tmp/cgi-bin" "$tmp/data" "$tmp/run" "$tmp/logs" "$tmp/htdocs" || exit 2
cp "$APP" "$tmp/cgi-bin/blog.cgi" &&
	cp "$BENCH_DIR/floor_hello" "$BENCH_DIR/floor_page" \
		"$BENCH_DIR/floor_create" "$tmp/cgi-bin/" || exit 2
db=$tmp/data/blog.sqlite3
head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$tmp/secret.key"
chmod 640 "$tmp/secret.key"
cat >"$tmp/blog.conf" <<EOF
debug = false
allowed_hosts = 127.0.0.1 localhost
database = $db
secret_key_file = $tmp/secret.key
password_iterations = 1000
EOF
RUN_USER=""
if [ "$(id -u)" = 0 ]; then
	if getent passwd www-data >/dev/null; then RUN_USER=www-data; else RUN_USER=nobody; fi
	RUN_GROUP=$(id -gn "$RUN_USER")
fi
app() {
	if [ -n "$RUN_USER" ]; then
		runuser -u "$RUN_USER" -- env WICK_CONFIG="$tmp/blog.conf" timeout 120 \
			"$tmp/cgi-bin/blog.cgi" "$@"
	else
		WICK_CONFIG="$tmp/blog.conf" timeout 120 "$tmp/cgi-bin/blog.cgi" "$@"
	fi
}
if [ -n "$RUN_USER" ]; then
	chgrp "$RUN_GROUP" "$tmp/secret.key" && chown -R "$RUN_USER:$RUN_GROUP" "$tmp/data" || exit 2
fi
password="bench-password-$$"
{ app migrate && app seed 1000 &&
	printf '%s\n' "$password" | app createsuperuser --username bench \
		--email bench@example.com --password-stdin; } >"$tmp/setup.log" 2>&1 || {
	echo "apache: set-up failed:" >&2
	tail -n 5 "$tmp/setup.log" >&2
	exit 1
}
# Post 1 with five comments, so the detail page has a list to show.
# (sqlite3 waits up to 10 s for a lock a CGI still running holds.)
# app_sql SQL [DB]: one statement on the app's database (or DB).
app_sql() {
	if [ -n "$RUN_USER" ]; then
		runuser -u "$RUN_USER" -- sqlite3 -cmd ".timeout 10000" "${2:-$db}" "$1"
	else sqlite3 -cmd ".timeout 10000" "${2:-$db}" "$1"; fi
}
app_sql "UPDATE blog_post SET published = 1 WHERE id = 1;
INSERT INTO blog_comment (post, name, body, created) VALUES
 (1, 'Reader 1', 'Comment 1 on <this> & that.', '2026-12-01T10:00:00Z'),
 (1, 'Reader 2', 'Comment 2 on <this> & that.', '2026-12-02T10:00:00Z'),
 (1, 'Reader 3', 'Comment 3 on <this> & that.', '2026-12-03T10:00:00Z'),
 (1, 'Reader 4', 'Comment 4 on <this> & that.', '2026-12-04T10:00:00Z'),
 (1, 'Reader 5', 'Comment 5 on <this> & that.', '2026-12-05T10:00:00Z');" || {
	echo "apache: could not add the comments" >&2
	exit 1
}

# ---- the warm backends: FastCGI and the Django peer -----------------------------------
# Both on Unix sockets in a folder of their own user; both run as that
# user, each with exactly two processes serving requests (checked below).
mkdir -p "$tmp/sock" || exit 2
if [ -n "$RUN_USER" ]; then chown "$RUN_USER:$RUN_GROUP" "$tmp/sock" || exit 2; fi
# exec_as_user PROG ARGS: exec PROG as the CGI user in place of the
# (sub)shell that calls it; setpriv forks nothing either, so $! of a
# background exec_as_user is the program's own pid.
exec_as_user() {
	if [ -n "$RUN_USER" ]; then
		exec setpriv --reuid="$RUN_USER" --regid="$RUN_GROUP" --init-groups -- "$@"
	else exec "$@"; fi
}
# wait_sock PATH PID: until the Unix socket exists (10 s), PID still alive.
wait_sock() {
	for _ in $(seq 1 100); do
		[ -S "$1" ] && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
if has_prog fcgi; then
	mkdir -p "$tmp/fcgi" && : >"$tmp/fcgi/blog.cgi" && cp bench/fcgi_pool.py "$tmp/" || exit 2
	WICK_CONFIG="$tmp/blog.conf" exec_as_user "$PY" "$tmp/fcgi_pool.py" "$tmp/sock/fcgi.sock" \
		"$FCGI_PROCS" "$tmp/cgi-bin/blog.cgi" 2>"$tmp/logs/fcgi.log" &
	FCGI_PID=$!
	wait_sock "$tmp/sock/fcgi.sock" "$FCGI_PID" ||
		{ echo "apache: the FastCGI processes did not start:" >&2; cat "$tmp/logs/fcgi.log" >&2; exit 1; }
fi
peer_db=$tmp/data/peer.sqlite3
if has_prog django; then
	# A copy of the seeded database, posts and comments as the app has
	# them; Django's own tables (auth_user, django_session ...) added.
	# WAL as the app's file has it (VACUUM INTO writes a rollback journal one).
	app_sql "VACUUM INTO '$peer_db'" && [ "$(app_sql 'PRAGMA journal_mode=WAL' "$peer_db")" = wal ] &&
		cp -r bench/django_peer "$tmp/django_peer" || exit 2
	[ -z "$RUN_USER" ] || chown -R "$RUN_USER:$RUN_GROUP" "$peer_db" "$tmp/django_peer" || exit 2
	peer() {
		(cd "$tmp/django_peer" && PEER_DB=$peer_db PYTHONDONTWRITEBYTECODE=1 \
			exec_as_user timeout 120 "$PY" manage.py "$@")
	}
	# The same user, logged in: a session made as login() makes it.
	peer_sid=$( { peer migrate -v 0 && peer shell -c "
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
u = User.objects.create_user('bench', 'bench@example.com', '$password')
s = SessionStore()
s[SESSION_KEY] = str(u.pk)
s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'
s[HASH_SESSION_KEY] = u.get_session_auth_hash()
s.create()
print(s.session_key)"; } 2>"$tmp/logs/peer-setup.log" | tail -n 1)
	if [ -z "$peer_sid" ]; then
		echo "apache: the Django peer's set-up failed:" >&2
		tail -n 5 "$tmp/logs/peer-setup.log" >&2
		exit 1
	fi
	PEER_DB=$peer_db PYTHONDONTWRITEBYTECODE=1 exec_as_user "$PY" /usr/bin/gunicorn \
		--workers "$PEER_WORKERS" --worker-class sync --chdir "$tmp/django_peer" \
		--bind "unix:$tmp/sock/peer.sock" peer.wsgi:application 2>"$tmp/logs/peer.log" &
	PEER_PID=$!
	wait_sock "$tmp/sock/peer.sock" "$PEER_PID" ||
		{ echo "apache: gunicorn did not start:" >&2; cat "$tmp/logs/peer.log" >&2; exit 1; }
fi
# kids PID: how many processes PID has (FastCGI processes, gunicorn workers).
kids() { pgrep -c -P "$1" 2>/dev/null || echo 0; }

# ---- Apache ----------------------------------------------------------------------------
port=18300
while [ "$port" -lt 18400 ] && (exec 3<>"/dev/tcp/$HOST/$port") 2>/dev/null; do
	port=$((port + 1))
done
user_lines=""
proxy_lines=""
if has_prog fcgi || has_prog django; then
	proxy_lines="<IfModule !mod_proxy.c>
    LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
</IfModule>
<IfModule !mod_proxy_fcgi.c>
    LoadModule proxy_fcgi_module /usr/lib/apache2/modules/mod_proxy_fcgi.so
</IfModule>
<IfModule !mod_proxy_http.c>
    LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so
</IfModule>
# The Host the client sent, to both backends (Django's ALLOWED_HOSTS).
ProxyPreserveHost On
# FastCGI: /fcgi/blog.cgi/PATH, a placeholder file so that Apache splits
# SCRIPT_NAME and PATH_INFO as for a CGI; the request goes to the two
# FastCGI processes' socket, a new connection per request.
Alias /fcgi/ \"$tmp/fcgi/\"
<Directory \"$tmp/fcgi\">
    Options None
    AllowOverride None
    Require all granted
    AcceptPathInfo On
    <Files \"blog.cgi\">
        SetHandler \"proxy:unix:$tmp/sock/fcgi.sock|fcgi://localhost/\"
    </Files>
</Directory>
# The Django peer: /django/PATH to gunicorn as /PATH.
ProxyPass /django/ \"unix:$tmp/sock/peer.sock|http://127.0.0.1/\"
"
fi
[ -n "$RUN_USER" ] && user_lines="User $RUN_USER
Group $RUN_GROUP"
cat >"$tmp/httpd.conf" <<EOF
# Written by bench/apache.sh: the demo's deploy (docs/deploy.md), tuned
# only so that the server is never the limit: enough workers for 32
# keep-alive connections, no access log.
ServerRoot "$tmp"
ServerName $HOST
Listen $HOST:$port
PidFile "$tmp/run/httpd.pid"
DefaultRuntimeDir "$tmp/run"
ErrorLog "$tmp/logs/error.log"
LogLevel warn
Timeout 30
KeepAlive On
KeepAliveTimeout 5
MaxKeepAliveRequests 0
<IfModule !mod_mpm_event.c>
    LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
</IfModule>
<IfModule !mod_authz_core.c>
    LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
</IfModule>
<IfModule !mod_unixd.c>
    LoadModule unixd_module /usr/lib/apache2/modules/mod_unixd.so
</IfModule>
<IfModule !mod_alias.c>
    LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so
</IfModule>
<IfModule !mod_env.c>
    LoadModule env_module /usr/lib/apache2/modules/mod_env.so
</IfModule>
<IfModule !mod_cgid.c>
    LoadModule cgid_module /usr/lib/apache2/modules/mod_cgid.so
</IfModule>
$proxy_lines$user_lines
# Every worker from the start and none reaped during a run: a child
# stopped for being spare closes its keep-alive connections under wrk.
StartServers 4
ServerLimit 4
ThreadsPerChild 50
MaxRequestWorkers 200
MinSpareThreads 50
MaxSpareThreads 200
ScriptSock "$tmp/run/cgid.sock"
DocumentRoot "$tmp/htdocs"
<Directory />
    Options None
    AllowOverride None
    Require all denied
</Directory>
# PATH_TRANSLATED is looked up under the document root for every CGI
# request with a PATH_INFO: allowed, so that no request logs a denial.
<Directory "$tmp/htdocs">
    Require all granted
</Directory>
ScriptAlias /cgi-bin/ "$tmp/cgi-bin/"
<Directory "$tmp/cgi-bin">
    Options None
    AllowOverride None
    Require all granted
    SetEnv WICK_CONFIG "$tmp/blog.conf"
    SetEnv FLOOR_DB "$db"
</Directory>
EOF
"$APACHE" -f "$tmp/httpd.conf" -t >"$tmp/logs/configtest.log" 2>&1 || {
	echo "apache: config test failed:" >&2
	cat "$tmp/logs/configtest.log" >&2
	exit 1
}
"$APACHE" -f "$tmp/httpd.conf" -DFOREGROUND >"$tmp/logs/stdout.log" 2>&1 &
HTTPD_PID=$!
BASE=http://$HOST:$port
for _ in $(seq 1 100); do
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$BASE/cgi-bin/floor_hello/hello")
	[ "$code" = 200 ] && break
	sleep 0.1
done
[ "$code" = 200 ] || { echo "apache: the server did not answer" >&2; tail -n 5 "$tmp/logs/error.log" >&2; exit 1; }

# ---- a logged-in session -------------------------------------------------------------------
# The bare 32-character CSRF secret is accepted in the form when the cookie
# carries the same value (Django's rule), so every request can reuse it.
csrf=benchBENCHbenchBENCHbenchBENCH12
curl -s -D "$tmp/login.h" -o /dev/null --max-time 30 -b "csrftoken=$csrf" \
	--data-urlencode "username=bench" --data-urlencode "password=$password" \
	--data-urlencode "csrfmiddlewaretoken=$csrf" "$BASE/cgi-bin/blog.cgi/accounts/login/"
sid=$(sed -nE 's/^Set-Cookie: sessionid=([0-9a-f]{64});.*/\1/p' "$tmp/login.h" | tr -d '\r' | head -n 1)
newcsrf=$(sed -nE 's/^Set-Cookie: csrftoken=([A-Za-z0-9]{32});.*/\1/p' "$tmp/login.h" | tr -d '\r' | head -n 1)
[ -n "$newcsrf" ] && csrf=$newcsrf
if [ -z "$sid" ]; then
	echo "apache: login through Apache failed:" >&2
	head -n 5 "$tmp/login.h" >&2
	exit 1
fi

# ---- wrk scripts -----------------------------------------------------------------------------
# done() prints one line the table is made of: latencies in microseconds.
report='
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK requests=%d duration_us=%d p50=%d p90=%d p99=%d max=%d status_errors=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.status, e.connect + e.read + e.write + e.timeout))
end'
printf '%s\n' "$report" >"$tmp/get.lua"
# create_lua SESSIONID: the POST script for a backend's session cookie.
create_lua() {
	cat <<EOF
-- POST /posts/new/: a unique slug per request (run prefix, thread, count).
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function init(args)
  prefix = args[1]
  n = 0
end
function request()
  n = n + 1
  local slug = string.format("%s-%d-%d", prefix, tid, n)
  local body = "title=Bench+post+" .. slug .. "&slug=" .. slug ..
    "&body=Written+through+Apache+by+wrk.&csrfmiddlewaretoken=$csrf"
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=$csrf; sessionid=$1" }, body)
end
$report
EOF
}
create_lua "$sid" >"$tmp/create.lua"
# Django 3.2 takes the same bare 32-character secret in cookie and form.
[ -n "${peer_sid:-}" ] && create_lua "$peer_sid" >"$tmp/create-django.lua"

# url CASE PROGRAM: the path for a case under the app or its floor.
url() {
	local prog=$2 path
	case $1 in
	hello) path=/hello ;;
	list) path=/posts/ ;;
	detail) path=/posts/1/ ;;
	create) path=/posts/new/ ;;
	esac
	case $prog in
	app) echo "$BASE/cgi-bin/blog.cgi$path" ;;
	fcgi) echo "$BASE/fcgi/blog.cgi$path" ;;
	django) echo "$BASE/django$path" ;;
	*)
		case $1 in
		hello) echo "$BASE/cgi-bin/floor_hello$path" ;;
		create) echo "$BASE/cgi-bin/floor_create$path" ;;
		*) echo "$BASE/cgi-bin/floor_page$path" ;;
		esac ;;
	esac
}
# db_of PROG: the database PROG writes to.
db_of() { if [ "$1" = django ]; then echo "$peer_db"; else echo "$db"; fi; }
# sid_of PROG: the session cookie of the logged-in user for PROG.
sid_of() { if [ "$1" = django ]; then echo "$peer_sid"; else echo "$sid"; fi; }
# posts [DB]: the post count once the requests wrk left in flight have
# ended: two reads 0.2 s apart that agree (at most 10 s of waiting).
posts() {
	local a b i=0 d=${1:-$db}
	b=$(app_sql "SELECT count(*) FROM blog_post" "$d") || return 1
	while [ $i -lt 50 ]; do
		sleep 0.2
		a=$(app_sql "SELECT count(*) FROM blog_post" "$d") || return 1
		[ "$a" = "$b" ] && break
		b=$a i=$((i + 1))
	done
	echo "$b"
}

# ---- the same answers? ---------------------------------------------------------------------
declare -A size sizes
for c in $CASES; do
	for p in $PROGS; do
		if [ "$c" = create ]; then
			code=$(curl -s -o "$tmp/$c-$p.body" -D "$tmp/$c-$p.h" -w '%{http_code}' --max-time 20 \
				-b "csrftoken=$csrf; sessionid=$(sid_of "$p")" \
				--data "title=Check&slug=check-$p&body=x&csrfmiddlewaretoken=$csrf" "$(url "$c" "$p")")
			want=302
		else
			code=$(curl -s -o "$tmp/$c-$p.body" -D "$tmp/$c-$p.h" -w '%{http_code}' \
				--max-time 20 "$(url "$c" "$p")")
			want=200
		fi
		if [ "$code" != "$want" ]; then
			echo "apache: FAIL: $p answered $code to $c, not $want:" >&2
			head -c 400 "$tmp/$c-$p.body" >&2
			tail -n 3 "$tmp/logs/error.log" >&2
			exit 1
		fi
		size[$p]=$(wc -c <"$tmp/$c-$p.body")
	done
	sizes[$c]="${size[floor]} / ${size[app]}"
	for p in fcgi django; do has_prog "$p" && sizes[$c]+=" / ${size[$p]}"; done
done

# ---- the runs ------------------------------------------------------------------------------------
# run CASE PROG CONNS ROUND: one wrk run; appends its WRK line to a samples
# file, checks its answers (and, for create, the rows).
run() {
	local c=$1 p=$2 n=$3 r=$4 threads=2 line before after req
	[ "$n" -lt 2 ] && threads=1
	local script=$tmp/create.lua
	[ "$p" = django ] && script=$tmp/create-django.lua
	before=$(posts "$(db_of "$p")")
	if [ "$c" = create ]; then
		line=$(wrk -t "$threads" -c "$n" -d "${SECONDS_PER}s" --timeout 30s \
			-s "$script" "$(url "$c" "$p")" -- "$p-$n-$r" 2>&1 | grep '^WRK')
	else
		line=$(wrk -t "$threads" -c "$n" -d "${SECONDS_PER}s" --timeout 30s \
			-s "$tmp/get.lua" "$(url "$c" "$p")" 2>&1 | grep '^WRK')
	fi
	if [ -z "$line" ]; then
		echo "apache: FAIL: wrk gave no result for $c/$p at $n" >&2
		return 1
	fi
	printf '%s\n' "$line" >>"$tmp/$c-$p-$n.samples"
	case $line in
	*" status_errors=0 socket_errors=0"*) ;;
	*) echo "apache: FAIL: $c/$p at $n connections: $line" >&2; status=1 ;;
	esac
	# Two processes each, all the time (fastcgi_max_requests replaces one).
	[ "$p" = fcgi ] && kids "$FCGI_PID" >>"$tmp/fcgi.kids"
	[ "$p" = django ] && kids "$PEER_PID" >>"$tmp/django.kids"
	if [ "$c" = create ]; then
		after=$(posts "$(db_of "$p")")
		req=$(printf '%s\n' "$line" | sed -E 's/.*requests=([0-9]+).*/\1/')
		if [ $((after - before)) -lt "$req" ] || [ $((after - before)) -gt $((req + n)) ]; then
			echo "apache: FAIL: $c/$p at $n: $((after - before)) posts for $req answers" >&2
			status=1
		fi
	fi
}
field() { sed -E "s/.* $1=([0-9]+).*/\\1/"; }
echo "apache: $ROUNDS rounds x ${SECONDS_PER}s per run; cases: $CASES; connections: $CONNS; backends: $PROGS"
# One short warm-up of each program: page cache, Apache's workers.
for c in $CASES; do
	for p in $PROGS; do
		w=$c; [ "$c" = create ] && w=hello
		wrk -t 1 -c 1 -d 1s -s "$tmp/get.lua" "$(url "$w" "$p")" >/dev/null 2>&1
	done
done
reversed=$(printf '%s\n' $PROGS | tac | tr '\n' ' ')
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 1; r <= ROUNDS; r++)); do
	for c in $CASES; do
		for n in $CONNS; do
			if ((r % 2)); then order=$PROGS; else order=$reversed; fi
			for p in $order; do
				run "$c" "$p" "$n" "$r" || exit 1
			done
		done
	done
done

# ---- the table ------------------------------------------------------------------------------------
# med CASE PROG CONNS KEY: the median over rounds (rps: requests/s).
med() {
	local f="$tmp/$1-$2-$3.samples"
	if [ "$4" = rps ]; then
		awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			print v["requests"] / (v["duration_us"] / 1e6) }' "$f" | median
	else
		field "$4" <"$f" | median
	fi
}
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
met=yes
{
	echo "Through Apache mod_cgid ($(apache2 -v 2>/dev/null | sed -n 's/^Server version: //p')), wrk, loopback;"
	echo "app: $APP, floors: build/bench/floor_{hello,page,create}; $(nproc) CPUs; $(date -u +%Y-%m-%d)"
	echo "medians of $ROUNDS interleaved rounds of ${SECONDS_PER}s; latencies in ms; ratio = app / floor"
	printf '%-7s %5s %9s %9s %6s  %13s %13s %13s %6s  %s\n' case conns "req/s fl" "req/s app" ratio \
		"p50 fl/app" "p90 fl/app" "p99 fl/app" ratio target
	for c in $CASES; do
		for n in $CONNS; do
			fr=$(med "$c" floor "$n" rps); ar=$(med "$c" app "$n" rps)
			f50=$(med "$c" floor "$n" p50); a50=$(med "$c" app "$n" p50)
			f90=$(med "$c" floor "$n" p90); a90=$(med "$c" app "$n" p90)
			f99=$(med "$c" floor "$n" p99); a99=$(med "$c" app "$n" p99)
			rr=$(ratio "$ar" "$fr"); pr=$(ratio "$a99" "$f99")
			t=$(awk -v a="$rr" -v b="$pr" 'BEGIN { print (a >= 0.95 && b <= 1.5) ? "met" : "NOT met" }')
			[ "$t" = met ] || met=no
			printf '%-7s %5s %9.0f %9.0f %5sx  %6s/%-6s %6s/%-6s %6s/%-6s %5sx  %s\n' "$c" "$n" "$fr" "$ar" "$rr" \
				"$(ms "$f50")" "$(ms "$a50")" "$(ms "$f90")" "$(ms "$a90")" "$(ms "$f99")" "$(ms "$a99")" "$pr" "$t"
		done
	done
	names="floor / app"
	for p in fcgi django; do has_prog "$p" && names+=" / $p"; done
	for c in $CASES; do echo "response bytes of $c ($names): ${sizes[$c]}"; done
	echo "targets (req/s >= 0.95x, p99 <= 1.5x the floor's, at every concurrency): $([ "$met" = yes ] && echo met || echo NOT met)"
	echo "posts in the database at the end: $(posts); integrity: $(app_sql 'PRAGMA integrity_check')"
	echo "per-run samples: wrk's requests, duration and latencies (us) in build/bench/apache-*.samples"
} | tee "$BENCH_DIR/apache.txt"

# ---- the second table: CGI, FastCGI and the warm peer (issue 13) -------------------------------
# The FastCGI processes are stopped first: the pool then tells how many it
# started over the run (fastcgi_max_requests recycling).
if has_prog fcgi || has_prog django; then
	stop_pid FCGI_PID
	stop_pid PEER_PID
	range() { [ -s "$1" ] && sort -n "$1" | sed -n '1p;$p' | paste -sd- | sed -E 's/^([0-9]+)-\1$/\1/' || echo "?"; }
	pmet=yes
	# col CASE PROG CONNS KEY: med, or "-" for a backend not run.
	col() { if has_prog "$2"; then med "$@"; else echo 0; fi; }
	{
		echo
		echo "Wick as CGI and as FastCGI beside Django + gunicorn, through the same Apache in the same run"
		echo "floor: static C CGI (mod_cgid); cgi: $APP (mod_cgid); fcgi: the same binary, $FCGI_PROCS FastCGI"
		echo "processes (mod_proxy_fcgi, Unix socket); django: Django $("$PY" -c 'import django; print(django.get_version())' 2>/dev/null)," \
			"gunicorn $(gunicorn --version 2>/dev/null | sed -E 's/.*version ([0-9.]+).*/\1/'), $PEER_WORKERS sync workers (mod_proxy_http)"
		echo "CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) CPUs; load average before / after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)"
		echo "medians of $ROUNDS interleaved rounds of ${SECONDS_PER}s; p99 in ms; fc/dj = FastCGI req/s / Django req/s"
		printf '%-7s %5s  %8s %8s %8s %8s  %7s %7s %7s %7s  %6s  %s
' case conns \
			"floor" "cgi" "fcgi" "django" "p99 fl" "cgi" "fcgi" "django" "fc/dj" target
		for c in $CASES; do
			for n in $CONNS; do
				fr=$(col "$c" floor "$n" rps); ar=$(col "$c" app "$n" rps)
				qr=$(col "$c" fcgi "$n" rps); dr=$(col "$c" django "$n" rps)
				f99=$(col "$c" floor "$n" p99); a99=$(col "$c" app "$n" p99)
				q99=$(col "$c" fcgi "$n" p99); d99=$(col "$c" django "$n" p99)
				rq=$(ratio "$qr" "$dr")
				want=1.5; [ "$c" = hello ] && want=2
				if [ "$n" -lt 8 ] || ! has_prog fcgi || ! has_prog django; then t="-"
				else
					t=$(awk -v a="$rq" -v w="$want" 'BEGIN { print (a != "n/a" && a + 0 >= w) ? "met" : "NOT met" }')
					[ "$t" = met ] || pmet=no
					t="$t (>= ${want}x)"
				fi
				printf '%-7s %5s  %8.0f %8.0f %8.0f %8.0f  %7s %7s %7s %7s  %5sx  %s
' "$c" "$n" \
					"$fr" "$ar" "$qr" "$dr" "$(ms "$f99")" "$(ms "$a99")" "$(ms "$q99")" "$(ms "$d99")" "$rq" "$t"
			done
		done
		if has_prog fcgi; then
			echo "FastCGI processes serving, sampled after each run: $(range "$tmp/fcgi.kids");" \
				"$(sed -nE 's/^fcgi_pool: ([0-9]+) processes started in all/\1/p' "$tmp/logs/fcgi.log" | tail -n 1) started in all (a new one per fastcgi_max_requests = 1000 requests)"
		fi
		has_prog django && echo "gunicorn workers, sampled after each run: $(range "$tmp/django.kids");" \
			"Django's posts at the end: $(posts "$peer_db"); integrity: $(app_sql 'PRAGMA integrity_check' "$peer_db")"
		echo "targets (FastCGI >= 2x Django's req/s on hello, >= 1.5x on the others, at 8 and 32 connections): $([ "$pmet" = yes ] && echo met || echo NOT met)"
	} | tee "$BENCH_DIR/apache-fastcgi.txt"
fi
cp "$tmp"/*.samples "$BENCH_DIR/" 2>/dev/null
for f in "$tmp"/*.samples; do mv -f "$BENCH_DIR/$(basename "$f")" "$BENCH_DIR/apache-$(basename "$f")" 2>/dev/null; done
exit "$status"
