"""Pieces shared by the staff screens (close-out, admin, PIN pad): sizes, messages, the arrival chart."""
