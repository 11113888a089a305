"""A participation procedure: its phases, texts, meetings, result report and public pages."""
