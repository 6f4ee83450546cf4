"""Every field that may hold personal data is declared in the registry, or said here not to be personal.

A model that gains such a field (an email on a new model, a name of a person) fails this test until it is
declared in its app's personal_data.py, and so reached by export, erasure and retention.
"""

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import models

from privacy.registry import REGISTRY, address_in_text

# Words that, in a field's name, say it may describe a person.
PERSONAL_WORDS = {
    "email",
    "mail",
    "name",
    "role",
    "ip",
    "address",
    "agent",
    "phone",
    "username",
    "submitter",
    "respondent",
    "contact",
    "author",
    "sender",
    "recipient",
    "args",
    "kwargs",
    "traceback",
    "data",
    "repr",
}
PERSONAL_TYPES = (models.EmailField, models.GenericIPAddressField)

NOT_PERSONAL = {
    # Staff accounts: managed in the admin by the team itself, not data about the public.
    ("auth.User", "username"): "staff account",
    ("auth.User", "first_name"): "staff account",
    ("auth.User", "last_name"): "staff account",
    ("auth.User", "email"): "staff account",
    ("auth.Permission", "name"): "name of a permission",
    ("auth.Group", "name"): "name of a group of staff",
    ("privacy.PersonalDataRequest", "address_digest"): "keyed hash: the proof a request was handled",
    ("survey.Response", "open_link_contact"): "a link to the contact, whose details are erased there",
    ("django_tasks_database.DBTaskResult", "queue_name"): "name of a queue",
    ("django_tasks_database.DBTaskResult", "backend_name"): "name of a backend",
    ("tools_registry.Territory", "name"): "name of a place",
    ("tools_registry.Territory", "search_name"): "name of a place",
    ("tools_registry.FormerCode", "name"): "name of a place",
    ("tools_registry.Collectivity", "name"): "name of a local authority",
    ("tools_registry.HistoricalCollectivity", "name"): "name of a local authority",
    ("tools_registry.Tool", "name"): "name of a tool",
    ("tools_registry.Tool", "submitter_language"): "a language of the site, reset with the address",
    ("tools_registry.HistoricalTool", "name"): "name of a tool",
    ("tools_registry.DataSource", "name"): "name of a public source",
    ("tools_registry.ImportRun", "file_name"): "name of an imported file",
    ("survey.ResponseImport", "file_name"): "name of an imported file",
    ("survey.ContactImport", "file_name"): "name of an imported file",
    ("survey.ResponseImport", "data"): (
        "a long-format responses file (opaque ids, no name, email or token), emptied once the job read it"
    ),
}


def looks_personal(field: models.Field) -> bool:
    words = set(field.name.lower().split("_"))
    return isinstance(field, PERSONAL_TYPES) or bool(words & PERSONAL_WORDS)


def suspicious_fields() -> set[tuple[str, str]]:
    return {
        (model._meta.label, field.name)
        for model in apps.get_models()
        if not model._meta.proxy
        for field in model._meta.concrete_fields
        if looks_personal(field)
    }


def declared_fields() -> set[tuple[str, str]]:
    return {(entry.model_label, name) for entry in REGISTRY for name in entry.fields}


def test_every_field_that_may_hold_personal_data_is_declared() -> None:
    undeclared = suspicious_fields() - declared_fields() - set(NOT_PERSONAL)
    assert undeclared == set(), (
        "Declare these fields in the app's personal_data.py (privacy/registry.py), or say in NOT_PERSONAL "
        "why they hold nothing personal"
    )


def test_the_known_personal_fields_are_declared() -> None:
    assert {
        ("tools_registry.Tool", "submitter_name"),
        ("tools_registry.Tool", "submitter_email"),
        ("tools_registry.HistoricalTool", "submitter_email"),
        ("survey.Contact", "email"),
        ("survey.Contact", "name"),
        ("survey.Contact", "role"),
        ("survey.ContactImport", "data"),
        ("survey.Response", "respondent_email"),
        ("axes.AccessAttempt", "ip_address"),
        ("django_tasks_database.DBTaskResult", "args_kwargs"),
    } <= declared_fields()


def test_every_declaration_names_real_fields_and_lookups() -> None:
    for entry in REGISTRY:
        for name in entry.fields:
            entry.model._meta.get_field(name)
        if entry.email:
            str(entry.rows_of("someone@example.org").query)


def test_the_exceptions_still_exist() -> None:
    # An exception for a field that is gone would hide a new field of the same name.
    assert set(NOT_PERSONAL) <= suspicious_fields()


# Texts the admin log or an error may hold, and whether they name camille@example.fr (not someone's
# address holding it); in quotes as Python writes a string.
TEXTS = {
    "camille@example.fr (Saint-Malo)": True,
    "CAMILLE@Example.FR": True,
    "{'camille@example.fr': (550, b'5.1.1 User unknown')}": True,
    "Contact(email='camille@example.fr')": True,
    "écrit à camille@example.fr.": True,
    "ecamille@example.fr": False,
    "écamille@example.fr": False,
    "o'camille@example.fr": False,
    "camille@example.fr.example": False,
    "camille@example.fr-ouest.example": False,
    "camille@example.fré": False,
}


@pytest.mark.django_db
def test_the_database_finds_an_address_in_the_texts_where_a_file_is_read_to_name_it(admin_user) -> None:
    log = next(entry for entry in REGISTRY if entry.model_label == "admin.LogEntry")
    for text in TEXTS:
        LogEntry.objects.create(user=admin_user, object_repr=text, action_flag=CHANGE)
    in_database = set(log.rows_of("camille@example.fr").values_list("object_repr", flat=True))
    in_files = {text for text in TEXTS if address_in_text("camille@example.fr").search(text)}
    assert in_database == in_files == {text for text, names in TEXTS.items() if names}
