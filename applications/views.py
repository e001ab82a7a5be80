"""Alert pages: subscribe (to calls, to a search), confirm, manage, renew, withdraw. Every answer is the same
whether an address is known or not; GET never changes anything."""

import time
from functools import wraps

from django.conf import settings
from django.http import Http404, QueryDict
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from programmes.models import Programme
from programmes.selectors import data_controllers

from . import ratelimit, searches, selectors, services, tokens
from .forms import ManageForm, SubscribeForm, WithdrawRequestForm
from .models import Alert, ConsentEvent

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
    """New calls of programmes; with the list's query (`?q=...&country=...`), also that search."""
    selection = searches.normalise(request.GET) if request.method == "GET" else None
    initial = {"language": get_language(), "search": selection or ""}
    # Followed from the list, the search is what was asked for: no programme's calls are ticked besides.
    initial["programmes"] = [] if selection else request.GET.getlist("programme") or ["jpo"]
    form = SubscribeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        selection = form.cleaned_data["search"]
    elif request.method == "POST":
        selection = (
            searches.normalise(QueryDict(request.POST.get("search", ""))) if form.data.get("search") else None
        )
    # The notice names who is responsible for the data, per programme.
    context = {
        "form": form,
        "controllers": data_controllers(),
        "alerts_limit": settings.ALERTS_PER_SUBSCRIBER,
        "search_lines": searches.describe(selection) if selection else [],
        "search_url": searches.list_url(selection) if selection else "",
    }
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "applications/subscribe.html", context, status=400)
        if refused := _refused(request, ratelimit.SUBSCRIBE, "applications/subscribe.html", context):
            return refused
        services.subscription_request(
            email=form.cleaned_data["email"],
            programmes=form.cleaned_data["programmes"],
            language=form.cleaned_data["language"],
            selection=selection,
            frequency=form.cleaned_data["frequency"],
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


@never_cache
@require_http_methods(["GET", "POST"])
def alert_confirm(request, token):
    """A new search of a confirmed address: GET asks, POST confirms."""
    if request.method == "GET":
        try:
            _subscriber, alert = tokens.read_alert_token(token, tokens.ALERT_CONFIRM)
        except tokens.TokenError as error:
            return _token_error(request, error)
        context = {"already": alert.status == "confirmed", "search_lines": searches.describe(alert.selection)}
        return render(request, "applications/alert_confirm.html", context)
    try:
        alert, already = services.alert_confirm(token=token)
    except tokens.TokenError as error:
        return _token_error(request, error)
    context = {"already": already, "confirmed": True, "search_lines": searches.describe(alert.selection)}
    return render(request, "applications/alert_confirm.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request, token):
    """The address's alerts. GET shows them; each change is a POST, then the page again with what changed."""
    done = None
    if request.method == "POST":
        form = ManageForm(request.POST)
        if not form.is_valid():
            return _manage_page(request, token, errors=form.non_field_errors() or form.errors, status=400)
        try:
            done = _manage_change(token, form.cleaned_data)
        except tokens.TokenError as error:
            return _token_error(request, error)
        if done == "erased":
            return render(request, "applications/withdrawn.html")
    return _manage_page(request, token, done=done)


def _manage_change(token, data):
    action = data["action"]
    try:
        if action == "frequency":
            services.alert_frequency_set(token=token, alert_id=data["alert"], frequency=data["frequency"])
            return "frequency"
        if action == "stop":
            return "erased" if services.alert_stop(token=token, alert_id=data["alert"]) else "stopped"
        if action == "stop-call":
            programme = Programme.objects.filter(slug=data["programme"]).first()
            if programme is None:
                raise Http404
            return "erased" if services.programme_stop(token=token, programme=programme) else "stopped"
        services.subscriber_withdraw(token=token, purpose=tokens.MANAGE)
        return "erased"
    except Alert.DoesNotExist:
        raise Http404 from None


def _manage_page(request, token, done=None, errors=(), status=200):
    try:
        subscriber = tokens.read_token(token, tokens.MANAGE)
    except tokens.TokenError as error:
        return _token_error(request, error)
    messages = {
        "frequency": _("The frequency is changed."),
        "stopped": _("The alert is stopped."),
    }
    context = {
        **selectors.subscriber_alerts(subscriber=subscriber),
        "done": messages.get(done),
        "errors": errors,
        "limit": settings.ALERTS_PER_SUBSCRIBER,
    }
    return render(request, "applications/manage.html", context, status=status)


@never_cache
@sensitive_post_parameters("email")
@require_http_methods(["GET", "POST"])
@answer_after
def manage_request(request):
    """Have the manage link e-mailed: the same answer whether the address is known or not."""
    form = WithdrawRequestForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "applications/manage_request.html", {"form": form}, status=400)
        if refused := _refused(
            request, ratelimit.MANAGE_LINK, "applications/manage_request.html", {"form": form}
        ):
            return refused
        services.manage_link_request(email=form.cleaned_data["email"])
        return render(request, "applications/manage_request_done.html")
    return render(request, "applications/manage_request.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def renew(request, token):
    """GET asks, POST keeps the alert another year."""
    if request.method == "GET":
        try:
            _subscriber, alert = tokens.read_alert_token(token, tokens.RENEW)
        except tokens.TokenError as error:
            return _token_error(request, error)
        return render(
            request,
            "applications/renew.html",
            {"alert": alert, "search_lines": searches.describe(alert.selection)},
        )
    try:
        alert = services.alert_renew(token=token)
    except tokens.TokenError as error:
        return _token_error(request, error)
    context = {"alert": alert, "renewed": True, "search_lines": searches.describe(alert.selection)}
    return render(request, "applications/renew.html", context)
