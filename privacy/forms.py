from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.models import RequestAction


class PersonalDataRequestForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique de la personne"), max_length=254)
    action = forms.ChoiceField(label=_("Demande"), choices=RequestAction.choices, widget=forms.RadioSelect)
    # Erasure is asked twice: once to see what would go, once to confirm.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
