"""Wagtail admin for owner decisions (业主共同决定), scoped by community membership.

Every view reads motions through the scoped permission policy (`governance.registry.admin_scoping`): another
community's motion, ballot or scan is a 404 on every URL. Views only parse input, call a service of
`governance.decisions.services` and show its DomainError in Chinese; the services check who may act
(`decision_rules.can_manage_motions`, `decision_rules.can_review_motions`), so a denied action changes nothing.

Screens (URL names in the ``decisions_motion`` namespace unless noted):

- ``index`` / ``add`` / ``edit`` / ``inspect``: the motions; create goes through `motion_create`,
  a draft is edited directly (audited as ``decisions.motion.update``) and only while it is a draft.
- ``submit`` ``open`` ``close`` ``announce`` ``withdraw``: the lifecycle buttons.
- ``tally``: the result from `selectors.motion_result` (running results for staff), with the
  ``details`` (.xlsx) and ``notice`` (PDF) downloads after close.
- ``paper``: paper ballots (线下补录) with scans, ``void`` declares 废票.
- ``scan`` / ``signature``: a ballot's scan or e-signature (private files, `files.BallotFileView`).
- ``voters``: who has voted (never how), for reminders, with a link to each e-signature.
- ``decisions_review:index`` / ``approve`` / ``reject``: the residents' committee's approval queue.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.permissions import policy_registry

from governance.errors import DomainError, ErrorCode
from governance.registry.models import Building, Community, Unit
from governance.decisions import permissions as decision_rules
from governance.registry.admin_scoping import (
    READ_ACTIONS,
    ScopedCreateView,
    ScopedEditView,
    ScopedIndexView,
    ScopedInspectView,
    ScopedModelForm,
    ScopedModelViewSet,
    ScopedViewMixin,
    limit_to_scope,
)
from portal.display import LocalDateTimeColumn

from . import selectors, services
from .exports import vote_details_xlsx
from .files import BallotFileView
from .models import (
    Ballot,
    Channel,
    Choice,
    MatterType,
    Motion,
    MotionStatus,
    RollUnit,
    ScopeKind,
    VotingRight,
    default_rule,
    rule_not_looser,
)
from .pdf import result_notice_pdf
from governance.voting.tally import Rule, TallyInputError, percent, rule_wording

RESULT_STATES = (MotionStatus.CLOSED, MotionStatus.ANNOUNCED)
ROLL_STATES = (MotionStatus.VOTING, MotionStatus.CLOSED, MotionStatus.ANNOUNCED)
PAGE_SIZE = 100
CANDIDATES_SHOWN = 50


def _motion_policy():
    return policy_registry.get_by_type(Motion)


def _fail(request, error: DomainError):
    messages.error(request, error.message)


# --- forms -------------------------------------------------------------------------------------

MOTION_FIELDS = [
    "matter_type", "title", "content", "importance", "scope_kind", "scope_buildings", "scope_units", "opens_at",
    "closes_at", "signature_method", "allow_change", "hide_running_results", "objection_days",
]
RULE_FIELDS = ["participation_area", "participation_heads", "approval_area", "approval_heads", "approval_strict"]


class _MotionFormBase(ScopedModelForm):
    """Checks shared by create and edit; the scope's buildings and units must be of the motion's community."""

    def _community(self, cleaned):
        return cleaned.get("community") or getattr(self.instance, "community", None)

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("表决截止时间必须晚于开始时间。"))
        community = self._community(cleaned)
        kind = cleaned.get("scope_kind")
        buildings = list(cleaned.get("scope_buildings") or [])
        units = list(cleaned.get("scope_units") or [])
        if kind == ScopeKind.BUILDINGS:
            if not buildings:
                self.add_error("scope_buildings", _("请选择本小区的楼栋作为表决范围。"))
            elif community is not None and any(b.community_id != community.pk for b in buildings):
                self.add_error("scope_buildings", _("所选楼栋不属于该小区。"))
        if kind == ScopeKind.UNITS:
            if not units:
                self.add_error("scope_units", _("请选择本小区的房屋作为表决范围。"))
            elif community is not None and any(u.community_id != community.pk for u in units):
                self.add_error("scope_units", _("所选房屋不属于该小区。"))
        if "scope_buildings" in cleaned and kind != ScopeKind.BUILDINGS:
            cleaned["scope_buildings"] = Building.objects.none()
        if "scope_units" in cleaned and kind != ScopeKind.UNITS:
            cleaned["scope_units"] = Unit.objects.none()
        return cleaned


class MotionCreateForm(_MotionFormBase):
    class Meta(ScopedModelForm.Meta):
        model = Motion
        fields = ["community", *MOTION_FIELDS]
        help_texts = {
            "matter_type": _("表决规则按事项类型默认设置（第六至八项须四分之三以上同意），创建后可在草稿中调严。"),
        }


class MotionEditForm(_MotionFormBase):
    """A draft's fields, including the rule (never looser than the law for its matter type)."""

    class Meta(ScopedModelForm.Meta):
        model = Motion
        fields = [*MOTION_FIELDS, *RULE_FIELDS]

    def clean(self):
        cleaned = super().clean()
        matter_type = cleaned.get("matter_type") or self.instance.matter_type
        rule_changed = any(name in self.changed_data for name in RULE_FIELDS)
        if "matter_type" in self.changed_data and not rule_changed:
            for name, value in default_rule(matter_type).to_dict().items():
                cleaned[name] = value
            return cleaned
        if any(name not in cleaned for name in RULE_FIELDS):
            return cleaned
        try:
            rule = Rule.from_dict({name: cleaned[name] for name in RULE_FIELDS})
        except TallyInputError as exc:
            raise forms.ValidationError(str(exc)) from exc
        legal = default_rule(matter_type)
        if not rule_not_looser(rule, legal):
            raise forms.ValidationError(
                _("表决规则不得低于法定标准：应当由%(rule)s") % {"rule": rule_wording(legal)}
            )
        for name, value in rule.to_dict().items():
            cleaned[name] = value
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        for name in RULE_FIELDS:  # store the normalised fractions ("4/6" → "2/3")
            if name in self.cleaned_data:
                setattr(self.instance, name, self.cleaned_data[name])


