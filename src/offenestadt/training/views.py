from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from offenestadt.accounts.rules import staff_only
from offenestadt.core import ical
from offenestadt.core.forms import show_validation_error
from offenestadt.core.throttle import RateLimitedError, address_key
from offenestadt.training import notices, pdfs, rules, selectors, services
from offenestadt.training.forms import (
    AttendanceForm,
    CourseForm,
    RegistrationForm,
    SessionFilterForm,
    SessionForm,
    StaffRegistrationForm,
)
from offenestadt.training.models import (
    Channel,
    Course,
    Notice,
    Registration,
    RegistrationStatus,
    Session,
)


def _filters(request: HttpRequest) -> tuple[SessionFilterForm, selectors.SessionFilters]:
    """The list's filters from the query (none when they do not validate)."""
    form = SessionFilterForm(request.GET or None, districts=selectors.districts())
    filters = selectors.SessionFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.SessionFilters(
            district=form.cleaned_data["bezirk"],
            from_date=form.cleaned_data["ab"],
            free_only=form.cleaned_data["frei"],
            step_free_only=form.cleaned_data["stufenlos"],
        )
    return form, filters


@require_safe
def session_list(request: HttpRequest) -> HttpResponse:
    """The coming sessions of every course, with the filters people ask for."""
    form, filters = _filters(request)
    return render(
        request,
        "training/session_list.html",
        {
            "form": form,
            "sessions": selectors.upcoming_sessions(filters),
            "can_create": rules.can_create_course(request.user),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_safe
def sessions_ics(request: HttpRequest) -> HttpResponse:
    """The coming sessions, for calendar programs (RFC 5545); the same filters as the list."""
    _form, filters = _filters(request)
    body = ical.calendar(
        (
            ical.Event(
                uid=f"schulung-termin-{session.pk}@{settings.SITE_NAME}",
                start=session.starts_at,
                end=session.ends_at,
                summary=session.course.title,
                location=", ".join(p for p in (session.place, session.district) if p),
                url=settings.SITE_URL + session.get_absolute_url(),
            )
            for session in selectors.upcoming_sessions(filters)
        ),
        product=f"-//{settings.SITE_NAME}//Schulungen//DE",
        name=_("Kostenlose Schulungen"),
    )
    return HttpResponse(body, content_type=ical.MEDIA_TYPE)


@require_safe
def programme_pdf(request: HttpRequest, large: bool = False) -> HttpResponse:
    """The coming sessions on paper (large print: one column, 17 pt); the list's filters."""
    _form, filters = _filters(request)
    sessions = list(selectors.upcoming_sessions(filters).select_related("course__office"))
    name = "programm-grossdruck" if large else "programm"
    response = HttpResponse(
        pdfs.programme_pdf(sessions, large_print=large), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="schulungen-{name}.pdf"'
    return response


@require_safe
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_object_or_404(Course.objects.select_related("office", "project"), pk=pk)
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "sessions": selectors.course_sessions(course),
            "can_edit": rules.can_edit_course(request.user, course),
        },
    )


@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A session's page, with the online registration (no account)."""
    session = get_object_or_404(Session.objects.select_related("course"), pk=pk)
    form = RegistrationForm(request.POST or None)
    status = 400 if form.is_bound else 200
    retry_after: int | None = None
    if form.is_valid():
        try:
            registration = services.registration_create(
                session=session,
                name=form.cleaned_data["name"],
                contact=form.cleaned_data["contact"],
                channel=Channel.ONLINE,
                source=address_key(request),
                language=translation.get_language() or "",
            )
        except RateLimitedError as refused:
            form.add_error(None, refused.message)
            status, retry_after = 429, refused.retry_after
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return render(
                request,
                "training/registered.html",
                {"registration": registration, "reminder_days": _reminder_days(registration)},
                status=201,
            )
    response = render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "course": session.course,
            "form": form,
            "can_edit": rules.can_edit_course(request.user, session.course),
        },
        status=status,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@require_http_methods(["GET", "POST"])
def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """The person's own link: cancel the registration, so someone else gets the place."""
    registration = get_object_or_404(
        Registration.objects.select_related("session__course"), cancel_token=token, erased=False
    )
    if request.method == "POST":
        services.registration_cancel(registration=registration)
        messages.success(request, _("Sie sind abgemeldet. Danke, dass Sie Bescheid gesagt haben."))
        return redirect(registration.session.get_absolute_url())
    return render(request, "training/cancel.html", {"registration": registration})


