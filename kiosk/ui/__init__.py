"""The kiosk's screens (PySide6).  Screens get their collaborators in their constructors."""
