"""The edition's pages from which staff send its invitations and reminders and import a contacts or a
responses file; the work itself is done by jobs (survey/tasks.py), never in the request."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Manager
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from survey import invitations, services
from survey.forms import ContactFileForm, UploadForm
from survey.models import Contact, Edition, UploadedFile


class EditionStaffPages:
    """Pages of EditionAdmin (a ModelAdmin, whose `_require` checks the permissions of a page)."""

    def staff_page_urls(self) -> list:
        return [
            path(
                "<int:pk>/envoyer-invitations/",
                self.admin_site.admin_view(self.send_invitations),
                name="survey_edition_send_invitations",
            ),
            path(
                "<int:pk>/envoyer-relance/",
                self.admin_site.admin_view(self.send_reminders),
                name="survey_edition_send_reminders",
            ),
            path(
                "<int:pk>/importer-contacts/",
                self.admin_site.admin_view(self.import_contacts),
                name="survey_edition_import_contacts",
            ),
            path(
                "<int:pk>/importer-reponses/",
                self.admin_site.admin_view(self.import_responses),
                name="survey_edition_import_responses",
            ),
        ]

    def send_invitations(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Confirm, with the number of contacts it reaches, then queue the invitations."""
        return self._send_emails(request, pk, reminder=False)

    def send_reminders(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Confirm, with the number of contacts each reaches, then queue a reminder (the next one by
        default; an earlier one again reaches only those it has not reached yet)."""
        return self._send_emails(request, pk, reminder=True)

    def _send_emails(self, request: HttpRequest, pk: int, *, reminder: bool) -> HttpResponse:
        self._require(request, "survey.change_edition", "survey.view_contact")
        edition = get_object_or_404(Edition, pk=pk)
        contacts = Contact.objects.filter(edition=edition)
        rounds = range(1, invitations.next_reminder(edition) + 1) if reminder else range(0, 1)
        choices = [(number, contacts.owed_email(number).count()) for number in rounds]
        chosen = max((number for number, count in choices if count), default=rounds[-1])
        if request.method == "POST":
            try:
                chosen = int(request.POST.get("round", chosen))
            except ValueError:
                chosen = -1
            if chosen not in rounds:
                raise PermissionDenied
            try:
                owed = invitations.request_invitations(edition=edition, round=chosen)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    (
                        ngettext(
                            "L'invitation de %(count)d contact est en file d'attente : le worker l'envoie.",
                            "Les invitations de %(count)d contacts sont en file d'attente : le worker les "
                            "envoie, quelques-unes par seconde.",
                            owed,
                        )
                        if chosen == 0
                        else ngettext(
                            "La relance n° %(round)d de %(count)d contact est en file d'attente : le worker "
                            "l'envoie.",
                            "La relance n° %(round)d de %(count)d contacts est en file d'attente : le worker "
                            "l'envoie, quelques courriels par seconde.",
                            owed,
                        )
                    )
                    % {"count": owed, "round": chosen},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:survey_edition_dashboard", args=[edition.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": (
                _("Envoyer une relance aux contacts de l'édition %(code)s")
                if reminder
                else _("Envoyer les invitations de l'édition %(code)s")
            )
            % {"code": edition.code},
            "edition": edition,
            "opts": self.model._meta,
            "reminder": reminder,
            "choices": choices,
            "chosen": chosen,
            "anyone": any(count for _number, count in choices),
        }
        return TemplateResponse(request, "survey/admin/send_emails.html", context)

    def import_responses(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Upload a long-format responses file; a job imports it, and this page shows the outcome."""
        self._require(request, "survey.view_edition", "survey.add_response")
        edition = get_object_or_404(Edition, pk=pk)
        return self._import_file(
            request,
            edition,
            form=UploadForm(request.POST or None, request.FILES or None),
            queue=services.queue_response_import,
            uploads=edition.response_imports,
            title=_("Importer des réponses dans l'édition %(code)s"),
            template="survey/admin/import_responses.html",
        )

    def import_contacts(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Upload a contacts file; a job imports it, and this page shows the outcome. A file that cannot
        be read at all is refused at once."""
        self._require(request, "survey.view_edition", "survey.add_contact")
        edition = get_object_or_404(Edition, pk=pk)
        return self._import_file(
            request,
            edition,
            form=ContactFileForm(request.POST or None, request.FILES or None),
            queue=services.queue_contact_import,
            uploads=edition.contact_imports,
            title=_("Importer des contacts dans l'édition %(code)s"),
            template="survey/admin/import_contacts.html",
        )

    def _import_file(
        self,
        request: HttpRequest,
        edition: Edition,
        *,
        form: UploadForm,
        queue: Callable[..., UploadedFile],
        uploads: Manager,
        title: str,
        template: str,
    ) -> HttpResponse:
        if form.is_bound and form.is_valid():
            upload = form.cleaned_data["file"]
            queue(edition=edition, file_name=upload.name, data=upload.read(), by=request.user)
            self.message_user(
                request,
                _(
                    "Fichier %(name)s reçu : son import est en file d'attente. Son résultat s'affiche "
                    "ci-dessous une fois le fichier traité (rechargez la page)."
                )
                % {"name": upload.name},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": title % {"code": edition.code},
            "edition": edition,
            "opts": self.model._meta,
            "form": form,
            "uploads": uploads.select_related("uploaded_by")[:20],
        }
        return TemplateResponse(request, template, context, status=400 if form.is_bound else 200)
