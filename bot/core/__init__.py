"""The bottom layer: clock, text folding, phone numbers, i18n, message types, settings and
the database engine. Imported by everything above; imports nothing of chibo's."""
