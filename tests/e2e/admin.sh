# tests/e2e/admin.sh - end-to-end checks of the admin site (src/admin/,
# mounted by the demo at admin/) through Apache with curl: an anonymous
# visitor sent to the admin's login page, a superuser logging in through
# the form, listing, searching, filtering, adding a post, changing it,
# deleting it through the confirmation page; the change list's actions
# (delete selected, confirmed; publish selected; a bad id 400); a staff user with view only
# refused a POST with 403.  Sourced by tests/e2e/run (bash); uses its
# helpers (get, hdr, check, code_is, code_in, body_has, form_token,
# app_cmd, has_route, prepare_db, $E, $BASE, $SCRIPT).  The entry point is
# check_admin; it makes its own users.
# shellcheck shell=bash

# admin_login JAR USER PASSWORD: the admin's login form, fetched and
# posted; sets CODE.
admin_login() {
	local jar=$1 tok
	get -c "$jar" -b "$jar" "$SCRIPT/admin/login/"
	tok=$(form_token "$E/tmp/b")
	get -c "$jar" -b "$jar" -H "Origin: $BASE" \
		-H "Referer: $BASE$SCRIPT/admin/login/" \
		--data-urlencode "csrfmiddlewaretoken=$tok" \
		--data-urlencode "username=$2" --data-urlencode "password=$3" \
		"$SCRIPT/admin/login/"
}

# admin_post JAR PAGE [--data-urlencode ...]: GET PAGE for its form's
# token, then POST the fields to it; sets CODE.
admin_post() {
	local jar=$1 page=$2 tok
	shift 2
	get -c "$jar" -b "$jar" "$page"
	tok=$(form_token "$E/tmp/b")
	get -c "$jar" -b "$jar" -H "Origin: $BASE" -H "Referer: $BASE$page" \
		--data-urlencode "csrfmiddlewaretoken=$tok" "$@" "$page"
}

# admin_rows: the rows of the change list in $E/tmp/b.
admin_rows() { grep -o '<th scope="row">' "$E/tmp/b" | wc -l; }

