from django.urls import path

from joinedup.organisations import views

urlpatterns = [
    path("organisations/<int:pk>/people/", views.organisation_people, name="organisation_people"),
    path(
        "organisations/<int:pk>/people/<int:affiliation_pk>/",
        views.person_change,
        name="person_change",
    ),
    path(
        "organisations/<int:pk>/people/<int:affiliation_pk>/remove/",
        views.person_remove,
        name="person_remove",
    ),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_pk>/withdraw/",
        views.person_invitation_withdraw,
        name="person_invitation_withdraw",
    ),
    path("join/<str:token>/", views.person_invitation, name="person_invitation"),
]
