from iasios.casereview import selectors
from tests.casereview.helpers import answer_all, drawn, make_cycle


def test_full_flow(cast, framework):
    cycle = make_cycle(cast.facility, framework)
    draw = drawn(cycle, cast.contributor)
    items = selectors.checklist(cycle)
    for sc in selectors.sampled_cases(draw):
        answer_all(sc, cast.contributor, items)
    status = selectors.case_review_status(cycle)
    assert status.complete, status.blockers
    assert selectors.verify_draw(draw).matches
    c = cast.client_for("contributor")
    for url in [
        f"/case-review/cycle/{cycle.pk}/",
        f"/case-review/cycle/{cycle.pk}/summary/",
        f"/case-review/cycle/{cycle.pk}/verify/",
        f"/case-review/cycle/{cycle.pk}/cases/1/",
        f"/case-review/cycle/{cycle.pk}/log/",
        f"/case-review/cycle/{cycle.pk}/summary.csv",
        f"/case-review/cycle/{cycle.pk}/log/template.csv",
        f"/case-review/cycle/{cycle.pk}/cases/1/exclude/",
    ]:
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code)
