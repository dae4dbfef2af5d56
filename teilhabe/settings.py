"""Settings for teilhabe, read top to bottom; everything that differs between
deployments comes from environment variables (see docs/configuration.md)."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

# --- Core -----------------------------------------------------------------

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set unless DJANGO_DEBUG=1.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode-" + "x" * 20
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "modeltranslation",  # must precede django.contrib.admin
    "teilhabe.accounts.admin_site.StaffAdminConfig",  # django.contrib.admin with one login (accounts)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "teilhabe.core",
    "teilhabe.accounts",
    "teilhabe.monitoring",
    "teilhabe.participation",
    "teilhabe.surveys",
    "teilhabe.portal",
    "teilhabe.api",
    "teilhabe.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers anonymous GETs of cached public pages before the middleware below runs (portal).
    "teilhabe.core.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: private, no-store for signed-in people and the admin (teilhabe.core.middleware).
    "teilhabe.core.middleware.PrivateResponsesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "teilhabe.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "teilhabe.urls"
WSGI_APPLICATION = "teilhabe.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "teilhabe" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "teilhabe.core.context_processors.site",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------

VAR_DIR = Path(env.str("TEILHABE_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'teilhabe.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while a writer commits; IMMEDIATE avoids
    # lock-upgrade deadlocks between concurrent writers.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

# --- Cache ------------------------------------------------------------------

# "default" holds rebuildable things only (pages, API responses) and may evict them: bounded by MAX_ENTRIES,
# or by Redis's maxmemory with allkeys-lru. "counters" holds rate-limit counts, idempotency records and the
# data version, and never evicts: Redis run with noeviction, or a table without culling (teilhabe.core.counters).
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "teilhabe_cache",
            "OPTIONS": {"MAX_ENTRIES": env.int("TEILHABE_CACHE_MAX_ENTRIES", default=20_000)},
        }
    }
TEILHABE_COUNTERS_REDIS_URL = env.str("TEILHABE_COUNTERS_REDIS_URL", default="")
if TEILHABE_COUNTERS_REDIS_URL:
    CACHES["counters"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": TEILHABE_COUNTERS_REDIS_URL,
        "KEY_PREFIX": "counters",
    }
else:
    CACHES["counters"] = {"BACKEND": "teilhabe.core.counters.DatabaseCounterStore", "LOCATION": "teilhabe_counter"}
RATELIMIT_USE_CACHE = "counters"

# --- Background jobs --------------------------------------------------------

TASKS_IMMEDIATE = env.bool("TEILHABE_TASKS_IMMEDIATE", default=False)
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend" if TASKS_IMMEDIATE else "django_tasks_db.DatabaseBackend"
        ),
    }
}

# --- Authentication ---------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# Staff land on their work area; accounts without one are sent on to their account page from there.
LOGIN_REDIRECT_URL = "participation:work_overview"
LOGOUT_REDIRECT_URL = "portal:home"
# Invitation and password-reset links are valid this long (and only once).
PASSWORD_RESET_TIMEOUT = env.int("TEILHABE_PASSWORD_LINK_SECONDS", default=3 * 24 * 60 * 60)
SESSION_COOKIE_AGE = env.int("TEILHABE_SESSION_SECONDS", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AXES_FAILURE_LIMIT = env.int("TEILHABE_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_ENABLED = env.bool("TEILHABE_AXES_ENABLED", default=True)
# Failures are counted in the database, so every app server sees the same count.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "teilhabe.core.network.client_ip"
# Axes would log usernames and addresses; ours says only which form was tried.
AXES_CLIENT_STR_CALLABLE = "teilhabe.accounts.security.describe_login_attempt"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "email"]
# Second factor (TOTP): roles that must use one (comma list of role names; "superuser" for superusers).
TEILHABE_MFA_REQUIRED_ROLES = env.list("TEILHABE_MFA_REQUIRED_ROLES", default=[])
OTP_TOTP_ISSUER = env.str("TEILHABE_OTP_ISSUER", default="teilhabe")

# Optional single sign-on for staff over OpenID Connect; active only when a client id is set.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
TEILHABE_OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if TEILHABE_OIDC_ENABLED:
    OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="") or None
    OIDC_OP_LOGOUT_ENDPOINT = env.str("OIDC_OP_LOGOUT_ENDPOINT", default="")
    OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
    OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
    OIDC_CREATE_USER = True
    LOGIN_REDIRECT_URL_FAILURE = "accounts:login"
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "teilhabe.accounts.oidc.StaffOIDCBackend"]
# The claims that carry a staff member's roles (list of role names) and authority (its code).
TEILHABE_OIDC_ROLES_CLAIM = env.str("TEILHABE_OIDC_ROLES_CLAIM", default="teilhabe_roles")
TEILHABE_OIDC_AUTHORITY_CLAIM = env.str("TEILHABE_OIDC_AUTHORITY_CLAIM", default="teilhabe_authority")
# Whether a login through the identity provider counts as the second factor (the IdP enforces its own).
TEILHABE_OIDC_SATISFIES_MFA = env.bool("TEILHABE_OIDC_SATISFIES_MFA", default=True)

# --- Internationalisation ---------------------------------------------------

LANGUAGE_CODE = env.str("TEILHABE_DEFAULT_LANGUAGE", default="de")
LANGUAGES = [
    ("de", _("German")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("fa", _("Persian")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
]
# Languages content is translated into (one database column each). The interface languages beyond these
# show content in German or English, marked with its own `lang` (docs/translations.md).
MODELTRANSLATION_LANGUAGES = ("de", "en")
MODELTRANSLATION_DEFAULT_LANGUAGE = "de"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("de", "en")}
LOCALE_PATHS = [BASE_DIR / "teilhabe" / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Berlin")
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "teilhabe" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
TEILHABE_MAX_UPLOAD_BYTES = env.int("TEILHABE_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024)
# Zip-based uploads (XLSX, DOCX, ODT) are checked before parsing (teilhabe.core.uploads.check_archive).
TEILHABE_ARCHIVE_MAX_UNCOMPRESSED_BYTES = env.int("TEILHABE_ARCHIVE_MAX_UNCOMPRESSED_BYTES", default=256 * 1024 * 1024)
TEILHABE_ARCHIVE_MAX_RATIO = env.int("TEILHABE_ARCHIVE_MAX_RATIO", default=100)
TEILHABE_ARCHIVE_MAX_MEMBERS = env.int("TEILHABE_ARCHIVE_MAX_MEMBERS", default=10_000)

# --- E-mail -----------------------------------------------------------------

# Outside debug a real mail server is required: the console backend would write password-reset and
# invitation links into the log. Tests set memorymail:// (pyproject.toml); debug falls back to the console.
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://" if DEBUG else "")
if not DEBUG and (not EMAIL_URL or EMAIL_URL.startswith("consolemail:")):
    raise ImproperlyConfigured(
        "EMAIL_URL must name a real mail server unless DJANGO_DEBUG=1, e.g. "
        "smtp+tls://user:password@mail.example.org:587 (the console backend would log password-reset links)."
    )
EMAIL_CONFIG = env.email_url_config(EMAIL_URL)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="teilhabe@localhost")

# --- Security ---------------------------------------------------------------

SECURE = env.bool("DJANGO_SECURE", default=False)
SECURE_SSL_REDIRECT = SECURE
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
# Load balancers probe the health check over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- REST API ---------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "teilhabe.api.authentication.SecondFactorTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "teilhabe.api.pagination.BoundedPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": ["teilhabe.api.throttling.ApiRateThrottle"],
    # Refusals name the field but never repeat what the client sent (teilhabe.api.errors).
    "EXCEPTION_HANDLER": "teilhabe.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "teilhabe API",
    "DESCRIPTION": "Open data on integration indicators, targets, assessments and participation.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {},
    "PREPROCESSING_HOOKS": ["teilhabe.api.schema.exclude_format_suffixes"],
    # Closed response schemas: every object schema lists its fields and allows no others.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "teilhabe.api.schema.close_object_schemas",
    ],
}

# --- teilhabe ---------------------------------------------------------------

# Counts below this are suppressed in everything public (disclosure control).
TEILHABE_MIN_PUBLIC_COUNT = env.int("TEILHABE_MIN_PUBLIC_COUNT", default=5)
# Figures whose base (sample size, else denominator) lies below this are shown in parentheses (limited
# reliability); a withheld cell's feasible interval must be at least the protection range wide (0: the
# minimum count). docs/methods/disclosure-control.md
TEILHABE_LIMITED_RELIABILITY_COUNT = env.int("TEILHABE_LIMITED_RELIABILITY_COUNT", default=30)
TEILHABE_DISCLOSURE_PROTECTION_RANGE = env.int("TEILHABE_DISCLOSURE_PROTECTION_RANGE", default=0)
# The integration climate index of a group (and each of its domains and items) is withheld when fewer
# respondents than this gave a score (never below TEILHABE_MIN_PUBLIC_COUNT).
TEILHABE_CLIMATE_INDEX_MIN_N = env.int("TEILHABE_CLIMATE_INDEX_MIN_N", default=30)
TEILHABE_DATA_LICENCE = env.str("TEILHABE_DATA_LICENCE", default="dl-de/by-2-0")
# Uploaded import files wait here (private, not under MEDIA_ROOT) between the admin's preview and confirmation.
TEILHABE_IMPORT_DIR = Path(env.str("TEILHABE_IMPORT_DIR", default=str(VAR_DIR / "imports")))
TEILHABE_REVIEW_DEADLINE_DAYS = env.int("TEILHABE_REVIEW_DEADLINE_DAYS", default=42)
# A published evaluation explains itself: its justification has at least this many characters.
TEILHABE_MIN_JUSTIFICATION_LENGTH = env.int("TEILHABE_MIN_JUSTIFICATION_LENGTH", default=40)
TEILHABE_RATE_PUBLIC_FORM = env.str("TEILHABE_RATE_PUBLIC_FORM", default="20/h")
# Moving between the pages of a survey (per client address; a class answering together shares one).
TEILHABE_RATE_SURVEY_PAGE = env.str("TEILHABE_RATE_SURVEY_PAGE", default="600/h")
TEILHABE_RATE_API = env.str("TEILHABE_RATE_API", default="600/m")
# Whole-data downloads (documentation CSV/XLSX, the API as CSV, data.xlsx, the data package) per client address.
TEILHABE_RATE_EXPORTS = env.str("TEILHABE_RATE_EXPORTS", default="30/h")
# Public API responses are kept this long at most (a data change makes them unreachable at once; 0: off),
# and clients and proxies may reuse one this long without revalidating.
TEILHABE_API_CACHE_SECONDS = env.int("TEILHABE_API_CACHE_SECONDS", default=600)
TEILHABE_API_MAX_AGE_SECONDS = env.int("TEILHABE_API_MAX_AGE_SECONDS", default=60)
RATELIMIT_VIEW = "teilhabe.core.views.rate_limited"
TEILHABE_RATE_LOGIN = env.str("TEILHABE_RATE_LOGIN", default="60/h")
# The request header (META key) a trusted reverse proxy sets to the client address, e.g. HTTP_X_REAL_IP;
# empty: the address of the connecting peer. Rate limits and login lockouts count per this address.
TEILHABE_CLIENT_IP_HEADER = env.str("TEILHABE_CLIENT_IP_HEADER", default="")
RATELIMIT_IP_META_KEY = "teilhabe.core.network.client_ip"
# History is shown to staff, never edited or reverted through the admin.
SIMPLE_HISTORY_REVERT_DISABLED = True
TEILHABE_CONTACT_RETENTION_DAYS = env.int("TEILHABE_CONTACT_RETENTION_DAYS", default=365)
# The public address of the site, for links in e-mails (receipt links, review notices).
TEILHABE_SITE_URL = env.str("TEILHABE_SITE_URL", default="http://127.0.0.1:8000")
# Machine translation of contributions into German for staff (docs/translations.md): a self-hosted
# LibreTranslate server. Empty URL: nothing leaves the server and no machine translation is shown.
TEILHABE_TRANSLATION_URL = env.str("TEILHABE_TRANSLATION_URL", default="")
TEILHABE_TRANSLATION_API_KEY = env.str("TEILHABE_TRANSLATION_API_KEY", default="")
TEILHABE_TRANSLATION_TIMEOUT_SECONDS = env.float("TEILHABE_TRANSLATION_TIMEOUT_SECONDS", default=20.0)

# --- Logging: no personal data (no request bodies, no IPs in our messages) --

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_personal_data": {"()": "teilhabe.core.logging.RedactPersonalData"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_personal_data"]}
    },
    # TEILHABE_LOG_LEVEL wins; the `teilhabe` command sets it from --verbosity (WARNING by default).
    "root": {"handlers": ["console"], "level": env.str("TEILHABE_LOG_LEVEL", default="INFO")},
    "loggers": {
        # The request logger would print paths with receipt tokens and user agents.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