check_admin() {
	if ! has_route "admin/" || ! has_command createsuperuser; then
		skip "the admin site through Apache" "no admin/ route yet"
		return
	fi
	prepare_db || return
	local jar=$E/tmp/admin.jar vjar=$E/tmp/admin-view.jar pw id list
	local db=$E/data/blog.sqlite3
	list="$SCRIPT/admin/blog/post/"
	pw="adm-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
	if ! printf '%s\n' "$pw" | app_cmd createsuperuser --username e2eadmin \
		--email adm@example.com --password-stdin >"$E/logs/admin-user.log" 2>&1; then
		notok "createsuperuser for the admin checks" "$(tail -n 2 "$E/logs/admin-user.log")"
		return
	fi

	rm -f "$jar" "$vjar"
	# earlier checks' failed logins from this address must not throttle us
	command -v sqlite3 >/dev/null 2>&1 &&
		sqlite3 "$db" "DELETE FROM wick_login_failure;" 2>/dev/null
	get "$SCRIPT/admin/"
	check "admin: anonymous is sent to the admin's login" "got $CODE $(hdr Location)" \
		eval 'code_is 302 && hdr Location | grep -q "/admin/login/?next="'
	admin_login "$jar" e2eadmin "wrong-$pw"
	check "admin: a wrong password is refused" "got $CODE" code_is 200
	admin_login "$jar" e2eadmin "$pw"
	check "admin: a superuser logs in" "got $CODE $(hdr Location)" \
		eval 'code_is 302 && [ "$(hdr Location)" = "$SCRIPT/admin/" ]'
	get -b "$jar" "$SCRIPT/admin/"
	check "admin: the index lists posts, X-Frame-Options DENY" "got $CODE" \
		eval 'code_is 200 && body_has "$SCRIPT/admin/blog/post/" && has_hdr X-Frame-Options DENY'

	get -b "$jar" "$list"
	check "admin: the post list shows the seeded posts" "got $CODE, $(admin_rows) rows" \
		eval 'code_is 200 && [ "$(admin_rows)" -ge 30 ] && body_has " results"'
	get -b "$jar" "$list?q=post-7"
	check "admin: search (=slug)" "$(admin_rows) rows" \
		eval 'code_is 200 && [ "$(admin_rows)" = 1 ] && body_has "1 result ("'
	get -b "$jar" "$list?published=0"
	check "admin: filter published=0 (every tenth is a draft)" "$(admin_rows) rows" \
		eval 'code_is 200 && [ "$(admin_rows)" -ge 3 ] && ! body_has ">Post 1: "'
	get -b "$jar" "$list?published=maybe"
	check "admin: a filter value that is none of the field's is 400" "got $CODE" code_is 400

	admin_post "$jar" "$list""add/" --data-urlencode "title=From e2e" \
		--data-urlencode "slug=from-e2e" --data-urlencode "body=Through Apache" \
		--data-urlencode "author_name=E2E" --data-urlencode "published=on" \
		--data-urlencode "created=2026-12-07T12:00:00Z" --data-urlencode "_continue=1"
	check "admin: add a post (save and continue)" "got $CODE $(hdr Location)" \
		eval 'code_is 302 && hdr Location | grep -qE "/admin/blog/post/[0-9]+/change/$"'
	id=$(hdr Location | sed -nE 's|.*/post/([0-9]+)/change/$|\1|p')
	admin_post "$jar" "$list$id/change/" --data-urlencode "title=Changed in e2e" \
		--data-urlencode "slug=from-e2e" --data-urlencode "body=Through Apache" \
		--data-urlencode "author_name=E2E" \
		--data-urlencode "created=2026-12-07T12:00:00Z" --data-urlencode "_save=1"
	check "admin: change it" "got $CODE" code_is 302
	get -b "$jar" "$list?q=Changed"
	check "admin: the change shows, with its flash message" "$(admin_rows) rows" \
		eval '[ "$(admin_rows)" = 1 ] && body_has "was changed successfully"'
	get -b "$jar" "$list$id/history/"
	check "admin: the history page shows the add and the change" "got $CODE" \
		eval 'code_is 200 && body_has "Added." && body_has "Changed title:"'
	get -b "$jar" -H "Origin: $BASE" --data-urlencode "title=x" "$list$id/change/"
	check "admin: a POST without the CSRF token is 403" "got $CODE" code_is 403
	get -b "$jar" "$list$id/delete/"
	check "admin: the delete confirmation page" "got $CODE" \
		eval 'code_is 200 && body_has "Are you sure"'
	admin_post "$jar" "$list$id/delete/"
	check "admin: delete through the confirmation page" "got $CODE" code_is 302
	get -b "$jar" "$list$id/change/"
	check "admin: the deleted post is 404" "got $CODE" code_is 404

	# Actions: delete selected (confirmation page, then all at once) and
	# the demo's publish action.
	local sel a b
	get -b "$jar" "$list"
	sel=$(grep -o 'name="_selected_action" value="[0-9]*"' "$E/tmp/b" |
		sed -nE 's/.*value="([0-9]+)"/\1/p' | head -n 2)
	a=$(echo "$sel" | sed -n 1p)
	b=$(echo "$sel" | sed -n 2p)
	admin_post "$jar" "$list" --data-urlencode "action=delete_selected" \
		--data-urlencode "_selected_action=$a" --data-urlencode "_selected_action=$b"
	check "admin: delete selected asks first" "got $CODE" \
		eval 'code_is 200 && body_has "Are you sure you want to delete the selected posts?"'
	admin_post "$jar" "$list" --data-urlencode "action=publish" \
		--data-urlencode "_selected_action=$a"
	check "admin: an app action (publish selected)" "got $CODE" code_is 302
	get -b "$jar" "$list"
	check "admin: the action's message shows" "got $CODE" \
		eval 'code_is 200 && body_has "1 post published."'
	admin_post "$jar" "$list" --data-urlencode "action=delete_selected" \
		--data-urlencode "post=yes" \
		--data-urlencode "_selected_action=$a" --data-urlencode "_selected_action=$b"
	check "admin: delete selected, confirmed" "got $CODE" code_is 302
	get -b "$jar" "$list"
	check "admin: Successfully deleted 2 posts." "got $CODE" \
		eval 'code_is 200 && body_has "Successfully deleted 2 posts."'
	get -b "$jar" "$list$a/change/"
	check "admin: a post deleted by the action is 404" "got $CODE" code_is 404
	admin_post "$jar" "$list" --data-urlencode "action=delete_selected" \
		--data-urlencode "_selected_action=x1"
	check "admin: an id that is no number is 400" "got $CODE" code_is 400
	app_cmd verifylog >"$E/logs/verifylog.out" 2>&1
	check "admin: verifylog finds the chain intact" "$(cat "$E/logs/verifylog.out")" \
		grep -q "chain intact" "$E/logs/verifylog.out"

	# A staff user with the view permission only.
	if ! command -v sqlite3 >/dev/null 2>&1; then
		skip "admin: a view-only user" "no sqlite3 command"
		return
	fi
	printf '%s\n' "$pw" | app_cmd createsuperuser --username e2eviewer \
		--email view@example.com --password-stdin >>"$E/logs/admin-user.log" 2>&1
	sqlite3 "$db" "UPDATE wick_user SET is_superuser = 0 WHERE username = 'e2eviewer';" 2>/dev/null
	app_cmd grant e2eviewer blog_post.view >>"$E/logs/admin-user.log" 2>&1
	admin_login "$vjar" e2eviewer "$pw"
	get -b "$vjar" "$list"
	check "admin: a view-only user sees the list, without Add" "got $CODE" \
		eval 'code_is 200 && body_has "Select post to view" && ! body_has "/admin/blog/post/add/"'
	admin_post "$vjar" "$list""1/change/" --data-urlencode "title=Hacked" \
		--data-urlencode "slug=post-1"
	check "admin: a view-only user's POST is 403" "got $CODE" code_is 403
	admin_post "$vjar" "$list" --data-urlencode "action=delete_selected" \
		--data-urlencode "post=yes" --data-urlencode "_selected_action=1"
	check "admin: a view-only user's delete selected is 403" "got $CODE" code_is 403
	get -b "$vjar" "$SCRIPT/admin/blog/comment/"
	check "admin: a model without any permission is 403" "got $CODE" code_is 403
}
