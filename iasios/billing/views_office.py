"""Programme office billing pages: invoices, payments, overdue, credit notes, consultations.

The action forms are drawn from the lifecycles (`available()`, `may_record_payment`); a refusal
of the service goes onto the form (`refusal_on`) or into a message (`refusal_as_message`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iasios.accounts.access import programme_role_required
from iasios.accounts.roles import ProgrammeRoleName
from iasios.billing import selectors, services
from iasios.billing.forms import (
    ConsultationFilterForm,
    ConsultationScheduleForm,
    CreditNoteForm,
    InvoiceFilterForm,
    IssuerForm,
    PaymentForm,
    ReasonForm,
)
from iasios.billing.issuer import issuer_row, payment_instructions
from iasios.billing.lifecycles import CONSULTATION_LIFECYCLE, INVOICE_LIFECYCLE, may_record_payment
from iasios.billing.models import Consultation, Invoice
from iasios.billing.tables import consultation_table, invoice_table, overdue_table, payment_table
from iasios.core.events import timeline
from iasios.core.exports import export_response
from iasios.core.refusals import refusal_as_message, refusal_on

office_only = programme_role_required(ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR)
PAGE_SIZE = 50


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@office_only
def invoices(request: HttpRequest) -> HttpResponse:
    form = InvoiceFilterForm(request.GET or None, years=selectors.invoice_years())
    filters = selectors.InvoiceFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.InvoiceFilters(
            status=data["status"] or "",
            kind=data["kind"] or "",
            year=data["year"],
            overdue=bool(data["overdue"]),
            q=(data["q"] or "").strip(),
        )
    invoice_rows = selectors.invoices_for_office(filters)
    if (export := export_response(request, invoice_table(invoice_rows, selectors.today()))) is not None:
        return export
    page = _page(request, invoice_rows)
    page.object_list = mark_payable(request.user, page.object_list)
    return render(
        request,
        "billing/office/invoices.html",
        {
            "form": form,
            "page": page,
            "querystring": _query_without_page(request),
        },
    )


def mark_payable(user: Any, invoices: Any) -> list[Invoice]:
    """The rows, each with `can_record_payment` by the invoice lifecycle's rule (the row's form)."""
    rows = list(invoices)
    for invoice in rows:
        invoice.can_record_payment = may_record_payment(user, invoice)
    return rows


def _back_to(request: HttpRequest, invoice: Invoice) -> HttpResponse:
    """Where a payment form came from (a list row), else the invoice's office page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("office_billing:invoice_detail", pk=invoice.pk)


def _office_invoice(pk: str) -> Invoice:
    try:
        return selectors.invoice_detail(pk)
    except Invoice.DoesNotExist as exc:
        raise Http404 from exc


def _render_invoice(
    request: HttpRequest,
    invoice: Invoice,
    payment_form: PaymentForm | None = None,
    credit_form: CreditNoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "billing/office/invoice_detail.html",
        {
            "invoice": invoice,
            "credit_note": getattr(invoice, "credit_note", None),
            "pay": payment_instructions(invoice),
            "payment_form": payment_form or PaymentForm(initial={"amount": invoice.balance}),
            "credit_form": credit_form or CreditNoteForm(),
            "can_record_payment": may_record_payment(request.user, invoice),
            "can_credit": "invoice_cancelled" in {t.name for t in INVOICE_LIFECYCLE.available(invoice, request.user)},
            "events": timeline(invoice),
        },
        status=status,
    )


@office_only
def invoice_detail(request: HttpRequest, pk: str) -> HttpResponse:
    return _render_invoice(request, _office_invoice(pk))


