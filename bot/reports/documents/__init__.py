"""The secretary's paperwork as Word documents in the Party's format (Hướng dẫn 36-HD/VPTW):
minutes of a meeting, a cell's monthly report, a committee's summary, members' year records."""