class PaperBallotForm(forms.Form):
    right = forms.ModelChoiceField(label=_("表决权"), queryset=VotingRight.objects.none(),
                                   error_messages={"invalid_choice": _("该表决权已投票或不在表决名册中。")})
    choice = forms.ChoiceField(label=_("选项"), choices=Choice.choices, widget=forms.RadioSelect)
    scan = forms.FileField(label=_("纸质表决票扫描件"), help_text=_("JPG/PNG/WEBP/PDF，不超过 10 MB"))

    def __init__(self, *args, motion: Motion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["right"].queryset = VotingRight.objects.filter(motion=motion, ballot__isnull=True)


# --- the motion viewset ---------------------------------------------------------------------------


def _scoped_communities(request):
    if request is None:
        return Community.objects.none()
    return limit_to_scope(Community.objects.order_by("code"), _motion_policy().community_ids_any(request.user,
                                                                                                 READ_ACTIONS))


class MotionFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=MotionStatus.choices)
    matter_type = django_filters.ChoiceFilter(label=_("事项类型"), choices=MatterType.choices)
    community = django_filters.ModelChoiceFilter(label=_("小区"), queryset=_scoped_communities)

    class Meta:
        model = Motion
        fields = ["status", "matter_type", "community"]


class MotionIndexView(ScopedIndexView):
    def get_edit_url(self, instance):
        if instance.status == MotionStatus.DRAFT:
            return super().get_edit_url(instance)


