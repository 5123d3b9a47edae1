"""Street → residents' committee → community → building → unit; persons, ownerships, residencies."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.storage import private_storage
from portal.masking import mask_id_number, mask_phone


class Street(models.Model):
    name = models.CharField(_("街道名称"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("街道")
        verbose_name_plural = _("街道")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ResidentsCommittee(models.Model):
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="committees", verbose_name=_("街道"))
    name = models.CharField(_("居委会名称"), max_length=100)

    class Meta:
        verbose_name = _("居委会")
        verbose_name_plural = _("居委会")
        ordering = ["street__name", "name"]
        constraints = [models.UniqueConstraint(fields=["street", "name"], name="rc_unique_name_per_street")]

    def __str__(self):
        return self.name


class Community(models.Model):
    code = models.SlugField(_("小区编码"), max_length=40, unique=True)
    name = models.CharField(_("小区名称"), max_length=100)
    residents_committee = models.ForeignKey(
        ResidentsCommittee, on_delete=models.PROTECT, related_name="communities", verbose_name=_("居委会")
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    requires_rc_approval = models.BooleanField(_("议事需居委会审核"), default=False)
    joint_area_threshold = models.CharField(_("联名动议面积比例"), max_length=20, default="1/5",
                                            help_text=_("联署业主的专有面积达到该比例（含）"))
    joint_heads_threshold = models.CharField(_("联名动议人数比例"), max_length=20, default="1/5",
                                             help_text=_("联署业主的人数达到该比例（含）"))
    joint_response_days = models.PositiveSmallIntegerField(_("业委会答复期限（天）"), default=15)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def street(self):
        return self.residents_committee.street


class Building(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="buildings", verbose_name=_("小区"))
    name = models.CharField(_("楼栋"), max_length=30)
    sort_key = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["community", "sort_key", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="building_unique_name")]

    def __str__(self):
        return f"{self.name}"


class UnitKind(models.TextChoices):
    RESIDENTIAL = "residential", _("住宅")
    COMMERCIAL = "commercial", _("商业")
    OFFICE = "office", _("办公")
    PARKING = "parking", _("车位")
    OTHER = "other", _("其他")


class Unit(models.Model):
    """An exclusive part (专有部分): natural key building + entrance + room."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="units", verbose_name=_("小区"))
    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="units", verbose_name=_("楼栋"))
    entrance = models.CharField(_("单元"), max_length=20, blank=True, default="")
    floor = models.IntegerField(_("楼层"), null=True, blank=True)
    room = models.CharField(_("房号"), max_length=30)
    area = models.DecimalField(
        _("专有面积(㎡)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    kind = models.CharField(_("房屋类型"), max_length=20, choices=UnitKind.choices, default=UnitKind.RESIDENTIAL)
    developer_held = models.BooleanField(_("开发商持有"), default=False, help_text=_("未售或未交付"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("房屋")
        verbose_name_plural = _("房屋")
        ordering = ["building__sort_key", "building__name", "entrance", "floor", "room"]
        constraints = [
            models.UniqueConstraint(fields=["building", "entrance", "room"], name="unit_natural_key"),
            models.CheckConstraint(name="unit_area_positive", condition=Q(area__gt=0)),
        ]
        indexes = [models.Index(fields=["community", "building"])]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return unit_label(self.building.name, self.entrance, self.room)


def unit_label(building: str, entrance: str, room: str) -> str:
    """How a unit is named everywhere: 3栋-1单元-502 (no entrance part when there is none)."""
    return "-".join([building, f"{entrance}单元", room] if entrance else [building, room])


class Person(models.Model):
    """Someone on a community's roster. One phone is one person within a community."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="persons", verbose_name=_("小区"))
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=20)
    id_number_hash = models.CharField(_("证件号哈希"), max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("证件号"), max_length=32, blank=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="persons", verbose_name=_("关联账户"),
    )
    vulnerable = models.BooleanField(_("重点关怀"), default=False, help_text=_("独居老人、残障人士等"))

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["community", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "phone"], name="person_unique_phone")]

    def __str__(self):
        return f"{self.name}（{self.masked_phone}）"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def set_id_number(self, number: str | None) -> None:
        from portal.masking import hash_id_number

        if number:
            self.id_number_hash = hash_id_number(number)
            self.id_number_masked = mask_id_number(number.strip().upper())
        else:
            self.id_number_hash = ""
            self.id_number_masked = ""


class OwnershipRole(models.TextChoices):
    PRIMARY = "primary", _("业主")
    CO_OWNER = "co_owner", _("共有人")


class Ownership(models.Model):
    """Links a person to a unit. Never deleted: a transfer ends the old link with an end date."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="ownerships", verbose_name=_("房屋"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="ownerships", verbose_name=_("人员"))
    role = models.CharField(_("身份"), max_length=20, choices=OwnershipRole.choices, default=OwnershipRole.PRIMARY)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    verified = models.BooleanField(_("已认证"), default=False)
    verified_at = models.DateTimeField(_("认证时间"), null=True, blank=True)
    starts_on = models.DateField(_("起始日期"), null=True, blank=True)
    ends_on = models.DateField(_("终止日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("产权关系")
        verbose_name_plural = _("产权关系")
        ordering = ["unit", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "person"], condition=Q(ends_on__isnull=True), name="ownership_one_active_link"
            ),
        ]
        indexes = [models.Index(fields=["person", "ends_on"]), models.Index(fields=["unit", "ends_on"])]

    def __str__(self):
        return f"{self.unit} · {self.person.name} · {self.get_role_display()}"

    @property
    def is_active(self) -> bool:
        return self.ends_on is None


class Residency(models.Model):
    """A tenant or other resident living in a unit. Residents never vote."""

    class Kind(models.TextChoices):
        TENANT = "tenant", _("租户")
        RESIDENT = "resident", _("住户")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="residencies", verbose_name=_("房屋"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="residencies", verbose_name=_("账户")
    )
    name = models.CharField(_("姓名"), max_length=50)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.TENANT)
    verified = models.BooleanField(_("已审核"), default=False)
    starts_on = models.DateField(_("起始日期"), null=True, blank=True)
    ends_on = models.DateField(_("终止日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("住户/租户")
        verbose_name_plural = _("住户/租户")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "user"], condition=Q(ends_on__isnull=True), name="residency_one_active_link"
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.name} · {self.get_kind_display()}"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已驳回")


class UnitApplication(models.Model):
    """A request for staff review: a co-owner with proof, a tenant registration, or a roster phone correction."""

    class Kind(models.TextChoices):
        CO_OWNER = "co_owner", _("共有人认证")
        TENANT = "tenant", _("租户登记")
        PHONE_CORRECTION = "phone_correction", _("手机号更正")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="applications", verbose_name=_("小区"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="applications", verbose_name=_("房屋"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_applications", verbose_name=_("申请人")
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=20)
    note = models.TextField(_("说明"), blank=True)
    proof = models.FileField(_("证明材料"), storage=private_storage, upload_to="proofs/%Y/%m/", blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="reviewed_unit_applications", verbose_name=_("审核人"),
    )
    review_reason = models.CharField(_("审核意见"), max_length=200, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("认证申请")
        verbose_name_plural = _("认证申请")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.unit} · {self.name}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class VerificationCode(models.Model):
    """A one-time code sent to the roster phone of a unit's owner. Only the hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verification_codes")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="verification_codes")
    ownership = models.ForeignKey(Ownership, on_delete=models.CASCADE, related_name="verification_codes")
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("认证验证码")
        verbose_name_plural = _("认证验证码")
        indexes = [models.Index(fields=["user", "unit", "created_at"])]


class RosterImport(models.Model):
    """One upload of a roster file: its preview, its progress and its outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        VALIDATING = "validating", _("校验中")
        PREVIEWED = "previewed", _("已预览")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("有错误")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="roster_imports", verbose_name=_("小区"))
    file = models.FileField(_("文件"), storage=private_storage, upload_to="roster-imports/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    dry_run = models.BooleanField(_("仅预览"), default=True)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    report = models.JSONField(_("结果"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("上传人")
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("名册导入")
        verbose_name_plural = _("名册导入")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.community} · {self.original_name or self.file.name}"
