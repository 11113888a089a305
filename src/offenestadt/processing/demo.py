from offenestadt.processing.models import ProcessingActivity
from offenestadt.registry.demo import link_demo_records


def load_demo() -> list[str]:
    # Not yet released by the data protection officer: internal.
    link_demo_records(
        ProcessingActivity,
        [
            (
                "Online-Terminvergabe im Bürgerbüro (Demo)",
                ["Digitale Terminvergabe im Bürgerbüro (Demo)"],
                {},
            )
        ],
    )
    return []
