"""Owner verification on the web (业主认证): pick a unit, receive a code on the roster phone, confirm.

Also the three reviewed paths: co-owner with proof, tenant registration, and the
correction path when the roster phone is wrong. Views only parse input, call a service
and render its result or its Chinese error. An application's proof is a private file: served
here, after `permissions.can_view_application_proof`, never from a /media/ address.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from governance.errors import DomainError
from portal.accounts.ratelimit import client_ip
from portal.params import int_param

from . import permissions, services
from .forms import ApplicationForm, CodeForm
from .models import Building, Community, Unit, UnitApplication
from .private_files import file_response, private_file_view
from .selectors import applications_for, my_ownerships


def _picked_unit(request) -> Unit:
    pk = int_param(request, "unit") or int_param(request, "unit", data=request.POST)
    return get_object_or_404(Unit.objects.select_related("community", "building"), pk=pk)


@login_required
def verification_start(request):
    """Step by step: community → building → room, then send the code."""
    communities = Community.objects.order_by("code")
    community = communities.filter(code=request.GET.get("community", "")).first()
    buildings = Building.objects.filter(community=community).order_by("sort_key", "name") if community else []
    building_id = int_param(request, "building")
    building = buildings.filter(pk=building_id).first() if community and building_id else None
    units = Unit.objects.filter(building=building).order_by("entrance", "floor", "room") if building else []
    return render(request, "registry/verify_start.html", {
        "communities": communities, "community": community, "buildings": buildings, "building": building,
        "units": units, "ownerships": my_ownerships(request.user),
    })


@login_required
@require_http_methods(["POST"])
def verification_send(request):
    unit = _picked_unit(request)
    try:
        masked = services.verification_request_code(user=request.user, unit=unit, ip=client_ip(request))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(f"{reverse('verification_start')}?community={unit.community.code}&building={unit.building_id}")
    messages.success(request, f"验证码已发送至业主名册登记的手机 {masked}。")
    return redirect(f"{reverse('verification_code')}?unit={unit.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def verification_code(request):
    unit = _picked_unit(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.verification_confirm(user=request.user, unit=unit, code=form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, f"认证成功：您已是 {unit.community.name} {unit.label} 的认证业主。")
            return redirect(unit.community.page.url if hasattr(unit.community, "page") else "/")
    return render(request, "registry/verify_code.html", {"unit": unit, "form": form})


def _application_view(request, *, kind: str, service, title: str, proof_required: bool):
    unit = _picked_unit(request)
    form = ApplicationForm(request.POST or None, request.FILES or None, proof_required=proof_required)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service(user=request.user, unit=unit, name=data["name"], phone=data["phone"],
                    note=data["note"], proof=data.get("proof"))
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "申请已提交，工作人员审核后会通知您。")
            return redirect("verification_start")
    return render(request, "registry/verify_application.html", {
        "unit": unit, "form": form, "title": title, "kind": kind,
    })


@login_required
@require_http_methods(["GET", "POST"])
def coowner_apply(request):
    return _application_view(request, kind=UnitApplication.Kind.CO_OWNER, service=services.coowner_apply,
                             title="共有人认证", proof_required=True)


@login_required
@require_http_methods(["GET", "POST"])
def tenant_register(request):
    return _application_view(request, kind=UnitApplication.Kind.TENANT, service=services.tenant_register,
                             title="租户/住户登记", proof_required=False)


@login_required
@require_http_methods(["GET", "POST"])
def phone_correction(request):
    return _application_view(request, kind=UnitApplication.Kind.PHONE_CORRECTION,
                             service=services.phone_correction_request, title="名册手机号更正（由居委会审核）",
                             proof_required=False)


@private_file_view
def application_proof(request, application_id: int):
    """The proof of an application, for its applicant and the community's reviewers (404 for anyone else)."""
    application = get_object_or_404(applications_for(request.user).select_related("community"), pk=application_id)
    if not permissions.can_view_application_proof(request.user, application):
        raise Http404
    return file_response(application.proof, download=request.GET.get("download") == "1")