class MotionCreateView(ScopedCreateView):
    def get_success_url(self):
        return reverse(self.scoped_viewset.get_url_name("inspect"), args=[self.object.pk])


class MotionEditView(ScopedEditView):
    """A draft only: its fields are written directly and the change is audited."""

    def _refuse_unless_draft(self, request):
        motion = self.get_object()
        if motion.status != MotionStatus.DRAFT:
            messages.error(request, _("只有草稿状态的议事事项可以编辑。"))
            return redirect(reverse(self.scoped_viewset.get_url_name("inspect"), args=[motion.pk]))
        return None

    def get(self, request, *args, **kwargs):
        return self._refuse_unless_draft(request) or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._refuse_unless_draft(request) or super().post(request, *args, **kwargs)

    def save_instance(self):
        locked = Motion.objects.select_for_update().get(pk=self.object.pk)
        if locked.status != MotionStatus.DRAFT:
            raise DomainError(ErrorCode.INVALID, "议事事项已不是草稿，不能再修改。")
        return super().save_instance()

    def get_success_url(self):
        return reverse(self.scoped_viewset.get_url_name("inspect"), args=[self.object.pk])


class MotionInspectView(ScopedInspectView):
    template_name = "decisions/admin/motion_inspect.html"

    def get_edit_url(self):
        if self.object.status == MotionStatus.DRAFT:
            return super().get_edit_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        motion, user = self.object, self.request.user
        viewset = self.scoped_viewset
        can_manage = decision_rules.can_manage_motions(user, motion.community)
        status = motion.status
        url = lambda name: reverse(viewset.get_url_name(name), args=[motion.pk])
        actions = []
        if can_manage:
            for name, label, allowed in (
                ("submit", _("提交"), (MotionStatus.DRAFT,)),
                ("open", _("开始表决"), (MotionStatus.PUBLISHED,)),
                ("close", _("截止"), (MotionStatus.VOTING,)),
                ("announce", _("公告"), (MotionStatus.CLOSED,)),
            ):
                if status in allowed:
                    actions.append({"name": name, "label": label, "url": url(name)})
        can_review = status == MotionStatus.PENDING_REVIEW and decision_rules.can_review_motions(user, motion.community)
        context.update({
            "motion": motion,
            "actions": actions,
            "can_withdraw": can_manage and status in (MotionStatus.DRAFT, MotionStatus.PENDING_REVIEW,
                                                      MotionStatus.PUBLISHED, MotionStatus.VOTING),
            "withdraw_url": url("withdraw"),
            "can_review": can_review,
            "approve_url": reverse("decisions_review:approve", args=[motion.pk]) if can_review else "",
            "reject_url": reverse("decisions_review:reject", args=[motion.pk]) if can_review else "",
            "has_roll": status in ROLL_STATES,
            "tally_url": url("tally"), "voters_url": url("voters"),
            "paper_url": url("paper") if can_manage else "",
            "attachments": [(attachment.title, reverse("motion_attachment", args=[attachment.pk]))
                            for attachment in motion.attachments.order_by("pk")],
        })
        return context


# --- lifecycle buttons -----------------------------------------------------------------------------


class _MotionObjectMixin(ScopedViewMixin):
    """Looks the motion up in the user's scope: another community's motion is a 404."""

    model = Motion

    def get_motion(self, pk) -> Motion:
        return get_object_or_404(self.scoped_queryset(READ_ACTIONS).select_related("community"), pk=pk)

    def inspect_url(self, motion) -> str:
        return reverse(self.scoped_viewset.get_url_name("inspect"), args=[motion.pk])


class MotionActionView(_MotionObjectMixin, View):
    http_method_names = ["post"]
    success = ""

    def perform(self, motion, request):
        raise NotImplementedError

    def post(self, request, pk):
        motion = self.get_motion(pk)
        try:
            self.perform(motion, request)
        except DomainError as error:
            _fail(request, error)
        else:
            messages.success(request, self.success)
        return redirect(self.inspect_url(motion))


