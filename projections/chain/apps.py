from django.apps import AppConfig


class ChainConfig(AppConfig):
    """Its own app, so that the chain's tables migrate apart from the read models."""

    name = "taolun.projections.chain"
    label = "chain"
    default_auto_field = "django.db.models.BigAutoField"
