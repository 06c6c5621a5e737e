"""Roster: importing members and households from files, and changes that keep history."""
