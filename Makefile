# Wick - a Django-shaped web framework in C for cgi-bin.
#
# Three builds of the same sources:
#   build/musl   production: musl-gcc, fully static, SQLite and BearSSL
#                compiled from Debian's source packages (tools/build-deps)
#   build/glibc  unit tests, test client, fuzz corpora: gcc + Debian's -dev libs
#   build/asan   the unit suite again under AddressSanitizer + UBSan
# Fuzzers (clang, libFuzzer) live in build/fuzz.
#
# `make run` serves the demo on http://127.0.0.1:8000; `make test` runs
# every test.  Both install the Debian packages they need first.

CC       = gcc
MUSL_CC  ?= musl-gcc
CLANG    ?= clang

STD      = -std=c11 -D_GNU_SOURCE
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wwrite-strings -Wpointer-arith \
           -Wformat=2 -Wundef -Wcast-qual -Wvla \
           -Wno-missing-field-initializers
# -Wno-missing-field-initializers: a route table row may leave out the
# trailing members of struct wk_route (router.h: .data, added later), as
# `{ "", home, "home", WK_GET, NULL }` does; the members left out are zero.
HARDEN   = -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fno-strict-overflow
OPT      = -O2 -g
CFLAGS_COMMON = $(STD) $(WARN) $(HARDEN) $(OPT) -Iinclude -Ibuild/gen -MMD -MP

# SQLite compile-time options for the production build, chosen for one
# short-lived single-threaded process per request:
#  THREADSAFE=0            one thread per process: no mutexes to pay for
#  OMIT_LOAD_EXTENSION     no dlopen in a static binary; no loadable code
#  DEFAULT_MEMSTATUS=0     no allocation statistics on every malloc
#  DEFAULT_WAL_SYNCHRONOUS=1  synchronous=NORMAL in WAL: durable at
#                          checkpoints, no fsync on every commit
#  DEFAULT_FOREIGN_KEYS=1  foreign keys enforced even before the PRAGMA
#  DQS=0                   "double quotes" are identifiers, never strings
#  OMIT_DEPRECATED, OMIT_SHARED_CACHE, OMIT_PROGRESS_CALLBACK,
#  OMIT_TCL_VARIABLE, OMIT_GET_TABLE  features Wick never uses: less code
#                          mapped and faulted in at start-up
#  LIKE_DOESNT_MATCH_BLOBS LIKE on blobs is a mistake; makes LIKE faster
#  USE_ALLOCA              small temporaries on the stack, not malloc
#  MAX_EXPR_DEPTH=200      bound recursion on hostile or generated SQL
#  TEMP_STORE=2            temp tables in memory: no temp files per request
SQLITE_OPTS = -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION \
  -DSQLITE_DEFAULT_MEMSTATUS=0 -DSQLITE_DEFAULT_WAL_SYNCHRONOUS=1 \
  -DSQLITE_DEFAULT_FOREIGN_KEYS=1 -DSQLITE_DQS=0 -DSQLITE_OMIT_DEPRECATED \
  -DSQLITE_OMIT_SHARED_CACHE -DSQLITE_OMIT_PROGRESS_CALLBACK \
  -DSQLITE_OMIT_TCL_VARIABLE -DSQLITE_OMIT_GET_TABLE \
  -DSQLITE_LIKE_DOESNT_MATCH_BLOBS -DSQLITE_USE_ALLOCA \
  -DSQLITE_MAX_EXPR_DEPTH=200 -DSQLITE_TEMP_STORE=2 \
  $(SQLITE_HAVE)

