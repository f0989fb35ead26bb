"""One rule per permission: for every role and every state, page, API and service agree.

For each action a page offers — the office's confirmation and rejection of a registration, the
answers to a request to join, recording a payment and crediting an invoice — every role of the
cast is asked four ways in each state of the lifecycle: is the button on the page, is the page's
POST taken, is the API's POST taken, is the service call taken. The four answers must be the
same, and they must be the roles the table below names (so the test cannot pass by everyone
refusing everything).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from iasios.api.services import token_create
from iasios.billing import services as billing
from iasios.billing.models import Invoice, InvoiceStatus, Payment
from iasios.core.refusals import Refusal
from iasios.facilities import services as facilities
from iasios.facilities.models import Facility, FacilityStatus, JoinRequest, JoinRequestStatus
from tests import factories
from tests.conftest import ROLES

pytestmark = pytest.mark.usefixtures("programme")

OFFICE = {"office", "administrator"}
MANAGERS = {"representative", "contact"} | OFFICE
PARTLY_PAID = "partly_paid"  # an issued invoice with a payment recorded (not a state: the credit guard)


@dataclass(frozen=True)
class Action:
    name: str
    page: Callable[[Any], str]  # the page that offers the button
    form: Callable[[Any], str]  # the URL the button posts to
    form_data: dict[str, str]
    api: Callable[[Any], str]
    api_data: dict[str, str]
    service: Callable[[Any, Any], Any]  # (object, actor)
    observe: Callable[[Any], Any]  # what the action changes; a change means it was taken
    allowed: dict[str, set[str]]  # state → the roles that may


def _today() -> str:
    return timezone.localdate().isoformat()


def _status(model: Any, obj: Any) -> str:
    return str(model.objects.filter(pk=obj.pk).values_list("status", flat=True).get())


FACILITY_ACTIONS = [
    Action(
        name="confirm",
        page=lambda f: reverse("office_facilities:detail", args=[f.pk]),
        form=lambda f: reverse("office_facilities:confirm", args=[f.pk]),
        form_data={"sponsor": ""},
        api=lambda f: f"/api/v1/facilities/{f.pk}/confirm",
        api_data={"sponsor": ""},
        service=lambda f, actor: billing.enrolment_confirm(facility=f, actor=actor),
        observe=lambda f: _status(Facility, f),
        allowed={FacilityStatus.REGISTERED: OFFICE},
    ),
    Action(
        name="reject",
        page=lambda f: reverse("office_facilities:detail", args=[f.pk]),
        form=lambda f: reverse("office_facilities:reject", args=[f.pk]),
        form_data={"reason": "Not an IO service."},
        api=lambda f: f"/api/v1/facilities/{f.pk}/reject",
        api_data={"reason": "Not an IO service."},
        service=lambda f, actor: facilities.facility_reject(facility=f, actor=actor, reason="Not an IO service."),
        observe=lambda f: _status(Facility, f),
        allowed={FacilityStatus.PENDING_ACTIVATION: OFFICE, FacilityStatus.REGISTERED: OFFICE},
    ),
]

JOIN_ACTIONS = [
    Action(
        name="approve",
        page=lambda jr: reverse("facilities:dashboard", args=[jr.facility_id]),
        form=lambda jr: reverse("facilities:request_approve", args=[jr.facility_id, jr.pk]),
        form_data={"role": "contributor"},
        api=lambda jr: f"/api/v1/facilities/{jr.facility_id}/join-requests/{jr.pk}/approve",
        api_data={"role": "contributor"},
        service=lambda jr, actor: facilities.join_request_approve(join_request=jr, actor=actor, role="contributor"),
        observe=lambda jr: _status(JoinRequest, jr),
        allowed={JoinRequestStatus.PENDING: MANAGERS},
    ),
    Action(
        name="decline",
        page=lambda jr: reverse("facilities:dashboard", args=[jr.facility_id]),
        form=lambda jr: reverse("facilities:request_decline", args=[jr.facility_id, jr.pk]),
        form_data={"reason": "Not our department."},
        api=lambda jr: f"/api/v1/facilities/{jr.facility_id}/join-requests/{jr.pk}/decline",
        api_data={"reason": "Not our department."},
        service=lambda jr, actor: facilities.join_request_decline(join_request=jr, actor=actor, reason="No."),
        observe=lambda jr: _status(JoinRequest, jr),
        allowed={JoinRequestStatus.PENDING: MANAGERS},
    ),
]

PAYMENT = {"amount": "1.00", "reference": "BANK-1"}

INVOICE_ACTIONS = [
    Action(
        name="record payment",
        page=lambda i: reverse("office_billing:invoice_detail", args=[i.pk]),
        form=lambda i: reverse("office_billing:payment_record", args=[i.pk]),
        form_data=PAYMENT,
        api=lambda i: f"/api/v1/billing/invoices/{i.pk}/payments",
        api_data=PAYMENT,
        service=lambda i, actor: billing.payment_record(
            invoice=i, amount=Decimal("1.00"), paid_on=timezone.localdate(), reference="BANK-1", actor=actor
        ),
        observe=lambda i: Payment.objects.filter(invoice=i).count(),
        allowed={InvoiceStatus.ISSUED: OFFICE, PARTLY_PAID: OFFICE},
    ),
    Action(
        name="credit",
        page=lambda i: reverse("office_billing:invoice_detail", args=[i.pk]),
        form=lambda i: reverse("office_billing:credit_note_issue", args=[i.pk]),
        form_data={"reason": "Billed twice."},
        api=lambda i: f"/api/v1/billing/invoices/{i.pk}/credit-note",
        api_data={"reason": "Billed twice."},
        service=lambda i, actor: billing.credit_note_issue(invoice=i, reason="Billed twice.", actor=actor),
        observe=lambda i: _status(Invoice, i),
        allowed={InvoiceStatus.ISSUED: OFFICE},
    ),
]


# ── objects in a state (set-up writes the state directly; the code under test never does) ────


def _facility(cast: Any, state: str) -> Facility:
    Facility.objects.filter(pk=cast.facility.pk).update(status=state)
    return Facility.objects.get(pk=cast.facility.pk)


def _join_request(cast: Any, state: str) -> JoinRequest:
    return JoinRequest.objects.create(facility=cast.facility, user=factories.make_user(), status=state)


def _invoice(cast: Any, state: str) -> Invoice:
    invoice = billing.invoice_issue_enrolment(facility=cast.facility)
    if state == PARTLY_PAID:
        billing.payment_record(invoice=invoice, amount=Decimal("5.00"), paid_on=timezone.localdate(), reference="X")
    elif state == InvoiceStatus.PAID:
        billing.payment_record(invoice=invoice, amount=invoice.balance, paid_on=timezone.localdate(), reference="X")
    elif state == InvoiceStatus.CANCELLED:
        billing.credit_note_issue(invoice=invoice, reason="Set-up")
    return Invoice.objects.get(pk=invoice.pk)


LIFECYCLES: dict[str, tuple[Callable[[Any, str], Any], list[Action], list[str]]] = {
    "facility": (_facility, FACILITY_ACTIONS, list(FacilityStatus.values)),
    "join request": (_join_request, JOIN_ACTIONS, list(JoinRequestStatus.values)),
    "invoice": (_invoice, INVOICE_ACTIONS, [*InvoiceStatus.values, PARTLY_PAID]),
}
CASES = [(name, state) for name, (_make, _actions, states) in LIFECYCLES.items() for state in states]


# ── the four ways of asking ──────────────────────────────────────────────────────────────────


def _actor(cast: Any, who: str) -> Any:
    return AnonymousUser() if who == "anonymous" else getattr(cast, who)


def _log_in(client: Client, cast: Any, who: str) -> dict[str, str]:
    """Log `client` in as `who` for pages; returns the headers that authenticate the API as `who`.

    One client for every role: each new test client sets up the middleware again, which is slow.
    """
    client.logout()
    if who == "anonymous":
        return {}
    client.force_login(getattr(cast, who))
    _token, raw = token_create(user=getattr(cast, who), name="agreement")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _buttons(client: Client, actions: list[Action], obj: Any) -> dict[str, bool]:
    """Which of the actions' buttons the pages show (one request per page)."""
    pages: dict[str, str] = {}
    for url in {action.page(obj) for action in actions}:
        response = client.get(url)
        pages[url] = response.content.decode() if response.status_code == 200 else ""
    return {action.name: f'action="{action.form(obj)}"' in pages[action.page(obj)] for action in actions}


