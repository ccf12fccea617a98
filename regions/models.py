from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

REGION_CODE_VALIDATOR = RegexValidator(
    regex=r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$",
    message=_(
        "Kode wilayah harus berformat Kemendagri: 36, 36.01, 36.01.01 atau "
        "36.01.01.2001."
    ),
)


class Level(models.TextChoices):
    PROVINSI = "provinsi", _("Provinsi")
    KABUPATEN = "kabupaten", _("Kabupaten")
    KOTA = "kota", _("Kota")
    KECAMATAN = "kecamatan", _("Kecamatan")
    KELURAHAN = "kelurahan", _("Kelurahan")
    DESA = "desa", _("Desa")


class Region(models.Model):
    """A Kemendagri region: province, kabupaten/kota, kecamatan or village.

    The Kemendagri code is the identity. Because every code starts with its
    parent's code, "this region and everything under it" is a prefix query on
    the primary key (see ``regions.selectors``).
    """

    code = models.CharField(
        _("kode"), max_length=13, primary_key=True, validators=[REGION_CODE_VALIDATOR]
    )
    name = models.CharField(_("nama"), max_length=120)
    level = models.CharField(_("tingkat"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    population = models.PositiveBigIntegerField(_("penduduk"), null=True, blank=True)
    area_km2 = models.DecimalField(
        _("luas (km²)"), max_digits=12, decimal_places=3, null=True, blank=True
    )

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["code"]
        indexes = [
            # Lets PostgreSQL use an index for ``code LIKE '36.02.%'`` whatever
            # the database collation; other backends ignore the opclass.
            models.Index(
                fields=["code"],
                name="region_code_prefix_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["level", "code"], name="region_level_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def display_name(self) -> str:
        """``Provinsi Banten``; kabupaten/kota names already say what they are."""
        if self.level == Level.PROVINSI:
            return f"{Level.PROVINSI.label} {self.name}"
        return self.name

    @property
    def is_kabkota(self) -> bool:
        return self.level in (Level.KABUPATEN, Level.KOTA)

    @property
    def depth(self) -> int:
        return self.code.count(".")


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    KOORDINATOR = "koordinator", _("Koordinator")
    STAF_DATA = "staf_data", _("Staf Data")
    PEJABAT = "pejabat", _("Pejabat")


class UserScope(models.Model):
    """A user's role and the region they act in (and everything under it).

    A user without a scope sees nothing. ``regions.access`` is the only place
    that turns a scope into permissions.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.CASCADE,
        related_name="scope",
    )
    role = models.CharField(_("peran"), max_length=16, choices=Role.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        related_name="user_scopes",
    )

    class Meta:
        verbose_name = _("lingkup pengguna")
        verbose_name_plural = _("lingkup pengguna")
        ordering = ["user__username"]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.region_id}"
