from django.apps import AppConfig


class ProjectionsConfig(AppConfig):
    name = "taolun.projections"
    label = "projections"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from taolun.projections.subtree import register_lookups

        register_lookups()