# What SQLite's configure script would tell it about the C library.  The
# amalgamation is compiled without configure's header, so without these
# SQLite assumes the least: it sleeps in whole seconds, seeks before every
# read, syncs metadata on every commit.  Each macro configure looks for on
# Debian is decided here for musl 1.2 (tools/build-deps runs configure with
# musl-gcc and fails if it finds one that is neither set nor listed in
# SQLITE_HAVE_NOT, so a new SQLite cannot add one silently):
#  USLEEP=1          musl has usleep.  Without it SQLite's own waits (the
#                    WAL read-lock retry, which never calls the busy
#                    handler) round up to sleep(1): one-second stalls at
#                    p99 under concurrency.  The build checks for it.
#  FDATASYNC=1       musl has fdatasync; otherwise every sync is an fsync
#                    that also writes the inode's timestamps
#  PREAD=1 PWRITE=1  one pread/pwrite per page instead of lseek + read
#  LOCALTIME_R=1 GMTIME_R=1  reentrant time conversion, as on glibc
#  STRCHRNUL=1       musl has it; printf's literal runs scan faster
#  ISNAN=1           isnan is a macro in musl's math.h (configure's link
#                    test misses it); SQLite's own fallback is a bit test
#  MALLOC_H=1 MALLOC_USABLE_SIZE=1  musl's mallocng answers the size of
#                    a block, so SQLite stores no 8-byte size prefix on
#                    each allocation
#  POSIX_FALLOCATE=1 musl has it; SQLite uses it to grow a file when a
#                    chunk size is set, so a full disk fails the grow, not
#                    a later write
#  STDINT_H=1 INTTYPES_H=1, INT8_T ... UINTPTR_T=1  C99 headers and types:
#                    SQLite takes its integer types from them
#  UTIME=1           musl has utime; only used by SQLite's dot-file
#                    locking, which Linux builds do not compile
#  READLINK=1 LSTAT=1  (configure does not test these) resolve symbolic
#                    links in the database path, so a database reached
#                    through a link keeps its -wal and -shm beside the
#                    real file: two names for one file never mean two WALs
#  FCHOWN=1          (not tested by configure either) a WAL or journal that
#                    root creates (`sudo APP.cgi migrate`) is given the
#                    database file's owner, so the web user can still open it
SQLITE_HAVE = -DHAVE_USLEEP=1 -DHAVE_FDATASYNC=1 -DHAVE_PREAD=1 \
  -DHAVE_PWRITE=1 -DHAVE_LOCALTIME_R=1 -DHAVE_GMTIME_R=1 -DHAVE_STRCHRNUL=1 \
  -DHAVE_ISNAN=1 -DHAVE_MALLOC_H=1 -DHAVE_MALLOC_USABLE_SIZE=1 \
  -DHAVE_POSIX_FALLOCATE=1 -DHAVE_STDINT_H=1 -DHAVE_INTTYPES_H=1 \
  -DHAVE_INT8_T=1 -DHAVE_INT16_T=1 -DHAVE_INT32_T=1 -DHAVE_INT64_T=1 \
  -DHAVE_INTPTR_T=1 -DHAVE_UINT8_T=1 -DHAVE_UINT16_T=1 -DHAVE_UINT32_T=1 \
  -DHAVE_UINT64_T=1 -DHAVE_UINTPTR_T=1 -DHAVE_UTIME=1 -DHAVE_READLINK=1 \
  -DHAVE_LSTAT=1 -DHAVE_FCHOWN=1
# Found by configure but deliberately left unset:
#  PREAD64 PWRITE64  musl's off_t is always 64 bits; the *64 names are
#                    glibc's large-file aliases (gone from musl 1.2.4), and
#                    PREAD/PWRITE above already take 64-bit offsets
#  LOCALTIME_S       Windows only
#  DLFCN_H           no loadable extensions (OMIT_LOAD_EXTENSION)
#  ZLIB_H READLINE EDITLINE TCL  only the sqlite3 shell and Tcl use them
#  MEMORY_H STDLIB_H STRING_H STRINGS_H SYS_STAT_H SYS_TYPES_H UNISTD_H
#                    autoconf's own header probes; SQLite includes these
#                    headers unconditionally
SQLITE_HAVE_NOT = PREAD64 PWRITE64 LOCALTIME_S DLFCN_H ZLIB_H READLINE \
  EDITLINE TCL MEMORY_H STDLIB_H STRING_H STRINGS_H SYS_STAT_H SYS_TYPES_H \
  UNISTD_H

# BearSSL has no configure: src/config.h documents its switches and
# src/inner.h derives each from the compiler's predefined macros
# (__x86_64__, __GNUC__, __linux__), which musl-gcc shares with gcc, so the
# musl build gets what Debian's glibc build gets, and config.h is left as
# it is: BR_64, BR_INT128 (64x64->128 multiply), BR_LE_UNALIGNED, BR_SSE2
# and BR_AES_X86NI (chosen at run time by CPUID), BR_RDRAND and
# BR_USE_URANDOM (only for BearSSL's own seeder; Wick seeds from
# getrandom), BR_USE_UNIX_TIME (certificate validity for outgoing TLS);
# BR_LOMUL, BR_SLOW_MUL, BR_CT_MUL31/15 and BR_NO_ARITH_SHIFT stay off
# (x86-64 multiplies in constant time and shifts arithmetically).  Flags:
# -O2 rather than Debian's -Os (PBKDF2 and HMAC run on every login and
# every session check), no -fPIC (linked into a static non-PIE binary),
# -fstack-protector-strong as everywhere.  _FORTIFY_SOURCE is omitted:
# musl provides no checked variants, so it would do nothing.
BEARSSL_CFLAGS = -W -Wall -O2 -fstack-protector-strong

# Debian packages each command needs (installed by tools/ensure-packages).
RUN_PKGS  = gcc make musl-tools dpkg-dev tcl xz-utils file unicode-data
TEST_PKGS = $(RUN_PKGS) libcmocka-dev libsqlite3-dev libbearssl-dev \
            apache2 curl clang libclang-rt-14-dev valgrind sqlite3 \
            python3 python3-django strace pkg-config mandoc groff-base \
            libapache2-mod-fcgid nginx fcgiwrap lighttpd busybox
# `make bench` also drives Apache with wrk (bench/apache.sh), through
# mod_cgid, mod_proxy_fcgi (the blog as FastCGI) and mod_proxy_http to the
# Django peer under gunicorn (bench/django_peer/); apache2 brings the modules.
BENCH_PKGS = wrk apache2 curl sqlite3 python3 python3-django gunicorn

