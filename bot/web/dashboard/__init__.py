"""The read-only web dashboard for secretaries and committees (see README, "Dashboard")."""
