"""Wagtail admin for elections and preparatory groups, scoped by community through `governance.registry.admin_scoping`.

Screens: terms (选届), rounds (选举) with their lifecycle actions, the candidate review queue, paper ballot
entry and void ballots, the results screen with "设为业委会委员" (or the street's confirmation of a
preparatory group), and preparatory groups. Every screen reads through the scoped policies, so another
community's round, candidate, right or ballot is a 404; every write goes through `services`.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets import AdminDateTimeInput
from wagtail.permissions import policy_registry

from governance.voting.tally import Rule, TallyInputError, cents_to_str, percent
from governance.errors import DomainError, ErrorCode
from governance.elections import permissions as election_rules
from governance.registry.admin_scoping import (
    READ_ACTIONS,
    ScopedCreateView,
    ScopedInspectView,
    ScopedModelForm,
    ScopedModelViewSet,
    ScopedObjectActionView,
    ScopedViewMixin,
)
from portal.display import LocalDateTimeColumn

from . import selectors, services
from .exports import election_details_xlsx
from .files import BallotFileView, CandidateSignatureView
from .models import (
    Candidate,
    CandidateStatus,
    ElectionBallot,
    ElectionKind,
    ElectionRight,
    ElectionRound,
    PreparatoryGroup,
    RoundStatus,
    SignatureMethod,
    Term,
)

def scoped(model, user, actions=READ_ACTIONS):
    return policy_registry.get_by_type(model).instances_user_has_any_permission_for(user, actions)


def _scoped_choices(model):
    def queryset(request):
        if request is None:
            return model.objects.none()
        return scoped(model, request.user)

    return queryset


RULE_FIELDS = ["participation_area", "participation_heads", "approval_area", "approval_heads", "approval_strict"]


# --- terms --------------------------------------------------------------------------------------------------


class TermForm(ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = Term
        fields = ["community", "name", "starts_on", "ends_on", "seats", "contact_phone"]


class TermEditForm(ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = Term
        fields = ["name", "starts_on", "ends_on", "seats", "contact_phone"]


class TermViewSet(ScopedModelViewSet):
    model = Term
    name = "elections_term"
    url_prefix = "elections/terms"
    icon = "date"
    menu_label = _("选届")
    scopes = {"view": election_rules.can_manage_elections.communities, "add": election_rules.can_manage_elections.communities, "change": election_rules.can_manage_elections.communities, "delete": None}
    audit_action = "election.term"
    list_display = ["name", "community", "starts_on", "ends_on", "seats", "contact_phone"]
    search_fields = ["name"]
    form_class = TermForm
    edit_form_class = TermEditForm
    inspect_view_fields = ["community", "name", "starts_on", "ends_on", "seats", "contact_phone", "created_at"]
    has_custom_create = True

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("community")

    def create_instance(self, *, form, user):
        data = form.cleaned_data
        return services.term_create(community=data["community"], actor=user, name=data["name"],
                                    starts_on=data["starts_on"], ends_on=data["ends_on"], seats=data["seats"],
                                    contact_phone=data.get("contact_phone", ""))


class CreateThenInspectView(ScopedCreateView):
    """For records without an edit screen (their changes go through lifecycle services): go to inspect."""

    def get_edit_url(self):
        return reverse(self.scoped_viewset.get_url_name("inspect"), args=[self.object.pk])

    def get_success_url(self):
        return self.get_edit_url()


# --- rounds ---------------------------------------------------------------------------------------------------


class RoundCreateForm(ScopedModelForm):
    class Meta(ScopedModelForm.Meta):
        model = ElectionRound
        fields = ["term", "title", "description", "seats", "registration_opens_at", "registration_closes_at",
                  "voting_opens_at", "voting_closes_at", "signature_method", "allow_change", *RULE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].required = True
        self.fields["seats"].required = False
        self.fields["seats"].help_text = _("留空则为选届的委员名额")

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["rule"] = Rule.from_dict({name: cleaned.get(name) for name in RULE_FIELDS})
        except TallyInputError as error:
            self.add_error(None, str(error))
        return cleaned


class RoundFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=RoundStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=ElectionKind.choices)

    class Meta:
        model = ElectionRound
        fields = ["status", "kind"]


class RoundInspectView(ScopedInspectView):
    template_name = "elections/admin/round_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        election = self.object
        namespace = self.scoped_viewset.url_namespace
        manage = election_rules.can_manage_election_round(self.request.user, election)
        actions = {
            RoundStatus.DRAFT: [("open_registration", _("开始报名"))],
            RoundStatus.REGISTRATION: [("close_registration", _("结束报名，进入资格审查"))],
            RoundStatus.REVIEW: [("open", _("开始投票（冻结表决名册）"))],
            RoundStatus.VOTING: [("close", _("截止投票并计票"))],
            RoundStatus.CLOSED: [("announce", _("公告结果"))],
        }.get(election.status, []) if manage else []
        context.update({
            "election": election,
            "actions": actions,
            "action_url": reverse(f"{namespace}:action", args=[election.pk]),
            "candidates": election.candidates.order_by("registered_at", "pk"),
            "candidates_url": reverse("elections_candidate:index") + f"?round={election.pk}",
            "paper_url": reverse(f"{namespace}:paper", args=[election.pk]),
            "results_url": reverse(f"{namespace}:results", args=[election.pk]),
            "can_manage": manage,
        })
        return context


class _RoundObjectMixin(ScopedViewMixin):
    """Looks the round up in the user's scope: another community's round is a 404."""

    model = ElectionRound

    def get_round(self, pk) -> ElectionRound:
        return get_object_or_404(self.scoped_queryset(READ_ACTIONS).select_related("community", "term"), pk=pk)

    def url(self, name, *args):
        return reverse(f"{self.scoped_viewset.url_namespace}:{name}", args=args)


class _RoundScreenMixin(_RoundObjectMixin):
    """A screen of one round (paper entry, results): the round's breadcrumbs and its title as subtitle."""

    def get_page_subtitle(self):
        return self.election.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": self.url("index"), "label": ElectionRound._meta.verbose_name_plural},
            {"url": self.url("inspect", self.election.pk), "label": self.election.title},
            {"url": "", "label": self.get_page_title()},
        ]


