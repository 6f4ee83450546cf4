from django.urls import path

from survey import views

app_name = "survey"

urlpatterns = [
    path("<slug:edition>/ouvert/", views.open_link, name="open_link"),
    path("<slug:edition>/ouvert/envoye/", views.open_link_sent, name="open_link_sent"),
    path("<str:token>/", views.welcome, name="welcome"),
    path("<str:token>/relecture/", views.review, name="review"),
    path("<str:token>/partie/<slug:section>/", views.step, name="step"),
    path("<str:token>/partie/<slug:section>/<int:number>/", views.step, name="tool_step"),
]