class MotionSubmitView(MotionActionView):
    success = _("已提交。")

    def perform(self, motion, request):
        motion = services.motion_submit(motion=motion, actor=request.user)
        if motion.status == MotionStatus.PENDING_REVIEW:
            self.success = _("已提交居委会审核。")
        else:
            self.success = _("已发布。")


class MotionOpenView(MotionActionView):
    success = _("已开始表决，表决名册已冻结。")

    def perform(self, motion, request):
        services.motion_open(motion=motion, actor=request.user)


class MotionCloseView(MotionActionView):
    success = _("表决已截止，结果已保存。")

    def perform(self, motion, request):
        services.motion_close(motion=motion, actor=request.user)


class MotionAnnounceView(MotionActionView):
    success = _("已公告表决结果。")

    def perform(self, motion, request):
        motion = services.motion_announce(motion=motion, actor=request.user)
        if motion.status != MotionStatus.ANNOUNCED:
            self.success = _("已公示表决结果，异议期满后再正式公告。")


class MotionWithdrawView(MotionActionView):
    success = _("已撤回。")

    def perform(self, motion, request):
        services.motion_withdraw(motion=motion, actor=request.user, reason=request.POST.get("reason", ""))


# --- screens of one motion -------------------------------------------------------------------------


class _MotionPageView(_MotionObjectMixin, WagtailAdminTemplateMixin, TemplateView):
    header_icon = "clipboard-list"

    def dispatch(self, request, *args, **kwargs):
        self.motion = self.get_motion(kwargs["pk"])
        self.check_access(request)
        return super().dispatch(request, *args, **kwargs)

    def check_access(self, request):
        """Every viewer of the community may look (the motion was found in the user's scope)."""

    def get_page_subtitle(self):
        return self.motion.title

    def get_breadcrumbs_items(self):
        viewset = self.scoped_viewset
        return [
            *self.breadcrumbs_items,
            {"url": reverse(viewset.get_url_name("index")), "label": _("议事事项")},
            {"url": self.inspect_url(self.motion), "label": self.motion.title},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"motion": self.motion, "inspect_url": self.inspect_url(self.motion),
                        "can_manage": decision_rules.can_manage_motions(self.request.user, self.motion.community)})
        return context


def _row(label, amount, total):
    return {"label": label, "area": amount.area, "heads": amount.heads,
            "area_pct": percent(amount.cents, total.cents), "heads_pct": percent(amount.heads, total.heads)}


class MotionTallyView(_MotionPageView):
    template_name = "decisions/admin/tally.html"
    page_title = _("计票结果")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        motion = self.motion
        if motion.status not in ROLL_STATES and not motion.rights.exists():
            context["result"] = None
            return context
        result = selectors.motion_result(motion)
        total = result.total
        voters = selectors.who_voted(motion)
        context.update({
            "result": result,
            "rows": [_row(_("总计（表决名册）"), total, total), _row(_("参与表决"), result.participating, total),
                     _row(_("同意"), result.agree, total), _row(_("反对"), result.oppose, total),
                     _row(_("弃权"), result.abstain, total), _row(_("废票（不计入参与）"), result.void, total)],
            "rule_wording": rule_wording(motion.rule),
            "running": motion.status == MotionStatus.VOTING,
            "voted_count": voters.filter(voted=True).count(),
            "rights_count": voters.count(),
            "downloads": motion.status in RESULT_STATES,
            "details_url": reverse(self.scoped_viewset.get_url_name("details"), args=[motion.pk]),
            "notice_url": reverse(self.scoped_viewset.get_url_name("notice"), args=[motion.pk]),
            "voters_url": reverse(self.scoped_viewset.get_url_name("voters"), args=[motion.pk]),
        })
        return context


