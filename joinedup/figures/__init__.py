"""Figures computed from a partnership's evidence and stored with the time they were computed:
the programme view's row, depth, reciprocity, network metrics and the health-check summary,
and the referral flows of the last twelve months (the flows page's default period).

They are read far more often than their evidence changes, so pages read them in one query
instead of gathering twelve months of evidence on every request. They are refreshed by a job
(`tasks.refresh`) after any audited write in the partnership's evidence (`signals`), nightly by
`joinedup refresh_figures` (the twelve-month window moves with the day), and on request by a
person on the programme view or the flows page (at most once a minute). Pages say "as of" the
time. The flows page also checks, in one query, that nothing changed since they were computed
(`signals.changed_since`), and computes and stores them itself if something did.

The gathered evidence is stored with them (`evidence`), for a partnership's depth, network,
gaps and report pages (`queries.stored_evidence`), which recompute it on the spot when an
action has changed it since or the window has moved, and may be refreshed by a person.
"""
