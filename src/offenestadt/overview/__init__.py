"""The programme's state for residents and the council: the public dashboard and the
council's annual report. It reads every domain app and is read by none."""
