from django.urls import path, register_converter

from survey import views


class TokenConverter:
    """A personal link's token (`secrets.token_urlsafe`): anything else is a 404 before any query."""

    regex = "[A-Za-z0-9_-]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TokenConverter, "token")

app_name = "survey"

urlpatterns = [
    path("<slug:edition>/ouvert/", views.open_link, name="open_link"),
    path("<slug:edition>/ouvert/envoye/", views.open_link_sent, name="open_link_sent"),
    path("<token:token>/", views.welcome, name="welcome"),
    path("<token:token>/relecture/", views.review, name="review"),
    path("<token:token>/partie/<slug:section>/", views.step, name="step"),
    path("<token:token>/partie/<slug:section>/<int:number>/", views.step, name="tool_step"),
    path("<token:token>/partie/<slug:section>/retirer/<int:tool>/", views.remove_tool, name="remove_tool"),
]
