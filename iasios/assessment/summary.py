"""The ratings of a cycle in brief, for those who decide on them: how many requirements of each
section are met, partly met or not met (the consolidated rating), and where the assessors disagree.

A pure reading of rows its caller already holds (the committee's file), plus the sections'
titles in one query.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from iasios.assessment.models import Rating
from iasios.standards.models import Section


@dataclass(frozen=True)
class RatedRow:
    requirement: Any  # standards.Requirement, with its standard
    consolidated: str  # "" when the office has not recorded one
    assessors: Sequence[str]  # each assessor's rating

    @property
    def disagreement(self) -> bool:
        return len(set(self.assessors)) > 1


@dataclass
class SectionCounts:
    number: int
    title: str
    counts: dict[str, int] = field(default_factory=dict)
    disagreements: int = 0

    def count(self, rating: str) -> int:
        return self.counts.get(rating, 0)

    @property
    def met(self) -> int:
        return self.count(Rating.MET)

    @property
    def partly_met(self) -> int:
        return self.count(Rating.PARTLY_MET)

    @property
    def not_met(self) -> int:
        return self.count(Rating.NOT_MET)

    @property
    def not_applicable(self) -> int:
        return self.count(Rating.NOT_APPLICABLE)

    @property
    def not_rated(self) -> int:
        return self.count("")


@dataclass(frozen=True)
class RatingsSummary:
    sections: list[SectionCounts]
    disagreements: list[Any]  # the requirements the assessors rated differently, in order

    @property
    def disagreement_ids(self) -> set[Any]:
        return {r.pk for r in self.disagreements}


def ratings_summary(framework_id: Any, rows: Iterable[RatedRow]) -> RatingsSummary:
    """Counts per section of the consolidated ratings, and the disagreements between assessors."""
    sections = {s.pk: SectionCounts(s.number, s.title) for s in Section.objects.filter(framework_id=framework_id)}
    disagreements = []
    for row in rows:
        section = sections[row.requirement.standard.section_id]
        section.counts[row.consolidated] = section.count(row.consolidated) + 1
        if row.disagreement:
            section.disagreements += 1
            disagreements.append(row.requirement)
    return RatingsSummary(sorted(sections.values(), key=lambda s: s.number), disagreements)
