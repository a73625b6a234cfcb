"""Learning pages under /programmes/<pk>/learning/ (l-coding)."""

from django.urls import path

from joinedup.learning import views

urlpatterns = [
    path("learning/", views.matrix_page, name="learning_matrix"),
    path("learning/framework/", views.framework_page, name="learning_framework"),
    path("learning/framework/import/", views.framework_import, name="learning_framework_import"),
    path("learning/framework.qdc", views.framework_qdc, name="learning_framework_qdc"),
    path("learning/evaluators/", views.evaluators_page, name="learning_evaluators"),
    path("learning/sources/", views.sources_page, name="learning_sources"),
    path("learning/sources/<int:source_pk>/", views.source_page, name="learning_source"),
    path(
        "learning/highlights/<int:highlight_pk>/delete/",
        views.highlight_delete,
        name="learning_highlight_delete",
    ),
    path("learning/themes/<int:theme_pk>/", views.theme_page, name="learning_theme"),
    path(
        "learning/themes/<int:theme_pk>/cases/<int:case_pk>/",
        views.cell_page,
        name="learning_cell",
    ),
    path("learning/matrix.csv", views.export_csv, name="learning_csv"),
    path("learning/matrix.xlsx", views.export_xlsx, name="learning_xlsx"),
    path("learning/project.qdpx", views.export_qdpx, name="learning_qdpx"),
]
