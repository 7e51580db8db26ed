from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "taolun.projections.history"
    label = "history"
    default_auto_field = "django.db.models.BigAutoField"