def _page_post(client: Client, action: Action, obj: Any) -> bool:
    data = {**action.form_data, "paid_on": _today()} if action.form_data is PAYMENT else action.form_data
    before = action.observe(obj)
    client.post(action.form(obj), data)
    return action.observe(obj) != before


def _api_post(client: Client, headers: dict[str, str], action: Action, obj: Any) -> bool:
    data = {**action.api_data, "paid_on": _today()} if action.api_data is PAYMENT else action.api_data
    before = action.observe(obj)
    response = client.post(action.api(obj), data, content_type="application/json", **headers)  # type: ignore[arg-type]
    assert response.status_code in {200, 201, 401, 403, 404, 409, 422}, response.content
    taken = action.observe(obj) != before
    assert taken == (response.status_code in {200, 201}), (response.status_code, response.content)
    return taken


def _service(action: Action, actor: Any, obj: Any) -> bool:
    before = action.observe(obj)
    try:
        action.service(obj, actor)
    except (Refusal, PermissionDenied, ValidationError):
        assert action.observe(obj) == before, "a refused service changed something"
        return False
    assert action.observe(obj) != before, "the service answered yes and changed nothing"
    return True


@pytest.mark.parametrize(("lifecycle", "state"), CASES, ids=[f"{n}-{s}" for n, s in CASES])
def test_page_api_and_service_give_the_same_answer(cast: Any, lifecycle: str, state: str) -> None:
    make, actions, _states = LIFECYCLES[lifecycle]
    answers: dict[tuple[str, str], dict[str, bool]] = {}
    client = Client()
    obj = make(cast, state)
    for who in ROLES:
        api_headers = _log_in(client, cast, who)
        shown = _buttons(client, actions, obj)
        for action in actions:
            ways: dict[str, bool] = {"button shown": shown[action.name]}
            asks = {
                "page POST": partial(_page_post, client, action),
                "API": partial(_api_post, client, api_headers, action),
                "service": partial(_service, action, _actor(cast, who)),
            }
            for way, ask in asks.items():
                ways[way] = ask(obj)
                if ways[way]:  # taken: the next question needs the object in the state again
                    obj = make(cast, state)
            answers[(action.name, who)] = ways
    disagreements = {key: ways for key, ways in answers.items() if len(set(ways.values())) > 1}
    assert not disagreements, disagreements
    for action in actions:
        may = {who for who in ROLES if answers[(action.name, who)]["service"]}
        assert may == action.allowed.get(state, set()), (action.name, state, may)
