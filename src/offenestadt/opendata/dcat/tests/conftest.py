"""The demo catalogue, loaded once for each test module of the DCAT catalogue."""

from collections.abc import Iterator

import pytest
from django.db import transaction

from offenestadt.accounts.models import User
from offenestadt.core.demo_loader import load_demo_content


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The demo catalogue (two datasets with CSV files and the infrastructure register's) for
    every test of this module."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_content()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def admin(db) -> User:
    return User.objects.get(username="admin")
