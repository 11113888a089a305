import ctypes
import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

from offenestadt.core import server
from offenestadt.core.demo_loader import DemoChoiceError, load_demo_content
from offenestadt.demo_folder import mark_demo

# prctl(2): the signal this process receives when its parent dies.
PR_SET_PDEATHSIG = 1


class Command(BaseCommand):
    help = (
        "Migrate the database, load the demo programme (idempotent) and serve it, with the "
        "task worker beside it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        server.add_arguments(parser)
        parser.add_argument(
            "--dev",
            action="store_true",
            help="Serve with Django's development server, reloading on code changes.",
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="Only migrate and load the demo content."
        )
        parser.add_argument(
            "--charter",
            metavar="NAME",
            default="",
            help="Start the demo with a charter that ships with the platform, by name: "
            "smart-city-charta (four guidelines after the federal Smart City Charta) or "
            "sieben-grundsaetze (the default). A demo started before keeps its charter.",
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        workers: int,
        threads: int,
        dev: bool,
        no_serve: bool,
        charter: str,
        **options: Any,
    ) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if charter:
            settings.DEMO_CHARTER = charter
        try:
            notes = load_demo_content()
        except DemoChoiceError as error:
            raise CommandError(str(error), returncode=2) from None
        if settings.DEMO_MODE:
            # Commands run beside the demo, on its database, are in demo mode too.
            mark_demo(settings.DATA_DIR, settings.DATABASES["default"])
        self.stdout.write(self.style.SUCCESS("Demo-Inhalte geladen."))
        for line in notes:
            self.stdout.write(line)
        address = f"[{host}]" if ":" in host else host
        if "SITE_URL" not in os.environ:
            # Links in the demo's e-mails (printed to the console) lead to this server, not
            # to the default port where another demo may run.
            settings.SITE_URL = f"http://{address}:{port}"
        if no_serve:
            return
        # The server's workers and the task worker start afresh and read it from here.
        os.environ["SITE_URL"] = settings.SITE_URL
        self.stdout.write(f"Offene Stadt (Demo) läuft auf http://{address}:{port}/")
        # The development server's reloader runs this command again in a child process:
        # the worker started by the first run serves both.
        worker = None if os.environ.get(DJANGO_AUTORELOAD_ENV) else _start_worker()
        try:
            if dev:
                call_command("runserver", f"{address}:{port}")
            else:
                server.serve(host, port, workers=workers, threads=threads)
        finally:
            if worker is not None:
                _stop(worker)


def _start_worker() -> subprocess.Popen[bytes]:
    """The task worker as a child process, in a session of its own: Ctrl+C in the terminal
    reaches the demo only, which then stops the worker once, letting a running task finish.
    On Linux it is also stopped when the demo dies without cleaning up."""

    def die_with_parent() -> None:
        if sys.platform == "linux":
            ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)

    return subprocess.Popen(
        [sys.executable, "-m", "offenestadt", "worker", "--no-startup-delay"],
        start_new_session=True,
        preexec_fn=die_with_parent,
    )


def _stop(worker: subprocess.Popen[bytes]) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=server.SHUTDOWN_TIMEOUT)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
