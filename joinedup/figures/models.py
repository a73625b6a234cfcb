"""One row of stored figures per partnership (see the package's docstring)."""

from __future__ import annotations

from django.db import models


class PartnershipFigures(models.Model):
    partnership = models.OneToOneField(
        "partnerships.Partnership",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="figures",
    )
    computed_at = models.DateTimeField(help_text="When these figures were computed.")
    window_end = models.DateField(help_text="The last day of the twelve months they cover.")
    # The programme view's row (`figures.rows.Row.to_dict`): depth, health-check summary,
    # activity, reciprocity, cadence and flags.
    row = models.JSONField(default=dict)
    # Depth: members at each stage, by the stage's slug.
    stages = models.JSONField(default=dict)
    # Network metrics (`figures.compute.network_figures`), betweenness by organisation id.
    network = models.JSONField(default=dict)
    # The fingerprint of the network's nodes and ties (`health.network.shape_key`), by which
    # the network page finds the betweenness computed here.
    shape = models.CharField(max_length=32, blank=True, db_index=True)
    # The referral flows page's default period, the twelve months to the day they were
    # computed (`figures.compute.flows_figures`): the flows (`referrals.queries.Flows.to_dict`),
    # the unmet needs, and their own `computed_at` (the page recomputes them alone).
    flows = models.JSONField(default=dict)
    # The gathered evidence itself (`figures.evidence.to_dict`), which the depth, network, gaps
    # and report pages read instead of gathering it (`figures.queries.stored_evidence`).
    evidence = models.JSONField(default=dict)

    class Meta:
        verbose_name_plural = "partnership figures"

    def __str__(self) -> str:
        return (
            f"Figures of partnership {self.partnership_id} as of {self.computed_at:%Y-%m-%d %H:%M}"
        )
