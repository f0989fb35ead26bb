"""The reports' one source of numbers: each section of a page is one dataclass built here.

Templates, charts and any export render these objects and compute nothing themselves: a chart
and the table beside it read the same rows, so they cannot disagree. Every builder costs a fixed
number of queries, whatever the amount of data; times are passed in (`now`, `today`) so a
report can be computed "as of" any moment.

One module per report: `dashboard.office_dashboard(now=…)` gathers the office dashboard's
sections (`progress`, `work`, `invoices`, `awards`); `office_benchmarks.benchmarks(framework_id=…)`
is the office's benchmark page and `own_benchmark.facility_benchmark(facility)` a facility's own
(peers anonymised, shown only from `peers.min_peers(framework)` peers on).
"""
