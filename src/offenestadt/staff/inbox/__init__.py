"""The task inbox ("Meine Aufgaben"): what waits for a member of staff, each with its page."""