# ---- sources ---------------------------------------------------------------
# The library, by component (see README "How a request flows"); each
# folder of src/ has its public headers in the same folder of include/wick/.
CORE_SRCS = src/core/arena.c src/core/buf.c src/core/kv.c src/core/log.c \
	src/core/random.c src/core/settings.c \
	src/core/json.c src/core/value.c src/core/unicode.c src/core/crypto.c
HTTP_SRCS = src/http/request.c src/http/response.c src/http/router.c \
	src/http/security.c src/http/app.c src/http/multipart.c src/http/io.c \
	src/http/slot.c src/http/static.c
FRONT_SRCS = src/front/cgi.c src/front/commands.c src/front/devserver.c \
	src/front/fastcgi.c src/front/fcgi_proto.c \
	src/front/testclient.c src/front/testclient_db.c \
	src/front/testclient_auth.c
DB_SRCS = src/db/db.c src/db/model.c src/db/query.c src/db/orm.c \
	src/db/aggregate.c src/db/orm_value.c src/db/raw.c src/db/migrate.c \
	src/db/values.c src/db/expr.c src/db/bulk.c src/db/unique.c \
	src/db/uuid.c src/db/pk.c
DB_SRCS += src/db/model_str.c
DB_SRCS += src/db/fixtures.c src/db/shell.c
DB_SRCS += src/db/related.c src/db/relations.c
TEMPLATE_SRCS = src/template/parse.c $(TEMPLATE_FILTER_SRCS) \
	src/template/eval.c src/template/render.c src/template/tags.c \
	src/template/lorem.c src/template/load.c src/template/page.c \
	$(LIB_ASSETS)
# The filters, one file per concern (src/template/internal.h); the
# build-time checker (TPL_TOOL_SRCS) links them with the parser.
TEMPLATE_FILTER_SRCS = src/template/filters.c src/template/filters_text.c \
	src/template/filters_url.c src/template/filters_list.c \
	src/template/filters_number.c src/template/filters_date.c \
	src/template/filters_json.c
AUTH_SRCS = src/auth/password.c src/auth/csrf.c src/auth/session.c \
	src/auth/session_db.c src/auth/session_cookie.c src/auth/session_stores.c \
	src/auth/messages.c \
	src/auth/auth.c src/auth/user.c src/auth/throttle.c src/auth/perm.c \
	src/auth/views.c src/auth/commands.c
AUTH_SRCS += src/auth/perm_rows.c src/auth/perm_commands.c
FORMS_SRCS = src/forms/validate.c src/forms/form.c
FORMS_SRCS += src/forms/model_choice.c
VIEWS_SRCS = src/views/paginator.c src/views/generic.c src/views/edit.c
ADMIN_SRCS = src/admin/page.c src/admin/site.c src/admin/changelist.c \
	src/admin/edit.c src/admin/actions.c
ADMIN_SRCS += src/admin/users.c
ADMIN_SRCS += src/admin/history.c
LIB_SRCS = $(CORE_SRCS) $(HTTP_SRCS) $(FRONT_SRCS) $(DB_SRCS) \
	$(TEMPLATE_SRCS) $(AUTH_SRCS) $(FORMS_SRCS) $(VIEWS_SRCS) \
	$(ADMIN_SRCS)

# The demo app: cgi-bin/blog.cgi.
BLOG_SRCS = \
	cgi-bin/blog/app.c \
	cgi-bin/blog/views.c \
	cgi-bin/blog/models.c \
	cgi-bin/blog/api.c \
	cgi-bin/blog/pages.c \
	cgi-bin/blog/accounts.c \
	cgi-bin/blog/admin.c \
	build/gen/blog_assets.c
BLOG_MAIN = cgi-bin/blog/main.c

# Unit tests of the library: tests/test_<module>.c, one per module, linked
# with the library and the tests' own small app (tests/fixture/), never
# with the demo.  The demo's tests live with it, in cgi-bin/blog/tests/,
# and are linked with the demo too.
TEST_SRCS = $(sort $(wildcard tests/test_*.c))
FIXTURE_SRCS = tests/fixture/app.c tests/fixture/models.c \
	tests/fixture/notes.c tests/fixture/tempdb.c tests/fixture/admin.c \
	build/gen/fixture_tree_assets.c
BLOG_TEST_SRCS = $(sort $(wildcard cgi-bin/blog/tests/test_*.c))
FUZZ_SRCS = $(sort $(wildcard tests/fuzz/fuzz_*.c))

DEPS_DIR  = build/deps
DEPS_LIBS = $(DEPS_DIR)/lib/libsqlite3.a $(DEPS_DIR)/lib/libbearssl.a
DEPS_STAMP = $(DEPS_DIR)/built.stamp

