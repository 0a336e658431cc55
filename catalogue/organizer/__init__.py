"""The organizer side: accounts, login, roles and the dashboard."""
