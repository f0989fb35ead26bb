import json

from iasios.applications.models import Cycle
from iasios.casereview.selectors import case_review_snapshot, case_review_status


def test_status_and_snapshot_of_an_empty_review(cast, framework):
    cycle = Cycle.objects.create(facility=cast.facility, framework=framework)
    status = case_review_status(cycle)
    assert not status.complete and status.required == 30 and status.reviewed == 0
    assert status.url == f"/case-review/cycle/{cycle.pk}/"
    json.dumps(case_review_snapshot(cycle))