class MotionDetailsXlsxView(_MotionObjectMixin, View):
    http_method_names = ["get"]

    def get(self, request, pk):
        motion = self.get_motion(pk)
        if motion.status not in RESULT_STATES:
            raise Http404
        response = HttpResponse(vote_details_xlsx(motion),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="vote-details-{motion.pk}.xlsx"'
        return response


class MotionNoticePdfView(_MotionObjectMixin, View):
    http_method_names = ["get"]

    def get(self, request, pk):
        motion = self.get_motion(pk)
        if motion.status not in RESULT_STATES:
            raise Http404
        response = HttpResponse(result_notice_pdf(motion, selectors.motion_result(motion)),
                                content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="notice-{motion.pk}.pdf"'
        return response


def _with_unit_labels(rights):
    return rights.prefetch_related(Prefetch("roll_units", queryset=RollUnit.objects.order_by("pk")))


class PaperBallotView(_MotionPageView):
    """Pick a right on the roll without a ballot (search by unit), the choice and the scan; list paper ballots."""

    template_name = "decisions/admin/paper.html"
    page_title = _("纸质表决票录入")

    def check_access(self, request):
        if not decision_rules.can_manage_motions(request.user, self.motion.community):
            raise PermissionDenied

    def post(self, request, pk):
        form = PaperBallotForm(request.POST, request.FILES, motion=self.motion)
        if form.is_valid():
            try:
                data = form.cleaned_data
                ballot = services.paper_ballot_enter(right=data["right"], choice=data["choice"], actor=request.user,
                                                     scan=data["scan"])
            except DomainError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
            else:
                messages.success(request, _("已录入 %(label)s 的纸质表决票。") % {"label": ballot.right.label})
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        motion = self.motion
        query = (self.request.GET.get("q") or "").strip()
        candidates = VotingRight.objects.filter(motion=motion, ballot__isnull=True)
        if query:
            candidates = candidates.filter(pk__in=RollUnit.objects.filter(motion=motion, label__icontains=query)
                                           .values("right_id"))
        paper = (Ballot.objects.filter(motion=motion, channel=Channel.PAPER)
                 .select_related("right", "entered_by", "voided_by").order_by("-cast_at", "-pk"))
        context.update({
            "form": kwargs.get("form") or PaperBallotForm(motion=motion),
            "query": query,
            "candidates": list(_with_unit_labels(candidates.order_by("pk"))[:CANDIDATES_SHOWN]),
            "more_candidates": candidates.count() > CANDIDATES_SHOWN,
            "choices": Choice.choices,
            "is_voting": motion.status == MotionStatus.VOTING,
            "can_void": motion.status in (MotionStatus.VOTING, MotionStatus.CLOSED) and not motion.announced_at,
            "paper_ballots": [
                {"ballot": ballot,
                 "scan_url": reverse(self.scoped_viewset.get_url_name("scan"), args=[ballot.pk]) if ballot.scan else "",
                 "void_url": reverse(self.scoped_viewset.get_url_name("void"), args=[ballot.pk])}
                for ballot in paper
            ],
        })
        return context


class WhoVotedView(_MotionPageView):
    """Each right and whether it has voted — never how — to remind those who have not."""

    template_name = "decisions/admin/voters.html"
    page_title = _("投票情况")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        motion = self.motion
        rights = selectors.who_voted(motion).annotate(
            voided=Exists(Ballot.objects.filter(right=OuterRef("pk"), void=True)), ballot_pk=F("ballot__pk"),
            ballot_signature=F("ballot__signature"),
        )
        voted = self.request.GET.get("voted", "")
        query = (self.request.GET.get("q") or "").strip()
        if voted == "yes":
            rights = rights.filter(voted=True)
        elif voted == "no":
            rights = rights.filter(voted=False)
        if query:
            rights = rights.filter(pk__in=RollUnit.objects.filter(motion=motion, label__icontains=query)
                                   .values("right_id"))
        page = Paginator(_with_unit_labels(rights), PAGE_SIZE).get_page(self.request.GET.get("p"))
        all_rights = selectors.who_voted(motion)
        can_void = (context["can_manage"] and motion.status in (MotionStatus.VOTING, MotionStatus.CLOSED)
                    and not motion.announced_at)
        context.update({
            "page": page, "voted": voted, "query": query,
            "voted_count": all_rights.filter(voted=True).count(), "rights_count": all_rights.count(),
            "can_void": can_void,
            "void_url_name": self.scoped_viewset.get_url_name("void"),
            "signature_url_name": self.scoped_viewset.get_url_name("signature"),
        })
        return context


class BallotVoidView(_MotionObjectMixin, View):
    """Declare a ballot void with a reason (`ballot_void`); back to the page it was declared from."""

    http_method_names = ["post"]

    def post(self, request, pk):
        ballot = get_object_or_404(
            Ballot.objects.filter(motion__in=self.scoped_queryset(READ_ACTIONS)).select_related("right"), pk=pk)
        try:
            services.ballot_void(ballot=ballot, actor=request.user, reason=request.POST.get("reason", ""))
        except DomainError as error:
            _fail(request, error)
        else:
            messages.success(request, _("已将 %(label)s 的表决票认定为废票。") % {"label": ballot.right.label})
        back = "voters" if request.POST.get("back") == "voters" else "paper"
        return redirect(reverse(self.scoped_viewset.get_url_name(back), args=[ballot.motion_id]))


# --- the viewset ---------------------------------------------------------------------------------------


def _status_label(motion) -> str:
    return motion.get_status_display()


class MotionViewSet(ScopedModelViewSet):
    model = Motion
    name = "decisions_motion"
    url_prefix = "decisions/motions"
    icon = "clipboard-list"
    menu_label = _("议事事项")
    community_path = "community"
    scopes = {"view": decision_rules.can_see_who_voted.communities, "add": decision_rules.can_manage_motions.communities, "change": decision_rules.can_manage_motions.communities, "delete": None}
    audit_action = "decisions.motion"
    list_display = [
        "title", "community", "matter_type",
        Column("status", label=_("状态"), accessor=_status_label),
        LocalDateTimeColumn("opens_at", label=_("表决开始")),
        LocalDateTimeColumn("closes_at", label=_("表决截止")),
    ]
    filterset_class = MotionFilterSet
    search_fields = ["title"]
    ordering = ["-created_at", "-pk"]
    form_class = MotionCreateForm
    edit_form_class = MotionEditForm
    index_view_class = MotionIndexView
    add_view_class = MotionCreateView
    edit_view_class = MotionEditView
    inspect_view_class = MotionInspectView
    inspect_view_fields = ["community", "matter_type", "title", "content", "importance", "status", "scope_kind",
                           "opens_at", "closes_at", "signature_method", "allow_change", "hide_running_results",
                           "objection_days", "reason", "created_by", "created_at", "voting_opened_at", "closed_at",
                           "announced_at"]
    has_custom_create = True

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("community", "created_by")

    def create_instance(self, *, form, user):
        data = form.cleaned_data
        return services.motion_create(
            community=data["community"], actor=user, matter_type=data["matter_type"], title=data["title"],
            content=data["content"], opens_at=data["opens_at"], closes_at=data["closes_at"],
            importance=data["importance"], scope_kind=data["scope_kind"],
            scope_buildings=list(data.get("scope_buildings") or []), scope_units=list(data.get("scope_units") or []),
            signature_method=data["signature_method"], allow_change=data["allow_change"],
            hide_running_results=data["hide_running_results"], objection_days=data.get("objection_days"),
        )

    def audit_summary(self, form) -> dict:
        summary = super().audit_summary(form)
        for name, value in summary.get("fields", {}).items():
            if hasattr(value, "model"):  # a queryset of buildings or units
                summary["fields"][name] = [str(item) for item in value]
        return summary

    def get_urlpatterns(self):
        view = self.construct_view
        return super().get_urlpatterns() + [
            path("submit/<id:pk>/", view(MotionSubmitView), name="submit"),
            path("open/<id:pk>/", view(MotionOpenView), name="open"),
            path("close/<id:pk>/", view(MotionCloseView), name="close"),
            path("announce/<id:pk>/", view(MotionAnnounceView), name="announce"),
            path("withdraw/<id:pk>/", view(MotionWithdrawView), name="withdraw"),
            path("tally/<id:pk>/", view(MotionTallyView), name="tally"),
            path("details/<id:pk>/", view(MotionDetailsXlsxView), name="details"),
            path("notice/<id:pk>/", view(MotionNoticePdfView), name="notice"),
            path("paper/<id:pk>/", view(PaperBallotView), name="paper"),
            path("voters/<id:pk>/", view(WhoVotedView), name="voters"),
            path("void/<id:pk>/", view(BallotVoidView), name="void"),
            path("scan/<id:pk>/", view(BallotFileView, field="scan"), name="scan"),
            path("signature/<id:pk>/", view(BallotFileView, field="signature"), name="signature"),
        ]


# --- the approval queue of the residents' committee ------------------------------------------------------


def reviewable_motions(user):
    """Motions of the communities where the user may review (`decision_rules.can_review_motions`)."""
    if not getattr(user, "is_authenticated", False):
        return Motion.objects.none()
    if user.is_superuser:
        return Motion.objects.all()
    return Motion.objects.filter(community__in=decision_rules.can_review_motions.communities(user))


def _may_review_somewhere(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or decision_rules.can_review_motions.communities(user).exists()


class ReviewQueueView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "decisions/admin/review_queue.html"
    page_title = _("议事审核")
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if not _may_review_somewhere(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        motions = (reviewable_motions(self.request.user).filter(status=MotionStatus.PENDING_REVIEW)
                   .select_related("community", "created_by").order_by("created_at", "pk"))
        context["motions"] = [
            {"motion": motion,
             "inspect_url": reverse("decisions_motion:inspect", args=[motion.pk]),
             "approve_url": reverse("decisions_review:approve", args=[motion.pk]),
             "reject_url": reverse("decisions_review:reject", args=[motion.pk])}
            for motion in motions
        ]
        return context


class _ReviewActionView(View):
    http_method_names = ["post"]
    approve = True

    def post(self, request, pk):
        motion = get_object_or_404(reviewable_motions(request.user).select_related("community"), pk=pk)
        try:
            services.motion_review(motion=motion, actor=request.user, approve=self.approve,
                                   reason=request.POST.get("reason", ""))
        except DomainError as error:
            _fail(request, error)
        else:
            messages.success(request, _("已通过审核并发布。") if self.approve else _("已驳回。"))
        return redirect("decisions_review:index")


class ReviewApproveView(_ReviewActionView):
    approve = True


class ReviewRejectView(_ReviewActionView):
    approve = False


class ReviewQueueViewSet(ViewSet):
    name = "decisions_review"
    url_prefix = "decisions/review"
    icon = "tasks"
    menu_label = _("议事审核")

    def get_urlpatterns(self):
        return [
            path("", ReviewQueueView.as_view(), name="index"),
            path("approve/<id:pk>/", ReviewApproveView.as_view(), name="approve"),
            path("reject/<id:pk>/", ReviewRejectView.as_view(), name="reject"),
        ]

    @cached_property
    def menu_item_class(self):
        def is_shown(_self, request):
            return _may_review_somewhere(request.user)

        return type("ReviewQueueMenuItem", (MenuItem,), {"is_shown": is_shown})


class DecisionsMenuGroup(ViewSetGroup):
    menu_label = _("业主共同决定")
    menu_icon = "clipboard-list"
    menu_name = "decisions"
    menu_order = 300
    items = (MotionViewSet, ReviewQueueViewSet)
