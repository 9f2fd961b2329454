"""Hearings scheduled centrally: a meeting for several cases and its record."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from accounts.scope import has_any, user_can
from cases import selectors, services
from cases.forms import HearingSessionForm, SessionHearingForm
from cases.models import State
from core.errors import ServiceError, show_on


def hearings(request):
    if not has_any(request.user, "handle_cases"):
        raise PermissionDenied("只有镇(街道)经办人可以安排民主评议。")
    candidates = selectors.hearing_candidates(fetched_by=request.user)
    form = HearingSessionForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [c for c in candidates if str(c.pk) in data["applications"]]
        try:
            session = services.hearing_session_schedule(
                held_on=data["held_on"], place=data["place"], participants=data["participants"],
                applications=chosen, by=request.user)
        except ServiceError as error:
            show_on(form, error)
        else:
            messages.success(request, f"已安排{session}，共{len(chosen)}件。")
            return redirect("cases:hearing_session", pk=session.pk)
    return render(request, "cases/hearings.html", {
        "form": form, "candidates": candidates,
        "sessions": selectors.hearing_sessions(fetched_by=request.user),
    }, status=400 if request.method == "POST" else 200)


def hearing_session(request, pk, case_pk=None):
    session = selectors.hearing_session_get(fetched_by=request.user, pk=pk)
    open_form = None
    if request.method == "POST" and case_pk is not None:
        application = selectors.case_get(fetched_by=request.user, pk=case_pk)
        form = SessionHearingForm(request.POST, prefix=f"c{case_pk}")
        if form.is_valid():
            try:
                services.hearing_session_record(session=session, application=application,
                                                by=request.user, data=form.cleaned_data)
            except ServiceError as error:
                show_on(form, error)
            else:
                messages.success(request, f"已录入 {application.number} 的评议结果。")
                return redirect("cases:hearing_session", pk=session.pk)
        open_form = (case_pk, form)
    agenda = selectors.session_agenda(session=session)
    can_record = user_can(request.user, "handle_cases", session.township)
    for case in agenda:
        if case.session_hearing is None and case.state == State.HEARING and can_record:
            case.form = (open_form[1] if open_form and open_form[0] == case.pk
                         else SessionHearingForm(prefix=f"c{case.pk}"))
    return render(request, "cases/hearing_session.html",
                  {"session": session, "agenda": agenda},
                  status=400 if open_form else 200)
