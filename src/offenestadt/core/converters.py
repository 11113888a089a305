"""URL path converters every app's urls share."""

import re
from collections.abc import Iterable


def words_converter(words: Iterable[str]) -> type:
    """A path converter that matches exactly the given words (e.g. the kinds of a record)."""

    class WordsConverter:
        regex = "|".join(re.escape(word) for word in words)

        def to_python(self, value: str) -> str:
            return value

        def to_url(self, value: str) -> str:
            return value

    return WordsConverter
