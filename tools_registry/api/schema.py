"""The OpenAPI schema document: what drf-spectacular does not read from the views."""

import unicodedata

from django.utils.translation import gettext as _
from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request

from tools_registry.licences import LICENCES, SITE_LICENCE


class SchemaView(SpectacularAPIView):
    """The schema, downloaded under an ASCII name: a header holds no other character unencoded, and the
    default name is the title, accents included."""

    def _get_filename(self, request: Request, version: str | None) -> str:
        name = unicodedata.normalize("NFKD", super()._get_filename(request, version))
        return name.encode("ascii", "ignore").decode()


def describe_licences(result: dict, generator, request, public) -> dict:
    """End the schema's description with the licences of the data, as the API applies them (licence_of)."""
    share_alike = _(" ou ").join(licence.short for licence in LICENCES.values() if licence.share_alike)
    result["info"]["description"] += _(
        " Données sous %(site)s ; une réponse ou un fichier du registre qui contient un "
        "outil venu d'une source sous %(share_alike)s est sous cette licence. Chaque outil dit la sienne "
        '(`licence`), chaque réponse celle de son contenu (en-tête `Link`, rel="license").'
    ) % {"site": SITE_LICENCE.short, "share_alike": share_alike}
    return result