@office_only
@require_POST
def payment_record(request: HttpRequest, pk: str) -> HttpResponse:
    invoice = _office_invoice(pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        with refusal_on(form):
            services.payment_record(invoice=invoice, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Invoice %(number)s: the payment was recorded.") % {"number": invoice.number})
            return _back_to(request, invoice)
    return _render_invoice(request, invoice, payment_form=form, status=422)


@office_only
@require_POST
def credit_note_issue(request: HttpRequest, pk: str) -> HttpResponse:
    invoice = _office_invoice(pk)
    form = CreditNoteForm(request.POST)
    if form.is_valid():
        with refusal_on(form):
            note = services.credit_note_issue(invoice=invoice, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Credit note %(number)s cancels the invoice.") % {"number": note.number})
            return redirect("office_billing:invoice_detail", pk=invoice.pk)
    return _render_invoice(request, invoice, credit_form=form, status=422)


@office_only
def payments(request: HttpRequest) -> HttpResponse:
    payment_rows = selectors.payments_for_office()
    if (export := export_response(request, payment_table(payment_rows))) is not None:
        return export
    return render(
        request,
        "billing/office/payments.html",
        {"page": _page(request, payment_rows), "querystring": _query_without_page(request)},
    )


@office_only
def overdue(request: HttpRequest) -> HttpResponse:
    today = selectors.today()
    invoice_rows = selectors.overdue_invoices(today)
    if (export := export_response(request, overdue_table(invoice_rows, today))) is not None:
        return export
    return render(
        request,
        "billing/office/overdue.html",
        {"page": _page(request, invoice_rows), "today": today, "querystring": _query_without_page(request)},
    )


@office_only
def consultations(request: HttpRequest) -> HttpResponse:
    form = ConsultationFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    consultation_rows = selectors.consultations_queue(status)
    if (export := export_response(request, consultation_table(consultation_rows))) is not None:
        return export
    return render(
        request,
        "billing/office/consultations.html",
        {"form": form, "page": _page(request, consultation_rows), "querystring": _query_without_page(request)},
    )


def _render_consultation(
    request: HttpRequest,
    consultation: Consultation,
    schedule_form: ConsultationScheduleForm | None = None,
    cancel_form: ReasonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "billing/office/consultation_detail.html",
        {
            "consultation": consultation,
            "schedule_form": schedule_form
            or ConsultationScheduleForm(initial={"scheduled_for": consultation.scheduled_for}),
            "cancel_form": cancel_form or ReasonForm(prefix="cancel"),
            "events": timeline(consultation),
            "actions": {t.name for t in CONSULTATION_LIFECYCLE.available(consultation, request.user)},
        },
        status=status,
    )


def _consultation(pk: str) -> Consultation:
    return get_object_or_404(Consultation.objects.select_related("facility", "requested_by", "invoice"), pk=pk)


@office_only
def consultation_detail(request: HttpRequest, pk: str) -> HttpResponse:
    return _render_consultation(request, _consultation(pk))


@office_only
@require_POST
def consultation_schedule(request: HttpRequest, pk: str) -> HttpResponse:
    consultation = _consultation(pk)
    form = ConsultationScheduleForm(request.POST)
    if form.is_valid():
        with refusal_on(form):
            services.consultation_schedule(
                consultation=consultation, scheduled_for=form.cleaned_data["scheduled_for"], actor=request.user
            )
            messages.success(request, _("The consultation is scheduled."))
            return redirect("office_billing:consultation_detail", pk=consultation.pk)
    return _render_consultation(request, consultation, schedule_form=form, status=422)


@office_only
@require_POST
def consultation_invoice(request: HttpRequest, pk: str) -> HttpResponse:
    consultation = _consultation(pk)
    with refusal_as_message(request):
        invoice = services.invoice_issue_consultation(consultation=consultation, actor=request.user)
        messages.success(request, _("Invoice %(number)s was issued.") % {"number": invoice.number})
        return redirect("office_billing:invoice_detail", pk=invoice.pk)
    return redirect("office_billing:consultation_detail", pk=consultation.pk)


@office_only
@require_POST
def consultation_cancel(request: HttpRequest, pk: str) -> HttpResponse:
    consultation = _consultation(pk)
    form = ReasonForm(request.POST, prefix="cancel")
    if form.is_valid():
        with refusal_on(form):
            services.consultation_cancel(
                consultation=consultation, reason=form.cleaned_data["reason"], actor=request.user
            )
            messages.success(request, _("The consultation was cancelled."))
            return redirect("office_billing:consultations")
    return _render_consultation(request, consultation, cancel_form=form, status=422)


@office_only
def issuer(request: HttpRequest) -> HttpResponse:
    """The details every new invoice is issued with: name, address, VAT number, bank account, reference."""
    form = IssuerForm(request.POST or None, instance=issuer_row())
    if request.method == "POST" and form.is_valid():
        with refusal_on(form):
            services.issuer_save(actor=request.user, **form.cleaned_data)
            messages.success(request, _("The invoicing details are saved; new invoices carry them."))
            return redirect("office_billing:issuer")
    return render(request, "billing/office/issuer.html", {"form": form}, status=400 if form.errors else 200)