# ---- derived names ---------------------------------------------------------
objs = $(patsubst %.c,build/$(1)/%.o,$(2))
GLIBC_LIB  = build/glibc/libwick.a
ASAN_LIB   = build/asan/libwick.a
MUSL_LIB   = build/musl/libwick.a
GLIBC_BLOG = build/glibc/libblog.a
ASAN_BLOG  = build/asan/libblog.a
GLIBC_FIXTURE = build/glibc/libfixture.a
ASAN_FIXTURE  = build/asan/libfixture.a
# Library tests in build/<b>/bin/, the demo's in build/<b>/bin/blog/
# (tools/run-tests runs both).
GLIBC_TESTS = $(patsubst tests/%.c,build/glibc/bin/%,$(TEST_SRCS)) \
	$(patsubst cgi-bin/blog/tests/%.c,build/glibc/bin/blog/%,$(BLOG_TEST_SRCS))
ASAN_TESTS  = $(patsubst tests/%.c,build/asan/bin/%,$(TEST_SRCS)) \
	$(patsubst cgi-bin/blog/tests/%.c,build/asan/bin/blog/%,$(BLOG_TEST_SRCS))
FUZZERS     = $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRCS))
APPS        = cgi-bin/blog.cgi

SYS_LIBS   = -lsqlite3 -lbearssl -lm
TEST_LIBS  = -lcmocka $(SYS_LIBS)
ASAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=all

.PHONY: all run test unit check e2e fuzz fuzz-short django django-build \
        bench clean man \
        packages-run packages-test distclean install uninstall FORCE
.SUFFIXES:
.DELETE_ON_ERROR:

all: $(APPS)

# ---- the two commands -------------------------------------------------------
packages-run:
	@tools/ensure-packages $(RUN_PKGS)

packages-test:
	@tools/ensure-packages $(TEST_PKGS)

# The demo's database is created (and seeded while it has no posts) before serving; its path
# is the `database` setting, by default ~/.local/share/wick/blog.sqlite3.
run: packages-run
	@$(MAKE) --no-print-directory $(APPS)
	cgi-bin/blog.cgi migrate
	cgi-bin/blog.cgi seed 30 --if-empty
	@echo "Serving the demo on http://127.0.0.1:8000/ (Ctrl-C stops)."
	@echo "To log in and write posts: cgi-bin/blog.cgi createsuperuser"
	cgi-bin/blog.cgi runserver 127.0.0.1:8000

test: packages-test
	@$(MAKE) --no-print-directory all unit-build check-build fuzz-build \
		django-build man
	@tools/run-tests

unit-build: $(GLIBC_TESTS) $(ORM_DIFF)
check-build: $(ASAN_TESTS)
fuzz-build: $(FUZZERS)

unit: $(GLIBC_TESTS)
	@tools/run-tests unit

check: $(ASAN_TESTS)
	@tools/run-tests asan

e2e: $(APPS)
	@tools/run-tests e2e

fuzz-short: $(FUZZERS)
	@tools/run-tests fuzz

django: $(DJANGO_DRIVER)
	@tools/run-tests django

# ---- templates and static files, embedded ------------------------------------
# tools/wk-templates (a host program built with gcc) parses every template
# -- a syntax error fails the build with name:line:col -- and writes one C
# file holding the templates and the content-hashed static files.  The
# folders are prerequisites too, so adding or removing a file regenerates.
TPL_TOOL      = build/tools/wk-templates
TPL_TOOL_SRCS = tools/wk-templates.c src/core/arena.c src/core/buf.c \
                src/core/value.c src/template/parse.c \
                $(TEMPLATE_FILTER_SRCS) src/core/unicode.c src/core/random.c
BLOG_ASSET_FILES = $(shell find cgi-bin/blog/templates cgi-bin/blog/static \
                   -type f ! -name '.*' 2>/dev/null)

$(TPL_TOOL): $(call objs,glibc,$(TPL_TOOL_SRCS))
	@mkdir -p $(@D)
	$(CC) -o $@ $^ -lm

build/gen/blog_assets.c: $(TPL_TOOL) $(BLOG_ASSET_FILES) \
		cgi-bin/blog/templates cgi-bin/blog/static
	@mkdir -p $(@D)
	$(TPL_TOOL) --app blog --templates cgi-bin/blog/templates \
		--static cgi-bin/blog/static \
		--source-dir $(CURDIR)/cgi-bin/blog/templates --out $@

# The library's own templates (and static files, when it has some), under
# names starting "wick/" (and "admin/", the admin site's): embedded in libwick the same way, as
# wk_library_templates, and searched after the app's (template.h).  No
# --source-dir: an installed libwick must never read templates back from
# the source tree it was built in (DEBUG reloads are for an app's own).
LIB_ASSETS = build/gen/wk_library_assets.c
LIB_ASSET_FILES = $(shell find src/template/templates -type f ! -name '.*' \
                  2>/dev/null)

$(LIB_ASSETS): $(TPL_TOOL) $(LIB_ASSET_FILES) src/template/templates
	@mkdir -p $(@D)
	$(TPL_TOOL) --app wk_library --templates src/template/templates \
		--out $@

# Templates for tests/test_tree.c (every node kind), embedded the way an
# app's are, with their trees: the test renders each tree against a parse
# of its source.  shout and sum are the test's own filter and tag.
TREE_ASSET_FILES = $(shell find tests/fixture/tree_templates -type f \
                   ! -name '.*' 2>/dev/null)

