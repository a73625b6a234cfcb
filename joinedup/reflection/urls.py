from django.urls import path

from joinedup.reflection import views

# Mounted at the site's root: partnership pages carry the partnership's pk themselves.
urlpatterns = [
    path("partnerships/<int:pk>/reflection/", views.practice, name="reflective_practice"),
    path("partnerships/<int:pk>/reflection/new/", views.reflection_new, name="reflection_new"),
    path("partnerships/<int:pk>/learning-sets/new/", views.set_new, name="learning_set_new"),
    path("reflections/<int:pk>/", views.reflection_detail, name="reflection"),
    path("learning-sets/<int:pk>/", views.set_detail, name="learning_set"),
    path("handovers/", views.handover_list, name="handovers"),
    path("handovers/<int:pk>/", views.handover_detail, name="handover"),
]
