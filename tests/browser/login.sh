#!/bin/sh
# tests/browser/login.sh - log in and write a post in a real browser.
#
# Starts `cgi-bin/blog.cgi runserver` on a free loopback port with a fresh
# database (migrated, one seeded post, a superuser made with
# createsuperuser --password-stdin), starts Debian's chromium headless
# with the DevTools protocol on another free loopback port, and runs
# tests/browser/login.mjs (Node's built-in modules only), which types into
# the real login form, clicks its button, then fills in and submits the
# new-post form and checks the post page and its flash message.  Every
# step is bounded in time; both processes are stopped at the end.
# Prints "N passed, M failed" (login.mjs prints the browser's checks).
#
# The set-up and the counting are tests/browser/drive.sh's.
cd "$(dirname "$0")/../.." || exit 1
exec tests/browser/drive.sh login tests/browser/login.mjs 8780 9230
