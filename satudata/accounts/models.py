"""People, the agencies (OPD) they work for, and their personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from satudata.accounts.roles import STAFF_ROLES, Role, TokenScope

nip_validator = RegexValidator(
    r"^\d{18}$", _("A NIP has 18 digits, written without spaces."), code="invalid_nip"
)


class AgencyKind(models.TextChoices):
    SEKRETARIAT = "sekretariat", _("Secretariat")
    INSPEKTORAT = "inspektorat", _("Inspectorate")
    DINAS = "dinas", _("Dinas (service agency)")
    BADAN = "badan", _("Badan (board)")
    SATUAN = "satuan", _("Unit (Satpol PP and the like)")
    RUMAH_SAKIT = "rumah_sakit", _("Regional hospital")
    KECAMATAN = "kecamatan", _("Kecamatan office")
    INSTANSI_VERTIKAL = "instansi_vertikal", _("Central government office (e.g. BPS)")
    LAINNYA = "lainnya", _("Other")


class AgencyQuerySet(models.QuerySet["Agency"]):
    def active(self) -> AgencyQuerySet:
        return self.filter(is_active=True)


class Agency(models.Model):
    """A regional agency (Organisasi Perangkat Daerah) or office taking part in Satu Data."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    head_name = models.CharField(_("head's name"), max_length=200, blank=True)
    head_title = models.CharField(_("head's title"), max_length=200, blank=True)
    head_nip = models.CharField(
        _("head's NIP"), max_length=18, blank=True, validators=[nip_validator]
    )
    is_walidata = models.BooleanField(
        _("is the Walidata"),
        default=False,
        help_text=_("The one agency that checks and disseminates data (Perpres 39/2019 art. 21)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects: ClassVar[AgencyQuerySet] = AgencyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.UniqueConstraint(
                fields=["is_walidata"],
                condition=models.Q(is_walidata=True),
                name="one_walidata_agency",
            )
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in. Exactly one role; producers belong to one or more agencies."""

    full_name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PRODUSEN)
    nip = models.CharField(_("NIP"), max_length=18, blank=True, validators=[nip_validator])
    position = models.CharField(_("position"), max_length=200, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    agencies: models.ManyToManyField[Agency, Membership] = models.ManyToManyField(
        Agency,
        through="Membership",
        related_name="members",
        blank=True,
        verbose_name=_("agencies"),
    )

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ["full_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        # createsuperuser makes administrators; the administration site is theirs alone.
        if self.is_superuser:
            self.role = Role.ADMINISTRATOR
        self.is_staff = self.role == Role.ADMINISTRATOR
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return (self.full_name or self.username).split(" ")[0]

    @property
    def is_walidata_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def agency_ids(self) -> set[int]:
        if not hasattr(self, "_agency_ids"):
            self._agency_ids = set(self.memberships.values_list("agency_id", flat=True))
        return self._agency_ids


class Membership(models.Model):
    """A person's place in an agency."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    position = models.CharField(_("position"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="one_membership_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.agency.short_name}"


TOKEN_PREFIX = "sdk_"  # noqa: S105 (a label, not a secret)


def hash_token(raw: str) -> str:
    # The secret is 256 random bits, so a plain SHA-256 cannot be brute-forced; a slow password
    # hash would only slow every API call.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self, at: Any = None) -> ApiTokenQuerySet:
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=at)
        )


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the token itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("token starts with"), max_length=16, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects: ClassVar[ApiTokenQuerySet] = ApiTokenQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> tuple[str, str]:
        """A new raw token and its display prefix."""
        public = secrets.token_hex(4)
        raw = f"{TOKEN_PREFIX}{public}_{secrets.token_urlsafe(32)}"
        return raw, f"{TOKEN_PREFIX}{public}"

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()

    def has_scope(self, scope: TokenScope | str) -> bool:
        return str(scope) in self.scopes


class Notification(models.Model):
    """A message in a person's in-app inbox, sent with an e-mail by ``notify``: what happened
    and where to act."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title
