from django.apps import AppConfig


class AsOfConfig(AppConfig):
    name = "taolun.projections.as_of"
    label = "as_of"
    default_auto_field = "django.db.models.BigAutoField"
