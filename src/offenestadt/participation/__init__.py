"""Participation: procedures in which residents take part before the city decides.

One package per feature, each with its models, services (every write), rules (who may do
what), forms, views, urls and tests:

- ``procedures``: a procedure with its phases, texts (paragraph by paragraph), meetings and
  result report; its public pages, feeds, API, open-data export and channel figures.
- ``comments``: comments on a procedure, a paragraph or another comment.
- ``proposals``: proposals, their support (once per person online) and the city's answer.
- ``moderation``: reports, hiding with a public reason, the moderation queue.
- ``notifications``: e-mail subscriptions after double opt-in, and sending the news.
- ``amendments``: changing the charter through a procedure.

``models`` registers the features' models with Django; ``urls`` gathers their addresses.
"""
