from django.shortcuts import render


def verification_start(request):
    return render(request, "registry/verify_start.html", {})
