import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from survey.models import (
    Answer,
    Contact,
    Edition,
    EditionStatus,
    Question,
    Response,
    ResponseOrigin,
    ResponseStatus,
)
from survey.questionnaire import create_edition, load_definition
from tools_registry.choices import CollectivityKind, ToolFamily
from tools_registry.models import Collectivity, Territory, TerritoryKind, Tool, ToolObjective, ToolStatus


class TerritoryFactory(DjangoModelFactory):
    class Meta:
        model = Territory

    kind = TerritoryKind.COMMUNE
    code = factory.Sequence(lambda n: f"9{n:04d}")
    name = factory.Faker("city", locale="fr_FR")
    population = 12000
    latitude = 47.0
    longitude = 2.0


class SaintMaloFactory(TerritoryFactory):
    """Saint-Malo, the commune the tests propose tools for and answer the survey for."""

    code = "35288"
    siren = "213502883"
    name = "Saint-Malo"
    population = 47000


class CollectivityFactory(DjangoModelFactory):
    class Meta:
        model = Collectivity

    # Unique: one body outside the territory reference per name and kind.
    name = factory.Sequence(lambda n: f"Commune exemple {n}")
    kind = CollectivityKind.COMMUNE
    latitude = 48.1
    longitude = -1.6
    population = 20000


class ToolFactory(DjangoModelFactory):
    class Meta:
        model = Tool

    name = factory.Sequence(lambda n: f"Outil numéro {n}")
    description = factory.Faker("paragraph", locale="fr_FR")
    url = factory.Sequence(lambda n: f"https://outil-{n}.example.org/")
    family = ToolFamily.FORUM
    collectivity = factory.SubFactory(CollectivityFactory)
    status = ToolStatus.PUBLISHED


class ToolObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = ToolObjective

    tool = factory.SubFactory(ToolFactory)
    objective = "informer"
    rank = 1


class EditionFactory(factory.Factory):
    """An edition with the questionnaire `definition` (a definition's name, or the definition itself),
    created as staff create one: a draft unless `status` says otherwise."""

    class Meta:
        model = Edition

    code = "2016"
    title = factory.LazyAttribute(lambda o: f"Baromètre de la démocratie locale numérique {o.code}")
    definition = "2016"
    status = EditionStatus.DRAFT

    @classmethod
    def _create(
        cls, model_class: type[Edition], *, definition: str | dict, status: str, **fields: str
    ) -> Edition:
        if isinstance(definition, str):
            definition = load_definition(definition)
        edition = create_edition(definition=definition, publish=status == EditionStatus.PUBLISHED, **fields)
        if edition.status != status:
            edition.status = status
            edition.save(update_fields=["status"])
        return edition


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    edition = factory.SubFactory(EditionFactory, status=EditionStatus.OPEN)
    collectivity = factory.SubFactory(CollectivityFactory)
    email = factory.Sequence(lambda n: f"contact-{n}@example.org")


class ResponseFactory(DjangoModelFactory):
    """A response the barometer counts: imported, submitted (and so accepted)."""

    class Meta:
        model = Response

    edition = factory.SubFactory(EditionFactory, status=EditionStatus.PUBLISHED)
    origin = ResponseOrigin.IMPORT
    status = ResponseStatus.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class AnswerFactory(DjangoModelFactory):
    """One value of a response: `code` names the question of the response's edition."""

    class Meta:
        model = Answer
        exclude = ["code"]

    response = factory.SubFactory(ResponseFactory)
    code = "has_tool"
    question = factory.LazyAttribute(
        lambda answer: Question.objects.get(edition=answer.response.edition, code=answer.code)
    )
    choice = "oui"
