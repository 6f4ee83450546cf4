"""The public forms: the submission of a tool, the correction of a published tool."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tools_registry import services
from tools_registry.choices import CollectivityKind, HybridFormat, Objective, ToolFamily
from tools_registry.corrections import CorrectionKind
from tools_registry.models import FIRST_LAUNCH_YEAR, MAX_OBJECTIVES, Collectivity, Territory, Tool
from tools_registry.services import ToolProposal

YES_NO_UNKNOWN = [("", _("Je ne sais pas")), ("oui", _("Oui")), ("non", _("Non"))]
UNLISTED_KINDS = [
    (CollectivityKind.PNR, CollectivityKind.PNR.label),
    (CollectivityKind.METROPOLE, CollectivityKind.METROPOLE.label),
    (CollectivityKind.AUTRE, CollectivityKind.AUTRE.label),
]


class RankedSelects(forms.Widget):
    """Three selects sharing one name: the order of the values is the order of priority."""

    template_name = "tools_registry/widgets/ranked_selects.html"

    def __init__(self, choices: list[tuple[str, str]], size: int = MAX_OBJECTIVES) -> None:
        super().__init__()
        self.choices, self.size = choices, size

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_1" if id_ else id_  # the first priority's select

    def value_from_datadict(self, data, files, name: str) -> list[str]:
        return data.getlist(name) if hasattr(data, "getlist") else list(data.get(name) or [])

    def get_context(self, name: str, value, attrs) -> dict:
        context = super().get_context(name, value, attrs)
        built = context["widget"]["attrs"]
        values = list(value or [])
        values += [""] * (self.size - len(values))
        context["widget"]["selects"] = [
            {"id": f"{built.get('id', name)}_{rank}", "rank": rank, "value": selected}
            for rank, selected in enumerate(values[: self.size], 1)
        ]
        context["widget"]["choices"] = self.choices
        # What the bound field puts in the attributes, under names a template can read.
        context["widget"]["invalid"] = built.get("aria-invalid") == "true"
        context["widget"]["describedby"] = built.get("aria-describedby", "")
        return context


class RankedChoicesField(forms.Field):
    """Up to `max_choices` distinct codes, in order of priority."""

    def __init__(
        self, *, choices: list[tuple[str, str]], max_choices: int = MAX_OBJECTIVES, **kwargs
    ) -> None:
        self.choices, self.max_choices = choices, max_choices
        kwargs.setdefault("widget", RankedSelects(choices, max_choices))
        super().__init__(**kwargs)

    def to_python(self, value) -> list[str]:
        if isinstance(value, str):
            value = [value]
        return [str(item).strip() for item in (value or []) if str(item).strip()]

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        valid = {code for code, _label in self.choices}
        if any(code not in valid for code in value):
            raise ValidationError(
                _("Choisissez des objectifs dans la liste proposée."), code="invalid_choice"
            )
        if len(value) > self.max_choices:
            raise ValidationError(
                _("Indiquez %(max)d objectifs au maximum.") % {"max": self.max_choices}, code="too_many"
            )
        if len(set(value)) != len(value):
            raise ValidationError(_("Chaque objectif ne peut être choisi qu'une fois."), code="repeated")


def yes_no(value: str) -> bool | None:
    return {"oui": True, "non": False}.get(value)


class CollectivityChoiceForm(forms.Form):
    """The collectivity picker: a territory of the reference (autocomplete, or an exact code or name
    typed without JavaScript), or a body outside it (a PNR, another body) that staff will locate."""

    territory = forms.ModelChoiceField(
        queryset=Territory.objects.all(), required=False, widget=forms.HiddenInput
    )
    territory_query = forms.CharField(
        label=_("Collectivité"),
        max_length=200,
        required=False,
        help_text=_(
            "Tapez le nom, le code postal ou le code officiel (INSEE, SIREN) puis choisissez dans la liste."
        ),
    )
    not_listed = forms.BooleanField(
        label=_("Ma collectivité n'est pas dans la liste (parc naturel régional, autre organisme)"),
        required=False,
    )
    other_name = forms.CharField(label=_("Nom de l'organisme"), max_length=200, required=False)
    other_kind = forms.ChoiceField(label=_("Type d'organisme"), choices=UNLISTED_KINDS, required=False)
    # Without JavaScript, a name several territories share: the one picked among those the page listed.
    territory_choice = forms.ModelChoiceField(queryset=Territory.objects.all(), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The territories the typed text may name, when it names several: the page lists them to pick from.
        self.candidates: list[Territory] = []

    def clean(self) -> dict:
        data = super().clean()
        if "territory" in self.errors:
            self._forget_unknown_territory()
        self.errors.pop("territory_choice", None)
        if data.get("not_listed"):
            if not data.get("other_name", "").strip():
                self.add_error("other_name", _("Indiquez le nom de l'organisme."))
            if not data.get("other_kind"):
                self.add_error("other_kind", _("Indiquez le type d'organisme."))
        elif data.get("territory") is None and "territory_query" not in self.errors:
            data["territory"] = self._typed_territory(
                data.get("territory_query", ""), data.get("territory_choice")
            )
        return data

    def _typed_territory(self, text: str, picked: Territory | None) -> Territory | None:
        """The territory the text names; when it names several, the one picked among them, else none and
        the list of them to pick from."""
        try:
            return Territory.objects.lookup(text)
        except Territory.DoesNotExist:
            self.add_error(
                "territory_query",
                _(
                    "Choisissez votre collectivité dans la liste proposée, ou cochez « Ma collectivité "
                    "n'est pas dans la liste »."
                ),
            )
            return None
        except Territory.MultipleObjectsReturned:
            self.candidates = Territory.objects.named(text)
        if picked is not None and picked in self.candidates:
            return picked
        self.add_error(
            "territory_query",
            _(
                "Plusieurs territoires répondent à « %(text)s » : choisissez le vôtre dans la liste "
                "ci-dessous, d'après son département."
            )
            % {"text": text.strip()},
        )
        return None

    def _forget_unknown_territory(self) -> None:
        """The hidden id of the territory picked in the list names none (a page left open while the
        reference changed, an altered value). The person cannot see that field, nor empty it without
        JavaScript: the error goes to the field they see unless they said their collectivity is not
        listed, and the id is not sent back, so that the next sending reads what they type or pick."""
        del self.errors["territory"]
        self.data = self.data.copy()
        self.data.pop(self.add_prefix("territory"), None)
        if not self.cleaned_data.get("not_listed") and "territory_query" not in self.errors:
            self.add_error(
                "territory_query",
                _("La collectivité choisie n'a pas été retrouvée : choisissez-la de nouveau dans la liste."),
            )

    def collectivity_choice(self) -> services.CollectivityChoice:
        """What was picked, for a service to find or create the collectivity; call once the form is valid."""
        data = self.cleaned_data
        if data["not_listed"]:
            return services.CollectivityChoice(name=data["other_name"], kind=data["other_kind"])
        return services.CollectivityChoice(territory=data["territory"])

    def collectivity(self) -> Collectivity:
        """The chosen collectivity, created in the registry on first use: for a service to call in its
        transaction (the survey's open-link sign-up)."""
        return services.collectivity_of(self.collectivity_choice())

    def known_collectivity(self) -> Collectivity | None:
        """The chosen collectivity if the registry already has it (nothing is created)."""
        data = self.cleaned_data
        if data.get("not_listed"):
            name, kind = data.get("other_name", ""), data.get("other_kind", "")
            return services.known_collectivity(name=name, kind=kind)
        if data.get("territory") is not None:
            return services.known_collectivity(territory=data["territory"])
        return None


class ToolSubmissionForm(CollectivityChoiceForm):
    name = forms.CharField(label=_("Nom de l'outil"), max_length=200)
    url = forms.URLField(
        label=_("Adresse web de l'outil"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Par exemple https://participation.ma-ville.fr"),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "À quoi sert l'outil, qui peut l'utiliser, ce qu'il a permis (5 000 caractères au plus)."
        ),
    )
    family = forms.ChoiceField(label=_("Famille d'outil"), choices=[("", "—"), *ToolFamily.choices])
    family_other = forms.CharField(
        label=_("Précisez la famille"),
        max_length=200,
        required=False,
        help_text=_("Obligatoire si vous avez choisi « Autres »."),
    )
    objectives = RankedChoicesField(
        label=_("Objectifs de l'outil, par ordre de priorité"),
        choices=Objective.choices,
        help_text=_("Trois objectifs au plus, le plus important en premier."),
    )
    software = forms.CharField(
        label=_("Logiciel utilisé"),
        max_length=120,
        required=False,
        help_text=_("Par exemple Decidim, CONSUL, OpenDataSoft, un développement interne…"),
    )
    is_open_source = forms.ChoiceField(
        label=_("Est-ce un logiciel libre ?"), choices=YES_NO_UNKNOWN, required=False
    )
    launch_year = forms.IntegerField(
        label=_("Année de lancement"), required=False, min_value=FIRST_LAUNCH_YEAR
    )
    hybrid = forms.ChoiceField(
        label=_("L'outil est-il combiné à des réunions en présentiel ?"),
        choices=YES_NO_UNKNOWN,
        required=False,
    )
    hybrid_formats = forms.MultipleChoiceField(
        label=_("Lesquelles ?"),
        choices=HybridFormat.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    submitter_name = forms.CharField(label=_("Votre nom"), max_length=200)
    submitter_email = forms.EmailField(
        label=_("Votre adresse électronique"),
        max_length=254,
        help_text=_("Pour vous tenir informé·e de la modération ; jamais publiée."),
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte que mon nom et mon adresse électronique soient conservés par l'équipe du Baromètre "
            "pour traiter cette proposition ; ils ne sont jamais publiés."
        )
    )
    confirm_distinct = forms.BooleanField(
        label=_("Il s'agit bien d'un autre outil que celui déjà référencé : l'envoyer quand même"),
        required=False,
    )
    # Left empty by people; robots that fill every field give themselves away.
    website = forms.CharField(label=_("Ne pas remplir ce champ"), required=False)

    # The published tool this proposal seems to repeat, once cleaned: shown with a link to its correction.
    duplicate: Tool | None = None

    def clean_launch_year(self) -> int | None:
        year = self.cleaned_data.get("launch_year")
        if year is not None and year > timezone.now().year:
            raise ValidationError(_("L'année de lancement ne peut pas être dans le futur."))
        return year

    def clean(self) -> dict:
        data = super().clean()
        if data.get("family") == ToolFamily.AUTRE and not data.get("family_other", "").strip():
            self.add_error("family_other", _("Précisez la famille de l'outil."))
        self._catch_published_duplicate(data)
        return data

    def _catch_published_duplicate(self, data: dict) -> None:
        """A published tool with the same address, or a similar name in the same collectivity, stops the
        proposal until the submitter confirms it is another tool. An unpublished one is never named
        here: the service flags it for the moderators, and the submitter sees no difference."""
        if not (data.get("url") or data.get("name")):
            return
        collectivity = self.known_collectivity()
        self.duplicate = (
            Tool.objects.published()
            .duplicates_of(
                url=data.get("url", ""),
                name=data.get("name", ""),
                collectivity_id=collectivity.pk if collectivity else None,
            )
            .first()
        )
        if self.duplicate is not None and not data.get("confirm_distinct"):
            self.add_error(
                "confirm_distinct",
                ValidationError(
                    _(
                        "Cet outil semble déjà référencé : « %(name)s ». Proposez plutôt une correction de "
                        "sa fiche ; s'il s'agit bien d'un autre outil, cochez cette case."
                    ),
                    code="duplicate",
                    params={"name": self.duplicate.name},
                ),
            )

    def proposal(self) -> ToolProposal:
        data = self.cleaned_data
        return ToolProposal(
            name=data["name"],
            url=data["url"],
            description=data["description"],
            family=data["family"],
            family_other=data["family_other"] if data["family"] == ToolFamily.AUTRE else "",
            objectives=data["objectives"],
            software=data["software"],
            is_open_source=yes_no(data["is_open_source"]),
            launch_year=data["launch_year"],
            hybrid=yes_no(data["hybrid"]),
            hybrid_formats=data["hybrid_formats"],
            submitter_name=data["submitter_name"],
            submitter_email=data["submitter_email"],
            consented=data["consent"],
        )


class CorrectionForm(forms.Form):
    """What is wrong on a tool's page and what it should read; an email only with consent."""

    kind = forms.ChoiceField(
        label=_("Qu'est-ce qui est inexact ?"), choices=CorrectionKind.choices, widget=forms.RadioSelect
    )
    proposed_value = forms.CharField(
        label=_("Votre correction"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "La bonne valeur (la nouvelle adresse, le bon nom…), ou ce qu'il faut changer. Pour un outil "
            "arrêté, l'année d'arrêt si vous la connaissez."
        ),
    )
    email = forms.EmailField(
        label=_("Votre adresse électronique (facultative)"),
        max_length=254,
        required=False,
        help_text=_("Pour recevoir un accusé de réception ; jamais publiée."),
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte que mon adresse électronique soit conservée par l'équipe du Baromètre pour traiter "
            "cette correction ; elle n'est jamais publiée."
        ),
        required=False,
    )
    # Left empty by people; robots that fill every field give themselves away.
    website = forms.CharField(label=_("Ne pas remplir ce champ"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        # A value refused by its field (too long, a character refused) was typed: it is not missing.
        if "proposed_value" not in self.errors:
            self._check_proposed_value(data)
        if data.get("email") and not data.get("consent"):
            self.add_error(
                "consent",
                _("Cochez cette case pour que nous puissions conserver votre adresse, ou laissez-la vide."),
            )
        return data

    def _check_proposed_value(self, data: dict) -> None:
        kind, value = data.get("kind"), data.get("proposed_value", "").strip()
        if kind and kind != CorrectionKind.ENDED and not value:
            self.add_error("proposed_value", _("Indiquez la bonne valeur ou ce qu'il faut corriger."))
        elif kind == CorrectionKind.URL:
            try:
                data["proposed_value"] = forms.URLField(assume_scheme="https").clean(value)
            except ValidationError:
                self.add_error("proposed_value", _("Indiquez une adresse web valide, par exemple https://…"))
