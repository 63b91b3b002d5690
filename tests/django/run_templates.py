#!/usr/bin/env python3
"""run_templates.py - Django 3.2's own template tests, judged against Wick.

Every test method of Django's tests/template_tests/filter_tests and
syntax_tests that carries @setup({...templates...}) is one case.  The test
module is imported as it is (with tests/django/djfake.py standing in for
Django), the method runs, and each self.engine.render_to_string() /
get_template() goes to Wick through tests/django/tpl_driver.c.  Django's
own assertions judge: assertEqual on the output, assertRaises(
TemplateSyntaxError) met by Wick refusing the template (with its own
message).  What cannot apply to Wick is listed, with its reason, in
tests/django/not_applicable.txt; nothing else is skipped.  A test that
needs something Wick cannot be given (a Python object with methods, a
Django internal) but is not in that list counts as a failure saying so.

Usage from another worktree (before wip-valid is merged there), at the
root of that tree, after its `make unit-build` built build/glibc/libwick.a:

  gcc -std=c11 -D_GNU_SOURCE -Iinclude -O2 -o build/glibc/bin/tpl_driver \
      /work/wt-valid/tests/django/tpl_driver.c build/glibc/libwick.a \
      -lsqlite3 -lbearssl -lm
  python3 /work/wt-valid/tests/django/run_templates.py \
      --driver build/glibc/bin/tpl_driver \
      --django /work/django/src/python-django [-k test_cycle] [-v]

(once merged: `make django-build && tests/django/run`).  -k keeps the
tests whose id contains the text; -v prints each failure as it happens.
--django defaults to build/django/src/python-django (tools/fetch-source
build/django python-django puts it there).  Failures (test, template,
expected, got) go to build/test-logs/django-templates-failures.txt.  The
last line is "N passed, M failed"; the exit status is 1 when the pass rate
of applicable tests is below THRESHOLD.
"""

import argparse
import importlib
import inspect
import os
import re
import sys
import traceback

THRESHOLD = 97.0   # percent of applicable tests that must pass (issue 18)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import djfake  # noqa: E402

SUITES = ("filter_tests", "syntax_tests")


def load_not_applicable(path):
    """{id: reason} from not_applicable.txt: `ID | reason` lines.  An ID is
    a directory ("syntax_tests/i18n/"), a module ("syntax_tests/
    test_url.py") or a test ("filter_tests/test_x.py::Class::test_y")."""
    na = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if "|" not in line:
                sys.exit("%s:%d: no '| reason'" % (path, n))
            key, reason = (x.strip() for x in line.split("|", 1))
            if not reason:
                sys.exit("%s:%d: empty reason" % (path, n))
            na[key] = reason
    return na


def na_reason(na, module_id, test_id):
    if test_id in na:
        return na[test_id]
    if module_id in na:
        return na[module_id]
    for key, reason in na.items():
        if key.endswith("/") and module_id.startswith(key):
            return reason
    return None


class SetupCapture:
    """Stands in for template_tests.utils.setup: records the templates on
    the function instead of building Django's engine."""

    @staticmethod
    def setup(templates, *args, test_once=False):
        merged = dict(templates)
        for a in args:
            merged.update(a)
        merged["inclusion.html"] = "{{ result }}"

        def deco(func):
            func._wick_templates = merged
            return func
        return deco


def install_utils(tests_dir):
    """template_tests.utils: Django's file run with the fakes (for its
    helper classes), with setup replaced."""
    import types
    mod = types.ModuleType("template_tests.utils")
    mod.__file__ = os.path.join(tests_dir, "template_tests", "utils.py")
    mod.__package__ = "template_tests"
    with open(mod.__file__, encoding="utf-8") as f:
        code = compile(f.read(), mod.__file__, "exec")
    importlib.import_module("template_tests")
    exec(code, mod.__dict__)
    mod.setup = SetupCapture.setup
    sys.modules["template_tests.utils"] = mod


def discover(tests_dir):
    """(module_id, dotted name) for every test module of the two suites."""
    out = []
    base = os.path.join(tests_dir, "template_tests")
    for suite in SUITES:
        for root, dirs, files in os.walk(os.path.join(base, suite)):
            dirs.sort()
            for fn in sorted(files):
                if not (fn.startswith("test_") and fn.endswith(".py")):
                    continue
                rel = os.path.relpath(os.path.join(root, fn), base)
                dotted = "template_tests." + rel[:-3].replace(os.sep, ".")
                out.append((rel.replace(os.sep, "/"), dotted))
    return out


def cases_of(module):
    for cname, cls in sorted(vars(module).items()):
        if not (inspect.isclass(cls) and
                issubclass(cls, djfake.SimpleTestCase) and
                cls.__module__ == module.__name__):
            continue
        for mname in sorted(dir(cls)):
            fn = getattr(cls, mname, None)
            if mname.startswith("test") and callable(fn) and \
                    hasattr(fn, "_wick_templates"):
                yield cls, mname, fn