@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    course = get_object_or_404(Course, pk=pk) if pk is not None else None
    if course is None:
        staff_only(request.user, rules.can_create_course(request.user))
    else:
        staff_only(request.user, rules.can_edit_course(request.user, course))
    form = CourseForm(request.POST or None, instance=course, user=request.user)
    if course is None:
        form.preselect_project(request.GET.get("projekt", "").strip())
    if form.is_valid():
        try:
            saved = services.course_save(actor=request.user, course=form.instance)
        except ValidationError as error:
            show_validation_error(form, error)
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Die Schulung ist gespeichert."))
            return redirect(saved.get_absolute_url())
    return render(
        request,
        "training/course_form.html",
        {"form": form, "course": course},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def session_edit(
    request: HttpRequest, course_pk: int | None = None, pk: int | None = None
) -> HttpResponse:
    if pk is not None:
        session = get_object_or_404(Session.objects.select_related("course"), pk=pk)
        course = session.course
    else:
        course = get_object_or_404(Course, pk=course_pk)
        session = Session(course=course)
    staff_only(request.user, rules.can_edit_course(request.user, course))
    form = SessionForm(request.POST or None, instance=session)
    if form.is_valid():
        try:
            saved = services.session_save(actor=request.user, session=form.instance)
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            messages.success(request, _("Der Termin ist gespeichert."))
            return redirect(saved.get_absolute_url())
    return render(
        request,
        "training/session_form.html",
        {"form": form, "course": course, "session": session if pk else None},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def session_registrations(request: HttpRequest, pk: int) -> HttpResponse:
    """The office's list for a session: who is registered or waiting, registrations by
    phone or in person, cancellations, and afterwards the number who came."""
    session = get_object_or_404(Session.objects.select_related("course"), pk=pk)
    staff_only(request.user, rules.can_edit_course(request.user, session.course))
    action = request.POST.get("action", "")
    form = StaffRegistrationForm(request.POST if action == "register" else None)
    attendance = AttendanceForm(request.POST if action == "attendance" else None, instance=session)
    status = 200
    if action == "register":
        status = 400
        if form.is_valid():
            try:
                registration = services.registration_create(
                    session=session,
                    name=form.cleaned_data["name"],
                    contact=form.cleaned_data["contact"],
                    channel=Channel(form.cleaned_data["channel"]),
                    actor=request.user,
                )
            except ValidationError as error:
                show_validation_error(form, error)
            else:
                messages.success(request, _waiting_or_place(registration))
                return redirect("training:registrations", pk=session.pk)
    elif action == "attendance":
        status = 400
        if attendance.is_valid():
            try:
                services.session_attendance(
                    actor=request.user,
                    session=session,
                    attended=attendance.cleaned_data["attended_count"] or 0,
                )
            except ValidationError as error:
                show_validation_error(attendance, error)
            else:
                messages.success(request, _("Die Zahl der Teilnehmenden ist gespeichert."))
                return redirect("training:registrations", pk=session.pk)
    elif action == "called":
        notice = get_object_or_404(
            Notice, pk=_number(request.POST.get("notice")), registration__session=session
        )
        services.notice_done(actor=request.user, notice=notice)
        messages.success(
            request, _("Erledigt: %(name)s weiß Bescheid.") % {"name": notice.registration.name}
        )
        return redirect("training:registrations", pk=session.pk)
    elif action == "cancel":
        registration = get_object_or_404(
            Registration, pk=_number(request.POST.get("registration")), session=session
        )
        moved = services.registration_cancel(registration=registration, actor=request.user)
        text = _("Die Anmeldung ist storniert.")
        if moved:
            text += " " + _("Von der Warteliste nachgerückt: %(names)s.") % {
                "names": ", ".join(r.name for r in moved)
            }
        messages.success(request, text)
        return redirect("training:registrations", pk=session.pk)
    return render(
        request,
        "training/registrations.html",
        {
            "session": session,
            "course": session.course,
            "registrations": selectors.session_registrations(session),
            "calls": selectors.calls_due(session),
            "form": form,
            "attendance": attendance,
        },
        status=status,
    )


def _reminder_days(registration: Registration) -> int | None:
    """How many days before the session the person is reminded by e-mail, if they are."""
    if not registration.by_email or notices.reminder_time(registration.session) <= timezone.now():
        return None
    return int(settings.TRAINING_REMINDER_DAYS)


def _waiting_or_place(registration: Registration) -> str:
    if registration.status == RegistrationStatus.CONFIRMED:
        return _("Angemeldet: %(name)s hat einen Platz.") % {"name": registration.name}
    return _("Der Termin ist voll: %(name)s steht auf der Warteliste.") % {
        "name": registration.name
    }


def _number(value: str | None) -> int:
    """A row's number from a form; 0 (no row) for anything else."""
    return int(value) if value and value.isdigit() and len(value) < 18 else 0


@require_http_methods(["GET", "POST"])
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Call a session off, after asking once: everyone registered is told."""
    session = get_object_or_404(Session.objects.select_related("course"), pk=pk)
    staff_only(request.user, rules.can_edit_course(request.user, session.course))
    error = ""
    if request.method == "POST":
        try:
            services.session_cancel(actor=request.user, session=session)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(
                request,
                _(
                    "Der Termin ist abgesagt. Wer eine E-Mail-Adresse angegeben hat, bekommt "
                    "eine E-Mail; wer eine Telefonnummer angegeben hat, steht auf der Anrufliste."
                ),
            )
            return redirect("training:registrations", pk=session.pk)
    return render(
        request,
        "training/session_cancel.html",
        {
            "session": session,
            "course": session.course,
            "people": selectors.session_registrations(session).count(),
            "error": error,
        },
        status=400 if error else 200,
    )


@require_safe
def call_list_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The office's call list of a session, to print: never public."""
    session = get_object_or_404(Session.objects.select_related("course__office"), pk=pk)
    staff_only(request.user, rules.can_edit_course(request.user, session.course))
    response = HttpResponse(
        pdfs.call_list_pdf(session, list(selectors.calls_due(session))),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="anrufliste-termin-{session.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
