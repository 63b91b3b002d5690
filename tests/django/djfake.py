"""djfake - just enough of a `django` package to import Django's own test
modules without Django, and the pipe to Wick's conformance driver.

Django's template and validator tests are Python modules that import
Django.  We do not want Django itself (python3-django is not needed, and
its engine must not be the one answering), so this module installs an
import hook that serves every `django.*` module from here:

* the names a test module needs to *define* its tests (SimpleTestCase,
  setup's decorator targets, mark_safe, TemplateSyntaxError, Engine,
  Context, override_settings, lazy strings, timezone helpers) are small
  stand-ins written for this runner;
* any other name is a Stub: importing it works, but *using* it at test
  time raises NotApplicable("uses django.x.y"), so a test that needs a
  piece of Django we do not imitate is reported, never silently passed.

Wick's answers come from tests/django/tpl_driver.c through Driver, one
JSON line per request.
"""

import datetime
import decimal
import importlib.abc
import importlib.machinery
import json
import math
import os
import re
import select
import subprocess
import sys
import types
import unittest


class NotApplicable(Exception):
    """The test needs something Wick cannot be given (a Python object with
    methods, a Django internal); the message says what."""


class WickError(Exception):
    """Wick refused to render (the driver's render_error)."""


class DriverDied(Exception):
    """The driver crashed or hung; the case counts as a failure."""


# ---- the driver --------------------------------------------------------------

