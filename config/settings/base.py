"""Settings shared by every environment. Values that differ come from the environment."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP

from config.env import env_bool, env_int, env_list, env_str, persistent_secret_key
from config.settings.integrations.database import with_pool_from_env
from config.settings.integrations.email import mailers_from_env
from config.settings.integrations.storage import default_storage_from_env

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(env_str("DEVOLVE_DATA_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "") or persistent_secret_key(DATA_DIR / "secret_key")
DEBUG = env_bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "rules",
    "axes",
    "devolve.core",
    "devolve.accounts",
    "devolve.regions",
    "devolve.matters",
    "devolve.grants",
    "devolve.indicators",
    "devolve.reporting",
    "devolve.selection",
    "devolve.assessments",
    "devolve.performance",
    "devolve.documents",
    "devolve.dashboards",
    "devolve.portal",
    "devolve.api",
    "devolve.demo",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "devolve.core.middleware.ApiLanguageMiddleware",
    # After the language is known (the refusal is translated), before any view looks a key up.
    "devolve.core.middleware.NulInPathMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: anonymous reads go to the read replica, when one is configured.
    "devolve.core.routers.AnonymousReadsFromReplicaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "devolve.accounts.middleware.SessionTimeoutMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "devolve" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "devolve.core.context_processors.programme",
            ],
            "builtins": ["devolve.core.templatetags.devolve"],
        },
    }
]

# Each process's own memory (figures of ``core.derived``, password-reset counts); API list pages
# (ADR 0057) in a cache of their own, at most 200 pages a process (a page of 50 grants is about
# 27 kB); the API's request counts in another, sized for every caller of a busy minute (one
# caller's history at its limit is about 1 kB): sharing the default cache's 300 entries, a
# minute with more callers pushed counts out and let a caller past its rate (ADR 0074).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "api-pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "api-pages",
        "OPTIONS": {"MAX_ENTRIES": 200},
    },
    "throttle": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "throttle",
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    },
}

# Text fields carry the lang of a value in the other language (ADR 0046).
FORM_RENDERER = "devolve.core.forms.LanguageMarkingRenderer"

DATABASES = {
    "default": with_pool_from_env(
        dj_database_url.parse(
            env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'devolve.sqlite3'}"),
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", default=60),
            conn_health_checks=True,
        )
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the portal read while a service writes; a short wait beats "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# A read replica of the primary (streaming replication), for the anonymous reads of the portal
# and the API (devolve/core/routers.py); without it every read goes to the primary.
if DATABASE_REPLICA_URL := env_str("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = {
        **with_pool_from_env(
            dj_database_url.parse(
                DATABASE_REPLICA_URL,
                conn_max_age=env_int("DATABASE_CONN_MAX_AGE", default=60),
                conn_health_checks=True,
            )
        ),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["devolve.core.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboards:dashboard_home"
LOGOUT_REDIRECT_URL = "portal:overview"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("DEVOLVE_PASSWORD_MIN_LENGTH", default=10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed sign-ins (django-axes, ADR on authentication): counted per username and client address
# together, so a guesser cannot lock a colleague out from elsewhere; a lockout ends by itself.
AXES_FAILURE_LIMIT = env_int("DEVOLVE_SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DEVOLVE_SIGN_IN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "devolve.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "devolve.accounts.lockout.client_address"
# Not in the admin, which shows only scoped ProgrammeAdmin pages: `devolve axes_reset_username`.
AXES_ENABLE_ADMIN = False
# Reverse proxies in front of the app servers: the client address is this many entries from the
# right of X-Forwarded-For (0: the connection's address). Sign-in lockout and API throttling use it.
DEVOLVE_PROXY_COUNT = env_int("DEVOLVE_PROXY_COUNT", default=0)

# Sessions end after DEVOLVE_SESSION_IDLE_MINUTES without a request and, however active,
# DEVOLVE_SESSION_MAX_HOURS after sign-in (devolve.accounts.middleware).
DEVOLVE_SESSION_IDLE_MINUTES = env_int("DEVOLVE_SESSION_IDLE_MINUTES", default=30)
DEVOLVE_SESSION_MAX_HOURS = env_int("DEVOLVE_SESSION_MAX_HOURS", default=12)
SESSION_COOKIE_AGE = DEVOLVE_SESSION_MAX_HOURS * 3600
# Password reset: requests per client address and mails per e-mail address, each an hour
# (devolve.accounts.views.PasswordResetRequestView).
DEVOLVE_PASSWORD_RESET_REQUESTS_PER_CLIENT = env_int(
    "DEVOLVE_PASSWORD_RESET_REQUESTS_PER_CLIENT", default=10
)
DEVOLVE_PASSWORD_RESET_MAILS_PER_ADDRESS = env_int(
    "DEVOLVE_PASSWORD_RESET_MAILS_PER_ADDRESS", default=3
)
# Second factor (TOTP, django-otp) for the roles that may set one up; the name authenticator apps
# show for the account.
DEVOLVE_SECOND_FACTOR_ROLES = ["office", "auditor"]
OTP_TOTP_ISSUER = env_str("DEVOLVE_TOTP_ISSUER", "Devolve")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "devolve" / "locale"]
# One way to write dates per language ("2025年1月10日" / "10 Jan 2025"; ADR 0050).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "devolve" / "static"]
STORAGES = {
    # Uploads: MEDIA_ROOT, or an S3-compatible store shared by every node (integrations/storage.py)
    "default": default_storage_from_env(),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Several app nodes with their own data directories share one uploads directory (a mount every
# node and worker sees), unless uploads go to an S3-compatible store.
MEDIA_ROOT = Path(env_str("DEVOLVE_MEDIA_ROOT", str(DATA_DIR / "media")))

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # ECharts and the design system set element styles from script; no inline <style> blocks.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

REST_FRAMEWORK: dict[str, Any] = {
    # The first class names the challenge in WWW-Authenticate, so an anonymous caller of a
    # protected endpoint gets 401 (a session has no challenge: it would be 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "devolve.accounts.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "devolve.core.api.pagination.StandardPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "devolve.core.api.exceptions.domain_exception_handler",
    # Requests per client address (anonymous) and per user; 429 with Retry-After beyond.
    "DEFAULT_THROTTLE_CLASSES": [
        "devolve.core.api.throttling.AnonymousRateThrottle",
        "devolve.core.api.throttling.SignedInRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("DEVOLVE_API_ANONYMOUS_RATE", "120/minute"),
        "user": env_str("DEVOLVE_API_USER_RATE", "600/minute"),
    },
    "NUM_PROXIES": DEVOLVE_PROXY_COUNT or None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Devolve API",
    "DESCRIPTION": "Pilot areas, batches, divisions, departments and matters of a list-based "
    "authorization reform. Reads are public; writes need a signed-in user whose scope allows them.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DivisionLevelEnum": "devolve.regions.models.Division.Level",
        "ZoneLevelEnum": "devolve.regions.models.Zone.Level",
        "ZoneKindEnum": "devolve.regions.models.Zone.Kind",
        "MatterKindEnum": "devolve.matters.models.Matter.Kind",
        # The name the committed schema already gave authorization mode codes (keeps the contract).
        "CodeEnum": "devolve.matters.models.AuthorizationMode.Code",
        "AnnualListStatusEnum": "devolve.matters.models.AnnualList.Status",
        "DemandItemStatusEnum": "devolve.matters.models.DemandItem.Status",
        "GrantStatusEnum": "devolve.grants.models.Grant.Status",
        "BulkReportActionEnum": "devolve.reporting.services.bulk.BulkReportAction",
        "ObservationImportStatusEnum": "devolve.indicators.models.ObservationImport.Status",
        "EvaluationOutcomeEnum": "devolve.indicators.models.EvaluationRun.Outcome",
        "EvaluationMethodEnum": "devolve.indicators.models.EvaluationRun.Method",
        "SelectionRoundStatusEnum": "devolve.selection.models.SelectionRound.Status",
        "SelectionMethodEnum": "devolve.selection.models.SelectionRound.Method",
        "WeightingEnum": "devolve.selection.models.SelectionRound.Weighting",
        "SelectionDecisionStatusEnum": "devolve.selection.models.Decision.Status",
        "SupportProgressStatusEnum": "devolve.reporting.models.SupportProgress.Status",
        "ReportStatusEnum": "devolve.reporting.models.ReportStatus",
        "AssessmentRoundStatusEnum": "devolve.assessments.models.AssessmentRound.Status",
        "RecommendationEnum": "devolve.assessments.models.RecommendationChoice",
        "SchemeStatusEnum": "devolve.performance.models.Scheme.Status",
        "PerformanceAssessmentStatusEnum": (
            "devolve.performance.models.PerformanceAssessment.Status"
        ),
        "ScoreItemOutcomeEnum": "devolve.performance.models.ScoreItem.Outcome",
        "AppealStatusEnum": "devolve.performance.models.Appeal.Status",
        "DocumentKindEnum": "devolve.documents.models.DocumentKind",
        "GeneratedDocumentStatusEnum": "devolve.documents.models.GeneratedDocument.Status",
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/govuk.html"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Largest list workbook the importer opens, in bytes (default 10 MB; a 20,000-row list is ~2 MB).
# Four-eyes on annual lists: whoever submits an edition for review cannot approve or publish it.
DEVOLVE_FOUR_EYES = env_bool("DEVOLVE_FOUR_EYES", default=True)
DEVOLVE_IMPORT_MAX_BYTES = env_int("DEVOLVE_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
# The guarded reader every upload goes through (devolve/core/spreadsheets/reading.py).
DEVOLVE_UPLOAD_MAX_BYTES = env_int("DEVOLVE_UPLOAD_MAX_BYTES", default=DEVOLVE_IMPORT_MAX_BYTES)
DEVOLVE_EVIDENCE_MAX_BYTES = env_int("DEVOLVE_EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
DEVOLVE_UPLOAD_MAX_ZIP_MEMBERS = env_int("DEVOLVE_UPLOAD_MAX_ZIP_MEMBERS", default=1_000)
# A 100,000-row list unpacks to about 60 MB; a decompression bomb to gigabytes.
DEVOLVE_UPLOAD_MAX_UNCOMPRESSED_BYTES = env_int(
    "DEVOLVE_UPLOAD_MAX_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024
)
# One XML part (a sheet, the shared strings) at most this large once unpacked.
DEVOLVE_UPLOAD_MAX_XML_BYTES = env_int("DEVOLVE_UPLOAD_MAX_XML_BYTES", default=128 * 1024 * 1024)
DEVOLVE_UPLOAD_MAX_COMPRESSION_RATIO = env_int("DEVOLVE_UPLOAD_MAX_COMPRESSION_RATIO", default=200)
DEVOLVE_UPLOAD_SECONDS = env_int("DEVOLVE_UPLOAD_SECONDS", default=600)
# Days an applied import's workbook is kept as evidence (`devolve purge_uploads` deletes older).
DEVOLVE_UPLOAD_RETENTION_DAYS = env_int("DEVOLVE_UPLOAD_RETENTION_DAYS", default=3_650)

# Background work (large list imports). Tasks run inline by default (demo, tests); set
# DEVOLVE_TASKS_IMMEDIATE=false in production to queue them in the database for `devolve db_worker`.
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if env_bool("DEVOLVE_TASKS_IMMEDIATE", default=True)
        else "django_tasks_db.DatabaseBackend"
    }
}

# Mail goes to the SMTP server DEVOLVE_SMTP_HOST names, or to the console without one
# (integrations/email.py); production refuses to start without it.
MAILERS = mailers_from_env(required=False)
DEFAULT_FROM_EMAIL = env_str("DEVOLVE_EMAIL_FROM", "devolve@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Hours a password-reset link stays valid (Django's default is three days).
PASSWORD_RESET_TIMEOUT = env_int("DEVOLVE_PASSWORD_RESET_HOURS", default=2) * 3600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO and every unsupported CSS property at WARNING.
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
        # django-axes announces its configuration at INFO on every start, commands included.
        "axes.apps": {"level": "WARNING"},
    },
}

# The programme this deployment runs; the code is the same for any province's reform.
PROGRAMME_NAME_ZH = env_str("DEVOLVE_PROGRAMME_NAME_ZH", "四川省集成授权改革")
PROGRAMME_NAME_EN = env_str("DEVOLVE_PROGRAMME_NAME_EN", "Sichuan integrated authorization reform")
# The province (GB/T 2260 code) whose figures the headline comparison measures pilot areas
# against: a database may hold several provinces' divisions and observations.
PROGRAMME_PROVINCE_CODE = env_str("DEVOLVE_PROGRAMME_PROVINCE_CODE", "510000")
# The licence every open dataset is published under, as a Data Package names it.
OPEN_DATA_LICENCE = {
    "name": env_str("DEVOLVE_OPEN_DATA_LICENCE_NAME", "CC-BY-4.0"),
    "title": env_str("DEVOLVE_OPEN_DATA_LICENCE_TITLE", "Creative Commons Attribution 4.0"),
    "path": env_str(
        "DEVOLVE_OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
    ),
}
