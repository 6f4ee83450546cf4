"""The demo's moderation queues: a fictitious tool proposed a second time, flagged as a possible duplicate,
and a correction of another fictitious tool, both waiting for staff (made up, and labelled so)."""

from tools_registry.corrections import Correction, CorrectionKind
from tools_registry.demo import FICTITIOUS_PREFIX
from tools_registry.models import Tool, ToolObjective, ToolSource, ToolStatus

DUPLICATED_TOOL_NUMBER = 1
CORRECTED_TOOL_NUMBER = 2


def _fictitious(number: int) -> Tool | None:
    name = f"{FICTITIOUS_PREFIX} n° {number} "
    published = Tool.objects.filter(source=ToolSource.DEMO, status=ToolStatus.PUBLISHED)
    return published.filter(name__startswith=name).first()


def load_moderation_demo() -> bool:
    """Add the flagged duplicate and the waiting correction, once; whether it was done now."""
    original, corrected = _fictitious(DUPLICATED_TOOL_NUMBER), _fictitious(CORRECTED_TOOL_NUMBER)
    if original is None or corrected is None or Tool.objects.filter(possible_duplicate=original).exists():
        return False
    # The same address spelt otherwise (www., a trailing slash, a tracking parameter): still caught.
    duplicate = Tool.objects.create(
        name=f"{original.name} (proposé une seconde fois)",
        description=(
            "Proposition fictive créée pour la démonstration de la modération : elle reprend un autre "
            "outil fictif, déjà publié, pour montrer la détection des doublons."
        ),
        url=original.url.replace("https://", "https://www.") + "/?utm_source=demo",
        family=original.family,
        family_other=original.family_other,
        collectivity=original.collectivity,
        software=original.software,
        status=ToolStatus.PENDING,
        source=ToolSource.DEMO,
        possible_duplicate=original,
    )
    ToolObjective.objects.create(tool=duplicate, objective="informer", rank=1)
    Correction.objects.create(
        tool=corrected,
        kind=CorrectionKind.URL,
        proposed_value=f"{corrected.url}-nouvelle-adresse",
    )
    return True