def run_case(cls, mname, fn):
    """('pass'|'fail'|'na', detail) for one test."""
    templates = fn._wick_templates
    overrides = dict(getattr(cls, "_wick_settings", {}))
    overrides.update(getattr(fn, "_wick_settings", {}))
    inst = cls(mname)
    libraries = getattr(cls, "libraries", {})
    inst.engine = djfake.Engine(loaders=[templates], libraries=libraries)
    with djfake.override_settings(**overrides):
        try:
            if "setUp" in _own_methods(cls):
                inst.setUp()
            getattr(inst, mname)()
        except djfake.NotApplicable as e:
            return "na", str(e)
        except AssertionError as e:
            return "fail", "assertion: %s" % _short(str(e))
        except djfake.DriverDied as e:
            return "fail", "driver: %s" % e
        except Exception as e:
            tb = traceback.extract_tb(e.__traceback__)
            where = tb[-1] if tb else None
            return "fail", "%s: %s%s" % (
                type(e).__name__, _short(str(e)),
                " (at %s:%d)" % (os.path.basename(where.filename),
                                  where.lineno) if where else "")
    return "pass", ""


SOURCES = {}


def test_source(test_id):
    """The source of a test method (to find the template names it uses)."""
    return SOURCES.get(test_id, "")


def _own_methods(cls):
    names = set()
    for k in cls.__mro__:
        if k in (djfake.SimpleTestCase,) or k.__module__.startswith(
                "unittest"):
            break
        names.update(vars(k))
    return names


def _short(s, n=2000):
    return s if len(s) <= n else s[:n] + "..."


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--driver", default=os.path.join(
        REPO, "build/glibc/bin/tpl_driver"))
    ap.add_argument("--django", default=os.path.join(
        REPO, "build/django/src/python-django"))
    ap.add_argument("--not-applicable", default=os.path.join(
        HERE, "not_applicable.txt"))
    ap.add_argument("--log", default=os.path.join(
        REPO, "build/test-logs/django-templates-failures.txt"))
    ap.add_argument("-k", help="only tests whose id contains this")
    ap.add_argument("-v", action="store_true", help="print each failure")
    ap.add_argument("--suggest", action="store_true",
                    help="print not_applicable.txt lines for unlisted "
                         "tests the runner found inapplicable")
    args = ap.parse_args()

    tests_dir = os.path.join(args.django, "tests")
    if not os.path.isdir(os.path.join(tests_dir, "template_tests")):
        sys.exit("run_templates: no Django tests under %s" % tests_dir)
    if not os.access(args.driver, os.X_OK):
        sys.exit("run_templates: no driver at %s" % args.driver)
    na = load_not_applicable(args.not_applicable)

    djfake.SOURCE = args.django
    djfake.install()
    djfake.DRIVER = djfake.Driver(args.driver)
    sys.path.insert(0, tests_dir)
    install_utils(tests_dir)

    per_file = {}
    failures = []
    skipped = []
    suggestions = []
    total_pass = total_fail = 0
    for module_id, dotted in discover(tests_dir):
        reason = na_reason(na, module_id, "")
        if reason is not None and module_id in na or any(
                k.endswith("/") and module_id.startswith(k) for k in na):
            skipped.append((module_id, reason))
            continue
        try:
            module = importlib.import_module(dotted)
        except Exception as e:
            failures.append((module_id, "", "", "", "import failed: %r" % e))
            total_fail += 1
            per_file[module_id] = [0, 1]
            continue
        counts = per_file.setdefault(module_id, [0, 0])
        for cls, mname, fn in cases_of(module):
            test_id = "%s::%s::%s" % (module_id, cls.__name__, mname)
            if args.k and args.k not in test_id:
                continue
            reason = na_reason(na, module_id, test_id)
            if reason is not None:
                skipped.append((test_id, reason))
                continue
            try:
                SOURCES[test_id] = inspect.getsource(fn)
            except (OSError, TypeError):
                SOURCES[test_id] = ""
            result, detail = run_case(cls, mname, fn)
            if result == "na":
                suggestions.append("%s | %s" % (test_id, detail))
                result = "fail"
                detail = ("not applicable (%s) but not listed in "
                          "not_applicable.txt" % detail)
            if result == "pass":
                counts[0] += 1
                total_pass += 1
            else:
                counts[1] += 1
                total_fail += 1
                failures.append((test_id, fn._wick_templates, detail))
                if args.v:
                    print("FAIL %s: %s" % (test_id, detail))
    djfake.DRIVER.close()

    os.makedirs(os.path.dirname(args.log), exist_ok=True)
    with open(args.log, "w", encoding="utf-8") as f:
        f.write("# Django template tests failing on Wick (%d)\n\n" %
                len(failures))
        for item in failures:
            test_id, templates, detail = item[0], item[1], item[-1]
            f.write("== %s\n" % test_id)
            if isinstance(templates, dict):
                # The templates the test renders, and what they name.
                names = set()
                for m in re.finditer(r"""['"]([^'"]+)['"]""",
                                     test_source(item[0])):
                    names.update(djfake.reachable(templates, m.group(1)))
                for name in sorted(names):
                    f.write("  template %s: %r\n" % (name, templates[name]))
            f.write("  %s\n\n" % detail)

    if args.suggest:
        for s in suggestions:
            print(s)
    for module_id in sorted(per_file):
        p, fl = per_file[module_id]
        if p + fl:
            print("%-40s %4d/%-4d" % (module_id, p, p + fl))
    applicable = total_pass + total_fail
    pct = 100.0 * total_pass / applicable if applicable else 0.0
    print("templates: %d of %d applicable tests pass (%.1f%%; target "
          "%.0f%%); %d not applicable (tests/django/not_applicable.txt); "
          "failures in %s" % (total_pass, applicable, pct, THRESHOLD,
                              len(skipped), os.path.relpath(args.log)))
    print("%d passed, %d failed" % (total_pass, total_fail))
    return 0 if applicable and pct >= THRESHOLD else 1


if __name__ == "__main__":
    sys.exit(main())
