from django.apps import AppConfig


class CspplanConfig(AppConfig):
    name = "cspplan"
    verbose_name = "cspplan"

    def ready(self) -> None:
        # Registers the start-up checks (the shared cache); imported for that side effect.
        from cspplan import checks  # noqa: F401
