"""The anonymization library's commands (`offenestadt scan`, `offenestadt anonymize`): no Django."""
