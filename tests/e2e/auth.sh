# tests/e2e/auth.sh - end-to-end checks of sessions and login through
# Apache, beyond the login / new post / comment flow that tests/e2e/run
# already drives (check_login, check_forms_flow).  Sourced by
# tests/e2e/run (bash); uses its helpers: get, hdr, check, code_is,
# code_in, body_has, form_token, app_cmd, has_route, prepare_db, $E,
# $BASE, $SCRIPT.  The entry point is check_auth_extra; run it after
# check_login (it makes its own user).
# shellcheck shell=bash

# auth_login JAR USER PASSWORD [NEXT]: fetch the form, post it; sets CODE.
auth_login() {
	local jar=$1 user=$2 pw=$3 next=${4:-} tok
	get -c "$jar" -b "$jar" "$SCRIPT/accounts/login/"
	tok=$(form_token "$E/tmp/b")
	get -c "$jar" -b "$jar" -H "Origin: $BASE" \
		-H "Referer: $BASE$SCRIPT/accounts/login/" \
		--data-urlencode "csrfmiddlewaretoken=$tok" \
		--data-urlencode "username=$user" --data-urlencode "password=$pw" \
		${next:+--data-urlencode "next=$next"} "$SCRIPT/accounts/login/"
}

# jar_value JAR NAME: a cookie's value in a curl cookie jar.
jar_value() {
	awk -v n="$2" '$6 == n { v = $7 } END { print v }' "$1" 2>/dev/null
}

check_auth_extra() {
	if ! has_route "accounts/login/" || ! has_command createsuperuser; then
		skip "sessions and login extras" "no login route or createsuperuser yet"
		return
	fi
	prepare_db || return
	local jar=$E/tmp/auth.jar pw planted sid tok db=$E/data/blog.sqlite3
	pw="auth-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
	if ! printf '%s\n' "$pw" | app_cmd createsuperuser --username e2eauth \
		--email auth@example.com --password-stdin >"$E/logs/auth-user.log" 2>&1; then
		notok "createsuperuser for the auth checks" "$(tail -n 2 "$E/logs/auth-user.log")"
		return
	fi

	# Anonymous pages create no session and set no sessionid cookie.
	rm -f "$jar"
	get -c "$jar" -b "$jar" "$SCRIPT/posts/"
	check "anonymous page sets no sessionid" "$(grep -i '^set-cookie' "$E/tmp/h")" \
		eval '! grep -qi "^set-cookie: *sessionid" "$E/tmp/h"'

	# A client-chosen session id is not adopted, and login gives a new id.
	planted=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
	printf '127.0.0.1\tFALSE\t/\tFALSE\t0\tsessionid\t%s\n' "$planted" >"$jar"
	auth_login "$jar" e2eauth "$pw" "$SCRIPT/posts/"
	sid=$(jar_value "$jar" sessionid)
	check "login redirects to a same-site next=" "got $CODE $(hdr Location)" \
		eval 'code_in 302 303 && [ "$(hdr Location)" = "$SCRIPT/posts/" ]'
	check "login does not adopt a planted session id" "sessionid '$sid'" \
		eval '[ -n "$sid" ] && [ "$sid" != "$planted" ]'
	check "session cookie: HttpOnly, SameSite=Lax, no Domain" \
		"$(grep -i '^set-cookie: *sessionid' "$E/tmp/h")" \
		eval 'grep -i "^set-cookie: *sessionid=" "$E/tmp/h" | grep -qi "httponly" &&
		      grep -i "^set-cookie: *sessionid=" "$E/tmp/h" | grep -qi "samesite=lax" &&
		      ! grep -i "^set-cookie: *sessionid=" "$E/tmp/h" | grep -qi "domain="'

	# Logout is POST only and ends the session.
	get -c "$jar" -b "$jar" "$SCRIPT/accounts/logout/"
	check "logout by GET is refused (405)" "got $CODE" code_is 405
	get -c "$jar" -b "$jar" "$SCRIPT/posts/new/"
	check "still logged in after the GET" "got $CODE" code_is 200
	tok=$(form_token "$E/tmp/b")
	get -c "$jar" -b "$jar" -H "Origin: $BASE" \
		--data-urlencode "csrfmiddlewaretoken=$tok" "$SCRIPT/accounts/logout/"
	check "logout by POST redirects" "got $CODE" code_in 302 303
	get -c "$jar" -b "$jar" "$SCRIPT/posts/new/"
	check "after logout /posts/new/ redirects to login" "got $CODE $(hdr Location)" \
		eval 'code_in 302 && hdr Location | grep -q "accounts/login/?next="'
	# The old session id is dead even if replayed.
	get -b "sessionid=$sid" "$SCRIPT/posts/new/"
	check "a logged-out session id cannot be replayed" "got $CODE" code_is 302

	# next= pointing elsewhere is ignored.
	rm -f "$jar"
	auth_login "$jar" e2eauth "$pw" "//evil.example/"
	check "login ignores next=//evil.example/" "got $CODE $(hdr Location)" \
		eval 'code_in 302 303 && ! hdr Location | grep -q evil'

	# Throttling: 10 failures, then 429 even with the right password.
	local i ok=1
	rm -f "$jar"
	for i in $(seq 1 10); do
		auth_login "$jar" e2eauth "wrong-$i"
		code_is 200 || ok=0
	done
	check "10 wrong passwords: the form again (200)" "got $CODE" test "$ok" = 1
	auth_login "$jar" e2eauth "$pw"
	check "11th attempt is throttled (429)" "got $CODE" code_is 429
	# Every login from 127.0.0.1 is throttled now: clear the record so
	# later checks can log in.
	if command -v sqlite3 >/dev/null 2>&1; then
		sqlite3 "$db" "DELETE FROM wick_login_failure;" 2>/dev/null
		auth_login "$jar" e2eauth "$pw"
		check "login works again once the failures are cleared" "got $CODE" \
			code_in 302 303
	fi
}