build/gen/fixture_tree_assets.c: $(TPL_TOOL) $(TREE_ASSET_FILES) \
		tests/fixture/tree_templates
	@mkdir -p $(@D)
	$(TPL_TOOL) --app fixture_tree --templates tests/fixture/tree_templates \
		--source-dir $(CURDIR)/tests/fixture/tree_templates \
		--filter shout --tag sum --out $@

# ---- the wick command, and installing Wick -----------------------------------
# `wick startproject` / `wick startapp` (tools/wick/wick.c) write projects
# from the skeletons in share/project_template and share/app_template,
# which tools/wick/embed.c compiles into the command: it needs no data
# folder.  It is a tool, not part of libwick, and links nothing from it.
WICK_VERSION = 0.1.0
WICK_TOOL    = build/tools/wick
WICK_EMBED   = build/tools/wick-embed
WICK_SKEL    = build/gen/wick_skeleton.c
SKEL_DIRS    = share/project_template share/app_template
SKEL_FILES   = $(shell find $(SKEL_DIRS) -type f 2>/dev/null)

$(WICK_EMBED): build/glibc/tools/wick/embed.o
	@mkdir -p $(@D)
	$(CC) -o $@ $^

$(WICK_SKEL): $(WICK_EMBED) $(SKEL_FILES) $(SKEL_DIRS)
	@mkdir -p $(@D)
	$(WICK_EMBED) --out $@ wick_project_skel=share/project_template \
		wick_app_skel=share/app_template

build/glibc/build/gen/wick_skeleton.o: CFLAGS_COMMON += -Itools/wick
build/glibc/tools/wick/wick.o: CFLAGS_COMMON += \
	-DWICK_VERSION='"$(WICK_VERSION)"'
all: $(WICK_TOOL)
$(WICK_TOOL): build/glibc/tools/wick/wick.o build/glibc/build/gen/wick_skeleton.o
	@mkdir -p $(@D)
	$(CC) -o $@ $^

# `make install PREFIX=/usr/local DESTDIR=`: the headers, the glibc
# libwick.a (tests), the musl libwick.a with the SQLite and BearSSL it was
# built with in $(LIBDIR)/wick-musl (production), the embedder as
# wick-templates, the wick command, pkg-config files wick.pc and
# wick-musl.pc (tools/wick/*.pc.in, with PREFIX filled in), and each man
# page of MAN_PAGES (build/man/NAME.SECTION) into man<SECTION>.
# `make uninstall` (same PREFIX and DESTDIR) removes exactly those files;
# include/wick and lib/wick-musl are Wick's alone and go whole.
PREFIX      ?= /usr/local
BINDIR       = $(PREFIX)/bin
INCLUDEDIR   = $(PREFIX)/include
LIBDIR       = $(PREFIX)/lib
MUSL_LIBDIR  = $(LIBDIR)/wick-musl
PKGCONFIGDIR = $(LIBDIR)/pkgconfig
MANDIR       = $(PREFIX)/share/man
INSTALL_HEADERS = $(shell cd include && find wick -name '*.h' | sort)

