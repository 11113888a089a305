"""Role x upload: who works with raw data at all, whose uploads each sees (the same answer as
a queryset, for the list), and who reviews an anonymized result in which state."""

import pytest
from django.contrib.auth.models import AnonymousUser

from offenestadt.accounts.models import Office, User
from offenestadt.opendata.catalogue.tests.test_rules import dataset
from offenestadt.opendata.pipeline import rules
from offenestadt.opendata.pipeline.models import PipelineStatus, RawUpload

# who: (uses the pipeline, sees every upload, sees the editor's office's upload, sees the
# other office's upload, reviews a result waiting for review)
EXPECTED = {
    "anonymous": (False, False, False, False, False),
    "resident": (False, False, False, False, False),
    "editor": (True, False, True, False, False),
    "other_editor": (True, False, False, True, False),
    "dpo": (True, True, True, True, True),
    "council": (False, False, False, False, False),
    "admin": (True, True, True, True, False),
}


def upload(name: str, office: Office, by: User, status: PipelineStatus) -> RawUpload:
    return RawUpload.objects.create(
        dataset=dataset(name, office),
        file=f"raw/{name}.csv",
        original_name=f"{name}.csv",
        uploaded_by=by,
        status=status,
    )


@pytest.mark.parametrize("who", EXPECTED)
def test_who_sees_and_reviews_raw_uploads(
    who: str,
    people: dict[str, User | None],
    office: Office,
    other_office: Office,
    editor: User,
    other_editor: User,
) -> None:
    ours = upload("unserer", office, editor, PipelineStatus.REVIEW)
    theirs = upload("ihrer", other_office, other_editor, PipelineStatus.SCANNED)
    user = people[who] or AnonymousUser()
    uses, sees_all, own, other, reviews = EXPECTED[who]
    assert rules.uses_pipeline(user) is uses
    assert rules.sees_all_uploads(user) is sees_all
    assert rules.reviews_uploads(user) is (who == "dpo")
    assert rules.can_see_upload(user, ours) is own
    assert rules.can_see_upload(user, theirs) is other
    assert rules.can_review_upload(user, ours) is reviews
    # Only a result waiting for review is decided on.
    assert rules.can_review_upload(user, theirs) is False
    if uses:
        allowed = {ours: own, theirs: other}
        expected = sorted((u for u, may in allowed.items() if may), key=lambda u: u.pk)
        assert list(rules.visible_uploads(user).order_by("pk")) == expected


def test_the_dpo_never_reviews_their_own_upload(dpo: User, office: Office) -> None:
    own = upload("eigener", office, dpo, PipelineStatus.REVIEW)
    assert not rules.can_review_upload(dpo, own)
