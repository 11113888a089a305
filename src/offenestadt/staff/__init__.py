"""The staff's workplace: the task inbox ("Meine Aufgaben") and the e-mail notices staff
choose to receive. It reads every domain app and is read by none."""