class Driver:
    """One long-running tpl_driver; restarted after a crash or a hang."""

    TIMEOUT = 20.0

    def __init__(self, path):
        self.path = path
        self.proc = None
        self.buf = b""

    def _start(self):
        self.proc = subprocess.Popen([self.path], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.buf = b""

    def _kill(self):
        if self.proc is not None:
            try:
                self.proc.kill()
                self.proc.wait(timeout=5)
            except OSError:
                pass
            self.proc = None

    def call(self, req):
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        line = json.dumps(req, ensure_ascii=False).encode("utf-8",
                                                          "surrogatepass")
        try:
            self.proc.stdin.write(line + b"\n")
            self.proc.stdin.flush()
        except OSError:
            self._kill()
            raise DriverDied("driver died reading the request")
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buf:
            ready, _, _ = select.select([fd], [], [], self.TIMEOUT)
            if not ready:
                self._kill()
                raise DriverDied("driver hung (%gs)" % self.TIMEOUT)
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                rc = self.proc.wait()
                self.proc = None
                raise DriverDied("driver exited with status %d" % rc)
            self.buf += chunk
        out, self.buf = self.buf.split(b"\n", 1)
        return json.loads(out.decode("utf-8", "replace"))

    def close(self):
        if self.proc is not None:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
            self.proc = None


DRIVER = None   # set by the harness


# ---- safe strings and lazy text ----------------------------------------------

class SafeData:
    def __html__(self):
        return self


class SafeString(str, SafeData):
    def __add__(self, rhs):
        t = str.__add__(self, rhs)
        return SafeString(t) if isinstance(rhs, SafeData) else t

    def __str__(self):
        return self


def mark_safe(s=""):
    if callable(s) and not isinstance(s, str):
        # mark_safe as a decorator: Wick cannot call Python functions.
        raise NotApplicable("mark_safe on a Python callable")
    return SafeString(s)


class Promise:
    pass


def lazy(func, *resultclasses):
    # Wick has no lazy text; the template sees the text itself.
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapper


def lazystr(s):
    return str(s)


def keep_lazy(*a):
    return lambda f: f


# ---- settings -------------------------------------------------------------------

class Settings:
    """The settings Django's test run uses that the tests read back."""

    def __init__(self):
        self.STATIC_URL = "/static/"
        self.MEDIA_URL = "/media/"
        self.USE_TZ = False
        self.TIME_ZONE = "UTC"
        self.DEBUG = False

    def __getattr__(self, name):
        raise NotApplicable("reads settings.%s" % name)


settings = Settings()


class override_settings:
    """Records the overrides on a test class or method (the runner applies
    them to `settings` around the test); as a context manager it applies
    them at once."""

    def __init__(self, **kw):
        self.kw = kw
        self.saved = {}

    def __call__(self, target):
        merged = dict(getattr(target, "_wick_settings", {}))
        merged.update(self.kw)
        try:
            target._wick_settings = merged
        except (AttributeError, TypeError):
            pass
        return target

    def __enter__(self):
        for k, v in self.kw.items():
            self.saved[k] = settings.__dict__.get(k, _MISSING)
            setattr(settings, k, v)
        return self

    def __exit__(self, *exc):
        for k, v in self.saved.items():
            if v is _MISSING:
                settings.__dict__.pop(k, None)
            else:
                setattr(settings, k, v)
        return False

    enable = __enter__

    def disable(self):
        self.__exit__()


_MISSING = object()


def ignore_warnings(*a, **kw):
    def deco(f):
        return f
    if a and callable(a[0]) and not kw:
        return a[0]
    return deco


# ---- templates ------------------------------------------------------------------

class TemplateSyntaxError(Exception):
    pass


class TemplateDoesNotExist(Exception):
    pass


class VariableDoesNotExist(Exception):
    pass


class NoReverseMatch(Exception):
    pass


class Context(dict):
    def __init__(self, d=None, autoescape=True, **kw):
        super().__init__(d or {})
        self.autoescape = autoescape
        self.template = None

    def push(self, *a, **kw):
        raise NotApplicable("Context.push")

    def flatten(self):
        return dict(self)


class RequestContext(Context):
    def __init__(self, request, d=None, **kw):
        raise NotApplicable("RequestContext (needs a Django request)")


def _is_custom_library(path):
    # Libraries written in Python for Django's own tests.  Django's
    # built-in ones (static, cache, i18n, tz, l10n) are Wick's to answer.
    return not str(path).startswith("django.")


class Engine:
    """Engine(...) as the tests build it; templates come from the locmem
    loader dict setup() passes, or from from_string."""

    def __init__(self, dirs=None, app_dirs=False, context_processors=None,
                 debug=False, loaders=None, string_if_invalid="",
                 file_charset="utf-8", libraries=None, builtins=None,
                 autoescape=True):
        self.templates = {}
        self.libraries = dict(libraries or {})
        self.string_if_invalid = string_if_invalid
        self.debug = debug
        self.autoescape = autoescape
        self.n_strings = 0
        if dirs or app_dirs or builtins:
            self.unsupported = "templates from directories or builtins"
        else:
            self.unsupported = None
        for ld in loaders or []:
            self._collect(ld)

    def _collect(self, ld):
        if isinstance(ld, dict):
            self.templates.update(ld)
        elif isinstance(ld, (list, tuple)):
            for x in ld:
                self._collect(x)

    def _check(self, source):
        if self.unsupported:
            raise NotApplicable(self.unsupported)
        if self.string_if_invalid:
            raise NotApplicable("string_if_invalid (Wick renders missing "
                                "variables as empty, always)")
        for m in re.finditer(r"{%\s*load\s+(.*?)%}", source):
            for lib in m.group(1).split():
                if lib in self.libraries and \
                        _is_custom_library(self.libraries[lib]):
                    raise NotApplicable("custom tag library written in "
                                        "Python: %s" % lib)

    def _request(self, name, context, parse_only, extra=None):
        templates = dict(self.templates)
        if extra:
            templates.update(extra)
        for used in reachable(templates, name):
            self._check(templates[used])
        autoescape = self.autoescape
        if isinstance(context, Context):
            autoescape = autoescape and context.autoescape
        req = {"op": "render", "templates": templates, "name": name,
               "context": encode(context or {}), "autoescape": autoescape,
               "parse_only": parse_only}
        return DRIVER.call(req)

    def get_template(self, name):
        r = self._request(name, {}, True)
        if r["status"] == "parse_error":
            raise TemplateSyntaxError(r.get("message"))
        if r["status"] == "not_found":
            raise TemplateDoesNotExist(name)
        if r["status"] != "ok":
            raise WickError(r.get("message"))
        return Template(self, name)

    def from_string(self, source):
        self.n_strings += 1
        name = "<from_string %d>" % self.n_strings
        self.templates[name] = source
        return self.get_template(name)

    def render_to_string(self, name, context=None):
        if isinstance(name, (list, tuple)):
            raise NotApplicable("select_template with a list of names")
        return self.get_template(name).render(Context(context or {}))

    select_template = get_template

    @staticmethod
    def get_default():
        raise NotApplicable("Engine.get_default (Django settings)")


def reachable(templates, name):
    """The names of name and of every template it names in a string
    literal (extends, include), transitively: what a render can touch."""
    seen, todo = set(), [name]
    while todo:
        n = todo.pop()
        if n in seen or n not in templates:
            continue
        seen.add(n)
        for m in re.finditer(r"""(["'])(.*?)\1""", templates[n]):
            todo.append(m.group(2))
    return sorted(seen)


class Template:
    def __init__(self, engine, name):
        if not isinstance(engine, Engine):
            raise NotApplicable("Template() built outside an engine")
        self.engine = engine
        self.name = name

    def render(self, context=None):
        r = self.engine._request(self.name, context, False)
        if r["status"] == "ok":
            return SafeString(r["output"])
        if r["status"] == "parse_error":
            raise TemplateSyntaxError(r.get("message"))
        raise WickError("%s: %s" % (r["status"], r.get("message")))


# ---- context encoding -------------------------------------------------------------

def encode(v, depth=0):
    """A Python context value as the driver's JSON, or NotApplicable."""
    if depth > 30:
        raise NotApplicable("context nested too deep (recursive?)")
    if v is None or isinstance(v, bool):
        return v
    if isinstance(v, SafeData) and isinstance(v, str):
        return {"$t": "safe", "v": str.__str__(v)}
    if isinstance(v, str):
        return str.__str__(v)
    if isinstance(v, int):
        if -(1 << 63) <= v < (1 << 63):
            return int(v)
        raise NotApplicable("integer beyond 64 bits")
    if isinstance(v, float):
        if math.isfinite(v):
            return v
        raise NotApplicable("float %r (Wick's context has no inf/nan "
                            "literal in JSON)" % v)
    if isinstance(v, decimal.Decimal):
        raise NotApplicable("Decimal (Wick has no decimal value)")
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        # Wick takes dates as ISO 8601 text, as Python prints them.
        return str(v)
    if isinstance(v, (list, tuple, range)):
        return [encode(x, depth + 1) for x in v]
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if not isinstance(k, (str, int)):
                raise NotApplicable("dict key of type %s" %
                                    type(k).__name__)
            # Django looks a text key up first ({{ d.1 }} finds "1"
            # before 1), so a text key wins over the same number.
            if isinstance(k, str) or str(k) not in v:
                out[str(k)] = encode(x, depth + 1)
        return out
    raise NotApplicable("context holds a Python %s object" %
                        type(v).__name__)


# ---- the test case base -------------------------------------------------------------

class _Raises:
    def __init__(self, expected):
        self.expected = expected
        self.exception = None

    def __enter__(self):
        return self

    def __exit__(self, tp, exc, tb):
        if tp is None:
            raise AssertionError("did not raise %s" % _name(self.expected))
        if issubclass(tp, (NotApplicable, DriverDied)):
            return False
        # Wick refusing the template (at parse, or at render when Django
        # raises while rendering) counts; its message is its own.
        if issubclass(tp, self.expected) or issubclass(tp, WickError):
            self.exception = exc
            return True
        if issubclass(tp, (TemplateSyntaxError, TemplateDoesNotExist)):
            self.exception = exc
            return True
        return False


def _name(e):
    if isinstance(e, tuple):
        return "/".join(x.__name__ for x in e)
    return getattr(e, "__name__", str(e))


class SimpleTestCase(unittest.TestCase):
    maxDiff = None

    def assertRaises(self, expected, *args, **kwargs):
        ctx = _Raises(expected)
        if not args:
            return ctx
        with ctx:
            args[0](*args[1:], **kwargs)
        return None

    def assertRaisesMessage(self, expected, msg, *args, **kwargs):
        return self.assertRaises(expected, *args, **kwargs)

    def assertWarnsMessage(self, *a, **kw):
        raise NotApplicable("checks a Python warning")

    assertRaisesRegex = assertRaisesMessage

    def settings(self, **kw):
        return override_settings(**kw)


TestCase = SimpleTestCase
TransactionTestCase = SimpleTestCase


# ---- timezone helpers (Django's, for tests that build dates) ---------------------------

def _tz_module():
    m = types.ModuleType("django.utils.timezone")
    utc = datetime.timezone.utc
    m.utc = utc
    m.get_fixed_timezone = lambda minutes: datetime.timezone(
        datetime.timedelta(minutes=minutes if isinstance(minutes, int)
                           else minutes.total_seconds() // 60))
    m.get_default_timezone = lambda: utc
    m.get_current_timezone = lambda: utc
    m.make_aware = lambda dt, tz=None, is_dst=None: dt.replace(
        tzinfo=tz or utc)
    m.make_naive = lambda dt, tz=None: dt.astimezone(tz or utc).replace(
        tzinfo=None)
    m.localtime = lambda dt=None, tz=None: (
        dt or datetime.datetime.now(utc)).astimezone(tz or utc)
    m.now = datetime.datetime.now
    m.is_aware = lambda dt: dt.utcoffset() is not None
    m.is_naive = lambda dt: dt.utcoffset() is None

    def override(tz):
        raise NotApplicable("timezone.override (Wick shows UTC)")
    m.override = override
    return m


# ---- the import hook -----------------------------------------------------------------

class Stub:
    """A Django name we do not imitate: fine to import, fatal to use."""

    def __init__(self, path):
        self._path = path

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Stub(self._path + "." + name)

    def __call__(self, *a, **kw):
        raise NotApplicable("uses %s" % self._path)

    def __mro_entries__(self, bases):
        return (_StubBase,)


class _StubBase:
    def __init__(self, *a, **kw):
        raise NotApplicable("subclasses a Django class")


class FakeModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        full = self.__name__ + "." + name
        # `from django.utils import timezone`: the submodules we imitate
        # are modules, not stubs.
        if full in _provided() or full == "django.utils.timezone":
            return importlib.import_module(full)
        return Stub(full)


def _provided():
    here = sys.modules[__name__]
    common = {
        "django.utils.safestring": dict(mark_safe=mark_safe,
                                        SafeString=SafeString,
                                        SafeData=SafeData,
                                        SafeText=SafeString),
        "django.utils.functional": dict(lazy=lazy, lazystr=lazystr,
                                        Promise=Promise,
                                        keep_lazy=keep_lazy),
        "django.test": dict(SimpleTestCase=SimpleTestCase,
                            TestCase=TestCase,
                            TransactionTestCase=TransactionTestCase,
                            override_settings=override_settings,
                            ignore_warnings=ignore_warnings),
        "django.test.utils": dict(override_settings=override_settings,
                                  ignore_warnings=ignore_warnings,
                                  requires_tz_support=lambda f: f),
        "django.template": dict(TemplateSyntaxError=TemplateSyntaxError,
                                TemplateDoesNotExist=TemplateDoesNotExist,
                                VariableDoesNotExist=VariableDoesNotExist,
                                Context=Context, Engine=Engine,
                                RequestContext=RequestContext,
                                Template=Template),
        "django.template.base": dict(TemplateSyntaxError=TemplateSyntaxError,
                                     VariableDoesNotExist=VariableDoesNotExist,
                                     Context=Context, Template=Template),
        "django.template.engine": dict(Engine=Engine),
        "django.template.context": dict(Context=Context,
                                        RequestContext=RequestContext),
        "django.template.exceptions": dict(
            TemplateSyntaxError=TemplateSyntaxError,
            TemplateDoesNotExist=TemplateDoesNotExist),
        "django.urls": dict(NoReverseMatch=NoReverseMatch),
        "django.conf": dict(settings=settings),
        "django.utils.translation": dict(
            gettext_lazy=lambda s: s, gettext=lambda s: s,
            ugettext_lazy=lambda s: s),
        "django.utils.deprecation": dict(
            RemovedInDjango40Warning=type("RemovedInDjango40Warning",
                                          (DeprecationWarning,), {}),
            RemovedInDjango41Warning=type("RemovedInDjango41Warning",
                                          (DeprecationWarning,), {})),
        "django.core.exceptions": dict(
            ValidationError=type("ValidationError", (Exception,), {})),
    }
    del here
    return common


# Django modules that are word lists and nothing else (the tests compare
# Wick's output with their data): read from Django's source, never its
# engine.  run_templates.py sets SOURCE to the source tree.
SOURCE = None
DATA_MODULES = ("django.utils.lorem_ipsum",)


def _data_module(name):
    path = os.path.join(SOURCE, *name.split(".")) + ".py"
    m = types.ModuleType(name)
    m.__file__ = path
    with open(path, encoding="utf-8") as f:
        exec(compile(f.read(), path, "exec"), m.__dict__)
    return m


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path, target=None):
        if fullname == "django" or fullname.startswith("django."):
            return importlib.machinery.ModuleSpec(fullname, self,
                                                  is_package=True)
        return None

    def create_module(self, spec):
        if spec.name == "django.utils.timezone":
            return _tz_module()
        if spec.name in DATA_MODULES and SOURCE is not None:
            return _data_module(spec.name)
        m = FakeModule(spec.name)
        m.__path__ = []
        for k, v in _provided().get(spec.name, {}).items():
            setattr(m, k, v)
        return m

    def exec_module(self, module):
        pass


def install():
    """Serve `django.*` from here (call before importing a test module)."""
    if "django" in sys.modules and not isinstance(sys.modules["django"],
                                                  FakeModule):
        raise RuntimeError("the real django is imported; the runner must "
                           "not use it")
    sys.meta_path.insert(0, _Finder())
