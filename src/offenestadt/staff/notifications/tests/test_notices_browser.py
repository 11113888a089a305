"""In Chromium: an editor chooses her notices on the preferences page, the DPO returns her
entry with a comment on its page, and the task worker (the real one, `db_worker --batch`)
sends her the notice: in the outbox, with the comment and a link under SITE_URL.

Everything in the database is prepared before Chromium starts and checked after it has
closed (see offenestadt.core.tests.browser.chromium).
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from offenestadt.accounts.models import Office, Role, User
from offenestadt.core.tests.browser import (
    axe_source,
    chromium,
    describe_violations,
    run_axe,
    sign_in,
    staff_account,
)
from offenestadt.processing import services as processing_services
from offenestadt.processing.models import ProcessingActivity
from offenestadt.processing.tests.test_review import complete_activity
from offenestadt.registry.tests.factories import ProjectFactory
from offenestadt.staff.notifications import selectors
from offenestadt.staff.notifications.models import NoticeKind

pytestmark = pytest.mark.browser

SITE = "https://stadt.example.org"
COMMENT = "Bitte die Speicherdauer der Namen begründen."


@pytest.fixture
def submitted(transactional_db: None, settings: Any) -> tuple[ProcessingActivity, User, User]:
    settings.SITE_URL = SITE
    office = Office.objects.create(slug="buergeramt", name="Bürgeramt")
    editor = User.objects.create_user(
        username="redaktion", role=Role.EDITOR, office=office, email="redaktion@example.org"
    )
    dpo = User.objects.create_user(username="datenschutz", role=Role.DPO)
    project = ProjectFactory.create(office=office, processes_personal_data=True)
    activity = complete_activity(editor, project)
    processing_services.activity_submit(actor=editor, activity=activity)
    return activity, editor, dpo


def new_page(browser: Browser) -> Page:
    return browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900}).new_page()


def test_a_return_in_the_browser_reaches_the_editor_as_she_chose(
    live_server: LiveServer,
    submitted: tuple[ProcessingActivity, User, User],
    pytestconfig: pytest.Config,
    run_worker: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    activity, editor_user, dpo_user = submitted
    editor, dpo = staff_account(editor_user), staff_account(dpo_user)
    axe = axe_source(pytestconfig.rootpath)
    base = live_server.url
    mail.outbox.clear()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        page = new_page(browser)
        sign_in(page, base, editor, "/aufgaben/benachrichtigungen/")
        assert describe_violations(page.url, run_axe(page, axe)) == []
        page.get_by_label("Freigaben meiner Einträge").uncheck()
        page.get_by_role("button", name="Speichern").click()
        expect(page.get_by_text("Ihre Auswahl ist gespeichert.")).to_be_visible()
        expect(page.get_by_label("Freigaben meiner Einträge")).not_to_be_checked()
        expect(
            page.get_by_label("Einträge, die mir zurückgegeben wurden, mit dem Kommentar")
        ).to_be_checked()

        page = new_page(browser)
        sign_in(page, base, dpo, activity.get_absolute_url())
        page.get_by_label("Anmerkungen").fill(COMMENT)
        page.get_by_role("button", name="Mit Anmerkungen zurückgeben").click()
        page.wait_for_load_state()
        expect(page.get_by_text(COMMENT)).to_be_visible()
    assert selectors.notices_chosen_by(editor_user) == set(NoticeKind) - {NoticeKind.APPROVED}
    run_worker()
    (message,) = [m for m in mail.outbox if m.to == ["redaktion@example.org"]]
    assert message.subject == f"Zurückgegeben: „{activity.title}“"
    assert COMMENT in str(message.body)
    assert f"{SITE}/verarbeitungen/{activity.slug}/#pruefung" in str(message.body)
