"""Settings shared by every environment.

Every external service is switched on by an environment variable; when it is
unset the embedded default is used, so `make run` needs nothing but Python.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY", "dev-insecure-secret-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "portal",
    "portal.accounts",
    "governance.registry",
    "governance.audit",
    "governance.decisions",
    "governance.elections",
    "governance.surveys",
    "governance.office",
    "home",
    "knowledge",
    "knowledge.qa",
    "knowledge.experts",
    "knowledge.cases",
    "search",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtail_modeladmin",
    "modelcluster",
    "taggit",
    "django_filters",
    "graphene_django",
    "huey.contrib.djhuey",
    "anymail",
    "allauth",
    "allauth.account",
    "allauth.headless",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "home.middleware.PageTreeReportsMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: SQLite unless DATABASE_URL is set -------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once; WAL lets readers go on. IMMEDIATE transactions
    # take the write lock at BEGIN, so two processes never deadlock upgrading a read lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when REDIS_URL is set (shared by all workers), else local -----
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Task queue: Redis-backed huey in production, SQLite-backed huey otherwise --
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "xiaoqu",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "xiaoqu",
        "filename": str(BASE_DIR / "huey.sqlite3"),
        "immediate": env_bool("HUEY_IMMEDIATE", False),
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# --- Auth ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    # Grants Wagtail's admin access to holders of a staff role (governance.registry.roles.can_access_admin).
    "governance.registry.admin_scoping.RoleAdminAccessBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "phone", "first_name", "last_name", "email")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # allauth validates a sign-up password before the user has a phone; see portal.accounts.forms.
    {"NAME": "portal.accounts.password_validation.PhoneNumberPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# django-allauth: phone is the login identifier (password or 6-digit SMS code); the
# superuser `admin` signs into /admin/ with username + password through ModelBackend.
ACCOUNT_ADAPTER = "portal.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "portal.accounts.forms.SignupForm",
    "request_login_code": "portal.accounts.forms.RequestLoginCodeForm",
    "confirm_login_code": "portal.accounts.forms.ConfirmLoginCodeForm",
    "verify_phone": "portal.accounts.forms.VerifyPhoneForm",
    "change_phone": "portal.accounts.forms.ChangePhoneForm",
}
ACCOUNT_LOGIN_METHODS = {"phone"}
ACCOUNT_SIGNUP_FIELDS = ["phone*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 600
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 5
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 5
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 300
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = True
# SMS codes are 6 digits (the adapter generates them; these keep allauth's own view consistent).
ACCOUNT_LOGIN_BY_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_USER_MODEL_EMAIL_FIELD = "email"
ACCOUNT_USER_DISPLAY = str  # display name or masked phone, never the full number
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = True
# allauth's own limits. Those on SMS-sending actions are deliberately looser than
# SMS_RATE_LIMITS below, which decide (with a Chinese message); these stay as a backstop.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",  # key = the phone number
    "signup": "20/m/ip",
    "request_login_code": "30/m/ip,3/m/key",
    "verify_phone": "3/m/key,30/m/ip",
    "change_phone": "1/m/user",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
# Behind a reverse proxy set TRUSTED_PROXY_COUNT (e.g. 1) so per-IP limits see the client.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_ONLY = False

# SMS: console (prints) unless configured; "file" writes one JSON line per SMS.
SMS_BACKEND = env("SMS_BACKEND", "portal.accounts.sms.ConsoleSMSSender")
SMS_FILE_PATH = env("SMS_FILE_PATH", str(BASE_DIR / "var" / "sms.log"))
# Rate limits on sending codes: (max count, window seconds).
SMS_RATE_LIMITS = {
    "phone": [(1, 60), (5, 3600), (10, 86400)],
    "ip": [(20, 3600)],
}

# --- WeChat subscription messages (the mini-program's notices): real client only with credentials --
WECHAT_APP_ID = env("WECHAT_APP_ID")
WECHAT_APP_SECRET = env("WECHAT_APP_SECRET")
WECHAT_TEMPLATE_ID = env("WECHAT_TEMPLATE_ID")
PORTAL_BASE_URL = env("PORTAL_BASE_URL", "http://127.0.0.1:8000")

# --- E-mail: console unless an anymail provider is configured -------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "noreply@xiaoqu.local")
ANYMAIL = {}
if env("MAILGUN_API_KEY"):
    ANYMAIL["MAILGUN_API_KEY"] = env("MAILGUN_API_KEY")
    ANYMAIL["MAILGUN_SENDER_DOMAIN"] = env("MAILGUN_SENDER_DOMAIN")

# --- Search: Chinese-aware wrappers of Wagtail's backends (see search/backends/) ----
# Database (SQLite FTS5 / PostgreSQL) unless ELASTICSEARCH_URL is set. Both segment text
# with jieba on the index side (search.index.ChineseSearchField) and the query side.
# ELASTICSEARCH_ANALYZER: "jieba" (default, no plugin: pre-segmented tokens kept whole) or
# "ik" (the cluster's IK plugin: ik_max_word to index, ik_smart to search).
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL")
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.elasticsearch8",
            "URLS": [ELASTICSEARCH_URL],
            "INDEX_PREFIX": env("ELASTICSEARCH_INDEX", "xiaoqu") + "_",
            "TIMEOUT": 5,
            "ANALYZER": env("ELASTICSEARCH_ANALYZER", "jieba"),
        }
    }
else:
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database", "SEARCH_CONFIG": "simple"}}

# --- i18n ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and media -----------------------------------------------------------
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATIC_URL = "/static/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
# Files that must never have a public address (proofs, roster imports, ballot scans and signatures,
# archives, bylaws): served only by views that check who asks. Never serve this folder from the web server.
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Wagtail ---------------------------------------------------------------------
WAGTAIL_SITE_NAME = "小区治理"
WAGTAILADMIN_USER_LOGIN_FORM = "portal.accounts.admin_forms.AdminLoginForm"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "jpg", "jpeg", "png"]

# --- GraphQL ----------------------------------------------------------------------
GRAPHENE = {"SCHEMA": "portal.api.schema"}
GRAPHQL_MAX_DEPTH = 8
GRAPHQL_MAX_FIELDS = 300  # selections per operation, aliases and each fragment spread counted (introspection ~230)
GRAPHQL_MAX_NESTING = 64  # selection sets, lists and input objects in the document text, checked before validation
GRAPHIQL_ENABLED = False

# --- Registry ---------------------------------------------------------------------
REGISTRY_MAX_OPEN_APPLICATIONS = 3  # pending co-owner, tenant and phone-correction applications per account

# --- Audit ------------------------------------------------------------------------
ID_NUMBER_HASH_KEY = env("ID_NUMBER_HASH_KEY", SECRET_KEY)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# Production settings set this to True; demo data and other conveniences refuse to run then.
IS_PRODUCTION = False
