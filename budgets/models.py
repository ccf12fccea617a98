from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .codes import LEVEL_VALIDATORS, UNIT_CODE_RE, account_group, canonical_code
from .stages import STAGE_MAX_LENGTH, Stage

DEFAULT_TAG_BASIS = "Kepmendagri 900.1.15.5-1317/2023"
MONEY = {"max_digits": 18, "decimal_places": 2}


class NameSource(models.TextChoices):
    """Where a reference name (nomenclature, unit, account, funding source) came from.

    A name from SIPD's own file of that year replaces one typed by hand or made
    up for the demo; two SIPD files that disagree are reported."""

    SIPD = "sipd", _("File SIPD")
    MANUAL = "manual", _("Diketik manual")
    DEMO = "demo", _("Data contoh")


class NomenclatureLevel(models.TextChoices):
    URUSAN = "urusan", _("Urusan")
    BIDANG = "bidang", _("Bidang Urusan")
    PROGRAM = "program", _("Program")
    KEGIATAN = "kegiatan", _("Kegiatan")
    SUB_KEGIATAN = "sub_kegiatan", _("Sub Kegiatan")


class Nomenclature(models.Model):
    """A Kepmendagri code (urusan to sub kegiatan) as it stands in one fiscal year.

    The list is versioned by year: the same code may name different things in
    two years, so the year is part of the identity.
    """

    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    level = models.CharField(_("tingkat"), max_length=12, choices=NomenclatureLevel.choices)
    code = models.CharField(_("kode"), max_length=32)
    name = models.CharField(_("nama"), max_length=500)
    name_source = models.CharField(
        _("asal nama"), max_length=8, choices=NameSource.choices, default=NameSource.MANUAL
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        verbose_name = _("nomenklatur")
        verbose_name_plural = _("nomenklatur")
        ordering = ["fiscal_year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "level", "code"], name="nomenclature_unique_code"
            )
        ]
        indexes = [
            models.Index(
                fields=["fiscal_year", "code"],
                name="nomenclature_year_code",
                opclasses=["int2_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        validator = LEVEL_VALIDATORS.get(self.level)
        if validator is not None:
            try:
                validator(self.code)
            except ValidationError as exc:
                raise ValidationError({"code": exc.messages}) from None


class UnitKind(models.TextChoices):
    OPD = "opd", _("Perangkat Daerah (OPD)")
    UPTD = "uptd", _("UPTD")
    SUB_UNIT = "sub_unit", _("Sub Unit")


class Unit(models.Model):
    """An SKPD/OPD of one pemda, or one of its sub units (UPTD, bureau...).

    SIPD unit codes repeat across regions (their sequence part is per region),
    so a unit is identified by its region and its code.
    """

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("wilayah"), on_delete=models.PROTECT,
        related_name="units",
    )
    code = models.CharField(
        _("kode SIPD"),
        max_length=40,
        validators=[
            RegexValidator(
                UNIT_CODE_RE,
                _("Kode unit harus berformat SIPD, mis. 1.06.0.00.0.00.01.0000."),
            )
        ],
    )
    name = models.CharField(_("nama"), max_length=255)
    name_source = models.CharField(
        _("asal nama"), max_length=8, choices=NameSource.choices, default=NameSource.MANUAL
    )
    short_name = models.CharField(_("singkatan"), max_length=60, blank=True)
    kind = models.CharField(_("jenis"), max_length=10, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("unit induk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_units",
    )
    is_demo = models.BooleanField(_("data contoh"), default=False)

    class Meta:
        verbose_name = _("perangkat daerah / unit")
        verbose_name_plural = _("perangkat daerah / unit")
        ordering = ["region_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="unit_unique_code")
        ]

    def __str__(self) -> str:
        return self.short_name or self.name


class FundingSource(models.Model):
    """A funding source (sumber dana) by its SIPD code."""

    code = models.CharField(_("kode"), max_length=40, unique=True)
    canonical_code = models.CharField(
        _("kode baku"), max_length=40, db_index=True, editable=False, default="",
        help_text=_("Kode tanpa nol di depan tiap bagian: kode yang sama yang ditulis "
                    "dengan lebar bagian lain pada tahun lain."),
    )
    name = models.CharField(_("nama"), max_length=255)
    name_source = models.CharField(
        _("asal nama"), max_length=8, choices=NameSource.choices, default=NameSource.MANUAL
    )

    class Meta:
        verbose_name = _("sumber dana")
        verbose_name_plural = _("sumber dana")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        # Derived, not a business rule: the code with its parts' leading zeros dropped.
        self.canonical_code = canonical_code(self.code)
        super().save(*args, **kwargs)


class Account(models.Model):
    """An account code (kode rekening), kept as text: real exports have odd widths."""

    code = models.CharField(_("kode rekening"), max_length=40, unique=True)
    canonical_code = models.CharField(
        _("kode baku"), max_length=40, db_index=True, editable=False, default="",
        help_text=_("Kode tanpa nol di depan tiap bagian: 5.1.02.03.03.0001 dan "
                    "5.1.02.03.003.00001 adalah rekening yang sama."),
    )
    name = models.CharField(_("nama rekening"), max_length=500)
    name_source = models.CharField(
        _("asal nama"), max_length=8, choices=NameSource.choices, default=NameSource.MANUAL
    )
    group = models.CharField(
        _("kelompok rekening"), max_length=20, db_index=True, editable=False,
        help_text=_("Tiga tingkat pertama kode, mis. 5.1.06 (bantuan sosial)."),
    )

    class Meta:
        verbose_name = _("kode rekening")
        verbose_name_plural = _("kode rekening")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        # Derived, not a business rule: the group is the code's first three levels.
        self.group = account_group(self.code)
        self.canonical_code = canonical_code(self.code)
        super().save(*args, **kwargs)


class LineOrigin(models.TextChoices):
    IMPORT = "import", _("Impor SIPD")
    MANUAL = "manual", _("Isian koordinator")
    DEMO = "demo", _("Data contoh")


class BudgetLine(models.Model):
    """One budget line: a sub kegiatan x funding source x account of a sub unit, in
    one stage of one year.

    SIPD writes several rows for one line (per paket/kelompok, per standar harga
    item): they are distinct money, summed into ``pagu``; the rows themselves
    stay readable in ``items`` (``[{"kind", "code", "name", "amount", "row"}]``).

    ``pillar`` and ``strategy`` are the line's effective classification, kept
    in step with its tags by ``budgets.services`` (a hand tag wins over an
    imported one only when it is recorded with a reason).
    """

    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    stage = models.CharField(
        _("tahapan"), max_length=STAGE_MAX_LENGTH, choices=Stage.choices, default=Stage.MURNI
    )
    # Indexes: an import of 100,000 lines updates every index of this table
    # 100,000 times, so only those queries use are kept: the natural key, the
    # region scope ("line_region_scope": region, year, stage; its pattern
    # operator class also serves the sub-tree filter region LIKE '36.%'), the
    # batch and the sub kegiatan. Unit, sub unit, funding source, account,
    # pillar, strategy and person filters run inside one year's or one region's
    # lines; the dashboards read the summary table.
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("wilayah"), on_delete=models.PROTECT,
        related_name="budget_lines", db_index=False,  # "line_region_scope" leads with it
        db_constraint=False,
    )
    # Parents (region, unit, sub unit, sub kegiatan, sumber dana, rekening,
    # import batch): no database foreign key (db_constraint=False). PostgreSQL
    # checked those seven keys row by row, 476,000 index probes for 68,000
    # imported lines, most of a commit. Every write checks them instead: forms,
    # the API and the admin validate the choice (full_clean), and the import
    # checks the distinct parent rows set-based and locks them FOR KEY SHARE in
    # its transaction (budgets.line_bulk.lock_parents), so none can go before it
    # commits. Deleting a referenced row through Django is refused (PROTECT,
    # applied by the ORM). The database still guarantees the natural key, the
    # non-negative amounts and every NOT NULL.
    unit = models.ForeignKey(
        Unit, verbose_name=_("perangkat daerah"), on_delete=models.PROTECT,
        related_name="budget_lines", db_index=False, db_constraint=False,
    )
    sub_unit = models.ForeignKey(
        Unit, verbose_name=_("sub unit"), on_delete=models.PROTECT,
        related_name="sub_unit_budget_lines", db_index=False, db_constraint=False,
    )
    sub_kegiatan = models.ForeignKey(
        Nomenclature, verbose_name=_("sub kegiatan"), on_delete=models.PROTECT,
        related_name="budget_lines", db_constraint=False,
    )
    funding_source = models.ForeignKey(
        FundingSource, verbose_name=_("sumber dana"), on_delete=models.PROTECT,
        related_name="budget_lines", db_index=False, db_constraint=False,
    )
    account = models.ForeignKey(
        Account, verbose_name=_("kode rekening"), on_delete=models.PROTECT,
        related_name="budget_lines", db_index=False, db_constraint=False,
    )
    items = models.JSONField(
        _("rincian"), default=list, blank=True,
        help_text=_("Baris berkas SIPD yang dijumlahkan menjadi baris ini (paket/kelompok, "
                    "standar harga) dengan nilainya."),
    )
    pagu = models.DecimalField(
        _("pagu"), **MONEY, validators=[MinValueValidator(0)]
    )
    realisasi = models.DecimalField(
        _("realisasi"), **MONEY, default=0, validators=[MinValueValidator(0)]
    )
    pillar = models.ForeignKey(
        "programs.Pillar", verbose_name=_("pilar"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="budget_lines", db_index=False,
    )
    strategy = models.ForeignKey(
        "programs.Strategy", verbose_name=_("strategi"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="budget_lines", db_index=False,
    )
    origin = models.CharField(
        _("asal data"), max_length=8, choices=LineOrigin.choices, default=LineOrigin.MANUAL
    )
    # db_index=False: the "line_batch" index below is the same index; two copies
    # only cost every imported line one more index insertion.
    import_batch = models.ForeignKey(
        "budgets.ImportBatch", verbose_name=_("batch impor"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="lines", db_index=False, db_constraint=False,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diisi oleh"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+", db_index=False,
    )
    is_demo = models.BooleanField(_("data contoh"), default=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("baris anggaran")
        verbose_name_plural = _("baris anggaran")
        ordering = ["fiscal_year", "region_id", "unit_id", "sub_kegiatan_id", "id"]
        constraints = [
            # Fixed-width columns first: PostgreSQL finds a column of an index
            # entry by offset only up to the first variable-width one, so with
            # "stage" second every comparison of an insert recomputed the
            # offsets of six columns (a third of a 100,000-line import's insert).
            models.UniqueConstraint(
                fields=[
                    "unit", "sub_unit", "sub_kegiatan", "funding_source", "account",
                    "fiscal_year", "stage",
                ],
                name="budget_line_natural_key",
                violation_error_message=_(
                    "Baris anggaran dengan tahun, tahapan, unit, sub unit, sub "
                    "kegiatan, sumber dana dan rekening yang sama sudah ada."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(pagu__gte=0),
                name="budget_line_pagu_non_negative",
                violation_error_message=_("Pagu tidak boleh negatif."),
            ),
            models.CheckConstraint(
                condition=models.Q(realisasi__gte=0),
                name="budget_line_realisasi_non_negative",
                violation_error_message=_("Realisasi tidak boleh negatif."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["region", "fiscal_year", "stage"], name="line_region_scope",
                opclasses=["varchar_pattern_ops", "int2_ops", "varchar_ops"],
            ),
            models.Index(fields=["import_batch"], name="line_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.sub_kegiatan.code} {self.account.code}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("budgets:line-detail", args=[self.pk])

    @property
    def serapan(self):
        """Absorption rate (realisasi / pagu) as a Decimal fraction, or None."""
        if not self.pagu:
            return None
        return self.realisasi / self.pagu


class TagSource(models.TextChoices):
    IMPORT = "import", _("Impor SIPD")
    PERSON = "person", _("Penandaan manual")
    RULE = "rule", _("Aturan")


class Tag(models.Model):
    """A classification of a line (or of a sub kegiatan for a year).

    Links to a pillar and/or an Inpres 4/2022 strategy, or carries a SIPD label;
    records where it came from (import, person, rule) and its legal basis.
    Imported and hand-made tags are separate records: a hand tag never
    overwrites an imported one.
    """

    budget_line = models.ForeignKey(
        BudgetLine, verbose_name=_("baris anggaran"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="tags",
    )
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"), null=True, blank=True)
    sub_kegiatan = models.ForeignKey(
        Nomenclature, verbose_name=_("sub kegiatan"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="tags",
    )
    pillar = models.ForeignKey(
        "programs.Pillar", verbose_name=_("pilar"), on_delete=models.PROTECT,
        null=True, blank=True,
    )
    strategy = models.ForeignKey(
        "programs.Strategy", verbose_name=_("strategi"), on_delete=models.PROTECT,
        null=True, blank=True,
    )
    label = models.CharField(_("label SIPD"), max_length=255, blank=True)
    source = models.CharField(_("sumber"), max_length=8, choices=TagSource.choices)
    basis = models.CharField(_("dasar"), max_length=200, default=DEFAULT_TAG_BASIS)
    reason = models.TextField(_("alasan"), blank=True)
    import_batch = models.ForeignKey(
        "budgets.ImportBatch", verbose_name=_("batch impor"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="tags",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oleh"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    is_demo = models.BooleanField(_("data contoh"), default=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tag")
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(budget_line__isnull=False, sub_kegiatan__isnull=True)
                    | models.Q(
                        budget_line__isnull=True,
                        sub_kegiatan__isnull=False,
                        fiscal_year__isnull=False,
                    )
                ),
                name="tag_targets_line_or_sub_kegiatan",
                violation_error_message=_(
                    "Tag menandai satu baris anggaran, atau satu sub kegiatan pada "
                    "satu tahun."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(pillar__isnull=False)
                | models.Q(strategy__isnull=False)
                | ~models.Q(label=""),
                name="tag_has_content",
                violation_error_message=_("Tag harus menyebut pilar, strategi atau label."),
            ),
        ]
        indexes = [models.Index(fields=["budget_line", "source"], name="tag_line_source")]

    def __str__(self) -> str:
        parts = [str(p) for p in (self.pillar, self.strategy) if p] + [self.label]
        return " / ".join(p for p in parts if p)


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu")
    PARSING = "parsing", _("Membaca berkas")
    PREVIEW = "preview", _("Pratinjau")
    COMMITTING = "committing", _("Menyimpan")
    COMMITTED = "committed", _("Tersimpan")
    REJECTED = "rejected", _("Ditolak")
    FAILED = "failed", _("Gagal")
    ROLLED_BACK = "rolled_back", _("Dibatalkan")
    DISCARDED = "discarded", _("Dibuang")


class ImportKind(models.TextChoices):
    REKAP = "rekap", _("Rekap pagu")
    REALISASI = "realisasi", _("Realisasi per dokumen")
    RAK = "rak", _("Anggaran kas (DPA/RAK)")


class ImportBatch(models.Model):
    """One uploaded SIPD file and everything the import did with it.

    The database, not the broker, knows the state of the job: a lost message
    or a dead worker is recovered from here.
    """

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("wilayah"), on_delete=models.PROTECT,
        related_name="import_batches",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("diunggah oleh"),
        on_delete=models.PROTECT, related_name="import_batches",
    )
    file = models.FileField(_("berkas"), upload_to="imports/%Y/%m/", max_length=255)
    original_name = models.CharField(_("nama berkas asli"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("ukuran (byte)"), default=0)
    kind = models.CharField(
        _("jenis"), max_length=10, choices=ImportKind.choices, blank=True
    )
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"), null=True, blank=True)
    stage = models.CharField(
        _("tahapan"), max_length=STAGE_MAX_LENGTH, choices=Stage.choices, default=Stage.MURNI
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices,
        default=ImportStatus.PENDING, db_index=True,
    )
    stage_chosen = models.BooleanField(
        _("tahapan dipilih pengunggah"), default=True,
        help_text=_("Tidak dicentang: tahapan dibaca dari kolom TAHAPAN berkas."),
    )
    dry_run = models.BooleanField(_("hanya pratinjau"), default=False)
    commit_valid_only = models.BooleanField(_("simpan baris valid saja"), default=False)
    progress_done = models.PositiveIntegerField(_("baris diproses"), default=0)
    progress_total = models.PositiveIntegerField(_("total baris"), default=0)
    rows = models.PositiveIntegerField(_("baris"), default=0)
    created = models.PositiveIntegerField(_("baru"), default=0)
    updated = models.PositiveIntegerField(_("berubah"), default=0)
    unchanged = models.PositiveIntegerField(_("tetap"), default=0)
    removed = models.PositiveIntegerField(_("hilang"), default=0)
    skipped = models.PositiveIntegerField(_("dilewati"), default=0)
    total_pagu = models.DecimalField(_("total pagu"), **MONEY, default=0)
    total_realisasi = models.DecimalField(_("total realisasi"), **MONEY, default=0)
    errors = models.JSONField(_("kesalahan"), default=list, blank=True)
    warnings = models.JSONField(_("peringatan"), default=list, blank=True)
    preview = models.JSONField(_("pratinjau"), default=dict, blank=True)
    message = models.TextField(_("pesan"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    is_demo = models.BooleanField(_("data contoh"), default=False)
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai diproses"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai diproses"), null=True, blank=True)
    committed_at = models.DateTimeField(_("disimpan"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("disimpan oleh"),
        on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    rolled_back_at = models.DateTimeField(_("dibatalkan"), null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dibatalkan oleh"),
        on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )

    class Meta:
        verbose_name = _("batch impor")
        verbose_name_plural = _("batch impor")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region", "fiscal_year"], name="batch_region_year")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("budgets:import-detail", args=[self.pk])


class LineChangeAction(models.TextChoices):
    CREATED = "created", _("Baru")
    UPDATED = "updated", _("Berubah")
    REMOVED = "removed", _("Dihapus")


class ImportLineChange(models.Model):
    """One line an import batch created, changed or removed, with its state before.

    ``before`` holds every column of the line as it was (and, for removed lines,
    its tags), so rolling the batch back restores the lines exactly.
    ``line_id`` is not a foreign key: a removed line no longer exists.

    Created lines have no before-state, and one insert gives them consecutive
    ids: one record stands for the run ``line_id`` .. ``last_line_id`` (100,000
    new lines are one record, not 100,000). ``last_line_id`` is empty on
    updated and removed records, and equal to ``line_id`` for a run of one.
    """

    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("batch impor"), on_delete=models.CASCADE,
        related_name="line_changes", db_index=False,  # "linechange_batch_action" leads with it
    )
    line_id = models.BigIntegerField(_("id baris"))
    last_line_id = models.BigIntegerField(_("id baris terakhir"), null=True, blank=True)
    action = models.CharField(_("tindakan"), max_length=8, choices=LineChangeAction.choices)
    before = models.JSONField(_("sebelum"), null=True, blank=True)

    class Meta:
        verbose_name = _("perubahan baris oleh impor")
        verbose_name_plural = _("perubahan baris oleh impor")
        indexes = [models.Index(fields=["batch", "action"], name="linechange_batch_action")]

    def __str__(self) -> str:
        if self.last_line_id is not None and self.last_line_id != self.line_id:
            return f"#{self.batch_id} {self.action} {self.line_id}..{self.last_line_id}"
        return f"#{self.batch_id} {self.action} {self.line_id}"

    @property
    def line_ids(self) -> range:
        """The ids this record covers (one, or a run of created lines)."""
        return range(self.line_id, (self.last_line_id or self.line_id) + 1)


def id_runs(ids) -> list[tuple[int, int]]:
    """Sorted ids as (first, last) runs of consecutive ids."""
    runs: list[list[int]] = []
    for i in sorted(ids):
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return [(a, b) for a, b in runs]


class RealisationDocument(models.Model):
    """Spending of one SIPD document (Nomor Dokumen) on one rekening of one sub unit.

    A realisation report is cumulative (January, then January-March): a document
    is stored once and a later report adds only the new ones. The spending belongs
    to the sub unit that spent it (``Kode Sub SKPD``). ``amount`` is Nilai
    Realisasi; ``refund`` is Nilai Setoran (money paid back): net spending is
    ``amount - refund``. Nilai SPD / SP2D are per-document figures SIPD repeats on
    every rekening row and are not spending: they are not stored. Names and NIP
    of civil servants are never stored. The reference keys are checked by every
    write, as for BudgetLine (no database constraint on them).
    """

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("wilayah"), on_delete=models.PROTECT,
        related_name="realisation_documents", db_index=False, db_constraint=False,
    )
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    unit = models.ForeignKey(
        Unit, verbose_name=_("perangkat daerah"), on_delete=models.PROTECT,
        related_name="realisation_documents", db_constraint=False,
    )
    sub_unit = models.ForeignKey(
        Unit, verbose_name=_("sub unit"), on_delete=models.PROTECT,
        related_name="sub_unit_realisation_documents", db_index=False, db_constraint=False,
    )
    sub_kegiatan = models.ForeignKey(
        Nomenclature, verbose_name=_("sub kegiatan"), on_delete=models.PROTECT,
        related_name="realisation_documents", db_index=False, db_constraint=False,
    )
    account = models.ForeignKey(
        Account, verbose_name=_("kode rekening"), on_delete=models.PROTECT,
        related_name="realisation_documents", db_index=False, db_constraint=False,
    )
    document_number = models.CharField(_("nomor dokumen"), max_length=120)
    document_kind = models.CharField(_("jenis dokumen"), max_length=20, blank=True)
    transaction_kind = models.CharField(_("jenis transaksi"), max_length=20, blank=True)
    document_date = models.DateField(_("tanggal dokumen"), null=True, blank=True)
    amount = models.DecimalField(_("nilai realisasi"), **MONEY)
    refund = models.DecimalField(_("nilai setoran"), **MONEY, default=0)
    apbd_stage = models.CharField(_("tahapan APBD"), max_length=60, blank=True)
    import_batch = models.ForeignKey(
        "budgets.ImportBatch", verbose_name=_("batch impor"), on_delete=models.PROTECT,
        related_name="documents", db_constraint=False,
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("dokumen realisasi")
        verbose_name_plural = _("dokumen realisasi")
        ordering = ["fiscal_year", "region_id", "document_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "fiscal_year", "sub_unit", "sub_kegiatan", "account",
                        "document_number"],
                name="realisation_document_key",
                violation_error_message=_(
                    "Dokumen dengan nomor, sub unit, sub kegiatan dan rekening yang sama "
                    "sudah tersimpan."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["region", "fiscal_year"], name="document_region_year",
                         opclasses=["varchar_pattern_ops", "int2_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.document_number} {self.account_id}"

    @property
    def month(self) -> int | None:
        return self.document_date.month if self.document_date else None

    @property
    def quarter(self) -> int | None:
        return (self.document_date.month - 1) // 3 + 1 if self.document_date else None


class CashPlanLine(models.Model):
    """The monthly cash plan (anggaran kas, DPA/RAK) of one sub kegiatan x rekening x
    sumber dana of a sub unit, for one stage of a year: what is planned to be
    spent in each month, to set beside the realisation of that month."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("wilayah"), on_delete=models.PROTECT,
        related_name="cash_plan_lines", db_index=False,
    )
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    stage = models.CharField(
        _("tahapan"), max_length=STAGE_MAX_LENGTH, choices=Stage.choices, default=Stage.MURNI
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("perangkat daerah"), on_delete=models.PROTECT,
        related_name="cash_plan_lines", db_constraint=False,
    )
    sub_unit = models.ForeignKey(
        Unit, verbose_name=_("sub unit"), on_delete=models.PROTECT,
        related_name="sub_unit_cash_plan_lines", db_index=False, db_constraint=False,
    )
    sub_kegiatan = models.ForeignKey(
        Nomenclature, verbose_name=_("sub kegiatan"), on_delete=models.PROTECT,
        related_name="cash_plan_lines", db_index=False, db_constraint=False,
    )
    account = models.ForeignKey(
        Account, verbose_name=_("kode rekening"), on_delete=models.PROTECT,
        related_name="cash_plan_lines", db_index=False, db_constraint=False,
    )
    funding_source_name = models.CharField(_("sumber dana"), max_length=255, blank=True)
    total = models.DecimalField(_("nilai rincian"), **MONEY)
    months = models.JSONField(
        _("rencana per bulan"), default=list,
        help_text=_("Dua belas nilai (Januari..Desember) sebagai teks desimal."),
    )
    document_type = models.CharField(_("tipe dokumen"), max_length=40, blank=True)
    import_batch = models.ForeignKey(
        "budgets.ImportBatch", verbose_name=_("batch impor"), on_delete=models.PROTECT,
        related_name="cash_plan_lines",
    )

    class Meta:
        verbose_name = _("anggaran kas")
        verbose_name_plural = _("anggaran kas")
        ordering = ["fiscal_year", "region_id", "unit_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "fiscal_year", "stage", "sub_unit", "sub_kegiatan",
                        "account", "funding_source_name"],
                name="cash_plan_key",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "fiscal_year", "stage"], name="cashplan_scope",
                         opclasses=["varchar_pattern_ops", "int2_ops", "varchar_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.sub_kegiatan_id} {self.account_id}"


class ImportRecordChange(models.Model):
    """A realisation document or cash plan line an import created, changed or
    removed, with its state before (for rollback); lines use ImportLineChange."""

    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("batch impor"), on_delete=models.CASCADE,
        related_name="record_changes",
    )
    model = models.CharField(_("jenis data"), max_length=40)
    record_id = models.BigIntegerField(_("id data"))
    action = models.CharField(_("tindakan"), max_length=8, choices=LineChangeAction.choices)
    before = models.JSONField(_("sebelum"), null=True, blank=True)

    class Meta:
        verbose_name = _("perubahan data oleh impor")
        verbose_name_plural = _("perubahan data oleh impor")

    def __str__(self) -> str:
        return f"#{self.batch_id} {self.model} {self.action} {self.record_id}"


# The summary table lives in its own module (derived data, kept by budgets.summary).
from .models_summary import BudgetSummary, SummaryDirty  # noqa: E402,F401
