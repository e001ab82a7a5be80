"""Alert pages: subscribe, confirm, withdraw. Every answer is the same whether an address is known or not."""

import time
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from programmes.selectors import data_controllers

from . import ratelimit, services, tokens
from .forms import SubscribeForm, WithdrawRequestForm
from .models import ConsentEvent

TOKEN_ERRORS = {
    "expired": (410, gettext_lazy("This link has expired.")),
    "invalid": (400, gettext_lazy("This link is not valid. Check that you copied all of it.")),
    "unknown": (
        410,
        gettext_lazy("This link is no longer in use: the subscription it belongs to has ended."),
    ),
}


def answer_after(view):
    """POSTs take at least ALERTS_ANSWER_SECONDS, so that how long an answer takes does not tell whether an
    address is known (the work differs by a few milliseconds; the wait hides it)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        deadline = time.monotonic() + settings.ALERTS_ANSWER_SECONDS
        response = view(request, *args, **kwargs)
        time.sleep(max(0.0, deadline - time.monotonic()))
        return response

    return wrapper


def _refused(request, purpose, template, context):
    """A response if the request is over a rate limit (429), else None."""
    form = context["form"]
    # REMOTE_ADDR is the client's, behind trusted proxies too (jobboard/proxies.py).
    allowed = ratelimit.request_allowed(
        purpose, client=request.META.get("REMOTE_ADDR", ""), email=form.cleaned_data["email"]
    )
    if allowed:
        return None
    form.add_error(None, _("Too many requests. Please wait an hour and try again."))
    return render(request, template, context, status=429)


def _token_error(request, error):
    status, message = TOKEN_ERRORS[error.reason]
    return render(
        request, "applications/token_error.html", {"message": message, "reason": error.reason}, status=status
    )


@never_cache
@sensitive_post_parameters("email")  # kept out of error reports
@require_http_methods(["GET", "POST"])
@answer_after
def subscribe(request):
    initial = {"programmes": request.GET.getlist("programme") or ["jpo"], "language": get_language()}
    form = SubscribeForm(request.POST or None, initial=initial)
    # The notice names who is responsible for the data, per programme.
    context = {"form": form, "controllers": data_controllers()}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "applications/subscribe.html", context, status=400)
        if refused := _refused(request, ratelimit.SUBSCRIBE, "applications/subscribe.html", context):
            return refused
        services.subscription_request(
            email=form.cleaned_data["email"],
            programmes=form.cleaned_data["programmes"],
            language=form.cleaned_data["language"],
        )
        return render(request, "applications/subscribe_done.html")
    return render(request, "applications/subscribe.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET asks (link scanners in mail systems only GET); POST confirms."""
    if request.method == "GET":
        try:
            subscriber = tokens.read_token(token, tokens.CONFIRM)
        except tokens.TokenError as error:
            return _token_error(request, error)
        return render(request, "applications/confirm.html", {"already": subscriber.status == "confirmed"})
    try:
        _subscriber, already = services.subscription_confirm(token=token)
    except tokens.TokenError as error:
        return _token_error(request, error)
    return render(request, "applications/confirmed.html", {"already": already})


@never_cache
# RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no cookie; the token is the proof.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def withdraw(request, token):
    if request.method == "GET":
        try:
            tokens.read_token(token, tokens.WITHDRAW)
        except tokens.TokenError as error:
            return _token_error(request, error)
        return render(request, "applications/withdraw.html")
    one_click = request.POST.get("List-Unsubscribe") == "One-Click"
    try:
        services.subscriber_withdraw(
            token=token,
            channel=ConsentEvent.Channel.ONE_CLICK if one_click else ConsentEvent.Channel.EMAIL_LINK,
        )
    except tokens.TokenError as error:
        return _token_error(request, error)
    return render(request, "applications/withdrawn.html")


@never_cache
@sensitive_post_parameters("email")
@require_http_methods(["GET", "POST"])
@answer_after
def withdraw_request(request):
    form = WithdrawRequestForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "applications/withdraw_request.html", {"form": form}, status=400)
        if refused := _refused(
            request, ratelimit.WITHDRAW_LINK, "applications/withdraw_request.html", {"form": form}
        ):
            return refused
        services.withdrawal_link_request(email=form.cleaned_data["email"])
        return render(request, "applications/withdraw_request_done.html")
    return render(request, "applications/withdraw_request.html", {"form": form})
