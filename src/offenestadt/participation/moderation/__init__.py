"""Moderation: reports, hiding with a public reason, and the queue of decisions."""
