#!/usr/bin/env python3
"""run_validators.py - Django 3.2's validator test data, judged against
Wick's form fields.

Django's tests/validators/tests.py builds TEST_DATA, a table of
(validator, value, expected) rows, and appends every line of
valid_urls.txt and invalid_urls.txt.  This harness imports that module
with tests/django/djfake.py standing in for Django (validators become
markers naming their kind), and binds each value of a kind Wick has to a
one-field Wick form of the matching kind through tests/django/tpl_driver.c:

  validate_email      -> WK_FF_EMAIL
  URLValidator()      -> WK_FF_URL   (http and https only: Wick's choice)
  validate_slug       -> WK_FF_SLUG
  validate_integer    -> WK_FF_INT

The field is bound with WK_FF_NO_STRIP, so the field's check sees the value
as Django's validator does (a form would strip it first).  A value that is
not text is submitted as Python's str() of it, None as an empty field.
Rows that cannot apply are listed, with reasons, in
tests/django/not_applicable.txt under "validators::" ids; nothing else is
skipped.  Disagreements go to build/test-logs/django-validators-failures.txt;
the last line is "N passed, M failed"; the exit status is 1 below
THRESHOLD.

  python3 tests/django/run_validators.py --driver build/glibc/bin/tpl_driver \\
      [--django /work/django/src/python-django] [-v]
"""

import argparse
import importlib
import os
import sys
import types

THRESHOLD = 100.0   # percent of applicable values that must agree (issue 18)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import djfake  # noqa: E402
from run_templates import load_not_applicable  # noqa: E402


class Validator:
    """A marker for one of django.core.validators' names."""

    def __init__(self, name, args=(), kwargs=None):
        self.name = name
        self.args = args
        self.kwargs = kwargs or {}

    def __call__(self, *args, **kwargs):
        return Validator(self.name, args, kwargs)

    def kind(self):
        """(Wick kind or None, label used in not_applicable ids)."""
        if self.name == "validate_email":
            return "email", "email"
        if self.name == "EmailValidator":
            return None, "EmailValidator(options)"
        if self.name == "URLValidator":
            schemes = self.kwargs.get("schemes",
                                      self.args[0] if self.args else None)
            if schemes is None:
                return "url", "url"
            return "url", "url(schemes)"
        if self.name == "validate_slug":
            return "slug", "slug"
        if self.name == "validate_integer":
            return "int", "int"
        return None, self.name

    def __repr__(self):
        return self.name


class ValidationError(Exception):
    pass


def validators_module():
    m = types.ModuleType("django.core.validators")

    def getattr_(name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Validator(name)
    m.__getattr__ = getattr_
    return m


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--driver", default=os.path.join(
        REPO, "build/glibc/bin/tpl_driver"))
    ap.add_argument("--django", default=os.path.join(
        REPO, "build/django/src/python-django"))
    ap.add_argument("--not-applicable", default=os.path.join(
        HERE, "not_applicable.txt"))
    ap.add_argument("--log", default=os.path.join(
        REPO, "build/test-logs/django-validators-failures.txt"))
    ap.add_argument("-v", action="store_true")
    ap.add_argument("--suggest", action="store_true",
                    help="print not_applicable lines for accepted URLs "
                         "with schemes Wick refuses")
    args = ap.parse_args()

    tests_dir = os.path.join(args.django, "tests")
    if not os.path.isfile(os.path.join(tests_dir, "validators", "tests.py")):
        sys.exit("run_validators: no Django tests under %s" % tests_dir)
    if not os.access(args.driver, os.X_OK):
        sys.exit("run_validators: no driver at %s" % args.driver)
    na = {k: v for k, v in load_not_applicable(args.not_applicable).items()
          if k.startswith("validators::")}

    djfake.install()
    sys.modules["django.core.validators"] = validators_module()
    # The file validators' rows hold files; they are not applicable, but
    # the table must build.
    files = types.ModuleType("django.core.files.base")
    files.ContentFile = type("ContentFile", (), {
        "__init__": lambda self, content, name=None: setattr(self, "name",
                                                             name)})
    sys.modules["django.core.files.base"] = files
    exc = importlib.import_module("django.core.exceptions")
    exc.ValidationError = ValidationError
    sys.path.insert(0, tests_dir)
    data = importlib.import_module("validators.tests").TEST_DATA
    driver = djfake.Driver(args.driver)

    passed = failed = skipped = 0
    failures = []
    per_kind = {}
    for validator, value, expected in data:
        kind, label = validator.kind()
        want_valid = expected is None
        vid = "validators::%s" % label
        rid = "%s::%r" % (vid, value)
        reason = na.get(rid) or na.get(vid)
        if reason is not None:
            skipped += 1
            continue
        if kind is None:
            failed += 1
            failures.append((rid, "no Wick kind and not listed as not "
                             "applicable"))
            continue
        text = "" if value is None else str(value)
        r = driver.call({"op": "form", "kind": kind, "value": text})
        got_valid = r.get("status") == "valid"
        counts = per_kind.setdefault(label, [0, 0])
        if r.get("status") not in ("valid", "invalid"):
            ok = False
        else:
            ok = got_valid == want_valid
        if ok:
            passed += 1
            counts[0] += 1
            continue
        if args.suggest and want_valid and kind == "url" and \
                not text.lower().startswith(("http://", "https://")):
            print("%s | a %s URL: Wick's URL field accepts http and https "
                  "only (form.h)" % (rid, text.split(":")[0]))
        failed += 1
        counts[1] += 1
        detail = "Django: %s; Wick: %s (%s)" % (
            "valid" if want_valid else "invalid",
            r.get("status"), r.get("message", r.get("cleaned", "")))
        failures.append((rid, detail))
        if args.v:
            print("FAIL %s: %s" % (rid, detail))
    driver.close()

    os.makedirs(os.path.dirname(args.log), exist_ok=True)
    with open(args.log, "w", encoding="utf-8") as f:
        f.write("# Django validator values Wick disagrees on (%d)\n\n" %
                len(failures))
        for rid, detail in failures:
            f.write("%s\n  %s\n" % (rid, detail))
    for label in sorted(per_kind):
        p, fl = per_kind[label]
        print("validators %-14s %4d/%-4d" % (label, p, p + fl))
    applicable = passed + failed
    pct = 100.0 * passed / applicable if applicable else 0.0
    print("validators: %d of %d applicable values agree (%.1f%%; target "
          "%.0f%%); %d not applicable; failures in %s" % (
              passed, applicable, pct, THRESHOLD, skipped,
              os.path.relpath(args.log)))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if applicable and pct >= THRESHOLD else 1


if __name__ == "__main__":
    sys.exit(main())