ROUND_ACTIONS = {
    "open_registration": (services.round_open_registration, _("已开始报名。")),
    "close_registration": (services.round_close_registration, _("报名已结束，进入资格审查。")),
    "open": (services.round_open, _("已开始投票，表决名册已冻结。")),
    "close": (services.round_close, _("投票已截止，结果已计算。")),
    "announce": (services.round_announce, _("结果已公告。")),
}


class RoundActionView(_RoundObjectMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        election = self.get_round(pk)
        verb = request.POST.get("action", "")
        if verb not in ROUND_ACTIONS:
            raise Http404
        service, done = ROUND_ACTIONS[verb]
        try:
            service(election=election, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done)
        return redirect(self.url("inspect", election.pk))


class PaperEntryView(_RoundScreenMixin, WagtailAdminTemplateMixin, TemplateView):
    """线下补录: pick the right, tick at most `seats` approved candidates, attach the scan; void ballots below."""

    template_name = "elections/admin/paper_entry.html"
    page_title = _("纸质选票录入")
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        self.election = self.get_round(kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        election = self.election
        context.update({
            "election": election,
            "can_manage": election_rules.can_manage_election_round(self.request.user, election),
            "open_rights": ElectionRight.objects.filter(round=election, ballot__isnull=True).order_by("label", "pk"),
            "candidates": selectors.approved_candidates(election),
            "ballots": selectors.ballots_with_selections(election),
            "inspect_url": self.url("inspect", election.pk),
            "void_url_name": f"{self.scoped_viewset.url_namespace}:void",
            "scan_url_name": f"{self.scoped_viewset.url_namespace}:scan",
            "signature_url_name": f"{self.scoped_viewset.url_namespace}:signature",
        })
        return context

    def post(self, request, pk):
        election = self.election
        right = ElectionRight.objects.filter(round=election, pk=request.POST.get("right") or None).first()
        try:
            if right is None:
                raise DomainError(ErrorCode.NOT_ON_ROLL, "请选择本次选举表决名册中的表决权。")
            services.election_paper_ballot_enter(right=right, candidates=request.POST.getlist("candidates"),
                                                 actor=request.user, scan=request.FILES.get("scan"))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已录入 %(right)s 的纸质选票。") % {"right": right.label})
        return redirect(self.url("paper", election.pk))


class VoidBallotView(_RoundObjectMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, ballot_id):
        election = self.get_round(pk)
        ballot = get_object_or_404(ElectionBallot, round=election, pk=ballot_id)
        try:
            services.election_ballot_void(ballot=ballot, actor=request.user, reason=request.POST.get("reason", ""))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已认定为废票。"))
        return redirect(self.url("paper", election.pk))


def admin_result_rows(election, result):
    candidates = Candidate.objects.in_bulk([int(row.candidate) for row in result.candidates])
    winners = set((election.tie_resolution or {}).get("winners", []))
    return [{
        "candidate": candidates[int(row.candidate)], "heads": row.support.heads,
        "area": cents_to_str(row.support.cents),
        "heads_pct": percent(row.support.heads, result.participating.heads),
        "area_pct": percent(row.support.cents, result.participating.cents),
        "rank": row.rank, "majority": row.majority, "elected": row.elected, "tied": row.tied,
        "won_tie": row.candidate in winners,
    } for row in result.candidates]


class ResultsView(_RoundScreenMixin, WagtailAdminTemplateMixin, TemplateView):
    """The results screen: each candidate's heads and area, elected / run-off flags, and what follows."""

    template_name = "elections/admin/results.html"
    page_title = _("选举结果")
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        self.election = self.get_round(kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        election = self.election
        has_result = election.status in selectors.RESULT_STATES
        result = selectors.round_result(election) if has_result else None
        group = getattr(election, "preparatory_group", None) if election.is_preparatory else None
        manage = election_rules.can_manage_election_round(self.request.user, election)
        winners = selectors.winners(election) if has_result else None
        context.update({
            "election": election, "result": result, "group": group,
            "summary": result.to_dict() if result else None,
            "rows": admin_result_rows(election, result) if result else [],
            "voted": ElectionBallot.objects.filter(round=election, void=False).count(),
            "rights": ElectionRight.objects.filter(round=election).count(),
            "can_manage": manage,
            "can_make_members": manage and has_result and not election.is_preparatory
            and not election.members_made_at and bool(winners),
            "tie_open": manage and has_result and result.runoff_needed and not election.tie_resolution,
            "tied": [row for row in admin_result_rows(election, result) if row["tied"]] if result else [],
            "can_confirm": manage and has_result and group is not None and not group.confirmed_at,
            "approved": selectors.approved_candidates(election) if group is not None else [],
            "winner_ids": {c.pk for c in winners or []},
            "members": list(group.members.all()) if group is not None else [],
            "details_url": self.url("details", election.pk),
            "members_url": self.url("members", election.pk),
            "tie_url": self.url("tie", election.pk),
            "confirm_url": self.url("confirm", election.pk),
            "inspect_url": self.url("inspect", election.pk),
        })
        return context


class MakeMembersView(_RoundObjectMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        election = self.get_round(pk)
        try:
            memberships = services.make_members(election=election, actor=request.user,
                                                title=request.POST.get("title") or "委员")
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已将 %(n)d 名当选人设为业委会委员。") % {"n": len(memberships)})
        return redirect(self.url("results", election.pk))


class ResolveTieView(_RoundObjectMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        election = self.get_round(pk)
        chosen = Candidate.objects.filter(round=election, pk__in=[v for v in request.POST.getlist("winners")
                                                                   if v.isdigit()])
        try:
            services.round_resolve_tie(election=election, actor=request.user, winners=list(chosen),
                                       reason=request.POST.get("reason", ""))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("并列已处理。"))
        return redirect(self.url("results", election.pk))


class ConfirmPreparatoryView(_RoundObjectMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        election = self.get_round(pk)
        group = getattr(election, "preparatory_group", None) if election.is_preparatory else None
        if group is None:
            raise Http404
        picked = [v for v in request.POST.getlist("candidates") if v.isdigit()]
        leader = Candidate.objects.filter(round=election, pk=request.POST.get("leader") or None).first() \
            if (request.POST.get("leader") or "").isdigit() else None
        try:
            members = services.preparatory_confirm(group=group, actor=request.user,
                                                   candidates=picked or None, leader=leader)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已确认 %(n)d 名筹备组成员。") % {"n": len(members)})
        return redirect(self.url("results", election.pk))


class DetailsExportView(_RoundObjectMixin, View):
    http_method_names = ["get"]

    def get(self, request, pk):
        election = self.get_round(pk)
        if election.status not in selectors.RESULT_STATES or not election_rules.can_see_election_details(
                request.user, election.community):
            raise Http404
        response = HttpResponse(election_details_xlsx(election),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="election-details-{election.pk}.xlsx"'
        return response


class ElectionRoundViewSet(ScopedModelViewSet):
    model = ElectionRound
    name = "elections_round"
    url_prefix = "elections/rounds"
    icon = "list-ul"
    menu_label = _("选举")
    scopes = {"view": election_rules.can_manage_elections.communities, "add": election_rules.can_manage_elections.communities, "change": None, "delete": None}
    list_display = [
        "title", "community", "kind",
        Column("status", label=_("状态"), accessor="get_status_display"),
        "seats",
        LocalDateTimeColumn("voting_closes_at", label=_("投票截止")),
    ]
    filterset_class = RoundFilterSet
    search_fields = ["title"]
    form_class = RoundCreateForm
    add_view_class = CreateThenInspectView
    inspect_view_class = RoundInspectView
    inspect_view_fields = ["community", "term", "kind", "title", "description", "status", "seats",
                           "registration_opens_at", "registration_closes_at", "voting_opens_at", "voting_closes_at",
                           "signature_method", "allow_change", *RULE_FIELDS, "voting_opened_at", "closed_at",
                           "announced_at", "members_made_at"]
    has_custom_create = True

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("community", "term")

    def create_instance(self, *, form, user):
        data = form.cleaned_data
        return services.round_create(
            term=data["term"], actor=user, title=data["title"], description=data.get("description", ""),
            seats=data.get("seats"), registration_opens_at=data["registration_opens_at"],
            registration_closes_at=data["registration_closes_at"], voting_opens_at=data["voting_opens_at"],
            voting_closes_at=data["voting_closes_at"], signature_method=data["signature_method"],
            allow_change=data.get("allow_change", False), rule=data["rule"],
        )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("action/<id:pk>/", self.construct_view(RoundActionView), name="action"),
            path("paper/<id:pk>/", self.construct_view(PaperEntryView), name="paper"),
            path("void/<id:pk>/<id:ballot_id>/", self.construct_view(VoidBallotView), name="void"),
            path("scan/<id:pk>/<id:ballot_id>/", self.construct_view(BallotFileView, field="scan"), name="scan"),
            path("signature/<id:pk>/<id:ballot_id>/", self.construct_view(BallotFileView, field="signature"),
                 name="signature"),
            path("results/<id:pk>/", self.construct_view(ResultsView), name="results"),
            path("members/<id:pk>/", self.construct_view(MakeMembersView), name="members"),
            path("tie/<id:pk>/", self.construct_view(ResolveTieView), name="tie"),
            path("confirm/<id:pk>/", self.construct_view(ConfirmPreparatoryView), name="confirm"),
            path("details/<id:pk>/", self.construct_view(DetailsExportView), name="details"),
        ]


# --- candidates: the review queue ------------------------------------------------------------------------------


class CandidateFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("审核状态"), choices=CandidateStatus.choices)
    round = django_filters.ModelChoiceFilter(label=_("选举"), queryset=_scoped_choices(ElectionRound))

    class Meta:
        model = Candidate
        fields = ["status", "round"]


class CandidateInspectView(ScopedInspectView):
    template_name = "elections/admin/candidate_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        candidate = self.object
        namespace = self.scoped_viewset.url_namespace
        context.update({
            "candidate": candidate,
            "signature_url": reverse(f"{namespace}:signature", args=[candidate.pk]) if candidate.signature else "",
            "can_review": candidate.status == CandidateStatus.PENDING
            and candidate.round.status in (RoundStatus.REGISTRATION, RoundStatus.REVIEW)
            and election_rules.can_manage_election_round(self.request.user, candidate.round),
            "approve_url": reverse(f"{namespace}:approve", args=[candidate.pk]),
            "reject_url": reverse(f"{namespace}:reject", args=[candidate.pk]),
        })
        return context


class _CandidateObjectView(ScopedObjectActionView):
    model = Candidate


class CandidateApproveView(_CandidateObjectView):
    def post(self, request, pk):
        candidate = self.get_scoped_object(pk)
        try:
            services.candidate_review(candidate=candidate, actor=request.user, approve=True)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已通过资格审查。"))
        return self.back(candidate)


class CandidateRejectView(_CandidateObjectView):
    def post(self, request, pk):
        candidate = self.get_scoped_object(pk)
        try:
            services.candidate_review(candidate=candidate, actor=request.user, approve=False,
                                      reason=request.POST.get("reason", ""))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已驳回该报名。"))
        return self.back(candidate)


class CandidateViewSet(ScopedModelViewSet):
    model = Candidate
    name = "elections_candidate"
    url_prefix = "elections/candidates"
    icon = "user"
    menu_label = _("候选人审核")
    community_path = "round__community"
    scopes = {"view": election_rules.can_manage_elections.communities, "add": None, "change": None, "delete": None}
    list_display = [
        "name",
        Column("round", label=_("选举"), accessor="round"),
        Column("status", label=_("审核状态"), accessor="get_status_display"),
        LocalDateTimeColumn("registered_at", label=_("报名时间")),
    ]
    filterset_class = CandidateFilterSet
    search_fields = ["name"]
    inspect_view_class = CandidateInspectView
    inspect_view_fields = ["round", "name", "statement", "status", "reason", "reviewed_by", "reviewed_at",
                           "registered_at"]

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("round__community").order_by("status", "-registered_at", "-pk")

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("approve/<id:pk>/", self.construct_view(CandidateApproveView), name="approve"),
            path("reject/<id:pk>/", self.construct_view(CandidateRejectView), name="reject"),
            path("signature/<id:pk>/", self.construct_view(CandidateSignatureView), name="signature"),
        ]


# --- preparatory groups ---------------------------------------------------------------------------------------


class PreparatoryGroupForm(ScopedModelForm):
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    registration_opens_at = forms.DateTimeField(label=_("报名开始"), widget=AdminDateTimeInput)
    registration_closes_at = forms.DateTimeField(label=_("报名截止"), widget=AdminDateTimeInput)
    voting_opens_at = forms.DateTimeField(label=_("投票开始"), widget=AdminDateTimeInput)
    voting_closes_at = forms.DateTimeField(label=_("投票截止"), widget=AdminDateTimeInput)
    signature_method = forms.ChoiceField(label=_("投票签名方式"), choices=SignatureMethod.choices,
                                         initial=SignatureMethod.HANDWRITTEN)

    class Meta(ScopedModelForm.Meta):
        model = PreparatoryGroup
        fields = ["community", "name", "seats", "leader_phone", "phone_public"]


class PreparatoryInspectView(ScopedInspectView):
    template_name = "elections/admin/preparatory_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group = self.object
        context.update({
            "group": group,
            "members": group.members.all(),
            "round_url": reverse("elections_round:inspect", args=[group.round_id]),
            "results_url": reverse("elections_round:results", args=[group.round_id]),
            "candidates_url": reverse("elections_candidate:index") + f"?round={group.round_id}",
        })
        return context


class PreparatoryGroupViewSet(ScopedModelViewSet):
    model = PreparatoryGroup
    name = "elections_preparatory"
    url_prefix = "elections/preparatory"
    icon = "group"
    menu_label = _("筹备组")
    scopes = {"view": election_rules.can_manage_elections.communities, "add": election_rules.can_manage_preparatory.communities, "change": None, "delete": None}
    list_display = ["name", "community", "seats",
                    Column("status", label=_("推选状态"), accessor="round.get_status_display"),
                    LocalDateTimeColumn("confirmed_at", label=_("确认时间"))]
    search_fields = ["name"]
    form_class = PreparatoryGroupForm
    add_view_class = CreateThenInspectView
    inspect_view_class = PreparatoryInspectView
    inspect_view_fields = ["community", "name", "seats", "leader_phone", "phone_public", "round", "created_at",
                           "confirmed_by", "confirmed_at"]
    has_custom_create = True

    def get_scoped_queryset(self, queryset, request):
        return queryset.select_related("community", "round")

    def create_instance(self, *, form, user):
        data = form.cleaned_data
        return services.preparatory_group_create(
            community=data["community"], actor=user, name=data["name"], seats=data["seats"],
            leader_phone=data.get("leader_phone", ""), phone_public=data.get("phone_public", False),
            description=data.get("description", ""), registration_opens_at=data["registration_opens_at"],
            registration_closes_at=data["registration_closes_at"], voting_opens_at=data["voting_opens_at"],
            voting_closes_at=data["voting_closes_at"], signature_method=data["signature_method"],
        )


# --- the menu ---------------------------------------------------------------------------------------------------


class ElectionsMenuGroup(ViewSetGroup):
    menu_label = _("选举与筹备组")
    menu_icon = "group"
    menu_name = "elections"
    menu_order = 300
    items = (TermViewSet, ElectionRoundViewSet, CandidateViewSet, PreparatoryGroupViewSet)
