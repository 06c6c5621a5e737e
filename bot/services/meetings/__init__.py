"""The cell calendar: date rules, meetings, RSVPs and attendance, reminders."""
