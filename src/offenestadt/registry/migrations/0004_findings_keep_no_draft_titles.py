"""Stored findings keep the kind and id of a record that is not public, never its title.

Evaluations and council decisions stored before this rule may name a draft linked to the
project (its title, and its own findings, which can name vendors or redacted passages). Each
such finding is rewritten as the engine now writes it: a placeholder for the record and its
status. Records published since are left as they are: their titles are public anyway. The
audit trail is not touched (its entries are chained); it keeps what it recorded.
"""

from django.db import migrations

LINKED = (
    ("contracts", "contract", "contracts"),
    ("processing", "processingactivity", "processing_activities"),
    ("opendata", "dataset", "datasets"),
)
STATUS_LABELS = {
    "de": {
        "met": "erfüllt",
        "violated": "verletzt",
        "missing": "Nachweis fehlt",
        "not_applicable": "nicht anwendbar",
    },
    "en": {
        "met": "met",
        "violated": "violated",
        "missing": "evidence missing",
        "not_applicable": "not applicable",
    },
}


def _drafts_of(project):
    """(placeholder, title) of each record linked to the project that is not public."""
    return [
        (f"⟦{app}.{model}#{record.pk}⟧", record.title)
        for app, model, related in LINKED
        for record in getattr(project, related).filter(published_at__isnull=True)
        if record.title
    ]


def _scrubbed(findings, drafts):
    changed = False
    result = []
    for finding in findings:
        message = finding.get("message", {})
        for placeholder, title in drafts:
            if any(title in text for text in message.values()):
                finding = finding | {
                    "message": {
                        language: f"{placeholder}: {labels.get(finding.get('status'), '')}."
                        for language, labels in STATUS_LABELS.items()
                    }
                }
                changed = True
                break
        result.append(finding)
    return result, changed


def forwards(apps, schema_editor):
    Project = apps.get_model("registry", "Project")
    ProjectEvaluation = apps.get_model("registry", "ProjectEvaluation")
    CouncilOverride = apps.get_model("registry", "CouncilOverride")
    for project in Project.objects.all():
        drafts = _drafts_of(project)
        if not drafts:
            continue
        for model, field in ((ProjectEvaluation, "findings"), (CouncilOverride, "overridden_findings")):
            for row in model.objects.filter(project=project):
                findings, changed = _scrubbed(getattr(row, field), drafts)
                if changed:
                    model.objects.filter(pk=row.pk).update(**{field: findings})


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_channel_wording"),
        ("contracts", "0005_comments"),
        ("processing", "0001_initial"),
        ("opendata", "0002_search_indexes"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
