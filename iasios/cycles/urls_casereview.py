"""The case review pages under /case-review/, in the `casereview` namespace: the casereview app's
table, given the cycle access rule with the assessors in (cycles.access)."""

from iasios.casereview import urls as casereview_urls
from iasios.cycles import access

app_name = "casereview"

urlpatterns = casereview_urls.patterns(visible_cycle=access.get_visible_cycle_or_404)
