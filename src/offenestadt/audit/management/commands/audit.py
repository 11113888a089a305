from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser

from offenestadt.audit.services import checkpoint_create, records_backfill
from offenestadt.audit.verification import verify_chain


def _checkpoint(value: str) -> tuple[int, str]:
    seq, _, entry_hash = value.partition(":")
    if not seq.isdigit() or len(entry_hash) != 64:
        raise CommandError(f"--checkpoint takes NUMBER:HASH (64 hex digits), not {value!r}")
    return int(seq), entry_hash.lower()


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain, publish a checkpoint of its head, or take in "
        "the records stored before their model was audited."
    )
    # The system checks import every view and URL (half of verify's memory and seconds of
    # its start) and check nothing the chain depends on; `offenestadt manage check` runs them.
    requires_system_checks = ()

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Recompute the chain; exit 1 at the first break.")
        verify.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="NUMBER:HASH",
            help="A checkpoint you saved earlier (from /audit/checkpoints); repeatable.",
        )
        sub.add_parser("checkpoint", help="Publish the current head as a checkpoint.")
        backfill = sub.add_parser(
            "backfill",
            help="Once after an upgrade that audits a model: give its earlier records their "
            "first entry (shown as recorded afterwards).",
        )
        backfill.add_argument("model", help="The model, as APP.MODEL (e.g. participation.report).")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "backfill":
            self._backfill(options["model"])
            return
        if action == "checkpoint":
            checkpoint = checkpoint_create()
            self.stdout.write(f"checkpoint {checkpoint.seq}:{checkpoint.entry_hash}")
            return
        saved = [_checkpoint(value) for value in options["checkpoint"]]
        report = verify_chain(checkpoints=saved)
        if not report.ok:
            if report.broken_seq:
                first = (
                    f"audit chain broken at entry {report.broken_seq}: {report.problem} "
                    f"({report.entries} entries before it verified)"
                )
            else:
                first = (
                    f"audit trail incomplete: {report.problem} ({report.entries} entries verified)"
                )
            also = [f"also: {problem}" for problem in report.problems[1:]]
            raise CommandError("\n".join([first, *also]))
        self.stdout.write(
            f"audit chain ok: {report.entries} entries, head {report.head_hash}; "
            f"{report.records} records agree with it"
        )

    def _backfill(self, label: str) -> None:
        audited = sorted(
            model._meta.label_lower
            for model in apps.get_models()
            if getattr(model, "audit_fields", None)
        )
        if label.lower() not in audited:
            raise CommandError(
                f"{label!r} is not an audited model; audited models: {', '.join(audited)}"
            )
        taken = records_backfill(model=apps.get_model(label))
        self.stdout.write(f"{label.lower()}: {taken} records taken into the audit trail")
