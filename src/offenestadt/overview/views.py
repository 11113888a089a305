"""The programme's state in public: the home page with the dashboard in short, the whole
dashboard at /charta/stand/, the council's annual report at /charta/bericht/<year>/ and each
meeting's dossier for council members at /rat/sitzungen/<id>/dossier.pdf."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from offenestadt.charter.selectors import charter_in_force
from offenestadt.council.selectors import meetings
from offenestadt.overview import figures, report
from offenestadt.overview.dossier import meeting_dossier
from offenestadt.overview.dossier_pdf import dossier_pdf
from offenestadt.overview.report_pdf import report_pdf


def home(request: HttpRequest) -> HttpResponse:
    charter = charter_in_force()
    return render(
        request,
        "overview/home.html",
        {"charter": charter, "principles": figures.principles_chart(charter)},
    )


def dashboard(request: HttpRequest) -> HttpResponse:
    charter = charter_in_force()
    now = timezone.now()
    return render(
        request,
        "overview/dashboard.html",
        {
            "charter": charter,
            "figures": figures.dashboard(charter, now),
            "report_years": report.report_years(now),
        },
    )


def annual_report_latest(request: HttpRequest) -> HttpResponse:
    return redirect("overview:annual_report", year=timezone.localdate().year)


def _report(year: int) -> report.AnnualReport:
    try:
        report.check_year(year)
    except ValueError:
        raise Http404 from None
    return report.annual_report(year)


def annual_report(request: HttpRequest, year: int) -> HttpResponse:
    return render(request, "overview/report.html", {"report": _report(year)})


def annual_report_pdf(request: HttpRequest, year: int) -> HttpResponse:
    response = HttpResponse(report_pdf(_report(year)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="jahresbericht-{year}.pdf"'
    return response


def meeting_dossier_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """What is public about the smart-city items on a meeting's agenda, as one PDF."""
    meeting = get_object_or_404(meetings(), pk=pk)
    response = HttpResponse(dossier_pdf(meeting_dossier(meeting)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="dossier-sitzung-{meeting.pk}.pdf"'
    return response
