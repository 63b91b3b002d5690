#!/bin/sh
# tests/browser/admin.sh - the admin site in a real browser.
#
# Sets up as tests/browser/drive.sh does (runserver on a free loopback
# port, a fresh database with one seeded post and a superuser, headless
# chromium with the DevTools protocol on another free port), then runs
# tests/browser/admin.mjs: log in through the admin's login form, add a
# post, change it, delete it through the confirmation page, and save a
# screenshot of the change list as build/screenshots/admin-changelist.png
# (the artifact).  Every step is bounded in time; both processes are
# stopped at the end.  Prints "N passed, M failed".
#
# The set-up and the counting are tests/browser/drive.sh's.
cd "$(dirname "$0")/../.." || exit 1
mkdir -p build/screenshots || exit 1
shot=build/screenshots/admin-changelist.png
rm -f "$shot"
exec tests/browser/drive.sh admin tests/browser/admin.mjs 8800 9250 "$shot"
