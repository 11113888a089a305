"""The one base of every Atom feed of the platform (RFC 4287): the city that publishes the
site is each feed's author, so every entry has one even where no person may be named
(contributors stay out of feeds), and the feed links to itself and to its page."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed


class AtomFeed[Item, Obj](Feed[Item, Obj]):
    feed_type = Atom1Feed

    def author_name(self) -> str:
        return settings.OPERATOR_NAME

    def author_email(self) -> str:
        return settings.OPERATOR_EMAIL

    def author_link(self) -> str:
        return f"{settings.SITE_URL}/"
