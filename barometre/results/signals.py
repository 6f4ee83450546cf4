"""Cached results follow the answers: a write that can change an edition's indicators invalidates them.

Every path that changes answers also saves or deletes their response in the same transaction (a
page saved, a tool removed, a response submitted or imported, a response deleted), so the
response's signals are the main trigger. Answer deletions are not watched: a receiver would stop
Django from deleting a page's answers in one statement, and they always come with their response's
save. A single answer edited through the admin, and reworded questions or choices, are watched.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from barometre.results.figures import invalidate
from survey.models import Answer, Choice, Edition, Question, Response


@receiver([post_save, post_delete], sender=Response, dispatch_uid="barometre_response_changed")
def response_changed(sender: type, instance: Response, **kwargs) -> None:
    invalidate(instance.edition_id)


@receiver(post_save, sender=Answer, dispatch_uid="barometre_answer_changed")
def answer_changed(sender: type, instance: Answer, **kwargs) -> None:
    invalidate(instance.response.edition_id)


@receiver([post_save, post_delete], sender=Edition, dispatch_uid="barometre_edition_changed")
def edition_changed(sender: type, instance: Edition, **kwargs) -> None:
    invalidate(instance.pk)


@receiver(post_save, sender=Question, dispatch_uid="barometre_question_changed")
def question_changed(sender: type, instance: Question, **kwargs) -> None:
    invalidate(instance.edition_id)


@receiver(post_save, sender=Choice, dispatch_uid="barometre_choice_changed")
def choice_changed(sender: type, instance: Choice, **kwargs) -> None:
    invalidate(instance.question.edition_id)
