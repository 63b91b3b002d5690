"""Settings of the bench's Django peer (bench/apache.sh runs it).

The same middleware, in the same order, as the Wick demo (security,
sessions, CSRF, auth, messages), sessions in the database, flash messages
in the session, templates cached (DEBUG off), as a production Django site
would run.  The database is a copy of the demo's seeded SQLite file,
named by PEER_DB; its blog_post and blog_comment tables are read through
unmanaged models (blog/models.py), Django's own tables (auth_user,
django_session ...) are added to it by `manage.py migrate`.  SQLite is set
up as Wick sets it up: WAL (stored in the file: bench/apache.sh sets it on
the copy), synchronous=NORMAL (blog/models.py, on each new connection),
and the connection kept across requests.
"""
import os

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET_KEY = os.environ.get("PEER_SECRET_KEY", "bench-only-not-secret-" + "x" * 40)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Apache serves it under /django/ (mod_proxy_http strips the prefix).
FORCE_SCRIPT_NAME = os.environ.get("PEER_SCRIPT_NAME", "/django")

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "blog",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "peer.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
WSGI_APPLICATION = "peer.wsgi.application"
DATABASES = {"default": {
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": os.environ["PEER_DB"],  # no default: never a stray file
    "OPTIONS": {"timeout": 10},
    # Warm like the FastCGI processes: one connection per worker, kept
    # (Django's default closes it after every request).
    "CONN_MAX_AGE": None,
}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
LOGIN_URL = "/django/accounts/login/"
USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = False
STATIC_URL = "/static/"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
