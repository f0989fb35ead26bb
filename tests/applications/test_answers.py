"""Answers: saving, revisions, the stale save refused with both versions kept, sanitised Markdown."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from iasios.applications import services
from iasios.applications.models import Answer, Claim, Cycle

pytestmark = pytest.mark.django_db


def _first(cycle: Cycle, core: bool = True) -> Answer:
    return (
        Answer.objects.filter(cycle=cycle, requirement__core=core)
        .select_related("requirement__standard", "cycle__facility")
        .order_by("requirement__position")
        .first()
    )


def _data(narrative: str = "", claim: str = Claim.MET, na_reason: str = "", assignee: Any = None) -> Any:
    return services.AnswerInput(claim=claim, na_reason=na_reason, narrative=narrative, assignee_id=assignee)


def test_save_bumps_revision_and_keeps_history(cycle: Cycle, enrolled: Any) -> None:
    answer = _first(cycle)
    saved = services.answer_save(
        answer=answer, user=enrolled.contributor, base_revision=0, data=_data("We have a lead.")
    )
    assert (saved.revision, saved.claim, saved.narrative) == (1, Claim.MET, "We have a lead.")
    assert saved.updated_by == enrolled.contributor
    again = services.answer_save(
        answer=answer, user=enrolled.contact, base_revision=1, data=_data("We have a lead, Dr A.")
    )
    assert again.revision == 2
    history = list(Answer.history.filter(id=answer.pk).order_by("history_date"))
    assert [h.narrative for h in history][-2:] == ["We have a lead.", "We have a lead, Dr A."]
    assert history[-1].history_user == enrolled.contact


def test_unchanged_save_is_not_a_new_revision(cycle: Cycle, enrolled: Any) -> None:
    answer = _first(cycle)
    services.answer_save(answer=answer, user=enrolled.contributor, base_revision=0, data=_data("Same."))
    same = services.answer_save(answer=answer, user=enrolled.contributor, base_revision=0, data=_data("Same."))
    assert same.revision == 1


def test_stale_save_is_refused_and_both_versions_survive(cycle: Cycle, enrolled: Any) -> None:
    answer = _first(cycle)
    # Both start from revision 0; the contact saves first.
    services.answer_save(answer=answer, user=enrolled.contact, base_revision=0, data=_data("Contact's text."))
    with pytest.raises(services.StaleAnswer) as refused:
        services.answer_save(
            answer=answer,
            user=enrolled.contributor,
            base_revision=0,
            data=_data("Contributor's text.", Claim.PARTLY_MET),
        )
    assert refused.value.current.narrative == "Contact's text."
    assert refused.value.yours["narrative"] == "Contributor's text."
    assert refused.value.yours["claim"] == Claim.PARTLY_MET
    answer.refresh_from_db()
    assert (answer.narrative, answer.revision) == ("Contact's text.", 1)
    # Merging from the current revision is accepted.
    merged = services.answer_save(
        answer=answer, user=enrolled.contributor, base_revision=1, data=_data("Contact's text. Contributor's text.")
    )
    assert merged.revision == 2


def test_not_applicable_needs_a_reason(cycle: Cycle, enrolled: Any) -> None:
    answer = _first(cycle)
    with pytest.raises(ValidationError) as refused:
        services.answer_save(
            answer=answer, user=enrolled.contributor, base_revision=0, data=_data(claim=Claim.NOT_APPLICABLE)
        )
    assert "na_reason" in refused.value.message_dict
    answer.refresh_from_db()
    assert answer.claim == "" and answer.revision == 0
    ok = services.answer_save(
        answer=answer,
        user=enrolled.contributor,
        base_revision=0,
        data=_data(claim=Claim.NOT_APPLICABLE, na_reason="No paediatric patients."),
    )
    assert ok.na_reason == "No paediatric patients."


@pytest.mark.parametrize("field", ["narrative", "na_reason"])
def test_a_null_character_is_refused_on_every_database(cycle: Cycle, enrolled: Any, field: str) -> None:
    answer = _first(cycle)
    data = dataclasses.replace(
        _data(claim=Claim.NOT_APPLICABLE, na_reason="No children."), **{field: "Rota\x00 attached"}
    )
    with pytest.raises(ValidationError) as refused:
        services.answer_save(answer=answer, user=enrolled.contributor, base_revision=0, data=data)
    assert field in refused.value.message_dict
    answer.refresh_from_db()
    assert answer.revision == 0 and answer.narrative == ""


def test_assignee_must_be_an_editor_of_the_facility(cycle: Cycle, enrolled: Any) -> None:
    answer = _first(cycle)
    for stranger in (enrolled.outsider, enrolled.read_only):
        with pytest.raises(ValidationError):
            services.answer_save(
                answer=answer, user=enrolled.contributor, base_revision=0, data=_data(assignee=stranger.pk)
            )
    saved = services.answer_save(
        answer=answer, user=enrolled.contributor, base_revision=0, data=_data(assignee=enrolled.contact.pk)
    )
    assert saved.assignee == enrolled.contact


def _post(client: Any, cycle: Cycle, answer: Answer, revision: int, narrative: str, **extra: Any) -> Any:
    return client.post(
        reverse("applications:answer", args=[cycle.pk, answer.pk]),
        {"claim": "met", "na_reason": "", "narrative": narrative, "assignee": "", "revision": revision},
        **extra,
    )


def test_plain_form_post_saves_and_redirects(cycle: Cycle, enrolled: Any) -> None:
    answer = _first(cycle)
    response = _post(enrolled.client_for("contributor"), cycle, answer, 0, "Plain post.")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#req-{answer.requirement.reference}")
    answer.refresh_from_db()
    assert (answer.narrative, answer.revision) == ("Plain post.", 1)


def test_htmx_save_returns_status_with_the_new_revision(cycle: Cycle, enrolled: Any) -> None:
    answer = _first(cycle)
    response = _post(enrolled.client_for("contributor"), cycle, answer, 0, "Typed.", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Saved at" in body
    assert f'id="a-{answer.pk}-revision"' in body and 'value="1"' in body and "hx-swap-oob" in body


def test_stale_page_save_shows_both_versions(cycle: Cycle, enrolled: Any) -> None:
    answer = _first(cycle)
    _post(enrolled.client_for("contact"), cycle, answer, 0, "Their words.")
    response = _post(enrolled.client_for("contributor"), cycle, answer, 0, "My words.")
    body = response.content.decode()
    assert response.status_code == 409
    assert "Their words." in body and "My words." in body
    assert 'name="revision" value="1"' in body  # the merge form starts from the current revision
    answer.refresh_from_db()
    assert answer.narrative == "Their words."


def test_stale_htmx_save_shows_the_merge_panel(cycle: Cycle, enrolled: Any) -> None:
    answer = _first(cycle)
    _post(enrolled.client_for("contact"), cycle, answer, 0, "Their words.")
    response = _post(enrolled.client_for("contributor"), cycle, answer, 0, "My words.", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Not saved" in body and "Their words." in body and "My words." in body
    assert f'id="a-{answer.pk}-conflict" hx-swap-oob="true"' in body


def test_invalid_plain_post_keeps_what_was_typed(cycle: Cycle, enrolled: Any) -> None:
    answer = _first(cycle)
    response = enrolled.client_for("contributor").post(
        reverse("applications:answer", args=[cycle.pk, answer.pk]),
        {"claim": "not_applicable", "na_reason": "", "narrative": "Long text I typed.", "revision": 0},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Long text I typed." in body and "Say why this requirement does not apply" in body


def test_markdown_is_rendered_and_sanitised(cycle: Cycle, enrolled: Any) -> None:
    answer = _first(cycle)
    narrative = (
        "**Lead** named.\n\n<script>alert('x')</script>\n\n"
        "[click](javascript:alert(1)) <img src=x onerror=alert(2)> [site](https://example.org)"
    )
    services.answer_save(answer=answer, user=enrolled.contributor, base_revision=0, data=_data(narrative))
    url = reverse("applications:standard", args=[cycle.pk, answer.requirement.standard.number])
    body = enrolled.client_for("read_only").get(url).content.decode()
    assert "<strong>Lead</strong>" in body
    assert "<script>alert" not in body
    assert "javascript:alert" not in body
    assert "onerror" not in body
    assert 'href="https://example.org"' in body and "noopener" in body
