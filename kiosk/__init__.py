"""Star Parent check-in kiosk (星级家长执照 签到终端)."""

__version__ = "0.1.0"
