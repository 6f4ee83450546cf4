"""What the public sends: a proposed tool, a proposed correction, their receipts, and the refusal of
NUL characters shared by every serializer that writes."""

from collections.abc import Mapping
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import serializers

from tools_registry.choices import CollectivityKind, HybridFormat, Objective, ToolFamily
from tools_registry.corrections import CorrectionKind, CorrectionStatus
from tools_registry.models import FIRST_LAUNCH_YEAR, LAST_LAUNCH_YEAR, MAX_OBJECTIVES, ToolStatus


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(item) for item in value)
    return False


class RefusesNulCharacters:
    """For serializers that write: any text of the input holding a NUL character is refused, under its
    field's name, whatever the field does with it (a slug looked up, codes in a list, free text).

    PostgreSQL cannot store or even compare such text: let through, it is a server error.
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            fields = data.lists() if hasattr(data, "lists") else data.items()
            errors = {
                str(name): [ProhibitNullCharactersValidator.message]
                for name, value in fields
                if _holds_nul(value)
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class SubmissionSerializer(RefusesNulCharacters, serializers.Serializer):
    """A proposed tool; validated by the same rules as the form of /outils/proposer/."""

    name = serializers.CharField(max_length=200)
    url = serializers.CharField(max_length=500)
    description = serializers.CharField(max_length=5000)
    family = serializers.ChoiceField(ToolFamily.choices)
    family_other = serializers.CharField(max_length=200, required=False, allow_blank=True)
    objectives = serializers.ListField(
        child=serializers.ChoiceField(Objective.choices),
        allow_empty=False,  # a plainer message than min_length's, which the schema needs (minItems)
        min_length=1,
        max_length=MAX_OBJECTIVES,
        help_text="Un à trois codes, par priorité.",
    )
    territory = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        help_text="Identifiant (/territories/).",
    )
    territory_query = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Ou un code officiel INSEE / SIREN."
    )
    not_listed = serializers.BooleanField(required=False, default=False)
    other_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    other_kind = serializers.ChoiceField(
        [CollectivityKind.PNR, CollectivityKind.METROPOLE, CollectivityKind.AUTRE],
        required=False,
        allow_blank=True,
    )
    software = serializers.CharField(max_length=120, required=False, allow_blank=True)
    is_open_source = serializers.BooleanField(required=False, allow_null=True, default=None)
    launch_year = serializers.IntegerField(
        required=False, allow_null=True, min_value=FIRST_LAUNCH_YEAR, max_value=LAST_LAUNCH_YEAR
    )
    hybrid = serializers.BooleanField(required=False, allow_null=True, default=None)
    hybrid_formats = serializers.ListField(
        child=serializers.ChoiceField(HybridFormat.choices), required=False, max_length=10
    )
    submitter_name = serializers.CharField(max_length=200)
    submitter_email = serializers.CharField(max_length=254)
    consent = serializers.BooleanField(
        help_text=(
            "Accord avec la notice « Données personnelles » (/donnees-personnelles/) : la date et la version "
            "de la notice acceptée sont enregistrées."
        )
    )
    confirm_distinct = serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "Un outil publié a la même adresse ou un nom semblable dans la même collectivité : la "
            "proposition est refusée (erreur sur ce champ, avec l'adresse du formulaire de correction) sauf "
            "si ce champ vaut true, pour dire qu'il s'agit bien d'un autre outil."
        ),
    )
    website = serializers.CharField(required=False, allow_blank=True, help_text="Laisser vide.")


class SubmissionReceiptSerializer(serializers.Serializer):
    slug = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField([ToolStatus.PENDING])
    duplicate_flagged = serializers.BooleanField(
        help_text=(
            "Un outil semblable est déjà publié. L'équipe vérifie de toute façon les doublons avant de "
            "publier ; un outil non publié n'est jamais signalé ici."
        )
    )


class CorrectionSerializer(RefusesNulCharacters, serializers.Serializer):
    """A correction of a published tool; validated by the same rules as the form of its page."""

    tool = serializers.CharField(max_length=220, help_text="Identifiant d'URL (slug) de l'outil publié.")
    kind = serializers.ChoiceField(CorrectionKind.choices)
    proposed_value = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    consent = serializers.BooleanField(
        required=False, default=False, help_text="Obligatoire si une adresse électronique est donnée."
    )
    website = serializers.CharField(required=False, allow_blank=True, help_text="Laisser vide.")


class CorrectionReceiptSerializer(serializers.Serializer):
    status = serializers.ChoiceField([CorrectionStatus.PENDING])
