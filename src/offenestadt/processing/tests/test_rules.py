"""Role x action: who may enter, change, submit and review entries of the register, and
which entries each may change (the same answer as a queryset)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from offenestadt.accounts.models import Office, User
from offenestadt.processing import rules
from offenestadt.processing.models import ProcessingActivity, ReviewStatus

# who: (creates an entry, chooses its office, sees the review queue, edits and submits an
# entry of the editor's office, one of the other office, one without an office, reviews a
# submitted entry)
EXPECTED = {
    "anonymous": (False, False, False, False, False, False, False),
    "resident": (False, False, False, False, False, False, False),
    "editor": (True, False, False, True, False, False, False),
    "other_editor": (True, False, False, False, True, False, False),
    "dpo": (False, False, True, False, False, False, True),
    "council": (False, False, False, False, False, False, False),
    "admin": (True, True, True, True, True, True, False),
}


@pytest.mark.parametrize("who", EXPECTED)
def test_who_does_what_in_the_register(
    who: str, people: dict[str, User | None], office: Office, other_office: Office
) -> None:
    ours = ProcessingActivity.objects.create(slug="unsere", title="Unsere", office=office)
    theirs = ProcessingActivity.objects.create(slug="ihre", title="Ihre", office=other_office)
    platform = ProcessingActivity.objects.create(slug="plattform", title="Plattform")
    submitted = ProcessingActivity.objects.create(
        slug="eingereicht",
        title="Eingereicht",
        office=office,
        review_status=ReviewStatus.SUBMITTED,
    )
    user = people[who] or AnonymousUser()
    creates, office_choice, queue, own, other, without, reviews = EXPECTED[who]
    assert rules.can_create_activity(user) is creates
    assert rules.can_choose_office(user) is office_choice
    assert rules.can_see_review_queue(user) is queue
    assert rules.can_edit_activity(user, ours) is own
    assert rules.can_submit_activity(user, ours) is own
    assert rules.can_edit_activity(user, theirs) is other
    assert rules.can_edit_activity(user, platform) is without
    assert rules.can_review_activity(user, submitted) is reviews
    assert rules.can_submit_activity(user, submitted) is False
    allowed = {ours: own, submitted: own, theirs: other, platform: without}
    expected = {activity for activity, may in allowed.items() if may}
    # The platform's own entries come with the database; only these four are asked about.
    editable = rules.activities_editable_by(user).filter(pk__in=[a.pk for a in allowed])
    assert set(editable) == expected


def test_the_dpo_does_not_review_what_they_submitted(dpo: User, office: Office) -> None:
    activity = ProcessingActivity.objects.create(
        slug="selbst",
        title="Selbst",
        office=office,
        review_status=ReviewStatus.SUBMITTED,
        submitted_by=dpo,
    )
    assert rules.can_review_activity(dpo, activity) is False