install: $(GLIBC_LIB) $(MUSL_LIB) $(DEPS_LIBS) $(TPL_TOOL) $(WICK_TOOL) \
		tools/wick/wick.pc.in tools/wick/wick-musl.pc.in
	@# MAN_PAGES is read here, when the rule runs, so it may be set anywhere
	@[ -z "$(strip $(MAN_PAGES))" ] || \
		$(MAKE) --no-print-directory $(MAN_PAGES)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(MUSL_LIBDIR) $(DESTDIR)$(PKGCONFIGDIR)
	@for h in $(INSTALL_HEADERS); do \
		install -D -m 644 include/$$h $(DESTDIR)$(INCLUDEDIR)/$$h || exit 1; \
	done; echo "installed $(words $(INSTALL_HEADERS)) headers in $(DESTDIR)$(INCLUDEDIR)/wick"
	install -m 644 $(GLIBC_LIB) $(DESTDIR)$(LIBDIR)/libwick.a
	install -m 644 $(MUSL_LIB) $(DEPS_LIBS) $(DESTDIR)$(MUSL_LIBDIR)/
	install -m 755 $(TPL_TOOL) $(DESTDIR)$(BINDIR)/wick-templates
	install -m 755 $(WICK_TOOL) $(DESTDIR)$(BINDIR)/wick
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(WICK_VERSION)|' \
		tools/wick/wick.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/wick.pc
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(WICK_VERSION)|' \
		-e 's|@MUSL_CC@|$(MUSL_CC)|' \
		tools/wick/wick-musl.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/wick-musl.pc
	@for m in $(MAN_PAGES); do \
		sec=$${m##*.}; \
		install -D -m 644 $$m $(DESTDIR)$(MANDIR)/man$$sec/$${m##*/} || exit 1; \
	done

uninstall:
	rm -rf $(DESTDIR)$(INCLUDEDIR)/wick $(DESTDIR)$(MUSL_LIBDIR)
	rm -f $(DESTDIR)$(LIBDIR)/libwick.a $(DESTDIR)$(BINDIR)/wick-templates \
		$(DESTDIR)$(BINDIR)/wick $(DESTDIR)$(PKGCONFIGDIR)/wick.pc \
		$(DESTDIR)$(PKGCONFIGDIR)/wick-musl.pc
	@for m in $(MAN_PAGES); do \
		sec=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$sec/$${m##*/}; \
	done

# ---- man pages ---------------------------------------------------------------
# One page per public header, wick_NAME(3) for include/wick/*/NAME.h,
# written by tools/gen-man from the header's own comments (the header is
# where an API is documented; the page only lays it out), and the
# hand-written pages of man/: wick(1), the command, and wick-app(1), an
# app binary's commands.  `make man` builds them into build/man/;
# tools/check-man (the `man` suite) lints them and checks that every
# function a header declares is on its page.
MAN_HEADERS = $(sort $(wildcard include/wick/*/*.h))
MAN3_PAGES  = $(foreach h,$(MAN_HEADERS),build/man/wick_$(basename $(notdir $(h))).3)
MAN1_PAGES  = $(patsubst man/%,build/man/%,$(sort $(wildcard man/*.1)))
MAN_PAGES   = $(MAN1_PAGES) $(MAN3_PAGES)

man: $(MAN_PAGES)

define MAN3_RULE
build/man/wick_$(basename $(notdir $(1))).3: $(1) tools/gen-man
	@mkdir -p $$(@D)
	tools/gen-man --version $(WICK_VERSION) -o $$@ $(1)
endef
$(foreach h,$(MAN_HEADERS),$(eval $(call MAN3_RULE,$(h))))

build/man/%.1: man/%.1
	@mkdir -p $(@D)
	sed -e 's|@VERSION@|$(WICK_VERSION)|g' $< > $@.tmp
	mv $@.tmp $@

# ---- Unicode tables ----------------------------------------------------------
# src/core/unicode.c (the case and slugify filters) includes tables that
# tools/gen-unicode writes from Debian's unicode-data package, for every
# build: the same Unicode under glibc and musl, no library linked.
UNICODE_DIR   = /usr/share/unicode
UNICODE_FILES = $(addprefix $(UNICODE_DIR)/,UnicodeData.txt SpecialCasing.txt \
                DerivedCoreProperties.txt DerivedNormalizationProps.txt)
UNICODE_GEN   = build/gen/unicode_data.h

$(UNICODE_GEN): tools/gen-unicode $(wildcard $(UNICODE_FILES))
	@tools/ensure-packages unicode-data
	@mkdir -p $(@D)
	tools/gen-unicode $(UNICODE_DIR) > $@.tmp
	mv $@.tmp $@

$(foreach b,musl glibc asan,build/$(b)/src/core/unicode.o): $(UNICODE_GEN)

# ---- production build: musl, static -----------------------------------------
# The options are a file whose date changes only when they do, so editing
# SQLITE_OPTS, SQLITE_HAVE or BEARSSL_CFLAGS rebuilds the libraries (and,
# through the stamp, everything linked with them).
DEPS_OPTIONS = sqlite: $(MUSL_CC) $(strip $(SQLITE_OPTS)) | \
	bearssl: $(MUSL_CC) $(strip $(BEARSSL_CFLAGS))
$(DEPS_DIR)/options: FORCE
	@mkdir -p $(@D)
	@echo '$(DEPS_OPTIONS)' | cmp -s - $@ || echo '$(DEPS_OPTIONS)' > $@
FORCE:

$(DEPS_STAMP): tools/build-deps $(DEPS_DIR)/options
	@tools/ensure-packages $(RUN_PKGS)
	SQLITE_OPTS="$(SQLITE_OPTS)" SQLITE_HAVE_NOT="$(SQLITE_HAVE_NOT)" \
		BEARSSL_CFLAGS="$(BEARSSL_CFLAGS)" MUSL_CC="$(MUSL_CC)" \
		tools/build-deps $(DEPS_DIR)
	touch $@

$(DEPS_LIBS): $(DEPS_STAMP)

# One section per function and per object, so that the link below can place
# the code and data a request touches on as few pages as possible.
MUSL_SECTIONS = -ffunction-sections -fdata-sections
# The objects are rebuilt when these flags change (a stale object would
# keep its old layout without a word).
MUSL_FLAGS = $(MUSL_CC) $(CFLAGS_COMMON) $(MUSL_SECTIONS)
build/musl/flags: FORCE
	@mkdir -p $(@D)
	@echo '$(MUSL_FLAGS)' | cmp -s - $@ || echo '$(MUSL_FLAGS)' > $@
build/musl/%.o: %.c build/musl/flags | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(MUSL_CC) $(CFLAGS_COMMON) $(MUSL_SECTIONS) -I$(DEPS_DIR)/include -c $< -o $@
# The embedded files and their parsed template trees: const data full of
# pointers, which position-independent code must put in writable memory
# (.data.rel.ro, ~40 KB), pushing the data every request touches apart.
# The production binary is a static non-PIE executable, so the addresses
# are final at link time and the trees can be plain .rodata.
build/musl/build/gen/%.o: MUSL_SECTIONS += -fno-pie

$(MUSL_LIB): $(call objs,musl,$(LIB_SRCS))
	@rm -f $@
	ar rcs $@ $^

# Link order is page order: the modules every request runs come first, next
# to each other, so a request touches fewer pages of code (each first touch
# is a page fault, paid on every exec).  They are linked from the objects;
# the rest comes from libwick.a as needed.
HOT_SRCS = src/core/arena.c src/core/buf.c src/core/kv.c src/core/log.c \
	src/core/random.c src/core/settings.c src/http/request.c \
	src/http/response.c src/http/router.c src/http/security.c \
	src/http/app.c src/http/io.c src/front/cgi.c src/auth/session.c \
	src/auth/messages.c src/auth/csrf.c src/auth/auth.c src/db/db.c
# cgi-bin/blog/hot.ld then gathers the functions /hello runs, libc's
# start-up included, at the start of the text (see its opening comment).
BLOG_LAYOUT = cgi-bin/blog/hot.ld
cgi-bin/blog.cgi: $(call objs,musl,$(BLOG_MAIN) $(BLOG_SRCS) $(HOT_SRCS)) \
		$(MUSL_LIB) $(DEPS_LIBS) $(BLOG_LAYOUT)
	$(MUSL_CC) -static -O2 -Wl,--gc-sections -Wl,-T,$(BLOG_LAYOUT) -o $@.tmp \
		$(call objs,musl,$(BLOG_MAIN) cgi-bin/blog/app.c \
		cgi-bin/blog/views.c $(HOT_SRCS)) \
		$(call objs,musl,$(filter-out cgi-bin/blog/app.c \
		cgi-bin/blog/views.c,$(BLOG_SRCS))) \
		$(MUSL_LIB) $(DEPS_LIBS) -lm
	strip $@.tmp
	mv $@.tmp $@

# ---- glibc build: tests ------------------------------------------------------
build/glibc/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -c $< -o $@

$(GLIBC_LIB): $(call objs,glibc,$(LIB_SRCS))
	@rm -f $@
	ar rcs $@ $^

$(GLIBC_BLOG): $(call objs,glibc,$(BLOG_SRCS))
	@rm -f $@
	ar rcs $@ $^

# The fixture is an archive: a test takes from it only what it names.
$(GLIBC_FIXTURE): $(call objs,glibc,$(FIXTURE_SRCS))
	@rm -f $@
	ar rcs $@ $^

build/glibc/bin/%: build/glibc/tests/%.o $(GLIBC_FIXTURE) $(GLIBC_LIB)
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(GLIBC_FIXTURE) $(GLIBC_LIB) $(TEST_LIBS)

build/glibc/bin/blog/%: build/glibc/cgi-bin/blog/tests/%.o $(GLIBC_BLOG) \
		$(GLIBC_LIB)
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(GLIBC_BLOG) $(GLIBC_LIB) $(TEST_LIBS)

# The Wick side of the ORM differential (tests/django/orm_diff/run): the
# library alone, no demo app, its own models.
ORM_DIFF = build/glibc/bin/orm_diff_wick
$(ORM_DIFF): build/glibc/tests/django/orm_diff/wick_side.o $(GLIBC_LIB)
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(GLIBC_LIB) $(SYS_LIBS)

# The Django conformance driver (tests/django/): Wick's public API only, so
# it links the library alone.  tests/django/run uses it.
DJANGO_DRIVER = build/glibc/bin/tpl_driver
$(DJANGO_DRIVER): build/glibc/tests/django/tpl_driver.o $(GLIBC_LIB)
	@mkdir -p $(@D)
	$(CC) -o $@ $< $(GLIBC_LIB) $(SYS_LIBS)
django-build: $(DJANGO_DRIVER)

# ---- sanitizer build -----------------------------------------------------------
build/asan/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(ASAN_FLAGS) -U_FORTIFY_SOURCE -c $< -o $@

$(ASAN_LIB): $(call objs,asan,$(LIB_SRCS))
	@rm -f $@
	ar rcs $@ $^

$(ASAN_BLOG): $(call objs,asan,$(BLOG_SRCS))
	@rm -f $@
	ar rcs $@ $^

$(ASAN_FIXTURE): $(call objs,asan,$(FIXTURE_SRCS))
	@rm -f $@
	ar rcs $@ $^

build/asan/bin/%: build/asan/tests/%.o $(ASAN_FIXTURE) $(ASAN_LIB)
	@mkdir -p $(@D)
	$(CC) $(ASAN_FLAGS) -o $@ $< $(ASAN_FIXTURE) $(ASAN_LIB) $(TEST_LIBS)

build/asan/bin/blog/%: build/asan/cgi-bin/blog/tests/%.o $(ASAN_BLOG) \
		$(ASAN_LIB)
	@mkdir -p $(@D)
	$(CC) $(ASAN_FLAGS) -o $@ $< $(ASAN_BLOG) $(ASAN_LIB) $(TEST_LIBS)

# ---- fuzzers (clang + libFuzzer) ---------------------------------------------
FUZZ_CFLAGS = $(STD) -Iinclude -Ibuild/gen -g -O1 -fsanitize=fuzzer,address,undefined \
              -fno-sanitize-recover=all
build/fuzz/%: tests/fuzz/%.c $(LIB_SRCS) $(UNICODE_GEN)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRCS) $(SYS_LIBS)

# ---- benchmarks ----------------------------------------------------------------
# The ORM against hand-written sqlite3 calls (see bench/orm_bench.c), built
# like production: musl, static, SQLite with SQLITE_OPTS.
build/bench/orm_bench: bench/orm_bench.c build/musl/cgi-bin/blog/models.o \
		$(MUSL_LIB) $(DEPS_LIBS)
	@mkdir -p $(@D)
	$(MUSL_CC) $(CFLAGS_COMMON) -I$(DEPS_DIR)/include -static -o $@ $< \
		build/musl/cgi-bin/blog/models.o $(MUSL_LIB) $(DEPS_LIBS) -lm

# `make bench` also builds every bench/NAME_bench.c into build/bench/
# NAME_bench (each has its rule in this section); one that fails to build
# is reported and left out, and bench/run runs the rest.
BENCH_EXTRA = $(patsubst bench/%.c,build/bench/%,$(wildcard bench/*_bench.c))

bench: packages-test
	@tools/ensure-packages $(BENCH_PKGS)
	@$(MAKE) --no-print-directory all build/bench/floor_hello \
		build/bench/floor_api build/bench/floor_create \
		build/bench/floor_page build/bench/spawn
	@$(MAKE) --no-print-directory -k $(BENCH_EXTRA) || \
		echo "bench: WARNING: some benchmarks did not build (see above)"
	@bench/run

# The floor: a static C CGI printing /hello's bytes, built like the app.
build/bench/floor_hello: bench/floor_hello.c
	@mkdir -p $(@D)
	$(MUSL_CC) $(CFLAGS_COMMON) -static -Wl,--gc-sections -o $@.tmp $<
	strip $@.tmp
	mv $@.tmp $@

# The floor of GET /api/posts/ (bench/api.sh): a static C CGI running the
# same query with SQLite from build/deps and printing the same JSON.
build/bench/floor_api: bench/floor_api.c $(DEPS_LIBS)
	@mkdir -p $(@D)
	$(MUSL_CC) $(CFLAGS_COMMON) -I$(DEPS_DIR)/include -static \
		-Wl,--gc-sections -o $@.tmp $< $(DEPS_DIR)/lib/libsqlite3.a -lm
	strip $@.tmp
	mv $@.tmp $@

# The floor of the HTML pages in the bench through Apache (bench/apache.sh):
# a static C CGI running the post list's and post detail's queries and
# printing HTML, with SQLite from build/deps.
build/bench/floor_page: bench/floor_page.c $(DEPS_LIBS)
	@mkdir -p $(@D)
	$(MUSL_CC) $(CFLAGS_COMMON) -I$(DEPS_DIR)/include -static \
		-Wl,--gc-sections -o $@.tmp $< $(DEPS_DIR)/lib/libsqlite3.a -lm
	strip $@.tmp
	mv $@.tmp $@

# The floor of the create request (bench/create_request.sh): a static C CGI
# doing that POST's work (CSRF, session, user, INSERT, flash message) with
# SQLite and BearSSL from build/deps.
build/bench/floor_create: bench/floor_create.c $(DEPS_LIBS)
	@mkdir -p $(@D)
	$(MUSL_CC) $(CFLAGS_COMMON) -I$(DEPS_DIR)/include -static \
		-Wl,--gc-sections -o $@.tmp $< $(DEPS_DIR)/lib/libsqlite3.a \
		$(DEPS_DIR)/lib/libbearssl.a -lm
	strip $@.tmp
	mv $@.tmp $@

# The exec timer (any libc: it only forks, execs and waits).
build/bench/spawn: bench/spawn.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -o $@ $<

# Templates against hand-written C printing the same page (one process;
# bench/template_bench.c says how to read it under callgrind).
build/bench/template_bench: bench/template_bench.c $(GLIBC_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -o $@ $< $(GLIBC_LIB) $(SYS_LIBS)

# PBKDF2 throughput (bench/pbkdf2_vs_openssl compares it with OpenSSL's),
# built like the app: musl, static, BearSSL from build/deps.
build/bench/pbkdf2_bench: bench/pbkdf2_bench.c src/core/crypto.c src/core/random.c \
		include/wick/core/crypto.h $(DEPS_LIBS)
	@mkdir -p $(@D)
	$(MUSL_CC) $(STD) $(WARN) $(HARDEN) $(OPT) -Iinclude -I$(DEPS_DIR)/include \
		-static -o $@ bench/pbkdf2_bench.c src/core/crypto.c src/core/random.c \
		$(DEPS_DIR)/lib/libbearssl.a

clean:
	rm -rf build/glibc build/asan build/musl build/fuzz build/e2e build/deploy build/bench \
		build/gen build/tools build/man $(APPS)

distclean: clean
	rm -rf build

-include $(shell find build/glibc build/asan build/musl -name '*.d' -type f 2>/dev/null)
