# tests/deploy/smoke.sh - the one smoke test every deploy recipe passes.
#
# Sourced by tests/deploy/run (bash).  smoke LABEL BASE MOUNT drives the
# demo through whatever server answers on BASE (http://127.0.0.1:PORT),
# with the app mounted at MOUNT (/blog, /cgi-bin/blog.cgi): pages and the
# links they make under the mount point, the server's own static file, the
# app's stylesheet, 404, log in with a CSRF token, a post created through
# the form, a multipart comment with a 300 KB file, a 3 MB body -> 413,
# and TRACE, which no server may answer itself by echoing the request.
# Every curl is bounded by --max-time.  Uses from run: check, $SMOKE_USER,
# $SMOKE_PW (an account in the site's database), $T (a scratch folder).
# shellcheck shell=bash

# sget [curl args...] URL-PATH: one request to $S_BASE; sets CODE, leaves
# the headers in $T/h (CR removed) and the body in $T/b.
sget() {
	local path=${*: -1} n=$(($# - 1))
	CODE=$(curl -s -o "$T/b" -D "$T/h.raw" -w '%{http_code}' --max-time 20 \
		"${@:1:$n}" "$S_BASE$path" 2>/dev/null)
	[ -n "$CODE" ] || CODE=000
	tr -d '\r' <"$T/h.raw" >"$T/h" 2>/dev/null || : >"$T/h"
}
shdr() { grep -i "^$1:" "$T/h" | tail -n 1 | sed -E 's/^[^:]*:[[:space:]]*//'; }
sbody() { grep -qF -- "$1" "$T/b"; }
scode() { local c; for c in "$@"; do [ "$CODE" = "$c" ] && return 0; done; return 1; }
# stoken: the csrfmiddlewaretoken of the page in $T/b.
stoken() {
	sed -nE 's/.*name="csrfmiddlewaretoken"[^>]*value="([^"]*)".*/\1/p' "$T/b" | head -n 1
}

smoke() { # LABEL BASE MOUNT
	local L=$1 M=$3 jar=$T/$1.jar tok loc post css tag slug i codes
	S_BASE=$2
	rm -f "$jar"
	tag=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
	slug=deploy-$(printf '%s' "$L" | tr -c 'a-z0-9' '-')-$tag

	sget "$M/hello"
	check "$L: hello 200 with the security headers" "got $CODE" \
		eval 'scode 200 && sbody "Hello, world" && [ "$(shdr X-Content-Type-Options)" = nosniff ]'
	sget "$M/"
	check "$L: home 200, links under the mount (SCRIPT_NAME $M)" "got $CODE" \
		eval 'scode 200 && sbody "href=\"$M/hello\""'
	sget "$M/posts"
	check "$L: /posts redirects to $M/posts/ (PATH_INFO)" "got $CODE '$(shdr Location)'" \
		eval 'scode 301 302 308 && shdr Location | grep -qE "(^|[^/])$M/posts/\$"'
	sget "$M/no/such/page"
	check "$L: unknown page 404 from the app" "got $CODE" \
		eval 'scode 404 && shdr Content-Type | grep -qi "^text/html; *charset=utf-8"'
	sget /robots.txt
	check "$L: the server's own static file (/robots.txt)" "got $CODE" \
		eval 'scode 200 && sbody "wick-deploy-robots"'
	sget "$M/posts/"
	check "$L: post list 200" "got $CODE" scode 200
	css=$(grep -oE "href=\"$M/static/[^\"]+\.css\"" "$T/b" | head -n 1 | sed -E 's/^href="|"$//g')
	if [ -n "$css" ]; then
		sget "$css"
		check "$L: the app's stylesheet 200 text/css" "got $CODE '$(shdr Content-Type)'" \
			eval 'scode 200 && shdr Content-Type | grep -qi "^text/css"'
	else
		check "$L: the post list links a stylesheet under $M/static/" "" false
	fi

	# Log in: without the token refused, with it a session.
	sget -c "$jar" -b "$jar" --data-urlencode "username=$SMOKE_USER" \
		--data-urlencode "password=$SMOKE_PW" "$M/accounts/login/"
	check "$L: login POST without a CSRF token 403" "got $CODE" scode 403
	sget -c "$jar" -b "$jar" "$M/accounts/login/"
	tok=$(stoken)
	sget -c "$jar" -b "$jar" -H "Origin: $S_BASE" -H "Referer: $S_BASE$M/accounts/login/" \
		--data-urlencode "csrfmiddlewaretoken=$tok" --data-urlencode "username=$SMOKE_USER" \
		--data-urlencode "password=$SMOKE_PW" "$M/accounts/login/"
	check "$L: login with the CSRF token redirects and sets sessionid" "got $CODE" \
		eval 'scode 302 303 && grep -qi "^set-cookie: *sessionid=" "$T/h"'

	# A post through the form (a POST with CSRF), then its page.
	sget -c "$jar" -b "$jar" "$M/posts/new/"
	tok=$(stoken)
	sget -c "$jar" -b "$jar" -H "Origin: $S_BASE" -H "Referer: $S_BASE$M/posts/new/" \
		--data-urlencode "csrfmiddlewaretoken=$tok" --data-urlencode "title=Deploy $tag <&>" \
		--data-urlencode "slug=$slug" --data-urlencode "body=Through $L." "$M/posts/new/"
	loc=$(shdr Location)
	check "$L: new post through the form redirects to it" "got $CODE '$loc'" \
		eval 'scode 302 303 && printf "%s" "$loc" | grep -qE "$M/posts/[0-9]+/\$"'
	post=$(printf '%s' "$loc" | sed -E 's|^https?://[^/]*||')
	[ -n "$post" ] || post=$M/posts/1/
	sget -b "$jar" "$post"
	check "$L: the new post's page shows its title, escaped" "got $CODE" \
		eval 'scode 200 && sbody "Deploy $tag &lt;&amp;&gt;"'
	tok=$(stoken)

	# An upload: the comment form as multipart with a 300 KB file part.
	head -c 300000 /dev/urandom >"$T/upload.bin"
	sget -c "$jar" -b "$jar" -H "Origin: $S_BASE" -H "Referer: $S_BASE$post" \
		-F "csrfmiddlewaretoken=$tok" -F "name=up $tag" -F "body=file $tag" \
		-F "attachment=@$T/upload.bin" "${post}comment/"
	check "$L: multipart comment with a 300 KB file redirects back" "got $CODE" scode 302 303
	sget -b "$jar" "$post"
	check "$L: the uploaded comment shows" "" sbody "file $tag"

	# Over max_body_bytes: the app's 413 (or the server's, never a 5xx).
	head -c 3000000 /dev/zero | tr '\0' a >"$T/big.body"
	codes=""
	for i in 1 2 3; do
		sget -X POST -H "Content-Type: application/x-www-form-urlencoded" \
			--data-binary "@$T/big.body" "$M/hello"
		codes="$codes $CODE"
	done
	check "$L: 3 MB body 413, 3 times out of 3" "got$codes" test "$codes" = " 413 413 413"

	# TRACE: never the request echoed back (Apache's TraceEnable On would).
	sget -X TRACE -H "Cookie: sessionid=trace-secret-$tag" -H "X-Trace-Probe: probe-$tag" "$M/hello"
	check "$L: TRACE is refused, the request not echoed" "got $CODE '$(shdr Content-Type)'" \
		eval '! scode 200 000 && ! sbody "trace-secret-$tag" && ! sbody "probe-$tag" &&
		      ! shdr Content-Type | grep -qi "^message/http"'
	echo "# $L: TRACE $M/hello answered $CODE"
	sget -X TRACE -H "Cookie: sessionid=trace-secret-$tag" /robots.txt
	check "$L: TRACE outside the app is refused too" "got $CODE" \
		eval '! scode 200 000 && ! sbody "trace-secret-$tag"'
	echo "# $L: TRACE /robots.txt answered $CODE"
}
